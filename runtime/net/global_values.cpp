#include "net/global_values.hpp"

#include <compss/serialize.hpp>

namespace compss::net {

std::shared_ptr<const detail::GlobalSnapshot> GlobalValues::snapshot(
    const detail::RemoteTask& task) {
  auto snapshot = std::make_shared<detail::GlobalSnapshot>();
  snapshot->values.reserve(task.global_count);
  for (std::size_t i = 0; i < task.global_count; ++i) {
    const detail::GlobalVar& g = task.globals[i];
    OutputArchive out;
    g.save(out, g.address);  // (outside the lock: only main writes its globals meanwhile)
    std::vector<std::byte> bytes = out.take();
    std::lock_guard lock(mutex_);
    auto& latest = latest_[g.address];
    if (latest == nullptr || latest->bytes != bytes) {
      latest = std::make_shared<const detail::GlobalSnapshot::Value>(
          detail::GlobalSnapshot::Value{g.address, next_version_++, std::move(bytes)});
    }
    snapshot->values.push_back(latest);
  }
  return snapshot;
}

void GlobalValues::add_to_request(const detail::GlobalSnapshot& snapshot, int node,
                                  TaskRequest& request) {
  std::lock_guard lock(mutex_);
  request.globals.clear();
  for (std::size_t i = 0; i < snapshot.values.size(); ++i) {
    const auto& v = *snapshot.values[i];
    WireGlobal w;
    w.index = static_cast<std::uint32_t>(i);
    w.version = v.version;
    // Kept with the request (its lineage record) even when not sent: a task made again
    // on another worker sends it inline (Cluster::remake).
    w.shared_value = std::shared_ptr<const std::vector<std::byte>>(snapshot.values[i], &v.bytes);
    Sent& sent = sent_[{node, v.address}];
    if (sent.confirmed && sent.version == v.version) {
      w.stamp = sent.stamp;  // the worker keeps it under this stamp
    } else {
      sent = Sent{v.version, next_stamp_++, false};
      w.stamp = sent.stamp;
      w.has_value = true;
      w.value = v.bytes;
    }
    request.globals.push_back(std::move(w));
  }
}

void GlobalValues::confirm(const detail::GlobalSnapshot& snapshot, int node,
                           const TaskRequest& request) {
  std::lock_guard lock(mutex_);
  for (const WireGlobal& w : request.globals) {
    if (!w.has_value || w.index >= snapshot.values.size()) continue;
    auto it = sent_.find({node, snapshot.values[w.index]->address});
    // A later send (another version, or the same again) replaced it: that one decides.
    if (it != sent_.end() && it->second.stamp == w.stamp) it->second.confirmed = true;
  }
}

void GlobalValues::forget(const detail::GlobalSnapshot& snapshot, int node) {
  std::lock_guard lock(mutex_);
  for (const auto& v : snapshot.values) sent_.erase({node, v->address});
}

}  // namespace compss::net
