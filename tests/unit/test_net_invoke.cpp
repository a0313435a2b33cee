// Worker-mode task registry: call_task registers every task; an invoker runs it from bytes.
#include "local/task_binding.hpp"
#include "net/file_staging.hpp"
#include "net/worker.hpp"

#include "test_support.hpp"

#include <compss/detail/remote_invoke.hpp>
#include <compss/exception.hpp>
#include <compss/this_task.hpp>

#include <stdlib.h>  // mkdtemp

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <string>
#include <variant>
#include <vector>

using namespace compss::detail;
using namespace compss::net;

namespace {

int scale_add(const std::vector<int>& v, int k, std::vector<int>& out) {
  out.clear();
  for (int x : v) out.push_back(x * k);
  return static_cast<int>(v.size());
}
void explode(int) { throw std::invalid_argument("no such thing"); }
void by_pointer(int* p) { ++*p; }
// A subclass of compss::Exception: a local run reports it as compss::Exception (it
// cancels the task's group), so must a worker.
struct Refused : compss::Exception {
  using compss::Exception::Exception;
};
void refuse(int) { throw Refused("refused"); }
// in(x[n]) inout(y[n]) out(z[n]): z starts zero-filled on a worker.
void axpy(const double* x, double* y, double* z, int n) {
  for (int i = 0; i < n; ++i) {
    y[i] += x[i];
    z[i] += 2 * x[i];
  }
}

constexpr ParamSpec scale_params[] = {{Direction::in, ParamKind::object, "v"},
                                      {Direction::in, ParamKind::object, "k"},
                                      {Direction::out, ParamKind::object, "out"}};
constexpr TaskSpec scale_spec{"scale_add", "int scale_add(const std::vector<int> &, int, std::vector<int> &)",
                              scale_params, 3};
constexpr ParamSpec one_in[] = {{Direction::in, ParamKind::object, "x"}};
constexpr TaskSpec explode_spec{"explode", "void explode(int)", one_in, 1};
constexpr TaskSpec refuse_spec{"refuse", "void refuse(int)", one_in, 1};
constexpr ParamSpec one_inout[] = {{Direction::inout, ParamKind::object, "p"}};
constexpr TaskSpec pointer_spec{"by_pointer", "void by_pointer(int *)", one_inout, 1};
// inout(words[n]): elements that are not raw bytes travel one by one.
void shout(std::string* words, int n) {
  for (int i = 0; i < n; ++i) words[i] += "!";
}
constexpr ParamSpec shout_params[] = {{Direction::inout, ParamKind::object, "words", true},
                                      {Direction::in, ParamKind::object, "n"}};
constexpr TaskSpec shout_spec{"shout", "void shout(std::string *, int)", shout_params, 2};
constexpr ParamSpec axpy_params[] = {{Direction::in, ParamKind::object, "x", true},
                                     {Direction::inout, ParamKind::object, "y", true},
                                     {Direction::out, ParamKind::object, "z", true},
                                     {Direction::in, ParamKind::object, "n"}};
constexpr TaskSpec axpy_spec{"axpy", "void axpy(const double *, double *, double *, int)",
                             axpy_params, 4};

// file_in(src) file_out(dst), paths given as const char* and std::filesystem::path (SPEC
// section 2): both travel like a std::string path.
void shout_file(const char* src, const std::filesystem::path& dst) {
  std::ifstream in(src);
  std::ostringstream text;
  text << in.rdbuf();
  std::ofstream(dst) << text.str() << "!";
}
constexpr ParamSpec shout_file_params[] = {{Direction::in, ParamKind::file, "src"},
                                           {Direction::out, ParamKind::file, "dst"}};
constexpr TaskSpec shout_file_spec{"shout_file",
                                   "void shout_file(const char *, const std::filesystem::path &)",
                                   shout_file_params, 2};

// A trivially copyable class holding an address: C++ would send it as bytes; compss-cc
// marks such a task master_only (tests/lit/warn-serializable-address-member.cpp).
struct View {
  const int* data;
  int size;
};
int view_size(View v) { return v.size; }
constexpr ParamSpec one_view[] = {{Direction::in, ParamKind::object, "v"}};
constexpr TaskSpec view_spec{.name = "view_size", .signature = "int view_size(View)",
                             .params = one_view, .param_count = 1, .master_only = true};

// Instantiates the call sites, as a program built by compss-cc would; never called.
[[maybe_unused]] void call_sites() {
  std::vector<int> v, out;
  int x = 0;
  call_task<scale_spec, &scale_add>(v, 2, out);
  call_task<explode_spec, &explode>(1);
  call_task<refuse_spec, &refuse>(1);
  call_task<pointer_spec, &by_pointer>(&x);
  double a[3] = {}, b[3] = {}, c[3] = {};
  call_task<axpy_spec, &axpy>(section<const double>(a, 3), section(b, 3), section(c, 3), 3);
  std::string words[2];
  call_task<shout_spec, &shout>(section(words, 2), 2);
  call_task<view_spec, &view_size>(View{&x, 1});
  call_task<shout_file_spec, &shout_file>("in.txt", std::filesystem::path("out.txt"));
}

/// An array section's parameter: its elements inline (or none, for `out`) and its extent.
WireParam section_param(std::uint8_t direction, std::uint64_t extent,
                        const std::vector<double>* elements) {
  WireParam p;
  p.data_id = 20 + direction;
  p.version = 1;
  p.stored_as = 2;  // (the version a write is stored as, named by the master)
  p.direction = direction;
  p.size = extent;
  if (elements != nullptr) {
    p.has_value = true;
    p.value = compss::to_bytes(*elements);
  }
  return p;
}

WireParam value(std::vector<std::byte> bytes) {
  WireParam p;
  p.has_value = true;
  p.value = std::move(bytes);
  return p;
}

}  // namespace

