#include "net/remote_events.hpp"

#include "core/access.hpp"
#include "core/runtime.hpp"
#include "net/version_number.hpp"
#include "net/worker_link.hpp"

#include <algorithm>

namespace compss::net {

RemoteEvents::NodeState& RemoteEvents::state_of(int node) { return nodes_.try_emplace(node).first->second; }

ClockOffset& RemoteEvents::offset_of(int node) {
  std::lock_guard lock(mutex_);
  return state_of(node).clock;
}

void RemoteEvents::tell_clock(int node, rt::EventTime now) {
  rt::NodeClock told{node, 0, 0, now};
  {
    std::lock_guard lock(mutex_);
    NodeState& n = state_of(node);
    told.offset = n.clock.estimate();
    told.error_bound = n.clock.error_bound();
    told.probes = n.probes;
    told.events_dropped = n.events_dropped;
  }
  runtime_.events().notify(&rt::TaskObserver::on_clock, told);
}

void RemoteEvents::probed(int node, const ClockProbe& reply, rt::EventTime received) {
  if (reply.worker_ns == 0 || reply.master_ns == 0) return;
  {
    std::lock_guard lock(mutex_);
    NodeState& n = state_of(node);
    n.clock.add(reply.master_ns, reply.worker_ns, reply.worker_ns, received);
    ++n.probes;
  }
  tell_clock(node, received);
}

void RemoteEvents::worker_events(int node, const WorkerEvents& batch) {
  ClockOffset& clock = offset_of(node);
  if (batch.dropped > 0) {
    {
      std::lock_guard lock(mutex_);
      state_of(node).events_dropped += batch.dropped;
    }
    tell_clock(node, rt::event_now());
  }
  for (const WireEvent& e : batch.events) {
    rt::NodeActivity a;
    a.node = node;
    a.thread = e.thread;
    a.kind = static_cast<rt::NodeWork>(e.kind - 1);  // (WorkerEventKind counts from 1)
    a.outcome = e.outcome == 0 ? rt::TaskOutcome::success : rt::TaskOutcome::failed;
    a.bytes = e.bytes;
    SentAttempt sent;
    if (e.request != 0) {
      std::lock_guard lock(mutex_);
      auto it = attempts_.find({node, e.request});
      if (it != attempts_.end()) {
        sent = it->second;
        if (e.kind == static_cast<std::uint8_t>(WorkerEventKind::outputs)) attempts_.erase(it);
      }
    }
    a.task_id = sent.task_id;
    a.attempt = sent.attempt;
    if (sent.sent != 0) {  // within the call, as its answer's times are
      a.begin = clock.to_master(e.begin_ns, sent.sent, sent.answered);
      a.end = clock.to_master(e.end_ns, sent.sent, sent.answered);
    } else {
      a.begin = e.begin_ns + clock.estimate();
      a.end = e.end_ns + clock.estimate();
    }
    if (e.request != 0 && a.task_id == 0) continue;  // an attempt the master no longer knows
    runtime_.events().notify(&rt::TaskObserver::on_node_activity, a);
  }
}

std::pair<std::int64_t, std::int64_t> RemoteEvents::offset(int node) {
  ClockOffset& o = offset_of(node);
  return {o.estimate(), o.error_bound()};
}

int RemoteEvents::node_at(const std::string& address) const {
  for (std::size_t n = 1; n < node_count_.load(std::memory_order_acquire); ++n) {
    if (links_[n] && links_[n]->data_address() == address) return static_cast<int>(n);
  }
  return -1;
}

void RemoteEvents::transfer(const rt::DataTransferred& t) {
  if (t.bytes == 0 || t.from == t.to || t.from < 0 || t.data_id == 0) return;
  runtime_.events().notify(&rt::TaskObserver::on_transfer, t);
}

rt::EventTime RemoteEvents::answered(const detail::TaskBase& task, int node,
                                     const TaskRequest& request, const WorkerTimes& times,
                                     rt::EventTime sent_at, rt::EventTime answered_at,
                                     bool started_told) {
  const std::size_t named = std::min<std::size_t>(request.params.size(), task.param_count());
  if (times.received_ns == 0) return 0;  // no times in the answer: nothing to tell
  ClockOffset& clock = offset_of(node);
  std::int64_t last = std::max({times.received_ns, times.began_ns, times.ended_ns});
  for (const WireFetch& f : times.fetches) last = std::max(last, f.end_ns);
  clock.add(sent_at, times.received_ns, last, answered_at);
  if (worker_events_.load(std::memory_order_relaxed)) {  // its own events name it by request
    std::lock_guard lock(mutex_);
    if (attempts_.size() >= max_attempts) attempts_.clear();
    attempts_[{node, request.task_id}] = {task.id(), rt::task_state(task).attempts, sent_at, answered_at};
  }
  tell_clock(node, answered_at);
  auto master_time = [&](std::int64_t t) { return clock.to_master(t, sent_at, answered_at); };

  // Inputs the master sent inline arrived with the request (files travel as their path
  // and staging record, not as a datum's bytes: not counted).
  const rt::EventTime received = master_time(times.received_ns);
  for (std::size_t i = 0; i < named; ++i) {
    const WireParam& p = request.params[i];
    const detail::ParamDescriptor& d = task.params()[i];
    if (p.has_value && d.data_id != 0 && p.kind != static_cast<std::uint8_t>(detail::ParamKind::file) &&
        rt::reads(static_cast<detail::Direction>(p.direction))) {
      transfer({d.data_id, rt::version_read(d), p.value.size(), 0, node, sent_at, received});
    }
  }
  for (const WireFetch& f : times.fetches) {
    if (f.param >= named) continue;
    const detail::ParamDescriptor& d = task.params()[f.param];
    transfer({d.data_id, rt::version_read(d), f.bytes, node_at(request.params[f.param].source), node,
              master_time(f.begin_ns), master_time(f.end_ns)});
  }
  if (times.began_ns == 0) return 0;
  if (started_told) return std::max(sent_at, master_time(std::max(times.ended_ns, times.began_ns)));
  const WorkerLink* link =
      static_cast<std::size_t>(node) < node_count_.load(std::memory_order_acquire) ? links_[node].get() : nullptr;
  runtime_.notify_started(task, rt::Allocation{node, link != nullptr ? link->name() : "", 0},
                          master_time(times.began_ns));
  return master_time(std::max(times.ended_ns, times.began_ns));
}

void RemoteEvents::fetched(std::uint64_t data_id, std::uint64_t version, std::uint64_t bytes,
                           int from, rt::EventTime begin) {
  transfer({data_id, version_number::registry_of(version), bytes, from, 0, begin, rt::event_now()});
}

}  // namespace compss::net
