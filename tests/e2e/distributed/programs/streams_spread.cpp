// Stream tasks across workers (docs/streams.md, "Streams across workers"): 2 producers
// and 3 consumers of an at_most_once stream (every element counted once: no duplicate, no
// loss, each producer's order kept), 2 consumers of an at_least_once stream (each gets
// all), and ordinary tasks over what the consumers gathered. Each stream task tallies the
// node it ran on (node_tally.hpp): under compss-run (COMPSS_WORKERS_EXPECTED set) they
// must all have run on workers, spread over more than one, even with workers of one core
// each (COMPSS_WORKER_CORES=1: 5 stream tasks on 2 or 3 one-core workers still finish).
// The same output as the sequential build.
//
//   e2e_streams_spread <work dir>
#include <compss/compss.hpp>

#include "node_tally.hpp"

#include <cstdio>
#include <set>
#include <string>
#include <vector>

constexpr int producers = 2;
constexpr int consumers = 3;
constexpr long per_producer = 500;

#pragma compss task stream_out(s)
void produce(compss::ObjectStream<long>& s, long producer, std::string dir) {
  tally::Running here(dir, "stream_task");
  for (long i = 0; i < per_producer; ++i) s.publish(producer * 1000000 + i);
  s.close();
}

#pragma compss task stream_in(s) out(got)
void consume(compss::ObjectStream<long>& s, std::vector<long>& got, std::string dir) {
  tally::Running here(dir, "stream_task");
  got.clear();
  while (!s.is_closed()) {
    for (long v : s.poll(0.05)) got.push_back(v);
  }
}

// An ordinary task over what a consumer gathered (it may run on any node).
#pragma compss task in(got) out(sum)
void sum_of(const std::vector<long>& got, long& sum) {
  sum = 0;
  for (long v : got) sum += v;
}

// True when, in what one consumer got, each producer's elements are increasing.
static bool in_producer_order(const std::vector<long>& got) {
  std::vector<long> last(producers + 2, -1);  // by producer number (1..producers+1)
  for (long v : got) {
    long& before = last.at(static_cast<std::size_t>(v / 1000000));
    if (v <= before) return false;
    before = v;
  }
  return true;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: e2e_streams_spread <work dir>\n");
    return 2;
  }
  const std::string dir = argv[1];

  // at_most_once: producers first (the sequential build runs calls in order).
  compss::ObjectStream<long> shared("spread-shared", compss::at_most_once, 8);
  std::vector<std::vector<long>> got(consumers);
  shared.publish(std::vector<long>{});  // held open while its producers are submitted
  for (long p = 1; p <= producers; ++p) produce(shared, p, dir);
  shared.close();
  for (auto& g : got) consume(shared, g, dir);
#pragma compss wait_on(got)
  std::multiset<long> all;
  bool ordered = true;
  std::vector<long> sums(consumers);
  for (int c = 0; c < consumers; ++c) {
    const auto& g = got[static_cast<std::size_t>(c)];
    all.insert(g.begin(), g.end());
    ordered = in_producer_order(g) && ordered;
    sum_of(g, sums[static_cast<std::size_t>(c)]);
  }
#pragma compss wait_on(sums)
  long total = 0;
  for (long v : sums) total += v;
  const std::set<long> distinct(all.begin(), all.end());
  bool complete = distinct.size() == static_cast<std::size_t>(producers * per_producer);
  for (long p = 1; p <= producers; ++p) {
    complete = complete && distinct.count(p * 1000000) == 1 && distinct.count(p * 1000000 + per_producer - 1) == 1;
  }
  std::printf("at_most_once: %zu taken by %d consumers, %zu distinct of %ld, %s, %s, %s, sum %ld\n",
              all.size(), consumers, distinct.size(), producers * per_producer,
              all.size() == distinct.size() ? "no duplicate" : "DUPLICATES",
              complete ? "no loss" : "LOSS", ordered ? "producer order kept" : "PRODUCER ORDER BROKEN",
              total);

  // at_least_once: a handle per consumer, made before anything is published.
  compss::ObjectStream<long> log("spread-log", compss::at_least_once, 8);
  std::vector<compss::ObjectStream<long>> views;
  for (int c = 0; c < 2; ++c) views.emplace_back("spread-log", compss::at_least_once, 8);
  std::vector<std::vector<long>> each(2);
  log.publish(std::vector<long>{});
  produce(log, 3, dir);
  log.close();
  for (int c = 0; c < 2; ++c) consume(views[static_cast<std::size_t>(c)], each[static_cast<std::size_t>(c)], dir);
#pragma compss wait_on(each)
  for (int c = 0; c < 2; ++c) {
    const auto& e = each[static_cast<std::size_t>(c)];
    std::printf("at_least_once consumer %d: %zu of %ld, %s\n", c, e.size(), per_producer,
                in_producer_order(e) ? "in order" : "OUT OF ORDER");
  }

  // Where the stream tasks ran (checked under compss-run only).
  compss::barrier();
  const auto tallies = tally::read(dir, "stream_task");
  tally::print("stream_task", tallies);
  long calls = 0;
  for (const auto& [node, t] : tallies) calls += t.calls;
  const std::size_t workers = tally::expected("COMPSS_WORKERS_EXPECTED");
  const bool on_workers = workers == 0 || (!tallies.contains("master") && tallies.size() >= 2);
  std::printf("stream tasks: %ld, run on workers, spread over more than one: %s\n", calls,
              on_workers ? "yes" : "no");
  return 0;
}
