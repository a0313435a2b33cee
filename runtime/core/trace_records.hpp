// TraceRecords: a trace's records (core/trace_buffer.hpp), in a buffer per thread that
// tells events. The runtime writes the task path's events here itself (a submission with
// its edges and its end, ready (not in a local run: derived when decoded), started and
// ended, or one record for both once a local attempt ended: Observers::Snapshot::records):
// inline, a few plain stores each, no event struct, no virtual call, no observer list,
// and stamped with the time-stamp counter where it can be (core/event_clock.hpp).
// observe/trace_recorder.hpp, which owns them, writes the run's other events and decodes
// everything when the run ends. docs/traces.md, "Cost and limits".
#pragma once

#include "core/events.hpp"
#include "core/trace_buffer.hpp"
#include "core/event_clock.hpp"

#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace compss::rt {

/// What a record holds (TraceRecord's fields, by kind):
enum class RecordKind : std::uint8_t {
  submitted,      // a task, b its type (flag 0: a TaskSpec*; 1: an index the owner interned), time,
                  // small: submitted_begun (a submission_begun record follows its
                  // dependencies) | submitted_ready_derived (no ready record: derived) |
                  // submitted_spans (its submission's begin and end in it: u32 and a's high
                  // half, submitted_spans' comment)
  dependency,     // after its task's submitted: a the task waited for, b datum, time its version
  submission_begun,  // after them, when submitted_spans do not fit: time the program's
                     // submission and its analysis began, a's high half its end after that
                     // time plus one (0: told as an activity record of its own)
  ready,          // a task, time
  placed,         // a task, b node, u32 computing units, time
  started,        // a task, u32 attempt, b node << 32 | slot, time
  ended,          // a task, u32 attempt, small outcome, flag will_retry, time
  activity,       // small kind, flag begin, time
  ran,            // an attempt on node 0, written when it ended: a task, u32 attempt, flag slot,
                  // small outcome | ran_will_retry, time started, b time ended
  transfer,       // a datum, b version, u32 from, time begin; then transfer_end
  transfer_end,   // a bytes, u32 to, time end
  node_work,      // u32 node, small kind, flag outcome, a task, b bytes, time begin; then node_work_end
  node_work_end,  // u32 thread, a attempt, time end
  withdrawn,      // a submitted record not completed (the budget refused one of its edges or
                  // its begun record, or the submission threw): skipped with the dependency
                  // records after it; only its kind is written (open_submission), no other
                  // field may be read
};
/// Set in a record's kind when its time is a counter stamp, converted when the run ends.
constexpr std::uint8_t tsc_time = 0x80;
/// Set in a ran record's `small` when the task will be retried.
constexpr std::uint8_t ran_will_retry = 0x80;
/// A submitted record's `small`: a submission_begun record follows its dependencies.
constexpr std::uint8_t submitted_begun = 1;
/// A submitted record's `small`: its task's ready is not recorded but derived when the
/// records are decoded (a local run), as the latest of its submitted time and its
/// predecessors' last ends: when its dependencies were all met. (The runtime's own ready
/// time, told to other observers, is read later: in the finish() of the predecessor that
/// made it ready, or at its submission.)
constexpr std::uint8_t submitted_ready_derived = 2;
/// A submitted record's `small`: its submission's begin and end are in it, as offsets from
/// its time (the analysis' end) in the units of its time (ns or counter ticks): `u32` the
/// begin's before it, `a`'s high 32 bits the end's after it plus one (0: the end is not in
/// it, told by an activity record of its own after it), `a`'s low 32 bits its task. Used
/// when they fit (a task id below 2^32, the begin within 2^32 - 1 units; a run's budget
/// holds well under 2^32 tasks); else a submission_begun record follows, as before.
constexpr std::uint8_t submitted_spans = 4;

