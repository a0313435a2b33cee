#include "core/registry.hpp"

#include "core/graph.hpp"

#include <algorithm>

namespace compss::rt {

using detail::Direction;

Datum* Registry::find(const DataKey& key) {
  if (key.tag == DataKey::Tag::address) {
    auto it = objects_.find(key.address);
    return it == objects_.end() ? nullptr : &it->second;
  }
  auto it = files_.find(key.path);
  return it == files_.end() ? nullptr : &it->second;
}

Datum& Registry::find_or_create(const DataKey& key) {
  Datum* d;
  if (key.tag == DataKey::Tag::address) {
    d = &objects_.try_emplace(key.address).first->second;
  } else {
    auto it = files_.find(key.path);
    if (it == files_.end()) it = files_.emplace(std::string(key.path), Datum{}).first;
    d = &it->second;
  }
  if (d->id == 0) d->id = next_id_++;
  return *d;
}

void Registry::add_reader(Datum& d, TaskBase* t) {
  auto& r = d.readers;
  if (!r.empty() && r.back() == t) return;
  // Many readers and no writer: drop the finished ones now and then.
  if (r.size() >= 32 && (r.size() & (r.size() - 1)) == 0) {
    auto keep = std::remove_if(r.begin(), r.end(), [](TaskBase* x) {
      if (!is_finished(x)) return false;
      x->release_ref();
      return true;
    });
    r.erase(keep, r.end());
  }
  t->add_ref();
  r.push_back(t);
}

void Registry::access(TaskBase* t, ParamDescriptor& p) {
  if (p.copy_in) {
    // By-value argument from a named object: a dependency only while a writer is pending.
    Datum* d = find(p.key);
    p.deferred = d != nullptr && d->writer != nullptr && d->writer != t && add_edge(d->writer, t);
    if (p.deferred) {
      add_reader(*d, t);
      p.data_id = d->id;
      p.version = d->version;
    }
    return;
  }
  Datum& d = find_or_create(p.key);
  p.data_id = d.id;
  if (p.direction == Direction::in) {
    if (d.writer != nullptr && d.writer != t && !add_edge(d.writer, t)) {
      d.writer->release_ref();  // finished: nobody needs to wait for it any more
      d.writer = nullptr;
    }
    add_reader(d, t);
    p.version = d.version;
    return;
  }
  // out / inout: after the last writer (WAW) and every reader since (WAR).
  if (d.writer != nullptr && d.writer != t) {
    add_edge(d.writer, t);
  }
  for (TaskBase* r : d.readers) {
    add_edge(r, t);
    r->release_ref();
  }
  d.readers.clear();
  if (d.writer != t) {
    if (d.writer != nullptr) d.writer->release_ref();
    t->add_ref();
    d.writer = t;
  }
  p.version = ++d.version;
}

void Registry::collect_datum(Datum& d, std::vector<TaskBase*>& out) {
  if (d.writer != nullptr && !is_finished(d.writer)) {
    d.writer->add_ref();
    out.push_back(d.writer);
  }
  for (TaskBase* r : d.readers) {
    if (!is_finished(r)) {
      r->add_ref();
      out.push_back(r);
    }
  }
}

void Registry::collect(const DataKey& key, std::vector<TaskBase*>& out) {
  if (key.tag == DataKey::Tag::none) return;
  if (Datum* d = find(key)) collect_datum(*d, out);
}

void Registry::collect_range(std::uintptr_t begin, std::size_t count, std::size_t stride,
                             std::vector<TaskBase*>& out) {
  if (count == 0 || stride == 0) return;
  if (count <= objects_.size()) {
    for (std::size_t i = 0; i < count; ++i) {
      auto it = objects_.find(begin + i * stride);
      if (it != objects_.end()) collect_datum(it->second, out);
    }
    return;
  }
  std::uintptr_t end = begin + count * stride;
  for (auto& [addr, d] : objects_) {
    if (addr >= begin && addr < end && (addr - begin) % stride == 0) collect_datum(d, out);
  }
}

bool Registry::idle(Datum& d) {
  if (d.writer != nullptr && !is_finished(d.writer)) return false;
  return std::all_of(d.readers.begin(), d.readers.end(), [](TaskBase* r) { return is_finished(r); });
}

void Registry::release_all(Datum& d) {
  if (d.writer != nullptr) d.writer->release_ref();
  for (TaskBase* r : d.readers) r->release_ref();
  d.writer = nullptr;
  d.readers.clear();
}

void Registry::prune() {
  for (auto it = objects_.begin(); it != objects_.end();) {
    if (idle(it->second)) {
      release_all(it->second);
      it = objects_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = files_.begin(); it != files_.end();) {
    if (idle(it->second)) {
      release_all(it->second);
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
  prune_at_ = std::max(min_prune, 2 * size());
}

void Registry::clear() {
  for (auto& [k, d] : objects_) release_all(d);
  for (auto& [k, d] : files_) release_all(d);
  objects_.clear();
  files_.clear();
  prune_at_ = min_prune;
}

}  // namespace compss::rt
