// Transfer of a large object between two workers. Run it under
//   compss-run --workers 2 --master-cores 0 --worker-cores 1 -- transfer_compss <MiB> <reps>
// Each round, `produce` fills a vector<double> of <MiB> MiB on one worker (A); then two
// `consume` tasks read it. Each worker has one slot and a consumer holds its slot for a
// while, so one consumer runs on A and the other on the second worker (B), which must first
// fetch the vector from A. The tasks stamp themselves (worker pid, CLOCK_MONOTONIC time,
// the same clock in every process of the machine): the transfer time is the time between
// the end of `produce` and the start of the consumer on B: the master hearing of the
// result, scheduling the consumer, B fetching the bytes from A (straight into the vector
// its consumer reads: docs/distributed.md, "Values on a worker").
//
// Prints one line per round: impl MiB seconds MB_per_s (MB = 10^6 bytes), or a note when
// both consumers ran on A (no transfer happened; nothing is measured).
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

/// Where and when a task ran.
struct Stamp {
  std::int64_t pid = 0;
  double seconds = 0;  ///< steady_clock (CLOCK_MONOTONIC) time
  double checksum = 0;
};

static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

#pragma compss task out(data, done)
void produce(std::vector<double>& data, long count, int round, Stamp& done) {
  data.assign(static_cast<std::size_t>(count), 0.0);
  for (long i = 0; i < count; ++i) data[i] = static_cast<double>(i % 1000 + round);
  done = Stamp{getpid(), now(), 0};
}

#pragma compss task in(data) out(start)
void consume(const std::vector<double>& data, int hold_ms, Stamp& start) {
  start.pid = getpid();
  start.seconds = now();  // the inputs are in place: the transfer (if any) is over
  double sum = 0;
  for (std::size_t i = 0; i < data.size(); i += 4099) sum += data[i];  // samples it all
  start.checksum = sum;
  std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));  // keeps the slot busy
}

int main(int argc, char** argv) {
  const long mib = argc > 1 ? std::atol(argv[1]) : 256;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 3;
  if (mib <= 0 || reps <= 0) {
    std::fprintf(stderr, "usage: %s [MiB > 0 (256)] [rounds > 0 (3)]\n", argv[0]);
    return 2;
  }
  const long count = mib * (1L << 20) / static_cast<long>(sizeof(double));
  // Long enough for B's fetch to begin while A's consumer still holds A's only slot.
  const int hold_ms = 300 + static_cast<int>(mib) * 4;
  std::vector<double> data;
  int measured = 0;
  for (int round = 0; round < reps; ++round) {
    Stamp made, first, second;
    produce(data, count, round, made);
    consume(data, hold_ms, first);
    consume(data, hold_ms, second);
#pragma compss wait_on(made, first, second)
    const double expected = first.checksum;
    if (first.checksum != second.checksum || expected == 0) {
      std::fprintf(stderr,
                   "transfer: round %d: wrong data: checksums %.17g (pid %lld) and %.17g (pid "
                   "%lld), producer pid %lld\n",
                   round, first.checksum, static_cast<long long>(first.pid), second.checksum,
                   static_cast<long long>(second.pid), static_cast<long long>(made.pid));
      return 1;
    }
    const Stamp* remote = first.pid != made.pid ? &first : second.pid != made.pid ? &second : nullptr;
    if (remote == nullptr) {
      std::printf("# round %d: both consumers ran on the producer's worker (pid %lld): no transfer\n",
                  round, static_cast<long long>(made.pid));
      continue;
    }
    const double seconds = remote->seconds - made.seconds;
    std::printf("compss %ld %.6f %.1f\n", mib, seconds,
                static_cast<double>(mib) * 1048576.0 / 1e6 / seconds);
    std::fflush(stdout);
    ++measured;
  }
  // The master's own copy: wait_on fetches the last version into `data` (a note line,
  // not a measured transfer: the master receives it straight into this vector).
  const double before_wait = now();
#pragma compss wait_on(data)
  const double waited = now() - before_wait;
  std::printf("# wait_on of the last version on the master: %.3f s (%.0f MB/s), %zu elements\n",
              waited, static_cast<double>(mib) * 1048576.0 / 1e6 / waited, data.size());
  return measured > 0 ? 0 : 1;
}
