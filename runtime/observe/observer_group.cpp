#include "observe/observer_group.hpp"

#include "core/thread_start.hpp"

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace compss::rt::observe {

namespace {

/// What a ring record holds (TraceRecord's fields, by kind). A submission is a header,
/// then its data accesses, in consecutive records. (Its dependencies are not recorded:
/// the graph draws its edges from the data versions, and the summary and the timeline
/// read neither.)
enum class Kind : std::uint8_t {
  submitted,   // a task, b its TaskSpec*, flag data accesses, time
  data,        // a datum, b version, u32 collection, small direction
  ready,       // a task, time
  placed,      // a task, b TaskSpec*, u32 computing units, flag node, time
  started,     // a task, b TaskSpec*, u32 attempt, small node, flag slot, time
  ended,       // a task, u32 attempt, small outcome, flag will_retry, time
};

TraceRecord record(Kind kind, std::uint64_t a, std::uint64_t b, std::int64_t time) {
  return TraceRecord{static_cast<std::uint8_t>(kind), 0, 0, 0, a, b, time};
}

const detail::TaskSpec* spec_of(const TraceRecord& r) { return reinterpret_cast<const detail::TaskSpec*>(r.b); }

}  // namespace

ObserverGroup::ObserverGroup(std::shared_ptr<std::mutex> mutex, std::shared_ptr<TaskGraph> graph,
                             std::shared_ptr<RunSummary> summary, std::shared_ptr<Monitor> monitor,
                             std::function<void()> at_run_end, std::uint32_t ring_records)
    : mutex_(std::move(mutex)), graph_(std::move(graph)), summary_(std::move(summary)), monitor_(std::move(monitor)),
      at_run_end_(std::move(at_run_end)), ring_(ring_records) {
  if (monitor_) timeline_ = &monitor_->timeline();
  // (one lock for all: a member made with another would be told events unguarded)
  if ((graph_ && &graph_->mutex() != mutex_.get()) || (summary_ && &summary_->mutex() != mutex_.get()) ||
      (timeline_ && &timeline_->mutex() != mutex_.get()))
    throw std::logic_error("ObserverGroup: the graph, the summary and the monitor must share its mutex");
  try {
    drainer_ = start_thread([this] { drain_loop(); });
  } catch (const std::system_error& e) {
    // (The run goes on: the producers drain a full ring, other events and the run's end
    // drain the rest; what the page shows lags further.)
    std::fprintf(stderr, "compss: the monitor's draining thread could not be started (%s): the graph, "
                 "summary and live view take their events when the ring fills and at the run's end\n", e.what());
  }
}

ObserverGroup::~ObserverGroup() { stop_drainer(); }

// ---- the task path: records into the ring ------------------------------------------------

void ObserverGroup::on_submitted(const rt::TaskSubmitted& e) {
  const std::size_t data = e.data.size();
  // By the ring: a task named by its spec (which lives as long as the program), outside
  // groups (their names are valid during the call only), of a size the ring takes.
  if (e.spec == nullptr || e.name.data() != e.spec->name || !e.groups.empty() || data > 0xFFFF ||
      1 + data > ring_.capacity() / 2) {
    std::lock_guard lock(*mutex_);
    drain_locked(true);
    submitted_locked(e);
    return;
  }
  append(static_cast<std::uint32_t>(1 + data), [&](TraceRecord* r, std::uint32_t i) {
    if (i == 0) {
      *r = record(Kind::submitted, e.task_id, reinterpret_cast<std::uintptr_t>(e.spec), e.time);
      r->flag = static_cast<std::uint16_t>(data);
    } else {
      const rt::DataAccess& a = e.data[i - 1];
      *r = record(Kind::data, a.data_id, a.version, 0);
      r->u32 = a.collection;
      r->small = static_cast<std::uint8_t>(a.direction);
    }
  });
}

void ObserverGroup::on_ready(const rt::TaskReady& e) {
  if (!graph_) return;
  append(1, [&](TraceRecord* r, std::uint32_t) { *r = record(Kind::ready, e.task_id, 0, e.time); });
}

void ObserverGroup::on_placed(const rt::TaskPlaced& e) {
  if (!timeline_) return;
  if (e.node < 0 || e.node > 0xFFFF) {
    std::lock_guard lock(*mutex_);
    drain_locked(true);
    timeline_->on_placed_locked(e);
    return;
  }
  append(1, [&](TraceRecord* r, std::uint32_t) {
    *r = record(Kind::placed, e.task_id, reinterpret_cast<std::uintptr_t>(e.spec), e.time);
    r->u32 = e.computing_units;
    r->flag = static_cast<std::uint16_t>(e.node);
  });
}

bool ObserverGroup::named(int node, std::string_view name) const noexcept {
  if (node < 0 || node >= named_nodes) return false;
  const std::string* known = node_names_[static_cast<std::size_t>(node)].load(std::memory_order_acquire);
  return known != nullptr && *known == name;
}

void ObserverGroup::on_started(const rt::TaskStarted& e) {
  if (!named(e.where.node, e.where.node_name) || e.where.slot > 0xFFFF) {
    std::lock_guard lock(*mutex_);
    drain_locked(true);
    if (e.where.node >= 0 && e.where.node < named_nodes) {  // (its next starts go by the ring)
      try {
        owned_names_.push_back(std::make_unique<std::string>(e.where.node_name));
        node_names_[static_cast<std::size_t>(e.where.node)].store(owned_names_.back().get(), std::memory_order_release);
      } catch (...) {  // (out of memory: told directly again next time)
      }
    }
    started_locked(e);
    return;
  }
  append(1, [&](TraceRecord* r, std::uint32_t) {
    *r = record(Kind::started, e.task_id, reinterpret_cast<std::uintptr_t>(e.spec), e.time);
    r->u32 = e.attempt;
    r->small = static_cast<std::uint8_t>(e.where.node);
    r->flag = static_cast<std::uint16_t>(e.where.slot);
  });
}

void ObserverGroup::on_ended(const rt::TaskEnded& e) {
  // A failure carries its message (valid during the call only): told directly.
  if (e.outcome == rt::TaskOutcome::failed || e.outcome == rt::TaskOutcome::timed_out) {
    {
      std::lock_guard lock(*mutex_);
      drain_locked(true);
      ended_locked(e);
    }
    if (monitor_) monitor_->note_failure(e);
    return;
  }
  append(1, [&](TraceRecord* r, std::uint32_t) {
    *r = record(Kind::ended, e.task_id, 0, e.time);
    r->u32 = e.attempt;
    r->small = static_cast<std::uint8_t>(e.outcome);
    r->flag = e.will_retry ? 1 : 0;
  });
}

// ---- told directly, after what the ring holds ----------------------------------------------

void ObserverGroup::on_transfer(const rt::DataTransferred& e) {
  if (!summary_) return;
  flush();  // (the summary finds the version's maker from its submission)
  summary_->on_transfer(e);
}

void ObserverGroup::on_activity(const rt::RuntimeActivity& e) {
  // (the graph draws barriers and waits, after the tasks submitted before them)
  if (!graph_ || !e.begin || (e.kind != rt::Activity::barrier && e.kind != rt::Activity::wait_on)) return;
  flush();
  graph_->on_activity(e);
}

void ObserverGroup::on_node_lost(const rt::NodeLost& e) {
  if (monitor_) monitor_->on_node_lost(e);
}

void ObserverGroup::on_run_ended(const rt::RunEnded& e) {
  stop_drainer();
  flush();
  try {
    if (monitor_) monitor_->on_run_ended(e);
  } catch (...) {  // (the files are written all the same, as when they were two observers)
  }
  if (at_run_end_) at_run_end_();
}

void ObserverGroup::flush() {
  std::lock_guard lock(*mutex_);
  drain_locked(true);
}

// ---- off the task path: records out of the ring ------------------------------------------

void ObserverGroup::submitted_locked(const rt::TaskSubmitted& e) {
  if (graph_) graph_->on_submitted_locked(e);
  if (summary_) summary_->on_submitted_locked(e);
  if (timeline_ && e.spec == nullptr) timeline_->on_submitted_locked(e);
}

void ObserverGroup::started_locked(const rt::TaskStarted& e) {
  if (graph_) graph_->on_started_locked(e);
  if (summary_) summary_->on_started_locked(e);
  if (timeline_) timeline_->on_started_locked(e);
}

void ObserverGroup::ended_locked(const rt::TaskEnded& e) {
  if (graph_) graph_->on_ended_locked(e);
  if (summary_) summary_->on_ended_locked(e);
  if (timeline_) timeline_->on_ended_locked(e);
}

void ObserverGroup::apply_locked(const TraceRecord* r, std::uint32_t n) {
  const TraceRecord& h = r[0];
  switch (static_cast<Kind>(h.kind)) {
    case Kind::submitted: {
      data_.clear();
      for (std::uint32_t i = 1; i < n; ++i) {
        data_.push_back({r[i].a, r[i].b, static_cast<detail::Direction>(r[i].small), r[i].u32});
      }
      const detail::TaskSpec* spec = spec_of(h);
      if (spec != name_of_) {  // (tasks of one type follow each other: its name measured once)
        name_ = spec->name;
        name_of_ = spec;
      }
      submitted_locked(rt::TaskSubmitted{h.a, name_, {}, data_, h.time, {}, spec});
      break;
    }
    case Kind::ready:
      graph_->on_ready_locked(rt::TaskReady{h.a, h.time});
      break;
    case Kind::placed:
      timeline_->on_placed_locked(rt::TaskPlaced{h.a, h.flag, h.u32, h.time, spec_of(h)});
      break;
    case Kind::started: {
      const std::string* name = node_names_[h.small].load(std::memory_order_acquire);
      started_locked(rt::TaskStarted{h.a, h.u32, rt::Allocation{h.small, *name, h.flag}, h.time, spec_of(h)});
      break;
    }
    case Kind::ended:
      ended_locked(rt::TaskEnded{h.a, static_cast<rt::TaskOutcome>(h.small), h.u32, h.flag != 0, h.time});
      break;
    case Kind::data:
      break;  // (inside a submission: never first)
  }
}

void ObserverGroup::drain_locked(bool wait, std::uint64_t max_records) noexcept {
  ring_.consume(
      [this](const TraceRecord* r, std::uint32_t n) noexcept {
        try {
          apply_locked(r, n);
        } catch (...) {  // (out of memory: this event is missed, as a direct one would be)
        }
      },
      wait, max_records);
}

void ObserverGroup::make_room() noexcept {
  if (!mutex_->try_lock()) return;  // (the drainer, or a flush, is taking the ring: it wakes this)
  drain_locked(false, ring_.room_records());  // (a task's thread: a bounded part, never the whole ring)
  mutex_->unlock();
}

void ObserverGroup::drain_loop() {
  std::unique_lock lock(drainer_mutex_);
  while (!stop_) {
    drainer_wake_.wait_for(lock, drain_period, [this] { return stop_; });
    lock.unlock();
    {
      std::lock_guard events(*mutex_);
      drain_locked(false);
    }
    lock.lock();
  }
}

void ObserverGroup::stop_drainer() {
  {
    std::lock_guard lock(drainer_mutex_);
    stop_ = true;
  }
  drainer_wake_.notify_all();
  if (drainer_.joinable()) drainer_.join();
}

}  // namespace compss::rt::observe
