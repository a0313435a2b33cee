// Task events in a master-worker run (test events.distributed*: compss-run --workers 2, and
// --workers 3 --master-cores 0). Installs the recording observer of event_checker.hpp
// through the runtime's internal hook, runs a chain, a fan-out/fan-in over a large vector
// and a task that fails once under on_failure(retry), then checks every guarantee of task
// events and what a distributed run adds: tasks started on workers, the bytes that moved
// between nodes. Prints the sequences it checked; exits 0 only if every check passed.
//
// usage: compss-run --workers 2 -- events_program <scratch dir>
#include "core/runtime.hpp"
#include "event_checker.hpp"

#include <compss/compss.hpp>
#include <compss/detail/call_task.hpp>
#include <compss/detail/run_main.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

using namespace compss::detail;

// Waits (at most 10 s) until the file `release` exists: the program submits every task
// first, so each dependency exists at submission (none has ended yet).
void fill(std::vector<double>& v, std::string release) {
  for (int i = 0; i < 1000 && ::access(release.c_str(), F_OK) != 0; ++i) ::usleep(10000);
  v.assign(4096, 1.0);
}
void scale(std::vector<double>& v) {
  for (double& x : v) x *= 2;
}
double part_sum(const std::vector<double>& v, int part) {
  const std::size_t n = v.size() / 4;
  return std::accumulate(v.begin() + part * n, v.begin() + (part + 1) * n, 0.0);
}
double add4(double a, double b, double c, double d) { return a + b + c + d; }
// Outlives its time_out (on_failure ignore): ended timed_out, after its started, wherever it
// ran (a worker's answer comes after the watchdog's end).
void slow(int& y) {
  ::usleep(2000000);
  ++y;
}
// Fails the first time it runs in the whole run (a marker file on the shared file system
// says whether it ran before), so on_failure(retry) runs it exactly twice.
void fail_once(int& x, std::string marker) {
  int fd = ::open(marker.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
  if (fd >= 0) {
    ::close(fd);
    throw std::runtime_error("the first attempt fails");
  }
  ++x;
}

static constexpr ParamSpec fill_params[] = {{Direction::out, ParamKind::object, "v"},
                                            {Direction::in, ParamKind::object, "release"}};
static constexpr ParamSpec inout_v[] = {{Direction::inout, ParamKind::object, "v"}};
static constexpr ParamSpec part_params[] = {{Direction::in, ParamKind::object, "v"},
                                            {Direction::in, ParamKind::object, "part"}};
static constexpr ParamSpec add_params[] = {{Direction::in, ParamKind::object, "a"},
                                           {Direction::in, ParamKind::object, "b"},
                                           {Direction::in, ParamKind::object, "c"},
                                           {Direction::in, ParamKind::object, "d"}};
static constexpr ParamSpec fail_params[] = {{Direction::inout, ParamKind::object, "x"},
                                            {Direction::in, ParamKind::object, "marker"}};
static constexpr TaskSpec fill_spec{"fill", "void fill(std::vector<double> &, std::string)",
                                    fill_params, 2};
static constexpr TaskSpec scale_spec{"scale", "void scale(std::vector<double> &)", inout_v, 1};
static constexpr TaskSpec part_spec{"part_sum", "double part_sum(const std::vector<double> &, int)",
                                    part_params, 2};
static constexpr TaskSpec add_spec{"add4", "double add4(double, double, double, double)",
                                   add_params, 4};
static constexpr TaskSpec fail_spec{"fail_once", "void fail_once(int &, std::string)", fail_params, 2};
static constexpr ParamSpec slow_params[] = {{Direction::inout, ParamKind::object, "y"}};
static constexpr TaskSpec slow_spec{.name = "slow", .signature = "void slow(int &)",
                                    .params = slow_params, .param_count = 1,
                                    .on_failure = OnFailure::ignore, .time_out = 0.3};

namespace {

int failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    std::printf("FAIL: %s\n", what.c_str());
  }
}

void print_story(const compss_test::EventLog& log, std::uint64_t id) {
  std::string line;
  for (const std::string& s : log.story(id)) line += (line.empty() ? "" : ", ") + s;
  std::printf("  task %llu: %s\n", static_cast<unsigned long long>(id), line.c_str());
}

}  // namespace

