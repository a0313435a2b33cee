// File parameters for a worker that does not see the master's files
// (runtime/net/file_staging.hpp): the bytes travel with the path, the task works on a
// local copy, and what it wrote comes back in the answer.
#include "net/file_staging.hpp"
#include "net/worker.hpp"
#include "net/worker_store.hpp"

#include <compss/detail/call_task.hpp>
#include <compss/detail/stream_files.hpp>
#include <compss/serialize.hpp>

#include <gtest/gtest.h>

#include <sys/mount.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace compss::detail;
using namespace compss::net;
namespace fs = std::filesystem;

namespace {

std::string seen_path;  // the path the task was given

void upper_copy(const std::string& from, const std::string& to) {
  seen_path = from;
  std::ifstream in(from);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::ofstream(to) << text;
}

constexpr ParamSpec copy_params[] = {{Direction::in, ParamKind::file, "from"},
                                     {Direction::out, ParamKind::file, "to"}};
constexpr TaskSpec copy_spec{"upper_copy", "void upper_copy(const std::string &, const std::string &)",
                             copy_params, 2};

[[maybe_unused]] void call_sites() {
  std::string a, b;
  call_task<copy_spec, &upper_copy>(a, b);
}

WireParam staged(const std::string& path, bool with_content, Direction d) {
  WireParam p;
  p.direction = static_cast<std::uint8_t>(d);
  p.kind = static_cast<std::uint8_t>(ParamKind::file);
  p.has_value = true;
  p.value = compss::to_bytes(staged_from_master(path, with_content));
  return p;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("compss-staging-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(FileStaging, TheTaskWorksOnALocalCopyAndItsOutputComesBack) {
  TempDir master;
  const std::string in = (master.path / "in.txt").string();
  const std::string out = (master.path / "out.txt").string();
  std::ofstream(in) << "hello files";
  TaskRequest request{1, copy_spec.signature,
                      {staged(in, true, Direction::in), staged(out, false, Direction::out)}};
  Message reply = execute_request(request, nullptr, nullptr, /*shared_files=*/false);
  ASSERT_TRUE(std::holds_alternative<TaskDone>(reply));
  // The task never saw the master's path: it got a staged copy.
  EXPECT_NE(seen_path, in);
  EXPECT_NE(seen_path.find(".compss-staging"), std::string::npos) << seen_path;
  EXPECT_FALSE(fs::exists(seen_path)) << "the stage is removed after the task";
  const TaskDone& done = std::get<TaskDone>(reply);
  ASSERT_EQ(done.outputs.size(), 1u);
  const WireParam& o = done.outputs[0];
  EXPECT_EQ(o.kind, static_cast<std::uint8_t>(ParamKind::file));
  EXPECT_EQ(o.version, 1u);  // the parameter it belongs to
  ASSERT_TRUE(o.has_value);
  std::string text(reinterpret_cast<const char*>(o.value.data()), o.value.size());
  EXPECT_EQ(text, "HELLO FILES");
  EXPECT_FALSE(fs::exists(out)) << "the worker does not write the master's path";
}

// A worker sharing the master's files, told to read a kept version of a file for a remake
// (net/kept_files.hpp), that cannot read it (it does not see the directory, or runs as a
// user without the right): the attempt fails clearly naming the link; the body, which
// would read a missing file and compute a wrong answer, does not run.
TEST(FileStaging, ASharedFilesWorkerThatCannotReadAKeptVersionFailsTheAttempt) {
  TempDir master;
  const std::string kept = (master.path / ".compss-kept-1-0123456789abcdef-0" / "0" / "in.txt").string();
  const std::string out = (master.path / "out.txt").string();
  auto param = [](const std::string& path, Direction d) {
    WireParam p;
    p.direction = static_cast<std::uint8_t>(d);
    p.kind = static_cast<std::uint8_t>(ParamKind::file);
    p.has_value = true;
    p.value = compss::to_bytes(path);
    return p;
  };
  seen_path.clear();
  Message reply = execute_request(TaskRequest{1, copy_spec.signature, {param(kept, Direction::in), param(out, Direction::out)}},
                                  nullptr, nullptr, /*shared_files=*/true);
  ASSERT_TRUE(std::holds_alternative<TaskFailed>(reply));
  const TaskFailed& failed = std::get<TaskFailed>(reply);
  EXPECT_EQ(failed.exception_type, "compss::Error");
  EXPECT_NE(failed.message.find(kept), std::string::npos) << failed.message;
  EXPECT_NE(failed.message.find("No such file"), std::string::npos) << failed.message;
  EXPECT_TRUE(seen_path.empty()) << "the body ran on " << seen_path;
  EXPECT_FALSE(fs::exists(out));
  // Readable: the body runs on it, as on any shared file.
  fs::create_directories(fs::path(kept).parent_path());
  std::ofstream(kept) << "kept";
  reply = execute_request(TaskRequest{2, copy_spec.signature, {param(kept, Direction::in), param(out, Direction::out)}},
                          nullptr, nullptr, /*shared_files=*/true);
  ASSERT_TRUE(std::holds_alternative<TaskDone>(reply));
  EXPECT_EQ(seen_path, kept);
}

TEST(FileStaging, WithADatumIdTheWrittenFileStaysInTheStoreAndTheNextTaskReadsItFromThere) {
  TempDir master;
  const std::string in = (master.path / "in.txt").string();
  const std::string mid = (master.path / "mid.txt").string();
  const std::string out = (master.path / "out.txt").string();
  std::ofstream(in) << "abc";
  WorkerStore store;
  // First task: in.txt (datum 5, version 0) sent inline, mid.txt (datum 6) written.
  WireParam from = staged(in, true, Direction::in);
  from.data_id = 5;
  WireParam to = staged(mid, false, Direction::out);
  to.data_id = 6;
  to.stored_as = 1;  // the version the master names for what it writes
  Message reply = execute_request(TaskRequest{1, copy_spec.signature, {from, to}}, &store,
                                  nullptr, /*shared_files=*/false);
  ASSERT_TRUE(std::holds_alternative<TaskDone>(reply));
  const WireParam& o = std::get<TaskDone>(reply).outputs.at(0);
  EXPECT_EQ(o.data_id, 6u);
  EXPECT_EQ(o.version, 1u);  // the version it made
  EXPECT_FALSE(o.has_value) << "a written file stays on the worker";
  EXPECT_EQ(o.size, 3u);
  ASSERT_NE(store.get(5, 0), nullptr) << "the file it was sent is kept for later readers";
  ASSERT_NE(store.get(6, 1), nullptr);
  EXPECT_FALSE(fs::exists(mid)) << "the master's path is not written";
  // Second task reads mid.txt version 1 from the store (no contents in the request).
  StagedFile ref;
  ref.path = mid;
  ref.from_store = true;
  WireParam again{.data_id = 6, .version = 1, .direction = static_cast<std::uint8_t>(Direction::in),
                  .kind = static_cast<std::uint8_t>(ParamKind::file), .has_value = true,
                  .value = compss::to_bytes(ref)};
  WireParam last = staged(out, false, Direction::out);
  last.data_id = 7;
  last.stored_as = 1;
  reply = execute_request(TaskRequest{2, copy_spec.signature, {again, last}}, &store, nullptr, false);
  ASSERT_TRUE(std::holds_alternative<TaskDone>(reply));
  WorkerStore::Value made = store.get(7, 1);
  ASSERT_NE(made, nullptr);
  std::vector<std::byte> content = made->to_bytes();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(content.data()), content.size()), "ABC");
  // Not held and no source: the worker says it is missing (the master then finds it).
  again.version = 9;
  reply = execute_request(TaskRequest{3, copy_spec.signature, {again, last}}, &store, nullptr, false);
  ASSERT_TRUE(std::holds_alternative<TaskFailed>(reply));
  EXPECT_EQ(std::get<TaskFailed>(reply).exception_type, "compss::DataMissing");
}