namespace trace_detail {
/// The log of the records this thread last told an event (by their serial).
struct CachedLog {
  std::uint64_t serial = 0;
  void* log = nullptr;
};
// (initial-exec: a plain load, not a call to __tls_get_addr per event; libcompss is
// loaded with the program, never dlopen()ed. Constant-initialised: no wrapper call.)
[[gnu::tls_model("initial-exec")]] inline constinit thread_local CachedLog cached_log{};
}  // namespace trace_detail

/// Thread-safety: the recording functions from any thread, each writing into its own
/// thread's buffer (found through one initial-exec thread_local compare); the budget is one
/// atomic counter the buffers draw chunks from. drain() and memory_bytes() once no thread
/// records any more (the run ended); two of them at once are serialised by logs_mutex_.
/// Lock order: logs_mutex_ alone.
///
///   TraceRecords records(1'000'000, tsc_stamps_usable());
///   records.ready(7, stamp, records.counter_stamps());
///   records.drain([&](TraceRecords::ThreadLog& log, const TscToTime& to_time) { ... });
class TraceRecords {
 public:
  /// One thread's records, and the nodes' names it saw (by node number; empty: none).
  struct ThreadLog {
    ThreadLog(RecordBudget& budget, std::thread::id id) : thread(id), records(budget) {}
    std::thread::id thread;
    TraceBuffer records;
    std::vector<std::string> node_names;
    /// node_names[0] is set (not empty): the attempts' per-record check is this one load.
    bool node0_named = false;
  };

  /// Keeps at most `max_records` records; stamps from the counter when `counter_stamps`
  /// (only where tsc_stamps_usable()).
  TraceRecords(std::uint64_t max_records, bool counter_stamps);
  TraceRecords(const TraceRecords&) = delete;
  TraceRecords& operator=(const TraceRecords&) = delete;

  /// True when the runtime may stamp this trace's events with the counter (read_tsc()).
  bool counter_stamps() const noexcept { return counter_stamps_; }

  /// `n` consecutive records of the calling thread's buffer, or null (the budget is spent,
  /// or no memory for the thread's log: the event is dropped).
  TraceRecord* reserve(std::uint32_t n) noexcept {
    ThreadLog* l = log();
    return l != nullptr ? l->records.reserve(n) : nullptr;
  }
  /// The calling thread's log (made on its first event), or null without memory.
  ThreadLog* log() noexcept {
    const trace_detail::CachedLog& cached = trace_detail::cached_log;
    if (cached.serial == serial_) [[likely]] return static_cast<ThreadLog*>(cached.log);
    return attach();
  }