TEST(NetInvoke, CallTaskRegistersEveryTaskAtStartup) {
  const RemoteTask* t = find_remote_task(scale_spec.signature);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->serializable);
  EXPECT_EQ(find_remote_task("void nothing()"), nullptr);
}

TEST(NetInvoke, InvokerRunsTaskFromBytesAndReturnsOutputs) {
  TaskRequest r{5, scale_spec.signature, {}};
  r.params.push_back(value(compss::to_bytes(std::vector<int>{1, 2, 3})));
  r.params.push_back(value(compss::to_bytes(10)));
  r.params.push_back(WireParam{.data_id = 8, .version = 1, .stored_as = 2, .direction = 1});  // out: no value sent
  Message reply = execute_request(r);
  auto& done = std::get<TaskDone>(reply);
  EXPECT_EQ(done.task_id, 5u);
  ASSERT_EQ(done.outputs.size(), 2u);  // the result, then `out`
  int result = 0;
  compss::from_bytes(done.outputs[0].value, result);
  EXPECT_EQ(result, 3);
  std::vector<int> out;
  compss::from_bytes(done.outputs[1].value, out);
  EXPECT_EQ(out, (std::vector<int>{10, 20, 30}));
  EXPECT_EQ(done.outputs[1].data_id, 8u);
  EXPECT_EQ(done.outputs[1].version, 2u);
}

TEST(NetInvoke, TaskExceptionTravelsAsTypeAndMessage) {
  TaskRequest r{6, explode_spec.signature, {value(compss::to_bytes(1))}};
  auto f = std::get<TaskFailed>(execute_request(r));
  EXPECT_EQ(f.exception_type, "std::invalid_argument");
  EXPECT_EQ(f.message, "no such thing");
}

TEST(NetInvoke, ASubclassOfCompssExceptionTravelsAsCompssException) {
  TaskRequest r{7, refuse_spec.signature, {value(compss::to_bytes(1))}};
  auto f = std::get<TaskFailed>(execute_request(r));
  EXPECT_EQ(f.exception_type, "compss::Exception");  // (the master cancels the group on it)
  EXPECT_EQ(f.message, "refused");
}

