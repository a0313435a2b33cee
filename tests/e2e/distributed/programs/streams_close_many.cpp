// Close with many producers (issue 15's test list; docs/streams.md, "Closing"): 8 producer
// tasks of one stream, spread over the workers under compss-run, close at different
// moments (one publishes nothing, one a single element, one slowly, closing last, one
// waits after its close before it ends). Consumers poll until the stream is closed: they
// must end exactly after every element (at_most_once, 3 consumers: every element once,
// no duplicate, no loss; at_least_once, 2 consumers: each all of them), each producer's
// order kept, and a poll after the close brings nothing. Each producer tallies its node:
// under compss-run they ran on workers, more than one. The same output as the sequential
// build.
//
//   e2e_streams_close_many <work dir>
#include <compss/compss.hpp>

#include "node_tally.hpp"

#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

constexpr int producers = 8;
constexpr long counts[producers] = {0, 1, 7, 50, 120, 300, 3, 64};
constexpr int slow = 5;          // publishes slowly, closes last
constexpr int lingering = 6;     // waits after its close before its task ends

static long total_count() {
  long n = 0;
  for (long c : counts) n += c;
  return n;
}

#pragma compss task stream_out(s)
void produce(compss::ObjectStream<long>& s, int producer, std::string dir) {
  tally::Running here(dir, "producer");
  for (long i = 0; i < counts[producer]; ++i) {
    s.publish(producer * 1000000L + i);
    if (producer == slow && i % 50 == 49) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  s.close();
  if (producer == lingering) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

// Polls until the stream is closed; then one more poll, which must bring nothing.
#pragma compss task stream_in(s) out(got, after_close)
void consume(compss::ObjectStream<long>& s, std::vector<long>& got, long& after_close) {
  got.clear();
  while (!s.is_closed()) {
    for (long v : s.poll(0.05)) got.push_back(v);
  }
  after_close = static_cast<long>(s.poll(0.1).size());
}

static bool in_producer_order(const std::vector<long>& got) {
  std::vector<long> last(producers, -1);
  for (long v : got) {
    long& before = last.at(static_cast<std::size_t>(v / 1000000));
    if (v <= before) return false;
    before = v;
  }
  return true;
}

// What the consumers of one run got, and what each one's poll after the close brought.
struct Taken {
  std::vector<std::vector<long>> got;
  std::vector<long> after_close;
};

// Submits the producers (the program holds the stream open meanwhile), then `consumers`
// consumers on handles of the same alias made before anything was published.
static Taken run(const char* alias, compss::ConsumerMode mode, int consumers, const std::string& dir) {
  compss::ObjectStream<long> s(alias, mode, 16);
  std::vector<compss::ObjectStream<long>> views;
  for (int c = 0; c < consumers; ++c) views.emplace_back(alias, mode, 16);
  std::vector<std::vector<long>> got(static_cast<std::size_t>(consumers));
  std::vector<long> after_close(static_cast<std::size_t>(consumers), 0);
  s.publish(std::vector<long>{});
  for (int p = 0; p < producers; ++p) produce(s, p, dir);
  s.close();
  for (std::size_t c = 0; c < views.size(); ++c) consume(views[c], got[c], after_close[c]);
#pragma compss wait_on(got, after_close)
  return Taken{got, after_close};
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: e2e_streams_close_many <work dir>\n");
    return 2;
  }
  const std::string dir = argv[1];
  const long total = total_count();

  Taken shared = run("close-many-shared", compss::at_most_once, 3, dir);
  const auto& got = shared.got;
  const auto& after = shared.after_close;
  std::multiset<long> all;
  bool ordered = true;
  long late = 0;
  for (std::size_t c = 0; c < got.size(); ++c) {
    all.insert(got[c].begin(), got[c].end());
    ordered = in_producer_order(got[c]) && ordered;
    late += after[c];
  }
  const std::set<long> distinct(all.begin(), all.end());
  bool complete = static_cast<long>(distinct.size()) == total;
  for (int p = 0; p < producers; ++p) {
    if (counts[p] > 0) complete = complete && distinct.count(p * 1000000L + counts[p] - 1) == 1;
  }
  std::printf("at_most_once, %d producers, 3 consumers: %zu taken, %zu distinct of %ld, %s, %s, %s, "
              "%ld after the close\n",
              producers, all.size(), distinct.size(), total,
              all.size() == distinct.size() ? "no duplicate" : "DUPLICATES", complete ? "no loss" : "LOSS",
              ordered ? "producer order kept" : "PRODUCER ORDER BROKEN", late);

  Taken log = run("close-many-log", compss::at_least_once, 2, dir);
  for (std::size_t c = 0; c < log.got.size(); ++c) {
    const std::set<long> mine(log.got[c].begin(), log.got[c].end());
    std::printf("at_least_once consumer %zu: %zu of %ld (%zu distinct), %s, %ld after the close\n", c,
                log.got[c].size(), total, mine.size(),
                in_producer_order(log.got[c]) ? "in order" : "OUT OF ORDER", log.after_close[c]);
  }

  compss::barrier();
  const auto tallies = tally::read(dir, "producer");
  long calls = 0;
  for (const auto& [node, t] : tallies) calls += t.calls;
  const std::size_t workers = tally::expected("COMPSS_WORKERS_EXPECTED");
  const bool spread = workers == 0 || (!tallies.contains("master") && tallies.size() >= 2);
  std::printf("producer tasks: %ld, on workers, more than one: %s\n", calls, spread ? "yes" : "no");
  return 0;
}