  // ---- the task path: `tsc` says the times are counter stamps, else event times -------
  /// A task of type `type` (its TaskSpec*, or with `!by_spec` an index the owner interned)
  /// submitted at `time`, its submission begun at `begin` (0: not the program's), waiting
  /// for `dependencies`. Kept whole or not at all. Returns the record into which
  /// submission_ended() puts the submission's end (null: no begin, or dropped): the
  /// submitted record itself (submitted_spans) or its submission_begun record.
  TraceRecord* submitted(std::uint64_t task, std::uint64_t type, bool by_spec, std::span<const Dependency> dependencies,
                 EventTime begin, EventTime time, bool tsc, bool ready_derived = false) noexcept {
    const auto deps = static_cast<std::uint32_t>(dependencies.size());
    const bool spans = begin != 0 && spans_fit(task, begin, time);
    const std::uint32_t begun = begin != 0 && !spans ? 1 : 0;
    TraceRecord* r = reserve(1 + deps + begun);
    if (r == nullptr) return nullptr;
    r[0] = record(RecordKind::submitted, tsc, task, time, type,
                  static_cast<std::uint8_t>((begun != 0 ? submitted_begun : 0) | (spans ? submitted_spans : 0) |
                                            (ready_derived ? submitted_ready_derived : 0)),
                  by_spec ? 0 : 1, spans ? static_cast<std::uint32_t>(time - begin) : 0);
    for (std::uint32_t i = 0; i < deps; ++i) {
      const Dependency& d = dependencies[i];
      r[1 + i] = dependency(d);
    }
    if (spans) return r;
    if (begun == 0) return nullptr;
    r[1 + deps] = record(RecordKind::submission_begun, tsc, 0, begin);
    return &r[1 + deps];
  }
  /// Whether a submission of `task` begun at `begin` and analysed at `time` is written in
  /// its submitted record alone (submitted_spans).
  static bool spans_fit(std::uint64_t task, EventTime begin, EventTime time) noexcept {
    return (task | static_cast<std::uint64_t>(time - begin)) <= UINT32_MAX;  // (an end before its begin: huge)
  }
  // A submission the trace alone observes is written as its analysis goes: its submitted
  // record first (withdrawn until it is complete), then each edge, written by the registry
  // straight into the thread's buffer (EdgeSink, core/registry.hpp: no list, no copy), then
  // it is completed: its begin and end in it (submitted_spans), or, when they do not fit,
  // a begun record after the edges. Kept whole or not at all, as submitted()'s.
  /// The calling thread's buffer, or null (no memory for its log).
  TraceBuffer* buffer() noexcept {
    ThreadLog* l = log();
    return l != nullptr ? &l->records : nullptr;
  }
  /// The submitted record of a submission of a task of `params` parameters whose edges
  /// `buffer` will get next (null: dropped). Called before the registry's lock is taken:
  /// room is made here for the submission's usual records (it, one edge a parameter, and
  /// a begun record should its begin not fit it), so that its edges, written under that
  /// lock, do not map a chunk there. Only its kind is written (withdrawn): only `kind` may
  /// be read from a record left withdrawn (the decoder skips it).
  /// (Only usual: a write waits for every reader since the last write, and a collection's
  /// elements are data of their own, so edges are not bounded by parameters; more map a
  /// chunk under the lock, as rarely as one per 8,192 records.)
  static TraceRecord* open_submission(TraceBuffer& buffer, std::uint32_t params) noexcept {
    buffer.ensure(2 + params);
    TraceRecord* r = buffer.reserve(1);
    if (r != nullptr) r->kind = static_cast<std::uint8_t>(RecordKind::withdrawn);  // (its other fields: garbage)
    return r;
  }
  /// An edge of the open submission; false (and one event counted as dropped): refused.
  static bool edge(TraceBuffer& buffer, const Dependency& d) noexcept {
    TraceRecord* r = buffer.reserve(1);
    if (r == nullptr) return false;
    *r = dependency(d);
    return true;
  }
  /// The record of an edge (written through EdgeSink's cursor, or by edge()).
  static TraceRecord dependency(const Dependency& d) noexcept {
    return TraceRecord{static_cast<std::uint8_t>(RecordKind::dependency), 0, 0, 0, d.task_id, d.data_id,
                       static_cast<std::int64_t>(d.version)};
  }
  /// Completes `open` (from open_submission(), its edges all written: else it stays
  /// withdrawn), as submitted() would have written it, with the submission's end (begun at
  /// `begin`, 0: none) at `time`, its analysis' end: in the same store (submitted_spans), in
  /// its begun record, else a record of its own.
  static void close_submission(TraceRecord* open, TraceBuffer& buffer, std::uint64_t task, std::uint64_t type,
                               EventTime begin, EventTime time, bool tsc, bool ready_derived) noexcept {
    const std::uint8_t derived = ready_derived ? submitted_ready_derived : 0;
    if (begin != 0 && spans_fit(task, begin, time)) [[likely]] {
      // (its end in a's upper half as submission_ended() writes it: 0 after its time, + 1)
      *open = record(RecordKind::submitted, tsc, task | std::uint64_t{1} << 32, time, type,
                     static_cast<std::uint8_t>(submitted_spans | derived), 0, static_cast<std::uint32_t>(time - begin));
      return;
    }
    if (begin != 0) {
      TraceRecord* begun = buffer.reserve(1);
      if (begun == nullptr) {  // (the budget: the submission is dropped whole, its end apart)
        submission_end_apart(buffer, time, tsc);
        return;
      }
      *begun = record(RecordKind::submission_begun, tsc, 0, begin);
      if (!submission_ended(begun, time)) submission_end_apart(buffer, time, tsc);
    }
    *open = record(RecordKind::submitted, tsc, task, time, type,
                   static_cast<std::uint8_t>((begin != 0 ? submitted_begun : 0) | derived));
  }
  /// A submission's end as a record of its own (activity() into `buffer`).
  static void submission_end_apart(TraceBuffer& buffer, EventTime time, bool tsc) noexcept {
    if (TraceRecord* r = buffer.reserve(1))
      *r = record(RecordKind::activity, tsc, 0, time, 0, static_cast<std::uint8_t>(Activity::submission));
  }
  /// The submission whose record submitted() returned ended at `time` (a stamp when that
  /// record's is: the same snapshot's), written into it: no record of its own. False when
  /// it does not fit there (submitted_spans): the caller then writes it as an activity.
  /// Only the thread that wrote it, before the records are drained.
  static bool submission_ended(TraceRecord* r, EventTime time) noexcept {
    // (Either record: its end after its own time, plus one, in a's high half; one compare
    // also refuses an end before it.)
    const auto after = static_cast<std::uint64_t>(time - r->time);
    if (after >= UINT32_MAX) [[unlikely]] return false;
    const auto stored = static_cast<std::uint32_t>(after + 1);
    std::memcpy(reinterpret_cast<unsigned char*>(&r->a) + 4, &stored, 4);  // (one 32-bit store)
    return true;
  }
  void ready(std::uint64_t task, EventTime time, bool tsc) noexcept {
    if (TraceRecord* r = reserve(1)) *r = record(RecordKind::ready, tsc, task, time);  // (one store a word)
  }
  void started(std::uint64_t task, unsigned attempt, const Allocation& where, EventTime time, bool tsc) noexcept {
    ThreadLog* l = log();
    TraceRecord* r = l != nullptr ? l->records.reserve(1) : nullptr;
    if (r == nullptr) return;
    *r = record(RecordKind::started, tsc, task, time);
    r->u32 = attempt;
    r->b = std::uint64_t{static_cast<std::uint32_t>(where.node)} << 32 | where.slot;
    // A node's name is copied the first time this thread sees the node.
    const auto node = static_cast<std::size_t>(where.node);
    if (where.node >= 0 && (node >= l->node_names.size() || l->node_names[node].empty()) && !where.node_name.empty())
      name_node(*l, node, where.node_name);
  }
  void ended(std::uint64_t task, unsigned attempt, TaskOutcome outcome, bool will_retry, EventTime time,
             bool tsc) noexcept {
    if (TraceRecord* r = reserve(1)) {
      *r = record(RecordKind::ended, tsc, task, time);
      r->u32 = attempt;
      r->small = static_cast<std::uint8_t>(outcome);
      r->flag = will_retry ? 1 : 0;
    }
  }
  /// An attempt started at `start` and ended at `end` (both stamps, or both event times),
  /// told once it ended: one record on node 0 (the master's, or a local run's) with a slot
  /// below 65,536, else a started and an ended record as started() and ended() write them.
  void ran(std::uint64_t task, unsigned attempt, const Allocation& where, EventTime start, TaskOutcome outcome,
           bool will_retry, EventTime end, bool tsc) noexcept {
    if (where.node != 0 || where.slot > 0xffff) [[unlikely]] {
      started(task, attempt, where, start, tsc);
      ended(task, attempt, outcome, will_retry, end, tsc);
      return;
    }
    ThreadLog* l = log();
    TraceRecord* r = l != nullptr ? l->records.reserve(1) : nullptr;
    if (r == nullptr) return;
    *r = record(RecordKind::ran, tsc, task, start);
    r->u32 = attempt;
    r->flag = static_cast<std::uint16_t>(where.slot);
    r->small = static_cast<std::uint8_t>(static_cast<std::uint8_t>(outcome) | (will_retry ? ran_will_retry : 0));
    r->b = static_cast<std::uint64_t>(end);
    if (!l->node0_named && !where.node_name.empty())
      name_node(*l, 0, where.node_name);
  }
  /// ran() on node 0 (named `node_name`) in executor slot `slot`, inlined where the attempt
  /// ran (run_observed_attempt: no Allocation, no node number to check).
  void ran_here(std::uint64_t task, unsigned attempt, unsigned slot, EventTime start, TaskOutcome outcome,
                bool will_retry, EventTime end, bool tsc, std::string_view node_name) noexcept {
    ThreadLog* l = log();
    if (l == nullptr) [[unlikely]] return;
    TraceRecord* r = slot <= 0xffff ? l->records.reserve(1) : nullptr;
    if (r == nullptr) [[unlikely]] {
      if (slot > 0xffff) ran(task, attempt, Allocation{0, node_name, slot}, start, outcome, will_retry, end, tsc);
      return;
    }
    *r = record(RecordKind::ran, tsc, task, start, static_cast<std::uint64_t>(end),
                static_cast<std::uint8_t>(static_cast<std::uint8_t>(outcome) | (will_retry ? ran_will_retry : 0)),
                static_cast<std::uint16_t>(slot), attempt);
    if (!l->node0_named && !node_name.empty()) [[unlikely]]
      name_node(*l, 0, node_name);
  }
  void activity(Activity kind, bool begin, EventTime time, bool tsc) noexcept {
    if (TraceRecord* r = reserve(1)) {
      *r = record(RecordKind::activity, tsc, 0, time);
      r->small = static_cast<std::uint8_t>(kind);
      r->flag = begin ? 1 : 0;
    }
  }