TEST(NetInvoke, BadInputsAreReportedNotCrashed) {
  TaskRequest wrong_count{1, explode_spec.signature, {}};
  EXPECT_NE(std::get<TaskFailed>(execute_request(wrong_count)).message.find("expects 1 parameters"),
            std::string::npos);
  TaskRequest short_bytes{2, explode_spec.signature, {value({std::byte{1}})}};
  EXPECT_NE(std::get<TaskFailed>(execute_request(short_bytes)).message.find("cannot deserialize"),
            std::string::npos);
  TaskRequest unknown{3, "void nope()", {}};
  EXPECT_NE(std::get<TaskFailed>(execute_request(unknown)).message.find("no task with signature"),
            std::string::npos);
}

TEST(NetInvoke, PointerParameterIsNotSerializable) {
  const RemoteTask* t = find_remote_task(pointer_spec.signature);
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(t->serializable);
  TaskRequest r{4, pointer_spec.signature, {value(compss::to_bytes(1))}};
  auto f = std::get<TaskFailed>(execute_request(r));
  EXPECT_NE(f.message.find("parameter 'p' is not serializable"), std::string::npos) << f.message;
}

TEST(NetInvoke, ArraySectionsTravelAsTheirElements) {
  const RemoteTask* t = find_remote_task(axpy_spec.signature);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->serializable);
  const std::vector<double> x{1, 2, 3}, y{10, 20, 30};
  TaskRequest r{9, axpy_spec.signature, {}};
  r.params.push_back(section_param(static_cast<std::uint8_t>(Direction::in), 3, &x));
  r.params.push_back(section_param(static_cast<std::uint8_t>(Direction::inout), 3, &y));
  r.params.push_back(section_param(static_cast<std::uint8_t>(Direction::out), 3, nullptr));
  r.params.push_back(value(compss::to_bytes(3)));
  Message reply = execute_request(r);
  ASSERT_TRUE(std::holds_alternative<TaskDone>(reply)) << std::get<TaskFailed>(reply).message;
  auto& done = std::get<TaskDone>(reply);
  ASSERT_EQ(done.outputs.size(), 2u);  // y, then z: the written sections, in the archive
  std::vector<double> y2, z;           // form of a vector (as the master's section loads)
  compss::from_bytes(done.outputs[0].value, y2);
  compss::from_bytes(done.outputs[1].value, z);
  EXPECT_EQ(y2, (std::vector<double>{11, 22, 33}));
  EXPECT_EQ(z, (std::vector<double>{2, 4, 6}));  // allocated with the extent, zero-filled
  EXPECT_EQ(done.outputs[1].data_id, 20u + static_cast<std::uint8_t>(Direction::out));
  EXPECT_EQ(done.outputs[1].version, 2u);
}

TEST(NetInvoke, ASectionValueOfAnotherLengthIsAnErrorNotAnOverflow) {
  const std::vector<double> x{1, 2, 3}, shorter{10, 20};
  TaskRequest r{10, axpy_spec.signature, {}};
  r.params.push_back(section_param(static_cast<std::uint8_t>(Direction::in), 3, &x));
  r.params.push_back(section_param(static_cast<std::uint8_t>(Direction::inout), 3, &shorter));
  r.params.push_back(section_param(static_cast<std::uint8_t>(Direction::out), 3, nullptr));
  r.params.push_back(value(compss::to_bytes(3)));
  auto f = std::get<TaskFailed>(execute_request(r));
  EXPECT_EQ(f.exception_type, "compss::Error");
  EXPECT_NE(f.message.find("parameter 'y' is an array section of 3 elements, but its value has 2"),
            std::string::npos)
      << f.message;
}