TEST(FileStaging, TheHeadOfAStagedFileIsReadWithoutItsContents) {
  StagedFile f;
  f.path = "/data/x.txt";
  f.has_content = true;
  f.content.assign(1000, std::byte{7});
  StagedFileHead head = staged_file_head(compss::to_bytes(f));
  EXPECT_TRUE(head.has_content);
  EXPECT_FALSE(head.from_store);
  f = StagedFile{};
  f.from_store = true;
  head = staged_file_head(compss::to_bytes(f));
  EXPECT_TRUE(head.from_store);
  EXPECT_FALSE(head.has_content);
  EXPECT_THROW(staged_file_head(std::vector<std::byte>(3)), compss::Error);
}

TEST(FileStaging, AMissingInputFileIsAnEmptyStageAndTheTaskDecides) {
  TempDir master;
  StagedFile f = staged_from_master((master.path / "absent").string(), true);
  EXPECT_FALSE(f.has_content);
}

TEST(FileStaging, WritesAreAtomicAndReadBack) {
  TempDir dir;
  fs::path p = dir.path / "x.bin";
  std::vector<std::byte> bytes{std::byte{1}, std::byte{2}, std::byte{3}};
  write_file_atomically(p, bytes);
  auto back = read_file_bytes(p);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, bytes);
  EXPECT_FALSE(read_file_bytes(dir.path / "nothing").has_value());
  EXPECT_THROW(write_file_atomically(dir.path / "no-such-dir" / "f", bytes), compss::Error);
}