  /// A record of `kind` (`tsc`: its time is a counter stamp), its other fields given at
  /// once: its first 8 bytes are then one store, not one a field.
  static TraceRecord record(RecordKind kind, bool tsc, std::uint64_t a, EventTime time, std::uint64_t b = 0,
                            std::uint8_t small = 0, std::uint16_t flag = 0, std::uint32_t u32 = 0) noexcept {
    static_assert(std::endian::native == std::endian::little);
    struct Words {
      std::uint64_t head, a, b;
      std::int64_t time;
    };
    const std::uint64_t head = (static_cast<std::uint64_t>(kind) | (tsc ? tsc_time : 0)) |
                               std::uint64_t{small} << 8 | std::uint64_t{flag} << 16 | std::uint64_t{u32} << 32;
    return std::bit_cast<TraceRecord>(Words{head, a, b, time});
  }

  /// Calls `fn(ThreadLog&, const TscToTime&)` on every thread's log, in the order threads
  /// first recorded, then empties them (their memory is given back, not the budget). The
  /// converter turns this trace's counter stamps into event times.
  template <class Fn>
  void drain(Fn&& fn) {
    const TscToTime to_time(begin_, counter_stamps_ ? read_stamp_pair() : begin_);
    std::lock_guard lock(logs_mutex_);
    for (auto& l : logs_) {
      fn(*l, to_time);
      l->records.clear();
      l->node_names.clear();
      l->node0_named = false;
    }
  }

  /// Bytes the records hold (bounded by the budget: at most 32 per record).
  std::uint64_t memory_bytes();

 private:
  ThreadLog* attach() noexcept;
  static void name_node(ThreadLog& log, std::size_t node, std::string_view name) noexcept;

  const std::uint64_t serial_;  // tells these records from any others, even later ones at the same address
  const bool counter_stamps_;
  const StampPair begin_;       // (counter, clock) when the recording began
  RecordBudget budget_;
  std::mutex logs_mutex_;
  std::vector<std::unique_ptr<ThreadLog>> logs_;  // in the order threads first told an event
};

}  // namespace compss::rt
