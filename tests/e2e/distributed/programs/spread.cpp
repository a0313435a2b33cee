// replicated and distributed under compss-run (SPEC section 2): a `replicated` task runs
// once on every node for each call, the master's too when it has cores (the call ends
// when all have), a `distributed` task's calls go round-robin over the nodes. The tasks
// tally themselves per node (node_tally.hpp); the program prints "yes" when the tallies
// are right, as its sequential build does (one node). Under compss-run, with NODES set,
// the replicas and the distributed calls must cover that many nodes (else at least its
// COMPSS_WORKERS_EXPECTED workers).
//
//   ./spread <work dir>
#include "node_tally.hpp"

#include <compss/compss.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#pragma compss task replicated
void setup(std::string dir) { tally::Running r(dir, "replicated"); }

#pragma compss task distributed
void part(int i, std::string dir) {
  tally::Running r(dir, "distributed");
  (void)i;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string dir = std::filesystem::absolute(argv[1]).string();
  std::filesystem::create_directories(dir);
  const int replicated_calls = 3, distributed_calls = 12;
  for (int c = 0; c < replicated_calls; ++c) setup(dir);
  compss::barrier();
  for (int i = 0; i < distributed_calls; ++i) part(i, dir);
  compss::barrier();

  auto rep = tally::read(dir, "replicated");
  auto dist = tally::read(dir, "distributed");
  tally::print("replicated", rep);
  tally::print("distributed", dist);
  const std::size_t workers = tally::expected("COMPSS_WORKERS_EXPECTED");
  const std::size_t nodes = tally::expected("NODES");
  bool every_node_once = !rep.empty() && (nodes != 0 ? rep.size() == nodes : rep.size() >= workers);
  for (const auto& [node, t] : rep) every_node_once = every_node_once && t.calls == replicated_calls;
  long fewest = distributed_calls, most = 0, total = 0;
  for (const auto& [node, t] : dist) {
    fewest = std::min(fewest, t.calls);
    most = std::max(most, t.calls);
    total += t.calls;
  }
  const bool even = total == distributed_calls && most - fewest <= 1 && (nodes == 0 || dist.size() == nodes);
  std::printf("replicated: each call ran once on every node: %s\n", every_node_once ? "yes" : "no");
  std::printf("distributed: calls spread round-robin over the nodes: %s\n", even ? "yes" : "no");
  return 0;
}
