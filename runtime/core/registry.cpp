#include "core/registry.hpp"

#include "core/access.hpp"
#include "core/graph.hpp"
#include "core/task_state.hpp"
#include "core/trace_records.hpp"

#include <algorithm>
#include <iterator>

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
      release_ref(x);
      return true;
    });
    r.erase(keep, r.end());
  }
  add_ref(t);
  r.push_back(t);
}

// (Inlined into the Recording instances, which call it once per edge.)
[[gnu::always_inline]] inline bool Registry::link_recorded(TaskBase* pred, TaskBase* t, const Datum& d,
                                                           std::uint64_t version) {
  if (!add_edge_inline(pred, t)) return false;  // (inlined: one call per recorded edge)
  EdgeSink& s = *record_;
  ++s.count;
  const Dependency dep{task_state(pred).id, d.id, version};  // (inline: not TaskBase::id() through the PLT)
  if (s.next != s.end) [[likely]] {
    *s.next++ = TraceRecords::dependency(dep);
  } else {
    record_edge_slow(dep);
  }
  return true;
}

void Registry::record_edge_slow(const Dependency& dep) {
  EdgeSink& s = *record_;
  if (s.records != nullptr) {
    s.records->commit(s.next);  // (the cursor reached the chunk's end: reserve() maps the next)
    if (!TraceRecords::edge(*s.records, dep)) [[unlikely]] {
      s.records = nullptr;  // (counted as dropped once: the submission's)
      s.next = s.end = nullptr;
      s.lost = true;
      return;
    }
    s.open(*s.records);
  } else if (s.list != nullptr) {
    s.list->push_back(dep);
  }
}

template <bool Recording>
void Registry::access(TaskBase* t, ParamDescriptor& p) {
  if (p.kind == detail::ParamKind::collection && p.key.tag != DataKey::Tag::none) {
    // The container is read (its shape); each element is a datum of its own.
    Datum& c = find_or_create(p.key);
    read<Recording>(c, t);
    p.data_id = c.id;
    p.version = c.version;
  }
  for_each_datum(p, [&](ParamDescriptor& e) { access_datum<Recording>(t, e); });
}

template <bool Recording>
void Registry::access_datum(TaskBase* t, ParamDescriptor& p) {
  if (p.copy_in) {
    copy_in<Recording>(t, p);
    return;
  }
  Datum& d = find_or_create(p.key);
  p.data_id = d.id;
  if (shared_copy(p.direction)) {
    run_access<Recording>(d, t, p.direction);
  } else if (writes(p.direction)) {
    write<Recording>(d, t);
  } else {
    read<Recording>(d, t);
  }
  p.version = d.version;
  if (p.direction == Direction::in_delete) renumber(d);  // (after: it read this version)
}

template <bool Recording>
void Registry::copy_in(TaskBase* t, ParamDescriptor& p) {
  // By-value argument from a named object: a dependency only while a writer is pending.
  Datum* d = find(p.key);
  if (d == nullptr) return;
  bool deferred = false;
  if (d->run != nullptr) {
    for (TaskBase* w : d->run->members) deferred |= link<Recording>(w, t, *d, d->version);
  } else {
    deferred = d->writer != nullptr && d->writer != t && link<Recording>(d->writer, t, *d, d->version);
  }
  p.deferred = deferred;
  if (deferred) {
    add_reader(*d, t);
    p.data_id = d->id;
    p.version = d->version;
  }
}

template <bool Recording>
void Registry::read(Datum& d, TaskBase* t) {
  if (d.run != nullptr) {
    for (TaskBase* w : d.run->members) link<Recording>(w, t, d, d.version);
  } else if (d.writer != nullptr && d.writer != t && !link<Recording>(d.writer, t, d, d.version)) {
    release_ref(d.writer);  // finished: nobody needs to wait for it any more
    d.writer = nullptr;
  }
  add_reader(d, t);
}

template <bool Recording>
void Registry::write(Datum& d, TaskBase* t) {
  // After the last writer(s) (WAW) and every reader since (WAR), of the version it replaces.
  if (d.run != nullptr) {
    for (TaskBase* w : d.run->members) {
      link<Recording>(w, t, d, d.version);
      release_ref(w);
    }
    for (TaskBase* b : d.run->before) release_ref(b);
    d.run.reset();
  } else if (d.writer != nullptr && d.writer != t) {
    link<Recording>(d.writer, t, d, d.version);
  }
  for (TaskBase* r : d.readers) {
    link<Recording>(r, t, d, d.version);
    release_ref(r);
  }
  d.readers.clear();
  if (d.writer != t) {
    if (d.writer != nullptr) release_ref(d.writer);
    add_ref(t);
    d.writer = t;
  }
  ++d.version;
}

