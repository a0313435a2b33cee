// A datum rewritten every round and read on both workers each time: the worker that
// fetched a version keeps it in its store until the master releases it, which it must do
// once the next version supersedes it (else every round leaves a copy behind). Prints
// each round's sums (compared with the sequential build) and, on stderr, in how many
// rounds a version was read on another worker than the one that made it.
// usage: e2e_versions_freed [rounds (12)]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

/// Where a reader ran and what it read.
struct Read {
  long pid = 0;
  double sum = 0;
};

#pragma compss task out(data, where)
void produce(std::vector<double>& data, int round, long& where) {
  data.assign(1 << 16, 0.0);  // 512 KiB: larger than a connection's read buffer
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<double>(i % 97) * round;
  where = getpid();
}

#pragma compss task in(data) out(read)
void consume(const std::vector<double>& data, int hold_ms, Read& read) {
  read.pid = getpid();
  double sum = 0;
  for (double x : data) sum += x;
  read.sum = sum;
  // Holds this worker's only slot, so the other reader runs on the other worker.
  std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));
}

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 12;
  std::vector<double> data;
  int moved = 0;
  for (int round = 1; round <= rounds; ++round) {
    long made = 0;
    Read first, second;
    produce(data, round, made);
    consume(data, 100, first);
    consume(data, 100, second);
#pragma compss wait_on(made, first, second)
    std::printf("round %d: sums %.1f %.1f\n", round, first.sum, second.sum);
    if (first.pid != made || second.pid != made) ++moved;
  }
  std::fprintf(stderr, "versions_freed: %d of %d rounds read a version on another worker\n",
               moved, rounds);
  return 0;
}
