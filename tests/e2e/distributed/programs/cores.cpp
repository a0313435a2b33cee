// computing_units under compss-run: a task with computing_units=2 reserves 2 cores of its
// node, so a node of CORES cores (env; COMPSS_THREADS and COMPSS_WORKER_CORES say the same
// to the run) never runs more than CORES/2 of them at once, and the body learns its 2 cores
// (compss::this_task::computing_units()). Measured by the tasks themselves per node
// (node_tally.hpp); prints what its sequential build prints when that holds.
//
//   CORES=4 ./cores <work dir>
#include "node_tally.hpp"

#include <compss/compss.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#pragma compss task constraint(computing_units=2)
long wide(long i, std::string dir) {
  tally::Running r(dir, "wide");
  std::this_thread::sleep_for(std::chrono::milliseconds(40));  // room to overlap
#ifdef __COMPSS__
  if (compss::this_task::computing_units() != 2) return -1000000;  // spoils the sum
#endif
  return i * i;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string dir = std::filesystem::absolute(argv[1]).string();
  std::filesystem::create_directories(dir);
  std::vector<compss::Future<long>> parts;
  for (long i = 0; i < 24; ++i) parts.push_back(wide(i, dir));
  long sum = 0;
  for (auto& p : parts) sum += compss::wait_on(p);
  compss::barrier();
  auto t = tally::read(dir, "wide");
  tally::print("wide", t);
  const char* cores = std::getenv("CORES");
  const long allowed = cores != nullptr ? std::atol(cores) / 2 : 1;
  bool within = true;
  for (const auto& [node, n] : t) within = within && n.peak <= allowed;
  std::printf("sum of squares: %ld\n", sum);
  std::printf("computing_units=2 tasks at once per node <= cores/2: %s\n", within ? "yes" : "no");
  return 0;
}
