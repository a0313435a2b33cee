// request_resources, free_resources and snapshot (docs/distributed.md, "Elasticity and
// snapshots"), in three phases whose results (stdout) equal the sequential build's:
//  1. grow: request_resources(1), then (with ELASTIC_EXPECT_GROWTH=1, under compss-run)
//     waits until number_of_resources() grows; 16 slow tasks say on which worker they ran
//     ("ran on:" on stderr: elastic.sh checks the new worker is among them);
//  2. free: values made on workers and left there, free_resources(1), then tasks on them;
//  3. snapshot: a chain of updates, snapshot(), then (with ELASTIC_SYNC_DIR) writes
//     <dir>/snapshot.done and waits for <dir>/killed (elastic.sh kills a worker
//     meanwhile): the values must come from the master, not be made again from lineage;
//  4. free_resources(-1) is an error; free_resources(100) frees every worker left (with a
//     warning) and the last tasks run on the master.
// usage: e2e_elastic  (env: ELASTIC_EXPECT_GROWTH, ELASTIC_SYNC_DIR; both unset: no waits)
#include <compss/compss.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#pragma compss task
std::string where_am_i(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  const char* name = std::getenv("COMPSS_WORKER_NAME");
  return name != nullptr && std::getenv("COMPSS_WORKER") != nullptr ? name : "master";
}

// Says on stderr where it ran (elastic.sh: some values must be made on the worker
// free_resources retires next).
#pragma compss task out(v)
void produce(long& v, int i) {
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const char* name = std::getenv("COMPSS_WORKER_NAME");
  if (std::getenv("COMPSS_WORKER") != nullptr && name != nullptr)
    std::fprintf(stderr, "elastic: produce %d on %s\n", i, name);
  v = 1000L * i + 7;
}

#pragma compss task inout(v)
void update(long& v, int k) { v = (v * 31 + k) % 1000003; }

namespace {

using Clock = std::chrono::steady_clock;

/// Polls `done` every 50 ms for at most `seconds`; false at the deadline.
template <class Done>
bool wait_until(Done done, int seconds) {
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

long checksum(std::array<long, 16>& values) {
  long sum = 0;
  for (long& v : values) sum = (sum * 7 + compss::wait_on(v)) % 1000000007;
  return sum;
}

}  // namespace

/// `count` tasks of `ms` each: the names of the nodes they ran on (" a b"), sorted.
std::string run_and_list_nodes(int count, int ms) {
  std::vector<compss::Future<std::string>> places;
  for (int i = 0; i < count; ++i) places.push_back(where_am_i(ms));
  std::set<std::string> ran_on;
  for (auto& p : places) ran_on.insert(compss::wait_on(p));
  std::string list;
  for (const std::string& n : ran_on) list += " " + n;
  return list;
}

/// ELASTIC_CANCEL (elastic_cancel.sh): free_resources(1) right after request_resources(1)
/// gives up the worker asked for (not joined yet), never a live one; tasks then run on the
/// run's workers. Prints where they ran.
int cancel_case() {
  compss::request_resources(1);
  compss::free_resources(1);
  std::printf("cancel: ran on:%s\n", run_and_list_nodes(8, 100).c_str());
  return 0;
}

int main() {
  if (std::getenv("ELASTIC_CANCEL") != nullptr) return cancel_case();
  // 1. grow
  const unsigned before = compss::number_of_resources();
  compss::request_resources(1);
  if (std::getenv("ELASTIC_EXPECT_GROWTH") != nullptr &&
      !wait_until([&] { return compss::number_of_resources() > before; }, 60)) {
    std::fprintf(stderr, "elastic: number_of_resources() stayed %u for 60 s\n", before);
    return 3;
  }
  const unsigned grown = compss::number_of_resources();
  const std::string list = run_and_list_nodes(16, 100);
  std::fprintf(stderr, "elastic: resources %u -> %u; ran on:%s\n", before, grown, list.c_str());
  std::printf("phase 1: %d tasks\n", 16);

  // 2. free: the values stay on the workers that made them until free_resources.
  std::array<long, 16> values{};
  for (int i = 0; i < 16; ++i) produce(values[i], i);
  for (int i = 0; i < 16; ++i) update(values[i], i);
  compss::free_resources(1);
  std::fprintf(stderr, "elastic: resources after free_resources(1): %u\n",
               compss::number_of_resources());
  for (int i = 0; i < 16; ++i) update(values[i], 100 + i);
  std::printf("phase 2: checksum %ld\n", checksum(values));

  // 3. snapshot, then a worker is killed: nothing is made again.
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 16; ++i) update(values[i], round);
  compss::snapshot();
  if (const char* dir = std::getenv("ELASTIC_SYNC_DIR")) {
    const std::filesystem::path sync(dir);
    std::ofstream(sync / "snapshot.done") << "done\n";
    if (!wait_until([&] { return std::filesystem::exists(sync / "killed"); }, 60)) {
      std::fprintf(stderr, "elastic: %s/killed did not appear in 60 s\n", dir);
      return 3;
    }
  }
  for (int i = 0; i < 16; ++i) update(values[i], 200 + i);
  std::printf("phase 3: checksum %ld\n", checksum(values));

  // 4. bad counts: a negative one is an error; more than the live workers frees them all
  // (with a warning) and the tasks run on the master.
  try {
    compss::free_resources(-1);
  } catch (const compss::Error& e) {
    std::printf("phase 4: %s\n", e.what());
  }
  for (int i = 0; i < 16; ++i) update(values[i], 300 + i);
  compss::free_resources(100);
  for (int i = 0; i < 16; ++i) update(values[i], 400 + i);
  std::printf("phase 4: checksum %ld\n", checksum(values));
  return 0;
}
