// A task observer that records every event of a run, and the checker of the guarantees
// task events give (runtime/core/events.hpp, docs/architecture.md "Task events"). Used by
// test_events (local runs) and events_program (a run under compss-run --workers 2).
#pragma once

#include "core/events.hpp"

#include <compss/detail/access.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace compss_test {

/// Everything the observer saw, in delivery order (`seq`: the position in that order).
struct SeenEvent {
  enum class Kind { submitted, ready, started, ended } kind = Kind::submitted;
  std::size_t seq = 0;
  std::uint64_t task = 0;
  compss::rt::EventTime time = 0;
  unsigned attempt = 0;
  compss::rt::TaskOutcome outcome = compss::rt::TaskOutcome::success;
  bool will_retry = false;
  int node = -1;
};

/// One task as submitted.
struct SeenTask {
  std::string name;
  std::vector<compss::rt::Dependency> dependencies;
  std::vector<compss::rt::DataAccess> data;
};

/// Records every event. Thread-safe (one mutex: a test observer, not a fast one).
class EventLog : public compss::rt::TaskObserver {
 public:
  void on_submitted(const compss::rt::TaskSubmitted& e) override {
    std::lock_guard lock(mutex_);
    auto [it, fresh] = tasks_.try_emplace(e.task_id);
    if (!fresh) problems_.push_back("task " + std::to_string(e.task_id) + " submitted twice");
    it->second = SeenTask{std::string(e.name), {e.dependencies.begin(), e.dependencies.end()},
                          {e.data.begin(), e.data.end()}};
    add({SeenEvent::Kind::submitted, 0, e.task_id, e.time});
  }
  void on_ready(const compss::rt::TaskReady& e) override {
    std::lock_guard lock(mutex_);
    add({SeenEvent::Kind::ready, 0, e.task_id, e.time});
  }
  void on_started(const compss::rt::TaskStarted& e) override {
    std::lock_guard lock(mutex_);
    SeenEvent s{SeenEvent::Kind::started, 0, e.task_id, e.time, e.attempt};
    s.node = e.where.node;
    add(s);
  }
  void on_ended(const compss::rt::TaskEnded& e) override {
    std::lock_guard lock(mutex_);
    SeenEvent s{SeenEvent::Kind::ended, 0, e.task_id, e.time, e.attempt, e.outcome, e.will_retry};
    add(s);
  }
  void on_transfer(const compss::rt::DataTransferred& e) override {
    std::lock_guard lock(mutex_);
    transfers_.push_back(e);
  }
  void on_activity(const compss::rt::RuntimeActivity& e) override {
    std::lock_guard lock(mutex_);
    activities_.push_back(e);
  }

  std::vector<SeenEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::map<std::uint64_t, SeenTask> tasks() const {
    std::lock_guard lock(mutex_);
    return tasks_;
  }
  std::vector<compss::rt::DataTransferred> transfers() const {
    std::lock_guard lock(mutex_);
    return transfers_;
  }
  /// The program's waits (wait_on, barrier), in order.
  std::vector<compss::rt::RuntimeActivity> activities() const {
    std::lock_guard lock(mutex_);
    std::vector<compss::rt::RuntimeActivity> waits;
    for (const auto& a : activities_) {
      if (a.kind == compss::rt::Activity::wait_on || a.kind == compss::rt::Activity::barrier) waits.push_back(a);
    }
    return waits;
  }
  /// Every activity told, submissions included, in order.
  std::vector<compss::rt::RuntimeActivity> all_activities() const {
    std::lock_guard lock(mutex_);
    return activities_;
  }
  /// The events of one task, in order, as "ready", "started 1 @0", "ended failed 1 retry".
  std::vector<std::string> story(std::uint64_t task) const;
  /// The task ids submitted with `name`, in submission order.
  std::vector<std::uint64_t> ids_of(const std::string& name) const {
    std::lock_guard lock(mutex_);
    std::vector<std::uint64_t> ids;
    for (const auto& [id, t] : tasks_) {
      if (t.name == name) ids.push_back(id);
    }
    return ids;
  }

