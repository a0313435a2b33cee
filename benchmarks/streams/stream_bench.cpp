// Streams against Redis Streams (benchmarks/streams/README.md, docs/performance.md): for
// each pattern (P producers -> P consumers, P = 1, 2) and element size (64 B, 1 MiB), the
// same tasks move timestamped elements through a compss::ObjectStream (at_most_once,
// capacity 256) and through a Redis stream (XADD; XREADGROUP in one consumer group, then
// XACK), in the same run. Prints elements/s and the publish-to-poll latency (p50, p99) of
// both, and the ratios against the targets (throughput at least Redis's, p99 at most).
//
//   stream_bench <redis port, 0: ours only> <where (a label)> [elements per producer,
//                64 B] [elements per producer, 1 MiB]     (defaults 200000 and 300)
//
// Run by run.sh, which starts its own redis-server. Under `compss-run --workers 2` the
// stream tasks run on the workers (each worker gets its share: a producer and its
// consumer on different workers), and so do the Redis clients: their tasks take a stream
// parameter they do not use, only so that they are placed exactly as ours are.
#include <compss/compss.hpp>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

struct Stamped {
  std::int64_t sent_ns = 0;
  std::vector<char> payload;
  template <class A>
  void serialize(A& ar) {
    ar(sent_ns, payload);
  }
};

// CLOCK_MONOTONIC: one clock for every process of the machine (local workers included).
static std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// With STREAM_BENCH_WORK_US=<n>: each consumer (ours and Redis's) works n µs per element
// once it has it (a busy loop, a real consumer's handling), so that what a poll costs can
// overlap with the user's work (a poll's prefetch, COMPSS_STREAM_PREFETCH_BYTES). 0: none.
static void consumer_work() {
  static const std::int64_t ns = [] {
    const char* v = std::getenv("STREAM_BENCH_WORK_US");
    return v != nullptr ? std::max(0L, std::atol(v)) * 1000 : 0L;
  }();
  if (ns == 0) return;
  const std::int64_t until = now_ns() + ns;
  while (now_ns() < until) {
  }
}

// ---- ours ------------------------------------------------------------------------------

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

// With STREAM_BENCH_DUMP=<dir>: each consumer task writes its elements' send times and
// latencies (ns, one element a line) to <dir>/<ours|redis>-<end time>-<pid>.txt, to see
// when the slow ones were sent (where a tail comes from). Off by default.
static void dump_latencies(const char* who, const std::vector<std::int64_t>& sent,
                           const std::vector<std::int64_t>& latencies) {
  const char* dir = std::getenv("STREAM_BENCH_DUMP");
  if (dir == nullptr) return;
  // (No counter: a task writing a global would be kept on the master, -Wcompss-global.)
  const std::string path = std::string(dir) + "/" + who + "-" + std::to_string(now_ns()) + "-" +
                           std::to_string(::getpid()) + ".txt";
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    std::fprintf(stderr, "stream_bench: cannot write %s\n", path.c_str());
    return;
  }
  for (std::size_t i = 0; i < sent.size(); ++i) {
    std::fprintf(f, "%lld %lld\n", static_cast<long long>(sent[i]), static_cast<long long>(latencies[i]));
  }
  std::fclose(f);
}

#pragma compss task stream_in(s) out(latencies_ns)
void bench_consume(compss::ObjectStream<Stamped>& s, std::vector<std::int64_t>& latencies_ns) {
  latencies_ns.clear();
  std::vector<std::int64_t> sent;
  while (!s.is_closed()) {
    const std::vector<Stamped> batch = s.poll(0.01);
    const std::int64_t at = now_ns();  // (the batch's arrival: as Redis's, below)
    for (const Stamped& e : batch) {
      latencies_ns.push_back(at - e.sent_ns);
      sent.push_back(e.sent_ns);
      consumer_work();
    }
  }
  dump_latencies("ours", sent, latencies_ns);
}

// ---- Redis -----------------------------------------------------------------------------

namespace {

/// One connection to the benchmark's redis-server; every failure ends the program with
/// what Redis said (a benchmark has nothing to recover).
class Redis {
 public:
  explicit Redis(int port) : c_(redisConnect("127.0.0.1", port)) {
    if (c_ == nullptr || c_->err) die("cannot connect to redis-server on port " + std::to_string(port));
  }
  ~Redis() { redisFree(c_); }
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  /// Sends a command now (argv of binary strings) and returns its reply.
  redisReply* command(const std::vector<std::string_view>& args) {
    append(args);
    return reply();
  }
  /// Queues a command; its reply is read later (pipelining).
  void append(const std::vector<std::string_view>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (auto a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c_, static_cast<int>(args.size()), argv.data(), lens.data()) != REDIS_OK)
      die("cannot queue a command");
  }
  /// The next reply (the caller frees it with freeReplyObject).
  redisReply* reply() {
    void* r = nullptr;
    if (redisGetReply(c_, &r) != REDIS_OK || r == nullptr) die("lost the connection");
    auto* rr = static_cast<redisReply*>(r);
    if (rr->type == REDIS_REPLY_ERROR) die(std::string("error reply: ") + rr->str);
    return rr;
  }
  void run(const std::vector<std::string_view>& args) { freeReplyObject(command(args)); }