template <bool Recording>
void Registry::run_access(Datum& d, TaskBase* t, Direction mode) {
  AccessRun* run = d.run.get();
  if (run == nullptr || run->mode != mode || !d.readers.empty()) {
    // A new run: it follows the last write(s) and the reads since, which its members all
    // wait for. Their references move into `before`.
    auto next = std::make_unique<AccessRun>();
    next->mode = mode;
    if (run != nullptr) {
      next->before = std::move(run->members);
      for (TaskBase* b : run->before) release_ref(b);
    } else if (d.writer != nullptr) {
      next->before.push_back(d.writer);
      d.writer = nullptr;
    }
    next->before.insert(next->before.end(), d.readers.begin(), d.readers.end());
    d.readers.clear();
    if (mode == Direction::commutative) next->token = std::make_shared<ExclusionToken>();
    d.run = std::move(next);
    run = d.run.get();
    ++d.version;  // the run as a whole makes one new version
  } else if (!run->members.empty() && run->members.back() == t) {
    return;  // the same task passes the datum twice
  }
  // Wait for what precedes the run (the version before the run's); finished tasks need no
  // edge and are let go.
  auto keep = std::remove_if(run->before.begin(), run->before.end(), [&](TaskBase* b) {
    if (b == t || link<Recording>(b, t, d, d.version - 1)) return false;
    release_ref(b);
    return true;
  });
  run->before.erase(keep, run->before.end());
  add_ref(t);
  run->members.push_back(t);
  if (run->token != nullptr) add_exclusive(t, run->token);
}

// (Both instances: the runtime picks one per submission, tests call access().)
template void Registry::access<true>(TaskBase* t, ParamDescriptor& p);
template void Registry::access<false>(TaskBase* t, ParamDescriptor& p);

void Registry::renumber(Datum& d) noexcept {
  d.id = next_id_++;
  d.version = 0;
}

void Registry::drop(const DataKey& key) {
  if (key.tag == DataKey::Tag::none) return;
  Datum* d = find(key);
  if (d == nullptr) return;
  if (!idle(*d)) {
    renumber(*d);  // its pending tasks still order what comes next
    return;
  }
  release_all(*d);
  if (key.tag == DataKey::Tag::address) {
    objects_.erase(key.address);
  } else {
    files_.erase(files_.find(key.path));
  }
}

void Registry::collect_datum(Datum& d, std::vector<TaskBase*>& out) {
  auto take = [&out](TaskBase* x) {
    if (!is_finished(x)) {
      add_ref(x);
      out.push_back(x);
    }
  };
  if (d.writer != nullptr) take(d.writer);
  if (d.run != nullptr) {
    for (TaskBase* b : d.run->before) take(b);
    for (TaskBase* m : d.run->members) take(m);
  }
  for (TaskBase* r : d.readers) take(r);
}

void Registry::collect(const DataKey& key, std::vector<TaskBase*>& out, bool writers_only) {
  if (key.tag == DataKey::Tag::none) return;
  Datum* d = find(key);
  if (d == nullptr) return;
  if (!writers_only) {
    collect_datum(*d, out);
    return;
  }
  auto take = [&out](TaskBase* w) {
    if (!is_finished(w)) {
      add_ref(w);
      out.push_back(w);
    }
  };
  if (d->run != nullptr) {
    for (TaskBase* w : d->run->members) take(w);
  } else if (d->writer != nullptr) {
    take(d->writer);
  }
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

void Registry::latest_versions(const DataKey& key, std::vector<DataAccess>& out) {
  if (key.tag == DataKey::Tag::none) return;
  if (Datum* d = find(key)) out.push_back({d->id, d->version});
}

void Registry::latest_versions(std::uintptr_t begin, std::size_t count, std::size_t stride,
                               std::vector<DataAccess>& out) {
  if (count == 0 || stride == 0) return;
  if (count <= objects_.size()) {
    for (std::size_t i = 0; i < count; ++i) {
      auto it = objects_.find(begin + i * stride);
      if (it != objects_.end()) out.push_back({it->second.id, it->second.version});
    }
    return;
  }
  // A range wider than the registry: scan the registry, then put the hits in address order.
  std::vector<std::pair<std::uintptr_t, DataAccess>> hits;
  std::uintptr_t end = begin + count * stride;
  for (auto& [addr, d] : objects_)
    if (addr >= begin && addr < end && (addr - begin) % stride == 0) hits.push_back({addr, {d.id, d.version}});
  std::sort(hits.begin(), hits.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (auto& h : hits) out.push_back(h.second);
}

bool Registry::idle(Datum& d) {
  if (d.writer != nullptr && !is_finished(d.writer)) return false;
  if (d.run != nullptr) {
    auto done = [](TaskBase* x) { return is_finished(x); };
    if (!std::all_of(d.run->members.begin(), d.run->members.end(), done)) return false;
    if (!std::all_of(d.run->before.begin(), d.run->before.end(), done)) return false;
  }
  return std::all_of(d.readers.begin(), d.readers.end(), [](TaskBase* r) { return is_finished(r); });
}

void Registry::release_all(Datum& d) {
  if (d.writer != nullptr) release_ref(d.writer);
  for (TaskBase* r : d.readers) release_ref(r);
  d.writer = nullptr;
  d.readers.clear();
  if (d.run != nullptr) {
    for (TaskBase* b : d.run->before) release_ref(b);
    for (TaskBase* m : d.run->members) release_ref(m);
    d.run.reset();
  }
}

void Registry::prune() {
  // An idle datum's tasks are let go; with keep_identities_ its (id, version) stays.
  auto prune_in = [this](auto& data) {
    for (auto it = data.begin(); it != data.end();) {
      if (!idle(it->second)) {
        ++it;
        continue;
      }
      release_all(it->second);
      it = keep_identities_ ? std::next(it) : data.erase(it);
    }
  };
  prune_in(objects_);
  prune_in(files_);
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
