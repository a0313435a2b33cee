#include "observe/observer_group.hpp"

#include "core/thread_start.hpp"

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace compss::rt::observe {

namespace {

using Kind = MonitorKind;  // (core/monitor_records.hpp)

const detail::TaskSpec* spec_of(const TraceRecord& r) { return reinterpret_cast<const detail::TaskSpec*>(r.b); }

}  // namespace

ObserverGroup::ObserverGroup(std::shared_ptr<std::mutex> mutex, std::shared_ptr<TaskGraph> graph,
                             std::shared_ptr<RunSummary> summary, std::shared_ptr<Monitor> monitor,
                             std::function<void()> at_run_end, std::uint32_t ring_records)
    : mutex_(std::move(mutex)), graph_(std::move(graph)), summary_(std::move(summary)), monitor_(std::move(monitor)),
      at_run_end_(std::move(at_run_end)), records_(*this, ring_records, graph_ != nullptr), ring_(records_.ring()) {
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
// (Installed through Observers, the runtime writes the common events itself and calls
// these only for the others: core/monitor_records.hpp.)

void ObserverGroup::on_submitted(const rt::TaskSubmitted& e) {
  // By the ring: a task named by its spec (which lives as long as the program), outside
  // groups (their names are valid during the call only), of a size the ring takes.
  if (e.spec == nullptr || e.name.data() != e.spec->name || !e.groups.empty() || !records_.fits(e.data.size())) {
    std::lock_guard lock(*mutex_);
    drain_locked(true);
    submitted_locked(e);
    return;
  }
  records_.submitted(e.task_id, e.spec, e.data, e.time);
}

void ObserverGroup::on_ready(const rt::TaskReady& e) {
  if (records_.ready_read()) records_.ready(e.task_id, e.time);
}

void ObserverGroup::on_placed(const rt::TaskPlaced& e) {
  if (!timeline_ || records_.placed(e.task_id, e.spec, e.node, e.computing_units, e.time)) return;
  std::lock_guard lock(*mutex_);
  drain_locked(true);
  timeline_->on_placed_locked(e);
}

void ObserverGroup::on_started(const rt::TaskStarted& e) {
  if (records_.started(e.task_id, e.spec, e.attempt, e.where, e.time)) return;
  std::lock_guard lock(*mutex_);
  drain_locked(true);
  if (!records_.named(e.where.node, e.where.node_name))
    records_.name_node(e.where.node, e.where.node_name);  // (its next starts go by the ring)
  started_locked(e);
}

void ObserverGroup::on_ended(const rt::TaskEnded& e) {
  if (records_.ended(e.task_id, e.attempt, e.outcome, e.will_retry, e.time)) return;
  // A failure carries its message (valid during the call only): told directly.
  {
    std::lock_guard lock(*mutex_);
    drain_locked(true);
    ended_locked(e);
  }
  if (monitor_) monitor_->note_failure(e);
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
      started_locked(
          rt::TaskStarted{h.a, h.u32, rt::Allocation{h.small, records_.node_name(h.small), h.flag}, h.time, spec_of(h)});
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
