// Stream throughput and latency (docs/streams.md, "Performance"): P producer tasks publish
// timestamped elements of a given size into one at_most_once stream, P consumer tasks poll
// it; prints elements/s and the publish-to-poll latency (p50, p99) per pattern and size.
//
//   stream_bench [elements per producer for 64 B] [elements per producer for 1 MiB]
//   (defaults 200000 and 2000)
#include <compss/compss.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

struct Stamped {
  std::int64_t sent_ns = 0;
  std::vector<char> payload;
  template <class A>
  void serialize(A& ar) {
    ar(sent_ns, payload);
  }
};

static std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

#pragma compss task stream_out(s)
void bench_produce(compss::ObjectStream<Stamped>& s, long count, long bytes) {
  for (long i = 0; i < count; ++i) {
    Stamped e;
    e.payload.assign(static_cast<std::size_t>(bytes), static_cast<char>(i));
    e.sent_ns = now_ns();
    s.publish(std::move(e));
  }
  s.close();
}

#pragma compss task stream_in(s) out(latencies_ns)
void bench_consume(compss::ObjectStream<Stamped>& s, std::vector<std::int64_t>& latencies_ns) {
  latencies_ns.clear();
  while (!s.is_closed()) {
    for (const Stamped& e : s.poll(0.01)) latencies_ns.push_back(now_ns() - e.sent_ns);
  }
}

static void run(int pairs, long count, long bytes) {
  compss::ObjectStream<Stamped> s("", compss::at_most_once, 256);
  std::vector<std::vector<std::int64_t>> lat(static_cast<std::size_t>(pairs));
  const auto start = now_ns();
  s.publish(std::vector<Stamped>{});  // held open while the producers are submitted
  for (int p = 0; p < pairs; ++p) bench_produce(s, count, bytes);
  s.close();
  for (auto& l : lat) bench_consume(s, l);
#pragma compss wait_on(lat)
  const double seconds = static_cast<double>(now_ns() - start) / 1e9;
  std::vector<std::int64_t> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double q) {
    return all.empty() ? 0.0 : static_cast<double>(all[static_cast<std::size_t>(q * static_cast<double>(all.size() - 1))]) / 1e3;
  };
  std::printf("%d->%d %8ld B  %10.0f elements/s  p50 %9.1f us  p99 %9.1f us  (%zu elements)\n", pairs,
              pairs, bytes, static_cast<double>(all.size()) / seconds, pct(0.50), pct(0.99), all.size());
}

int main(int argc, char** argv) {
  const long small = argc > 1 ? std::atol(argv[1]) : 200000;
  const long big = argc > 2 ? std::atol(argv[2]) : 2000;
  if (small < 1 || big < 1) {
    std::fprintf(stderr, "usage: stream_bench [elements of 64 B >= 1] [elements of 1 MiB >= 1]\n");
    return 2;
  }
  for (int pairs : {1, 2}) {
    run(pairs, small, 64);
    run(pairs, big, 1L << 20);
  }
  return 0;
}
