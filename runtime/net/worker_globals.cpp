#include "net/worker_globals.hpp"

#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <string>

namespace compss::net {

namespace {
const detail::GlobalVar& global_of(const detail::RemoteTask& task, const WireGlobal& w) {
  if (w.index >= task.global_count) {
    throw Error("compss: task '" + std::string(task.spec->name) + "' reads " +
                std::to_string(task.global_count) + " globals, the request names global " +
                std::to_string(w.index) + " (is the worker built from the same sources?)");
  }
  return task.globals[w.index];
}
}  // namespace

WorkerGlobals& worker_globals() {
  static WorkerGlobals globals;
  return globals;
}

void WorkerGlobals::receive(const detail::RemoteTask& task, TaskRequest& request) {
  std::lock_guard lock(mutex_);
  for (WireGlobal& w : request.globals) {
    if (w.shared_value) continue;  // received already
    const detail::GlobalVar& g = global_of(task, w);
    auto& kept = received_[g.address];
    if (w.has_value) {
      w.shared_value = std::make_shared<const std::vector<std::byte>>(std::move(w.value));
      w.value.clear();
      kept[w.stamp] = w.shared_value;
      while (kept.size() > kept_per_global) kept.erase(kept.begin());
      continue;
    }
    auto it = kept.find(w.stamp);
    if (it == kept.end()) {
      throw GlobalValueMissing("compss: global '" + std::string(g.name) + "' read by task '" +
                  task.spec->name + "': the master's value " + std::to_string(w.stamp) +
                  " is not on this worker");
    }
    w.shared_value = it->second;
  }
}

WorkerGlobals::Lease WorkerGlobals::enter(const detail::RemoteTask& task,
                                          const TaskRequest& request) {
  Lease lease;
  if (request.globals.empty()) return lease;
  std::unique_lock lock(mutex_);
  left_.wait(lock, [&] {
    for (const WireGlobal& w : request.globals) {
      const Live& live = live_[global_of(task, w).address];
      if (live.readers != 0 && live.version != w.version) return false;
    }
    return true;
  });
  lease.owner_ = this;
  for (const WireGlobal& w : request.globals) {
    const detail::GlobalVar& g = global_of(task, w);
    Live& live = live_[g.address];
    if (live.version != w.version && live.readers == 0) {
      if (!w.shared_value) throw Error("compss: a request's globals were not received");
      try {
        InputArchive in(*w.shared_value);
        g.load(in, g.address);
        if (in.remaining() != 0) throw Error("compss: trailing bytes");
      } catch (const std::exception& e) {
        live.version = 0;  // (partly loaded: no version)
        throw Error("compss: cannot load the master's value of global '" + std::string(g.name) +
                    "': " + e.what());
      }
      live.version = w.version;
    }
    ++live.readers;  // (a global the task names twice is counted twice, and left twice)
    lease.held_.push_back(g.address);
  }
  return lease;
}

void WorkerGlobals::leave(const std::vector<void*>& held) {
  {
    std::lock_guard lock(mutex_);
    for (void* address : held) --live_[address].readers;
  }
  left_.notify_all();
}

WorkerGlobals::Lease::~Lease() {
  if (owner_ != nullptr) owner_->leave(held_);
}

}  // namespace compss::net
