// MonitorRecords: the monitor's ring (core/event_ring.hpp) as a direct sink of the task
// path, as TraceRecords (core/trace_records.hpp) is the trace's: the runtime appends a
// task's common events to it itself (a submission with its data accesses, ready, a start
// on a node already named, an end without an error): no event struct, no observer list,
// no virtual call. Its owner (observe/observer_group.hpp: the graph, the summary and the
// live timeline) drains and decodes them. What does not fit a record (a task in a group,
// a start on a node not named yet, a failure and its message) the runtime tells the owner
// as an event (TaskObserver::on_*), which drains the ring before it: the order holds.
// docs/performance.md, "The monitor's records written by the runtime".
#pragma once

#include "core/event_ring.hpp"
#include "core/events.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace compss::rt {

/// What a monitor record holds (TraceRecord's fields, by kind). A submission is a header,
/// then its data accesses, in consecutive records (its dependencies are not recorded: the
/// graph draws its edges from the data versions, the summary and the timeline read none).
enum class MonitorKind : std::uint8_t {
  submitted,  // a task, b its TaskSpec*, flag data accesses, time
  data,       // a datum, b version, u32 collection, small direction
  ready,      // a task, time
  placed,     // a task, b TaskSpec*, u32 computing units, flag node, time
  started,    // a task, b TaskSpec*, u32 attempt, small node, flag slot, time
  ended,      // a task, u32 attempt, small outcome, flag will_retry, time
};

/// Thread-safety: the task path's functions from any thread at once (the ring's append: no
/// lock); node names are set by name_node() under the owner's lock and read without it
/// (an atomic pointer per node, the names kept until the object dies). The owner drains
/// ring() under its own lock. Lock order: none taken here, but make_room() (the owner's,
/// on a full ring) try_locks the owner's lock; the ring's sleepers' lock is a leaf.
///
///   struct Owner : MonitorRecords { void make_room() noexcept override { ... } };
///   records.ended(7, 1, TaskOutcome::success, false, event_now());
class MonitorRecords {
 public:
  /// Nodes whose names a started record may refer to by number (others are told).
  static constexpr int named_nodes = 64;

  /// `capacity`: the ring's records, a power of two; `ready_read`: ready is recorded.
  MonitorRecords(std::uint32_t capacity, bool ready_read) : ring_(capacity), ready_read_(ready_read) {}
  virtual ~MonitorRecords() = default;
  MonitorRecords(const MonitorRecords&) = delete;
  MonitorRecords& operator=(const MonitorRecords&) = delete;

  EventRing& ring() noexcept { return ring_; }
  /// Whether ready records are wanted (the graph's only).
  bool ready_read() const noexcept { return ready_read_; }

  // ---- the task path: false when the event was not written (then tell it) ----------
  /// A submission of `data` accesses fits the ring's records.
  bool fits(std::size_t data) const noexcept { return data <= 0xFFFF && 1 + data <= ring_.capacity() / 2; }
  /// A task of type `spec` (named by it, outside groups: the caller checks) submitted at
  /// `time`, with `data` accesses (fits()).
  void submitted(std::uint64_t task, const detail::TaskSpec* spec, std::span<const DataAccess> data, EventTime time) {
    const DataAccess* next = data.data();
    submitted(task, spec, static_cast<std::uint32_t>(data.size()), time, [&] { return *next++; });
  }
  /// The same, its `n` (fits()) accesses given by `next()` in order, one call each: the
  /// runtime's from the task's parameters, without a list.
  template <class Next>
  void submitted(std::uint64_t task, const detail::TaskSpec* spec, std::uint32_t n, EventTime time, Next&& next) {
    append(1 + n, [&](TraceRecord* r, std::uint32_t i) {  // (the ring fills them in order)
      if (i == 0) {
        *r = record(MonitorKind::submitted, task, reinterpret_cast<std::uintptr_t>(spec), time);
        r->flag = static_cast<std::uint16_t>(n);
      } else {
        const DataAccess a = next();
        *r = record(MonitorKind::data, a.data_id, a.version, 0);
        r->u32 = a.collection;
        r->small = static_cast<std::uint8_t>(a.direction);
      }
    });
  }
  void ready(std::uint64_t task, EventTime time) {
    append(1, [&](TraceRecord* r, std::uint32_t) { *r = record(MonitorKind::ready, task, 0, time); });
  }
  bool placed(std::uint64_t task, const detail::TaskSpec* spec, int node, unsigned computing_units, EventTime time) {
    if (node < 0 || node > 0xFFFF) return false;
    append(1, [&](TraceRecord* r, std::uint32_t) {
      *r = record(MonitorKind::placed, task, reinterpret_cast<std::uintptr_t>(spec), time);
      r->u32 = computing_units;
      r->flag = static_cast<std::uint16_t>(node);
    });
    return true;
  }
  bool started(std::uint64_t task, const detail::TaskSpec* spec, unsigned attempt, const Allocation& where,
               EventTime time) {
    if (!named(where.node, where.node_name) || where.slot > 0xFFFF) return false;
    append(1, [&](TraceRecord* r, std::uint32_t) {
      *r = record(MonitorKind::started, task, reinterpret_cast<std::uintptr_t>(spec), time);
      r->u32 = attempt;
      r->small = static_cast<std::uint8_t>(where.node);
      r->flag = static_cast<std::uint16_t>(where.slot);
    });
    return true;
  }
  /// (A failure carries its message: told.)
  bool ended(std::uint64_t task, unsigned attempt, TaskOutcome outcome, bool will_retry, EventTime time) {
    if (outcome == TaskOutcome::failed || outcome == TaskOutcome::timed_out) return false;
    append(1, [&](TraceRecord* r, std::uint32_t) {
      *r = record(MonitorKind::ended, task, 0, time);
      r->u32 = attempt;
      r->small = static_cast<std::uint8_t>(outcome);
      r->flag = will_retry ? 1 : 0;
    });
    return true;
  }

  /// True when node `node` is named `name` (a started record may say it by number).
  bool named(int node, std::string_view name) const noexcept {
    if (node < 0 || node >= named_nodes) return false;
    const std::string* known = node_names_[static_cast<std::size_t>(node)].load(std::memory_order_acquire);
    return known != nullptr && *known == name;
  }
  /// Names node `node` `name` (under the owner's lock): its next starts go by the ring.
  /// Out of memory: not named (its starts are told).
  void name_node(int node, std::string_view name) noexcept;
  /// The name of node `node` (< named_nodes) a started record refers to.
  const std::string& node_name(int node) const noexcept {
    return *node_names_[static_cast<std::size_t>(node)].load(std::memory_order_acquire);
  }

 protected:
  /// A producer found the ring full: its owner drains a bounded part of it if it can.
  virtual void make_room() noexcept = 0;

 private:
  static TraceRecord record(MonitorKind kind, std::uint64_t a, std::uint64_t b, EventTime time) noexcept {
    return TraceRecord{static_cast<std::uint8_t>(kind), 0, 0, 0, a, b, time};
  }
  template <class Fill>
  void append(std::uint32_t n, Fill&& fill) {
    ring_.append(n, fill, [this] { make_room(); });
  }

  EventRing ring_;
  const bool ready_read_;
  std::array<std::atomic<const std::string*>, named_nodes> node_names_{};
  std::vector<std::unique_ptr<std::string>> owned_names_;  ///< (owner's lock) every name set, kept
};

}  // namespace compss::rt