static int user_main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <scratch dir>\n", argv[0]);
    return 2;
  }
  auto log = std::make_shared<compss_test::EventLog>();
  compss::rt::runtime().events().add(log);

  const std::string scratch = std::string(argv[1]) + "/events." + std::to_string(::getpid());
  const std::string release = scratch + ".release", marker = scratch + ".fail_once";
  ::unlink(release.c_str());
  ::unlink(marker.c_str());
  // A chain: one vector made, then scaled three times (each step waits for the last).
  std::vector<double> v;
  call_task<fill_spec, &fill>(v, release);
  for (int i = 0; i < 3; ++i) call_task<scale_spec, &scale>(v);
  // A fan-out over it, and a fan-in of the four parts.
  std::vector<compss::Future<double>> parts;
  for (int p = 0; p < 4; ++p) parts.push_back(call_task<part_spec, &part_sum>(v, p));
  auto total = call_task<add_spec, &add4>(parts[0], parts[1], parts[2], parts[3]);
  // A task that fails once: on_failure(retry) runs it again (on another node).
  int x = 0;
  call_task<fail_spec, &fail_once>(x, marker);
  int y = 0;
  call_task<slow_spec, &slow>(y);
  if (int fd = ::open(release.c_str(), O_CREAT | O_WRONLY, 0600); fd >= 0) ::close(fd);
  const double sum = total.get();
  compss::wait_on(x);
  compss::barrier();
  ::unlink(marker.c_str());
  ::unlink(release.c_str());

  expect(sum == 4096 * 8.0, "the sum is " + std::to_string(sum));
  expect(x == 1, "fail_once ran " + std::to_string(x) + " times successfully");

  std::set<int> nodes{0};
  const char* expected = std::getenv("COMPSS_WORKERS_EXPECTED");
  const int workers = expected != nullptr ? std::atoi(expected) : 0;
  for (int n = 1; n <= workers; ++n) nodes.insert(n);
  expect(workers >= 2, "run it under compss-run --workers 2 (or more)");
  for (const std::string& problem : log->check(nodes)) expect(false, problem);

  auto tasks = log->tasks();
  expect(tasks.size() == 11, std::to_string(tasks.size()) + " tasks submitted, 11 expected");
  std::set<int> used;
  for (const auto& e : log->events()) {
    if (e.kind == compss_test::SeenEvent::Kind::started) used.insert(e.node);
  }
  expect(std::any_of(used.begin(), used.end(), [](int n) { return n > 0; }),
         "no task started on a worker");
  // fan-in: add4 waits for the four parts; fail_once has exactly two attempts.
  for (std::uint64_t id : log->ids_of("add4")) {
    expect(tasks[id].dependencies.size() == 4, "add4 has " + std::to_string(tasks[id].dependencies.size()) +
                                                   " dependencies, 4 expected");
  }
  for (std::uint64_t id : log->ids_of("fail_once")) {
    std::vector<std::string> want{"submitted", "ready", "started 1", "ended failed 1 retry",
                                  "started 2", "ended success 2"};
    expect(log->story(id) == want, "fail_once's events are not one failed and one good attempt");
  }
  for (std::uint64_t id : log->ids_of("slow")) {
    std::vector<std::string> want{"submitted", "ready", "started 1", "ended timed out 1"};
    expect(log->story(id) == want, "slow's events are not one started attempt that timed out");
  }
  // Bytes moved between nodes: the vector (4096 doubles) went at least once to a worker
  // or from one, with its size.
  std::uint64_t moved = 0;
  for (const auto& t : log->transfers()) moved = std::max<std::uint64_t>(moved, t.bytes);
  expect(moved >= 4096 * sizeof(double), "no transfer of the vector (largest: " + std::to_string(moved) + " bytes)");

  std::printf("events: %zu tasks, %zu transfers, started on nodes", tasks.size(), log->transfers().size());
  for (int n : used) std::printf(" %d", n);
  std::printf("\n");
  for (const auto& [id, t] : tasks) print_story(*log, id);
  for (const auto& t : log->transfers()) {
    std::printf("  transfer d%llu v%llu: %llu bytes, node %d -> %d, %lld ns\n",
                static_cast<unsigned long long>(t.data_id), static_cast<unsigned long long>(t.version),
                static_cast<unsigned long long>(t.bytes), t.from, t.to,
                static_cast<long long>(t.end - t.begin));
  }
  // A version a worker made while no observer was installed, fetched once one is: its
  // transfer is told, named by the registry (the data plane keeps the name with the
  // version; it used to be learnt only from answers seen while observed). Only with
  // --master-cores 0 is the task sure to run on a worker.
  compss::rt::runtime().events().remove(log.get());
  std::vector<double> w(4096, 1.0);
  call_task<scale_spec, &scale>(w);
  // Its reader's result: scale has ended (unobserved) and w stays where it was made (a
  // barrier would bring it to the master).
  const double first_part = call_task<part_spec, &part_sum>(w, 0).get();
  expect(first_part == 1024 * 2.0, "part_sum of the scaled vector is " + std::to_string(first_part));
  auto late = std::make_shared<compss_test::EventLog>();
  compss::rt::runtime().events().add(late);
  compss::wait_on(w);
  compss::rt::runtime().events().remove(late.get());
  expect(w[0] == 2.0, "scale made " + std::to_string(w[0]));
  const char* master_cores = std::getenv("COMPSS_MASTER_CORES");
  if (master_cores != nullptr && std::string(master_cores) == "0") {
    bool told = false;
    for (const auto& t : late->transfers()) {
      told |= t.to == 0 && t.from > 0 && t.data_id != 0 && t.version == 1 && t.bytes >= 4096 * sizeof(double);
    }
    expect(told, "the fetch of a version made before the observer was installed was not told");
  }

  if (failures == 0) std::printf("task events checked: OK\n");
  return failures == 0 ? 0 : 1;
}

int main(int argc, char** argv) { return run_main(argc, argv, &user_main); }