TEST(NetInvoke, AnOutSectionLargerThanAFrameCanCarryIsRejectedBeforeAllocating) {
  // The extent comes from the wire: an `out` section is allocated with it. 2^61 doubles
  // would throw std::length_error or bad_alloc (or take the worker's memory); no answer
  // could carry more than one frame's payload anyway.
  const std::vector<double> x{1, 2, 3}, y{10, 20, 30};
  TaskRequest r{12, axpy_spec.signature, {}};
  r.params.push_back(section_param(static_cast<std::uint8_t>(Direction::in), 3, &x));
  r.params.push_back(section_param(static_cast<std::uint8_t>(Direction::inout), 3, &y));
  r.params.push_back(
      section_param(static_cast<std::uint8_t>(Direction::out), std::uint64_t{1} << 61, nullptr));
  r.params.push_back(value(compss::to_bytes(3)));
  auto f = std::get<TaskFailed>(execute_request(r));
  EXPECT_EQ(f.exception_type, "compss::Error");
  EXPECT_NE(f.message.find("parameter 'z' is an array section of 2305843009213693952 elements"),
            std::string::npos)
      << f.message;
  EXPECT_NE(f.message.find("more than one message can carry"), std::string::npos) << f.message;
}

TEST(NetInvoke, ASectionOfStringsTravelsElementByElement) {
  // The master sends it as ArraySection<std::string> (section_vtable) does; it comes back
  // in the same form.
  std::string words[2] = {"hello", "world"};
  compss::detail::SectionRef ref{words, 2};
  compss::OutputArchive out;
  section_vtable<std::string>.save(&ref, out);
  WireParam p;
  p.data_id = 30;
  p.version = 1;
  p.stored_as = 2;
  p.direction = static_cast<std::uint8_t>(Direction::inout);
  p.size = 2;
  p.has_value = true;
  p.value = out.take();
  TaskRequest r{11, shout_spec.signature, {p, value(compss::to_bytes(2))}};
  Message reply = execute_request(r);
  ASSERT_TRUE(std::holds_alternative<TaskDone>(reply)) << std::get<TaskFailed>(reply).message;
  auto& done = std::get<TaskDone>(reply);
  ASSERT_EQ(done.outputs.size(), 1u);
  compss::InputArchive in(done.outputs[0].value);
  section_vtable<std::string>.load(&ref, in);  // loads into the master's array
  EXPECT_EQ(words[0], "hello!");
  EXPECT_EQ(words[1], "world!");
}

TEST(NetInvoke, FilePathsGivenAsCharPointerOrFilesystemPathTravel) {
  const RemoteTask* t = find_remote_task(shout_file_spec.signature);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->travels());
  std::string tmpl = (std::filesystem::temp_directory_path() / "net-invoke-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  struct Removed {
    std::filesystem::path dir;
    ~Removed() { std::filesystem::remove_all(dir); }
  } dir{tmpl};
  const std::string src = (dir.dir / "in.txt").string(), dst = (dir.dir / "out.txt").string();
  std::ofstream(src) << "hello";
  // A worker that shares the master's files gets the paths as the master's vtables saved
  // them: a const char* path as a std::string, a std::filesystem::path as its string.
  TaskRequest shared{8, shout_file_spec.signature,
                     {value(compss::to_bytes(src)),
                      value(compss::to_bytes(std::filesystem::path(dst)))}};
  ASSERT_TRUE(std::holds_alternative<TaskDone>(execute_request(shared)));
  std::ifstream written(dst);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(written), {}), "hello!");
  // One that does not: the file's bytes come in the request, the written file's go back.
  StagedFile in{.path = src, .has_content = true, .content = {}};
  for (char c : std::string("bytes")) in.content.push_back(static_cast<std::byte>(c));
  WireParam in_param = value(compss::to_bytes(in));
  in_param.kind = static_cast<std::uint8_t>(ParamKind::file);
  WireParam out_param = value(compss::to_bytes(StagedFile{.path = dst}));
  out_param.kind = static_cast<std::uint8_t>(ParamKind::file);
  out_param.direction = static_cast<std::uint8_t>(Direction::out);
  TaskRequest unshared{9, shout_file_spec.signature, {in_param, out_param}};
  Message reply = execute_request(unshared, nullptr, nullptr, /*shared_files=*/false);
  auto* done = std::get_if<TaskDone>(&reply);
  ASSERT_NE(done, nullptr) << std::get<TaskFailed>(reply).message;
  ASSERT_EQ(done->outputs.size(), 1u);
  const std::vector<std::byte>& back = done->outputs[0].value;
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(back.data()), back.size()), "bytes!");
}