namespace {
/// A 64 KiB tmpfs mounted for one test (needs root and a mount namespace that allows it).
struct SmallTmpfs {
  TempDir dir;
  std::string why_not;  ///< empty once mounted
  SmallTmpfs() {
    if (::mount("tmpfs", dir.path.c_str(), "tmpfs", 0, "size=64k") != 0)
      why_not = std::string("cannot mount a tmpfs (needs root): ") + std::strerror(errno);
  }
  ~SmallTmpfs() {
    if (why_not.empty()) ::umount2(dir.path.c_str(), MNT_DETACH);
  }
};

std::vector<std::byte> bytes_of(const std::string& text) {
  std::vector<std::byte> b(text.size());
  std::memcpy(b.data(), text.data(), text.size());
  return b;
}
}  // namespace

TEST(FileStaging, AFullDiskIsAnErrorNamingThePathAndTheUsersFileStaysAsItWas) {
  SmallTmpfs disk;
  if (!disk.why_not.empty()) GTEST_SKIP() << disk.why_not;
  const fs::path p = disk.dir.path / "result.txt";
  write_file_atomically(p, bytes_of("the user's old contents\n"));

  {  // The rest of the disk filled, so even a write small enough to sit in a stream's
     // buffer until its final flush cannot fit.
    std::ofstream filler(disk.dir.path / "filler", std::ios::binary);
    const std::string block(4096, 'f');
    for (int i = 0; i < 64 && filler.write(block.data(), block.size()); ++i) {
    }
  }
  try {
    write_file_atomically(p, std::vector<std::byte>(1000, std::byte{'x'}));
    FAIL() << "a write that does not fit must throw";
  } catch (const compss::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(p.string()), std::string::npos) << what;
    EXPECT_NE(what.find(std::strerror(ENOSPC)), std::string::npos) << what;
  }
  auto back = read_file_bytes(p);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, bytes_of("the user's old contents\n"));
  for (const auto& entry : fs::directory_iterator(disk.dir.path))
    EXPECT_EQ(entry.path().filename().string().find(".compss-tmp-"), std::string::npos)
        << "left behind: " << entry.path();
  // The disk is usable again afterwards: nothing of the failed write holds space.
  fs::remove(disk.dir.path / "filler");
  write_file_atomically(p, std::vector<std::byte>(32 * 1024, std::byte{'y'}));
  EXPECT_EQ(fs::file_size(p), 32u * 1024u);
}

// A task's stage and a file stream handle each take a directory below one shared parent
// (.compss-staging, .compss-streams) and remove that parent as they go once it is empty:
// another thread (or process) creating its directory at that moment must still get one,
// never "cannot create the directory". Threads make and drop them in a loop (~1 s).
template <class Dir, class Make>
void churn_directories(const Make& make) {
  TempDir cwd;
  const fs::path before = fs::current_path();
  fs::current_path(cwd.path);
  std::atomic<int> failures{0};
  std::string first_failure;
  std::mutex first_mutex;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&] {
      while (std::chrono::steady_clock::now() < until) {
        try {
          std::unique_ptr<Dir> d = make();
        } catch (const std::exception& e) {
          if (failures++ == 0) {
            std::lock_guard lock(first_mutex);
            first_failure = e.what();
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  fs::current_path(before);
  EXPECT_EQ(failures.load(), 0) << first_failure;
}

TEST(FileStaging, StagesMadeAndDroppedAtOnceAllGetTheirDirectory) {
  churn_directories<TaskFileStage>([] { return std::make_unique<TaskFileStage>(); });
}

TEST(FileStaging, StreamDirectoriesMadeAndDroppedAtOnceAllGetTheirDirectory) {
  churn_directories<LocalStreamDir>([] { return std::make_unique<LocalStreamDir>(7); });
}