 private:
  [[noreturn]] void die(const std::string& what) const {
    std::fprintf(stderr, "stream_bench: redis: %s (%s)\n", what.c_str(),
                 c_ != nullptr && c_->err ? c_->errstr : "no detail");
    std::exit(3);
  }
  redisContext* c_;
};

std::string_view bytes_of(const std::int64_t& v) { return {reinterpret_cast<const char*>(&v), sizeof v}; }

}  // namespace

// XADD each element; replies are read in batches (pipelining: at most 64 commands or
// 1 MiB in flight), Redis's usual way to publish fast.
#pragma compss task stream_out(place)
void redis_produce(compss::ObjectStream<int>& place, int port, std::string key, long count, long bytes) {
  Redis r(port);
  std::vector<char> payload;
  long pending = 0, pending_bytes = 0;
  auto drain = [&] {
    for (; pending > 0; --pending) freeReplyObject(r.reply());
    pending_bytes = 0;
  };
  for (long i = 0; i <= count; ++i) {
    const bool end = i == count;  // the last entry says this producer is done
    payload.assign(end ? 0 : static_cast<std::size_t>(bytes), static_cast<char>(i));
    const std::int64_t sent = now_ns();
    r.append({"XADD", key, "*", "t", bytes_of(sent), end ? "e" : "d", {payload.data(), payload.size()}});
    ++pending;
    pending_bytes += static_cast<long>(payload.size());
    if (pending >= 64 || pending_bytes >= (1L << 20)) drain();
  }
  drain();
  place.close();
}

// XREADGROUP (up to 256 entries, blocking up to 10 ms) then XACK them, until every
// producer's end entry was taken by one of the group's consumers (a counter in Redis):
// entries before them were all delivered by then (a group delivers in stream order).
#pragma compss task stream_in(place) out(latencies_ns)
void redis_consume(compss::ObjectStream<int>& place, int port, std::string key, std::string name,
                   long producers, std::vector<std::int64_t>& latencies_ns) {
  (void)place;
  latencies_ns.clear();
  Redis r(port);
  const std::string ends = key + ":ends";
  std::vector<std::int64_t> sents;
  for (;;) {
    redisReply* got = r.command({"XREADGROUP", "GROUP", "g", name, "COUNT", "256", "BLOCK", "10",
                                 "STREAMS", key, ">"});
    const std::int64_t at = now_ns();
    std::vector<std::string> ids;
    long ended = 0;
    // [[key, [[id, [field, value, field, value]], ...]]] or nil
    if (got->type == REDIS_REPLY_ARRAY && got->elements == 1) {
      redisReply* entries = got->element[0]->element[1];
      for (std::size_t i = 0; i < entries->elements; ++i) {
        redisReply* entry = entries->element[i];
        ids.emplace_back(entry->element[0]->str, entry->element[0]->len);
        redisReply* fields = entry->element[1];
        std::int64_t sent = 0;
        std::memcpy(&sent, fields->element[1]->str, sizeof sent);
        if (fields->element[2]->str[0] == 'e') {
          ++ended;
        } else {
          latencies_ns.push_back(at - sent);
          sents.push_back(sent);
        }
      }
    }
    freeReplyObject(got);
    if (!ids.empty()) {
      std::vector<std::string_view> ack = {"XACK", key, "g"};
      for (const auto& id : ids) ack.push_back(id);
      r.run(ack);
      for (std::size_t i = static_cast<std::size_t>(ended); i < ids.size(); ++i) consumer_work();
    }
    long seen = 0;
    if (ended > 0) {
      redisReply* n = r.command({"INCRBY", ends, std::to_string(ended)});
      seen = n->integer;
      freeReplyObject(n);
    } else if (ids.empty()) {
      redisReply* n = r.command({"GET", ends});
      seen = n->type == REDIS_REPLY_STRING ? std::atol(n->str) : 0;
      freeReplyObject(n);
    }
    if (seen >= producers) break;
  }
  dump_latencies("redis", sents, latencies_ns);
}