TEST(NetInvoke, MasterOnlyMarkOverridesTheTypeTraits) {
  static_assert(remote_param_ok_v<View, ParamKind::object>);  // C++ alone would send it
  static_assert(!RemoteTaskTraits<view_spec, &view_size>::serializable);
  const RemoteTask* t = find_remote_task(view_spec.signature);
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(t->serializable);
  TaskRequest r{7, view_spec.signature, {value(compss::to_bytes(View{nullptr, 1}))}};
  auto f = std::get<TaskFailed>(execute_request(r));
  EXPECT_NE(f.message.find("holding an address"), std::string::npos) << f.message;
}

TEST(NetInvoke, ALaterRegistrationThatCannotTravelKeepsTheTaskOnTheMaster) {
  // Two translation units of one program: the first saw the task as able to travel.
  static constexpr TaskSpec spec{"twice", "void twice(View)", one_view, 1};
  // (A real invoker: an entry without one is not a task find_remote_task returns.)
  RemoteInvoker runs_nothing = [](std::span<const RemoteInput>, std::vector<RemoteOutput>&) {};
  ASSERT_TRUE(register_task(spec, runs_nothing, true, nullptr));
  ASSERT_TRUE(register_task(spec, runs_nothing, false, nullptr));
  const RemoteTask* t = find_remote_task(spec.signature);
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(t->serializable);
}

namespace {
// A stream task and a one-core task run by the worker at once (streams_hold_no_core).
std::atomic<bool> stream_body_runs{false};
std::atomic<bool> stream_may_end{false};
std::vector<std::uint32_t> one_core_body_cpus;
constexpr ParamSpec one_stream[] = {{Direction::in, ParamKind::stream, "s"}};
constexpr TaskSpec stream_spec{"consume", "void consume(compss::Stream<int>)", one_stream, 1};
constexpr ParamSpec one_int[] = {{Direction::in, ParamKind::object, "x"}};
constexpr TaskSpec one_core_spec{"busy", "void busy(int)", one_int, 1};
}  // namespace

TEST(NetInvoke, AStreamTaskHoldsNoCoreIdOfItsWorker) {
  // The master counts a stream task as holding no core (it may wait as long as it runs):
  // a core id it took here would be given to a task the master placed on that core too.
  RemoteInvoker consume = [](std::span<const RemoteInput>, std::vector<RemoteOutput>&) {
    stream_body_runs = true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!stream_may_end && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  };
  RemoteInvoker busy = [](std::span<const RemoteInput>, std::vector<RemoteOutput>&) {
    one_core_body_cpus = compss::detail::task_cpus();
  };
  // A worker of 2 cores: the one-core task takes the lowest free id, id 1 if the stream
  // task held id 0. (The pool is the process's; the other tests ask no core.)
  compss::rt::this_node_ids().resize(2, 0);
  ASSERT_TRUE(register_task(stream_spec, consume, true, nullptr));
  ASSERT_TRUE(register_task(one_core_spec, busy, true, nullptr));
  TaskRequest stream{1, stream_spec.signature, {value(compss::to_bytes(0))}};
  stream.computing_units = 1;  // (what the master sent for stream tasks)
  std::thread streaming([&] { execute_request(stream); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!stream_body_runs && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(stream_body_runs.load());
  TaskRequest one{2, one_core_spec.signature, {value(compss::to_bytes(0))}};
  one.computing_units = 1;
  EXPECT_TRUE(std::holds_alternative<TaskDone>(execute_request(one)));
  ASSERT_EQ(one_core_body_cpus.size(), 1u);
  EXPECT_EQ(one_core_body_cpus[0], 0u) << "the stream task holds core 0";
  stream_may_end = true;
  streaming.join();
}
