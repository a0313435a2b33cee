#include "net/data_directory.hpp"

#include "core/access.hpp"
#include "net/version_number.hpp"

#include <compss/detail/access.hpp>
#include <compss/error.hpp>

#include <cstdint>
#include <cstdio>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>

namespace compss::net {

void DataDirectory::start(TrackedDatum& t, std::uint64_t data_id,
                          std::uint64_t registry_version) {
  if (data_id == 0) {
    throw std::logic_error("compss: a datum the cluster tracks has no registry id");
  }
  t.id = data_id;
  t.version = version_number::of_registry(registry_version);
  // After the versions an earlier datum under this id made (forgotten, its lineage kept).
  if (std::uint64_t last = 0; last_named(data_id, last) && last >= t.version) {
    t.version = version_number::master_write_after(last);
  }
  t.master_version = t.version;
}

bool DataDirectory::last_named(std::uint64_t id, std::uint64_t& v) const {
  auto after = versions_.lower_bound({id + 1, 0});
  if (after == versions_.begin() || std::prev(after)->first.id != id) return false;
  v = std::prev(after)->first.v;
  return true;
}

TrackedDatum& DataDirectory::track(const detail::ParamDescriptor& d) {
  auto [it, created] = by_address_.try_emplace(d.key.address);
  TrackedDatum& t = it->second;
  if (created) {
    try {
      start(t, d.data_id, rt::version_read(d));
    } catch (...) {
      by_address_.erase(it);
      throw;
    }
    t.address = d.key.address;
    address_of_[t.id] = t.address;
  }
  if (t.vtable == nullptr && d.vtable != nullptr && d.vtable->load != nullptr) {
    if (const detail::SectionRef* s = d.section()) {
      t.section = *s;
      t.object = &t.section;
    } else {
      t.object = d.object;
    }
    t.vtable = d.vtable;
  } else if (!same_shape(t, d)) {
    throw_other_shape(t, d,
                      "a task that travels must pass an array from one start address with the "
                      "same length and type (docs/distributed.md, \"Array sections\")");
  }
  return t;
}

bool DataDirectory::same_shape(const TrackedDatum& t, const detail::ParamDescriptor& d) noexcept {
  if (t.vtable == nullptr || d.vtable == nullptr || (!t.vtable->section && !d.vtable->section)) {
    return true;  // (objects are not compared: only sections have a length to get wrong)
  }
  const detail::SectionRef* s = d.section();
  return s != nullptr && t.vtable == d.vtable && t.section.size == s->size;
}

bool DataDirectory::claim(const detail::ParamDescriptor& d, std::vector<Drop>& released) {
  TrackedDatum* t = find(d.key.address);
  if (t == nullptr || t->vtable == nullptr) {
    // A section claims its length now; an object is tracked when its request is built
    // (a future's result is then marked tracked, so its datum is forgotten with it).
    if (d.section() != nullptr) track(d);
    return true;
  }
  if (same_shape(*t, d)) return true;
  const bool other_length = t->vtable->section && t->vtable == d.vtable;
  if (other_length || !detail::writes(d.direction) || !t->master_has_latest() || t->loading) {
    return false;
  }
  released.push_back(forget(d.key.address));
  track(d);
  return true;
}

Drop DataDirectory::forget_other_type(const detail::ParamDescriptor& d) {
  auto it = by_address_.find(d.key.address);
  if (it == by_address_.end()) return {};
  const TrackedDatum& t = it->second;
  // One pointer compare on the hot path: a type's vtable is one inline variable. Vtables
  // that cannot load (converting by-value copies) say nothing about the object's type. A
  // section of the same element type and another length is the same type: where it may
  // travel (claim) and whether its value may be loaded here (fits) decide for it.
  if (t.vtable == nullptr || d.vtable == nullptr || d.vtable->load == nullptr ||
      t.vtable == d.vtable) {
    return {};
  }
  if (!t.master_has_latest()) {
    if (t.vtable->section || d.vtable->section) {
      throw_other_shape(t, d,
                        "wait on the array (compss::wait_on) before its memory is reused "
                        "(docs/distributed.md, \"Addresses reused\")");
    }
    char address[2 + 2 * sizeof(std::uintptr_t) + 1];
    std::snprintf(address, sizeof address, "0x%jx", static_cast<std::uintmax_t>(d.key.address));
    throw Error(std::string("compss: the object at address ") + address + " (data " +
                std::to_string(t.id) + ") is passed to a task as another type while its "
                "latest value, written by a task on a worker, was never brought back: wait "
                "on an object (compss::wait_on) before it dies and its memory is reused, "
                "and do not pass an object and its first member to tasks that travel "
                "(docs/distributed.md, \"Addresses reused\")");
  }
  return forget(d.key.address);
}

bool DataDirectory::fits(const TrackedDatum& t, const detail::ParamDescriptor& d) noexcept {
  if (same_shape(t, d)) return true;
  const detail::SectionRef* s = d.section();
  return s != nullptr && t.vtable == d.vtable && t.section.size <= s->size;
}

void DataDirectory::throw_other_shape(const TrackedDatum& t, const detail::ParamDescriptor& d,
                                      const std::string& advice) {
  const detail::SectionRef* s = d.section();
  auto shape = [](const detail::ParamVTable* v, std::size_t n) {
    return v->section ? "an array section of " + std::to_string(n) + " elements"
                      : std::string("a single object");
  };
  char address[2 + 2 * sizeof(std::uintptr_t) + 1];
  std::snprintf(address, sizeof address, "0x%jx", static_cast<std::uintmax_t>(d.key.address));
  throw Error(std::string("compss: the data at address ") + address + " (data " +
              std::to_string(t.id) + ") was sent to workers as " +
              shape(t.vtable, t.section.size) + " and is now passed as " +
              shape(d.vtable, s != nullptr ? s->size : 0) +
              (s != nullptr && t.vtable->section && t.section.size == s->size
                   ? " of another element type" : "") + ": " + advice);
}

TrackedDatum* DataDirectory::find(std::uintptr_t address) {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? nullptr : &it->second;
}

TrackedDatum* DataDirectory::find_id(std::uint64_t id) {
  auto it = address_of_.find(id);
  if (it != address_of_.end()) return find(it->second);
  auto file = path_of_.find(id);
  return file == path_of_.end() ? nullptr : find_file(file->second);
}

TrackedDatum& DataDirectory::track_file(const std::string& path, std::uint64_t data_id,
                                        std::uint64_t registry_version) {
  auto [it, created] = by_path_.try_emplace(path);
  TrackedDatum& t = it->second;
  if (created) {
    try {
      start(t, data_id, registry_version);
    } catch (...) {
      by_path_.erase(it);
      throw;
    }
    t.path = path;
    path_of_[t.id] = path;
  }
  return t;
}

TrackedDatum* DataDirectory::find_file(const std::string& path) {
  auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : &it->second;
}

std::vector<TrackedDatum*> DataDirectory::files() {
  std::vector<TrackedDatum*> out;
  for (auto& [path, t] : by_path_) out.push_back(&t);
  return out;
}

const VersionInfo* DataDirectory::find_version(std::uint64_t id, std::uint64_t v) const {
  auto it = versions_.find({id, v});
  return it == versions_.end() ? nullptr : &it->second;
}

Drop DataDirectory::produced(std::uint64_t id, std::uint64_t v, int node, std::uint64_t size,
                             std::shared_ptr<const TaskRecord> producer) {
  VersionInfo& info = versions_[{id, v}];
  info.holders.insert(static_cast<sched::NodeId>(node));
  info.size = size;
  if (producer != nullptr) info.producer = std::move(producer);
  TrackedDatum* d = find_id(id);
  if (d == nullptr || v <= d->version) return {};  // a recomputed old version
  Drop older{.id = id, .version = d->version, .holders = {}};
  d->version = v;
  auto old = versions_.find({id, older.version});
  // Dropped by the workers; its producer can make it again.
  if (old != versions_.end()) older.holders = std::exchange(old->second.holders, NodeSet{});
  return older;
}

std::uint64_t DataDirectory::next_version(const TrackedDatum& d,
                                          std::uint64_t registry_version) const {
  const std::uint64_t counted =
      registry_version == not_counted ? 0 : version_number::of_registry(registry_version);
  if (counted > d.version) return counted;
  // Past every number a request named too: a timed-out attempt's output may be stored
  // under one on a worker (a reader there takes its store's copy first).
  std::uint64_t after = d.version;
  if (std::uint64_t last = 0; last_named(d.id, last) && last > after) after = last;
  return version_number::master_write_after(after);
}

std::uint64_t DataDirectory::output_number(const TrackedDatum& d, std::uint64_t registry_version) {
  const std::uint64_t v = next_version(d, registry_version);
  versions_.try_emplace({d.id, v});
  return v;
}

NodeSet DataDirectory::master_wrote(TrackedDatum& d, std::uint64_t registry_version) {
  const std::uint64_t next = next_version(d, registry_version);  // (may throw: nothing changed)
  NodeSet holders;
  auto old = versions_.find({d.id, d.version});
  if (old != versions_.end()) holders = std::exchange(old->second.holders, NodeSet{});
  d.version = next;
  d.master_version = d.version;
  return holders;
}

Drop DataDirectory::drop_all_versions(std::uint64_t id) {
  Drop gone{.id = id, .version = DataRelease::all_versions, .holders = {}};
  // The versions' producers stay: other versions' lineage may need to make them again.
  for (auto v = versions_.lower_bound({id, 0}); v != versions_.end() && v->first.id == id; ++v) {
    const NodeSet& held = v->second.holders;
    for (auto n = held.next(0); n != NodeSet::npos; n = held.next(n + 1)) gone.holders.insert(n);
    v->second.holders.clear();
  }
  return gone;
}

template <class Data, class KeyOf>
Drop DataDirectory::forget_in(Data& data, KeyOf& key_of, const typename Data::key_type& key) {
  auto it = data.find(key);
  if (it == data.end()) return {};
  Drop gone = drop_all_versions(it->second.id);
  key_of.erase(gone.id);
  data.erase(it);
  return gone;
}

Drop DataDirectory::forget(std::uintptr_t address) {
  return forget_in(by_address_, address_of_, address);
}

Drop DataDirectory::forget_file(const std::string& path) {
  return forget_in(by_path_, path_of_, path);
}

void DataDirectory::drop_node(int n) {
  for (auto& [key, info] : versions_) info.holders.erase(static_cast<sched::NodeId>(n));
}

bool DataDirectory::copy_dropped(std::uint64_t id, std::uint64_t v, int n) {
  auto it = versions_.find({id, v});
  if (it == versions_.end() || !it->second.holders.contains(static_cast<sched::NodeId>(n))) {
    return false;
  }
  it->second.holders.erase(static_cast<sched::NodeId>(n));
  return true;
}

bool DataDirectory::held_anywhere(std::uint64_t id, std::uint64_t v) const {
  auto d = address_of_.find(id);
  auto p = path_of_.find(id);
  const TrackedDatum* t = d != address_of_.end()  ? &by_address_.at(d->second)
                          : p != path_of_.end()   ? &by_path_.at(p->second)
                                                  : nullptr;
  if (t != nullptr && t->master_version == v) return true;
  const VersionInfo* info = find_version(id, v);
  return info != nullptr && (!info->holders.empty() || info->snapshot != nullptr);
}

std::vector<TrackedDatum*> DataDirectory::in_range(std::uintptr_t begin, std::uintptr_t end) {
  std::vector<TrackedDatum*> out;
  for (auto it = by_address_.lower_bound(begin); it != by_address_.end() && it->first < end; ++it) {
    out.push_back(&it->second);
  }
  return out;
}

}  // namespace compss::net