// ---- the runs --------------------------------------------------------------------------

struct Result {
  double per_second = 0, p50_us = 0, p99_us = 0;
  std::size_t elements = 0;
};

static Result summarize(std::vector<std::vector<std::int64_t>>& latencies, std::int64_t start) {
  const double seconds = static_cast<double>(now_ns() - start) / 1e9;
  std::vector<std::int64_t> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double q) {
    return all.empty() ? 0.0 : static_cast<double>(all[static_cast<std::size_t>(q * static_cast<double>(all.size() - 1))]) / 1e3;
  };
  return {static_cast<double>(all.size()) / seconds, pct(0.50), pct(0.99), all.size()};
}

static Result run_ours(int pairs, long count, long bytes) {
  compss::ObjectStream<Stamped> s("", compss::at_most_once, 256);
  std::vector<std::vector<std::int64_t>> lat(static_cast<std::size_t>(pairs));
  const auto start = now_ns();
  s.publish(std::vector<Stamped>{});  // held open while the producers are submitted
  for (int p = 0; p < pairs; ++p) bench_produce(s, count, bytes);
  s.close();
  for (auto& l : lat) bench_consume(s, l);
#pragma compss wait_on(lat)
  return summarize(lat, start);
}

static Result run_redis(int port, int pairs, long count, long bytes) {
  static int runs = 0;
  const std::string key = "stream_bench:" + std::to_string(++runs);
  Redis r(port);
  r.run({"DEL", key, key + ":ends"});
  r.run({"XGROUP", "CREATE", key, "g", "$", "MKSTREAM"});
  compss::ObjectStream<int> place("", compss::at_most_once, 1);
  std::vector<std::vector<std::int64_t>> lat(static_cast<std::size_t>(pairs));
  const auto start = now_ns();
  place.publish(std::vector<int>{});
  for (int p = 0; p < pairs; ++p) redis_produce(place, port, key, count, bytes);
  place.close();
  for (int c = 0; c < pairs; ++c) redis_consume(place, port, key, "c" + std::to_string(c), pairs, lat[static_cast<std::size_t>(c)]);
#pragma compss wait_on(lat)
  Result result = summarize(lat, start);
  r.run({"DEL", key, key + ":ends"});  // frees Redis's memory before the next run
  return result;
}

static std::string size_name(long bytes) { return bytes >= (1L << 20) ? "1 MiB" : std::to_string(bytes) + " B"; }

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: stream_bench <redis port, 0: ours only> <where> [elements of 64 B] [elements of 1 MiB]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const std::string where = argv[2];
  const long small = argc > 3 ? std::atol(argv[3]) : 200000;
  const long big = argc > 4 ? std::atol(argv[4]) : 300;
  if (port < 0 || port > 65535 || small < 1 || big < 1) {
    std::fprintf(stderr, "stream_bench: a port in 0..65535 and element counts >= 1, please\n");
    return 2;
  }
  std::printf("| where | pattern | size | ours elements/s | Redis elements/s | throughput ours/Redis (target >= 1) "
              "| ours p50 | Redis p50 | ours p99 | Redis p99 | p99 ours/Redis (target <= 1) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int pairs : {1, 2}) {
    for (long bytes : {64L, 1L << 20}) {
      const long count = bytes >= (1L << 20) ? big : small;
      const Result ours = run_ours(pairs, count, bytes);
      const Result redis = port != 0 ? run_redis(port, pairs, count, bytes) : Result{};
      if (ours.elements != static_cast<std::size_t>(pairs * count) ||
          (port != 0 && redis.elements != static_cast<std::size_t>(pairs * count))) {
        std::fprintf(stderr, "stream_bench: elements lost: ours %zu, Redis %zu, expected %ld\n", ours.elements,
                     redis.elements, pairs * count);
        return 1;
      }
      auto ratio = [&](double a, double b, bool more_is_better) -> std::string {
        if (b <= 0) return "-";
        char text[64];
        const bool met = more_is_better ? a >= b : a <= b;
        std::snprintf(text, sizeof text, "%.2f %s", a / b, met ? "met" : "missed");
        return text;
      };
      std::printf("| %s | %d -> %d | %s | %.0f | %.0f | %s | %.0f us | %.0f us | %.0f us | %.0f us | %s |\n",
                  where.c_str(), pairs, pairs, size_name(bytes).c_str(), ours.per_second, redis.per_second,
                  ratio(ours.per_second, redis.per_second, true).c_str(), ours.p50_us, redis.p50_us, ours.p99_us,
                  redis.p99_us, ratio(ours.p99_us, redis.p99_us, false).c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}
