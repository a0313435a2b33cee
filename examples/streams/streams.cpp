// Streams: a sensor task publishes readings into a stream while filter tasks consume
// them (docs/streams.md). The sensor and the filters run at the same time: a filter
// starts as soon as the run has a thread for it, not when the sensor ends.
//
//   ./streams [readings] [filters]     (defaults: 2000 readings, 3 filters)
#include <compss/compss.hpp>

#include <cstdio>
#include <cstdlib>
#include <vector>

struct Reading {
  int sensor = 0;
  long value = 0;
  template <class A>
  void serialize(A& ar) {
    ar(sensor, value);
  }
};

// A deterministic "measurement".
static long measure(int i) { return (static_cast<long>(i) * 7919) % 1000; }

#pragma compss task stream_out(readings)
void sensor(compss::ObjectStream<Reading>& readings, int sensor_id, int count) {
  for (int i = 0; i < count; ++i) readings.publish(Reading{sensor_id, measure(i)});
  readings.close();
}

// Keeps the readings above `threshold`: how many, and their sum.
#pragma compss task stream_in(readings) out(kept, sum)
void filter(compss::ObjectStream<Reading>& readings, long threshold, long& kept, long& sum) {
  kept = 0;
  sum = 0;
  while (!readings.is_closed()) {
    for (const Reading& r : readings.poll(0.1)) {
      if (r.value > threshold) {
        ++kept;
        sum += r.value;
      }
    }
  }
}

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int filters = argc > 2 ? std::atoi(argv[2]) : 3;
  if (count < 0 || filters < 1) {
    std::fprintf(stderr, "usage: streams [readings >= 0] [filters >= 1]\n");
    return 2;
  }
  compss::ObjectStream<Reading> readings("readings");
  std::vector<long> kept(static_cast<std::size_t>(filters));
  std::vector<long> sums(static_cast<std::size_t>(filters));
  // The producer is called first so that the sequential build, which runs the calls one
  // after the other, has the readings before the filters look (docs/streams.md).
  sensor(readings, 1, count);
  for (int f = 0; f < filters; ++f) filter(readings, 500, kept[f], sums[f]);
  long total_kept = 0;
  long total_sum = 0;
#pragma compss wait_on(kept, sums)
  for (int f = 0; f < filters; ++f) {
    total_kept += kept[f];
    total_sum += sums[f];
  }
  std::printf("readings: %d, kept: %ld, sum: %ld\n", count, total_kept, total_sum);
  return 0;
}