  /// Every broken guarantee, as a sentence ("" when none). `nodes`: the nodes of the run.
  std::vector<std::string> check(const std::set<int>& nodes) const;

 private:
  void add(SeenEvent e) {
    e.seq = events_.size();
    events_.push_back(e);
  }

  mutable std::mutex mutex_;
  std::vector<SeenEvent> events_;
  std::map<std::uint64_t, SeenTask> tasks_;
  std::vector<compss::rt::DataTransferred> transfers_;
  std::vector<compss::rt::RuntimeActivity> activities_;
  std::vector<std::string> problems_;
};

inline std::vector<std::string> EventLog::story(std::uint64_t task) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const SeenEvent& e : events_) {
    if (e.task != task) continue;
    switch (e.kind) {
      case SeenEvent::Kind::submitted: out.push_back("submitted"); break;
      case SeenEvent::Kind::ready: out.push_back("ready"); break;
      case SeenEvent::Kind::started:
        out.push_back("started " + std::to_string(e.attempt));
        break;
      case SeenEvent::Kind::ended:
        out.push_back(std::string("ended ") + compss::rt::to_string(e.outcome) + " " +
                      std::to_string(e.attempt) + (e.will_retry ? " retry" : ""));
        break;
    }
  }
  return out;
}

inline std::vector<std::string> EventLog::check(const std::set<int>& nodes) const {
  using compss::rt::TaskOutcome;
  using Kind = SeenEvent::Kind;
  std::lock_guard lock(mutex_);
  std::vector<std::string> bad = problems_;
  auto name = [](std::uint64_t id) { return "task " + std::to_string(id); };

  // Per task: its events in order, and where its last `ended` is.
  std::map<std::uint64_t, std::vector<const SeenEvent*>> by_task;
  for (const SeenEvent& e : events_) by_task[e.task].push_back(&e);
  std::map<std::uint64_t, const SeenEvent*> final_end;
  for (auto& [id, evs] : by_task) {
    if (!tasks_.count(id)) bad.push_back(name(id) + ": events but never submitted");
    if (evs.empty() || evs.front()->kind != Kind::submitted) {
      bad.push_back(name(id) + ": first event is not submitted");
      continue;
    }
    if (evs.size() < 2 || evs[1]->kind != Kind::ready) {
      bad.push_back(name(id) + ": submitted is not followed by ready");
      continue;
    }
    if (evs[1]->time < evs[0]->time) bad.push_back(name(id) + ": ready before submitted in time");
    const SeenEvent* open = nullptr;  // a started attempt not ended yet
    unsigned attempts = 0;
    compss::rt::EventTime last = evs[1]->time;
    for (std::size_t i = 2; i < evs.size(); ++i) {
      const SeenEvent& e = *evs[i];
      if (final_end.count(id)) bad.push_back(name(id) + ": an event after its last ended");
      if (e.kind == Kind::started) {
        if (open != nullptr) bad.push_back(name(id) + ": started twice without ended");
        if (e.attempt != attempts + 1) bad.push_back(name(id) + ": attempt numbers skip");
        if (!nodes.count(e.node)) bad.push_back(name(id) + ": started on unknown node " + std::to_string(e.node));
        if (e.time < last) bad.push_back(name(id) + ": started earlier than ready/last end");
        attempts = e.attempt;
        open = &e;
        last = e.time;
      } else if (e.kind == Kind::ended) {
        if (open == nullptr && e.outcome == TaskOutcome::success) {
          bad.push_back(name(id) + ": ended with success without started");
        }
        if (open != nullptr && e.attempt != open->attempt) bad.push_back(name(id) + ": ended another attempt");
        if (e.time < last) bad.push_back(name(id) + ": ended before it started (time)");
        if (e.will_retry && e.outcome != TaskOutcome::failed) bad.push_back(name(id) + ": retry after no failure");
        if (!e.will_retry) final_end[id] = &e;
        open = nullptr;
        last = e.time;
        attempts = std::max(attempts, e.attempt);
      } else {
        bad.push_back(name(id) + ": submitted or ready twice");
      }
    }
    if (!final_end.count(id)) bad.push_back(name(id) + ": never ended");
  }

  // Dependencies: the datum is one both tasks access, at the versions the edge names, and
  // the task was ready only after every dependency's last ended.
  auto accesses = [&](std::uint64_t task, std::uint64_t data, std::uint64_t version) {
    const auto& d = tasks_.at(task).data;
    return std::any_of(d.begin(), d.end(), [&](const compss::rt::DataAccess& a) {
      return a.data_id == data && a.version == version;
    });
  };
  for (const auto& [id, t] : tasks_) {
    if (!by_task.count(id) || by_task[id].size() < 2) continue;
    const SeenEvent* ready = by_task[id][1];
    for (const compss::rt::Dependency& d : t.dependencies) {
      std::string edge = name(id) + " on " + name(d.task_id) + " (d" + std::to_string(d.data_id) +
                         "v" + std::to_string(d.version) + ")";
      if (!tasks_.count(d.task_id) || d.task_id >= id) {
        bad.push_back(edge + ": not an earlier task");
        continue;
      }
      if (!accesses(d.task_id, d.data_id, d.version)) bad.push_back(edge + ": it does not access that version");
      if (!accesses(id, d.data_id, d.version) && !accesses(id, d.data_id, d.version + 1)) {
        bad.push_back(edge + ": the task does not access that datum");
      }
      auto end = final_end.find(d.task_id);
      if (end == final_end.end() || end->second->seq > ready->seq || end->second->time > ready->time) {
        bad.push_back(edge + ": ready before the dependency ended");
      }
    }
    // Data flow: a version it reads was made by an earlier task that ended before it ran.
    for (const compss::rt::DataAccess& a : t.data) {
      if (a.direction != compss::detail::Direction::in) continue;
      for (const auto& [pid, p] : tasks_) {
        if (pid >= id) break;
        for (const compss::rt::DataAccess& w : p.data) {
          if (w.data_id != a.data_id || w.version != a.version || !compss::detail::writes(w.direction)) continue;
          auto end = final_end.find(pid);
          if (end == final_end.end() || end->second->seq > ready->seq) {
            bad.push_back(name(id) + " reads d" + std::to_string(a.data_id) + "v" +
                          std::to_string(a.version) + " before its producer " + name(pid) + " ended");
          }
        }
      }
    }
  }

  for (const compss::rt::DataTransferred& x : transfers_) {
    std::string what = "transfer of d" + std::to_string(x.data_id) + "v" + std::to_string(x.version) +
                       " from " + std::to_string(x.from) + " to " + std::to_string(x.to);
    if (x.bytes == 0) bad.push_back(what + ": 0 bytes");
    if (x.end < x.begin) bad.push_back(what + ": ends before it begins");
    if (x.from == x.to || !nodes.count(x.from) || !nodes.count(x.to)) bad.push_back(what + ": bad nodes");
    const bool known = std::any_of(tasks_.begin(), tasks_.end(), [&](const auto& t) {
      const auto& d = t.second.data;
      return std::any_of(d.begin(), d.end(), [&](const compss::rt::DataAccess& a) {
        // (an inout access makes version v + 1 of the v it reads)
        const bool inout = compss::detail::reads(a.direction) && compss::detail::writes(a.direction);
        return a.data_id == x.data_id && (a.version == x.version || (inout && a.version == x.version + 1));
      });
    });
    if (!known) bad.push_back(what + ": no task accesses that version");
  }
  // Every kind of activity begins and ends in pairs (a submission holds its dependency
  // analysis; waits may nest).
  std::map<compss::rt::Activity, int> open;
  for (const compss::rt::RuntimeActivity& a : activities_) {
    int& n = open[a.kind];
    n += a.begin ? 1 : -1;
    if (n < 0) bad.push_back(std::string("a ") + compss::rt::to_string(a.kind) + " ended that never began");
  }
  for (const auto& [kind, n] : open) {
    if (n != 0) bad.push_back(std::to_string(n) + " " + compss::rt::to_string(kind) + "(s) never ended");
  }
  return bad;
}

}  // namespace compss_test
