// DataPlane, fetches to the master: the latest version of a datum loaded into the
// program's object (or written to the master's file), from a live holder, from the bytes
// the master kept of a version it made, or after making it again (lineage.cpp). A large
// value of a contiguous type is received straight into the object. docs/distributed.md,
// "Data".
#include "net/master/data_plane.hpp"

#include "net/file_staging.hpp"

#include <compss/error.hpp>

#include <map>

namespace compss::net {

void DataPlane::fetch_to_master(std::uint64_t id) {
  for (int tries = 0; tries < 64; ++tries) {
    std::uint64_t v = 0;
    {
      std::lock_guard data(data_mutex_);
      TrackedDatum* x = directory_.find_id(id);
      if (x == nullptr || x->master_has_latest()) return;
      v = x->version;
    }
    int h = ensure_available(id, v);
    if (h == 0) return;
    if (h == from_snapshot) {
      std::unique_lock data(data_mutex_);
      TrackedDatum* x = not_loading(data, id);
      if (x == nullptr || x->version != v) continue;
      const std::vector<std::byte>& snapshot = *directory_.version(id, v).snapshot;
      if (!x->path.empty()) {  // a file's snapshot is how it was sent: path and contents
        StagedFile file;
        from_bytes(snapshot, file);
        if (file.has_content) write_file_atomically(x->path, file.content);
      } else {
        if (x->vtable == nullptr) continue;
        InputArchive in(snapshot);
        x->vtable->load(x->object, in);
      }
      x->master_version = v;
      return;
    }
    // A value of a contiguous type is received straight into the program's object: no
    // buffer, no deserialization under the data lock. Other writers of the object wait.
    detail::SinkFactory into;
    const void* into_object = nullptr;
    {
      std::unique_lock data(data_mutex_);
      TrackedDatum* x = not_loading(data, id);
      if (x == nullptr || x->version != v) continue;
      if (x->master_has_latest()) return;
      if (x->path.empty() && x->vtable != nullptr && x->vtable->sink_into != nullptr) {
        x->loading = true;
        // From the first byte written it holds no version, until end_loading says which:
        // lineage must not take a half-written object for the version it held.
        x->master_version = TrackedDatum::no_version;
        into_object = x->object;
        into = [make = x->vtable->sink_into, object = x->object] { return make(object); };
      }
    }
    std::shared_ptr<const detail::HeldValue> value;
    std::string why;
    bool fetched = false;
    try {
      fetched = links_.fetch(h, id, v, into, value, why);
    } catch (...) {
      if (into) end_loading(id, v, nullptr);
      throw;
    }
    if (into && end_loading(id, v, fetched ? value.get() : nullptr)) return;
    if (!fetched) {  // dropped (over its budget) or lost meanwhile: ask elsewhere
      wait_not_holder(id, v, h);
      continue;
    }
    if (into && value->holds_object_at(into_object)) continue;  // a newer version came: fetch it
    if (load_fetched(id, v, *value)) return;
  }
  throw Error("compss: could not fetch data " + std::to_string(id) + " from the workers");
}

void DataPlane::wait_not_holder(std::uint64_t id, std::uint64_t v, int h) {
  std::unique_lock data(data_mutex_);
  holders_cv_.wait_for(data, std::chrono::seconds(1), [&] {
    const VersionInfo* info = directory_.find_version(id, v);
    return info == nullptr || !info->holders.contains(static_cast<sched::NodeId>(h));
  });
}

TrackedDatum* DataPlane::not_loading(std::unique_lock<std::mutex>& data, std::uint64_t id) {
  TrackedDatum* x = nullptr;
  while ((x = directory_.find_id(id)) != nullptr && x->loading) loaded_cv_.wait(data);
  return x;
}

bool DataPlane::end_loading(std::uint64_t id, std::uint64_t v, const detail::HeldValue* value) {
  bool loaded = false;
  {
    std::lock_guard data(data_mutex_);
    TrackedDatum* x = directory_.find_id(id);
    if (x != nullptr) {
      x->loading = false;
      if (value != nullptr && x->version == v && value->holds_object_at(x->object)) {
        x->master_version = v;
        directory_.version(id, v).size = value->size();
        loaded = true;
      }
    }
  }
  loaded_cv_.notify_all();
  return loaded;
}

bool DataPlane::load_fetched(std::uint64_t id, std::uint64_t v, const detail::HeldValue& value) {
  std::vector<std::byte> scratch;
  std::span<const std::byte> bytes = value.view(scratch);
  std::unique_lock data(data_mutex_);
  TrackedDatum* x = not_loading(data, id);
  if (x == nullptr || x->version != v) return false;
  if (x->master_version == v) return true;  // another thread loaded it meanwhile
  if (!x->path.empty()) {
    write_file_atomically(x->path, bytes);  // readers never see half a file
  } else {
    if (x->vtable == nullptr) throw Error("compss: a value that lives on a worker cannot be loaded on the master");
    InputArchive in(bytes);
    x->vtable->load(x->object, in);
  }
  x->master_version = v;
  directory_.version(id, v).size = bytes.size();
  return true;
}

void DataPlane::fetch_all(const std::vector<std::uint64_t>& ids) {
  // From each holder's data listener, many requests in flight on one connection: one
  // round trip in all, not one per value. (Not over the task connection: there a reply
  // would wait behind queued tasks, and a large one could meet a large request head on.)
  struct Asks {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> versions;
  };
  std::map<int, Asks> asks;  // by holder
  std::vector<std::uint64_t> again;  // not loaded here: fetched one by one below
  {
    std::lock_guard data(data_mutex_);
    for (std::uint64_t id : ids) {
      TrackedDatum* x = directory_.find_id(id);
      if (x == nullptr || x->master_has_latest()) continue;
      int h = holder_of(id, x->version);
      if (h > 0) {
        asks[h].versions.push_back({id, x->version});
      } else {
        again.push_back(id);  // lost: made again by fetch_to_master
      }
    }
  }
  for (auto& [h, ask] : asks) {
    links_.fetch_many(h, ask.versions, [&](std::size_t i, const detail::HeldValue* value) {
      auto [id, v] = ask.versions[i];
      bool loaded = false;
      try {
        loaded = value != nullptr && load_fetched(id, v, *value);
      } catch (...) {
        // fetch_to_master below reports it
      }
      if (!loaded) again.push_back(id);
    });
  }
  for (std::uint64_t id : again) fetch_to_master(id);
}

}  // namespace compss::net
