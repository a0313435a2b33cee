// DataPlane: tracking, the Backend's data hooks, requests and answers, releases. Lineage
// is in lineage.cpp, fetches to the master in fetch.cpp.
#include "net/master/data_plane.hpp"
#include "core/task_state.hpp"

#include "core/access.hpp"
#include "net/file_staging.hpp"
#include "settings/run_config.hpp"
#include "net/kept_files.hpp"
#include "net/attempt_files.hpp"
#include "net/master/data_params.hpp"

#include <compss/detail/future_state.hpp>
#include <compss/detail/remote_invoke.hpp>
#include <compss/error.hpp>

#include <cstdio>
#include <exception>

#include <unistd.h>

namespace compss::net {

using detail::Direction;
using detail::ParamDescriptor;
using detail::ParamKind;
using detail::TaskBase;
using data_params::from_holder;
using data_params::kept_by_worker;
using data_params::save;
using data_params::tracked;
using rt::for_each_datum;
using rt::reads;
using rt::writes;

namespace {
NodeSet only(int node) {
  NodeSet s;
  s.insert(static_cast<sched::NodeId>(node));
  return s;
}
bool holds(const VersionInfo& info, int node) {
  return info.holders.contains(static_cast<sched::NodeId>(node));
}
}  // namespace

void DataPlane::log(const std::string& text) const {
  if (static_cast<int>(log_level_) >= static_cast<int>(LogLevel::info)) {
    std::fprintf(stderr, "compss: %s\n", text.c_str());
  }
}

// ---- tracking ---------------------------------------------------------------------------

TrackedDatum& DataPlane::track(const ParamDescriptor& d, Drops& retyped) {
  Drop old = directory_.forget_other_type(d);
  if (!old.holders.empty()) retyped.push_back(std::move(old));
  if (const TrackedDatum* x = directory_.find(d.key.address);
      x != nullptr && DataDirectory::renumbered(*x, d.data_id) && x->master_has_latest() &&
      !x->loading) {
    // The registry started a new datum here (delete_object, in_delete): the master's
    // object is its first version. (While the old one's latest lives on a worker, it is
    // fetched first: build_request; until then the old datum keeps its id.)
    Drop gone = directory_.forget(d.key.address);
    if (!gone.holders.empty()) retyped.push_back(std::move(gone));
  }
  return directory_.track(d);
}

std::uint64_t DataPlane::renumbered_on_worker(const ParamDescriptor& d) {
  if (d.kind != ParamKind::file && !tracked(d)) return 0;
  std::lock_guard data(data_mutex_);
  const TrackedDatum* x = find_tracked(d);
  return x != nullptr && DataDirectory::renumbered(*x, d.data_id) && !x->master_has_latest()
             ? x->id
             : 0;
}

TrackedDatum* DataPlane::find_tracked(const ParamDescriptor& d) {
  if (d.kind == ParamKind::file) return directory_.find_file(std::string(d.key.path));
  return tracked(d) ? directory_.find(d.key.address) : nullptr;
}

TrackedDatum* DataPlane::find_key(const detail::DataKey& key) {
  return key.tag == detail::DataKey::Tag::file ? directory_.find_file(std::string(key.path))
                                               : directory_.find(key.address);
}

std::uint64_t DataPlane::stale_on_master(const detail::DataKey& key) {
  std::lock_guard data(data_mutex_);
  TrackedDatum* x = find_key(key);
  return x != nullptr && !x->master_has_latest() ? x->id : 0;
}

std::vector<std::byte> DataPlane::master_bytes(const TrackedDatum& x) {
  if (!x.path.empty()) return to_bytes(staged_from_master(x.path, true));
  if (x.vtable == nullptr) {
    throw Error("compss: data " + std::to_string(x.id) + " has no value on the master to send");
  }
  return save(*x.vtable, x.object);
}

int DataPlane::holder_of(std::uint64_t id, std::uint64_t v) {
  // data lock held by the caller
  TrackedDatum* x = directory_.find_id(id);
  if (x != nullptr && x->master_version == v) return 0;
  const VersionInfo* info = directory_.find_version(id, v);
  if (info == nullptr) return -1;
  // (Lost nodes were removed from the holders.)
  const sched::NodeId n = info->holders.next(1);
  return n == NodeSet::npos ? -1 : static_cast<int>(n);
}

int DataPlane::other_holder(const VersionInfo& info, int n) {
  // (Lost nodes were removed from the holders.)
  const NodeSet& h = info.holders;
  for (auto m = h.next(1); m != NodeSet::npos; m = h.next(m + 1)) {
    if (static_cast<int>(m) != n) return static_cast<int>(m);
  }
  return -1;
}

int DataPlane::available_at(std::uint64_t id, std::uint64_t v,
                            std::shared_ptr<const TaskRecord>* producer) {
  // data lock held by the caller
  int h = holder_of(id, v);
  if (h >= 0) return h;
  const VersionInfo* info = directory_.find_version(id, v);
  if (info != nullptr && info->snapshot != nullptr) return from_snapshot;
  if (producer != nullptr && info != nullptr) *producer = info->producer;
  return -1;
}

Drop DataPlane::record_produced(const WireParam& o, int n,
                                std::shared_ptr<const TaskRecord> producer) {
  // data lock held by the caller
  Drop older = directory_.produced(o.data_id, o.version, n, o.size, std::move(producer));
  if (lost_.contains(static_cast<sched::NodeId>(n))) {
    // Its worker was lost after answering: only the lineage is kept.
    directory_.version(o.data_id, o.version).holders.erase(static_cast<sched::NodeId>(n));
  }
  return older;
}

void DataPlane::node_lost(int n) {
  {
    std::lock_guard data(data_mutex_);
    lost_.insert(static_cast<sched::NodeId>(n));  // before drop_node: later answers not held
    any_lost_.store(true, std::memory_order_relaxed);
    directory_.drop_node(n);
  }
  holders_cv_.notify_all();
}

void DataPlane::evicted(int n, const DataEvicted& dropped) {
  std::size_t lost = 0;
  {
    std::lock_guard data(data_mutex_);
    for (const WireVersion& v : dropped.versions) {
      // (Not a holder: a release crossed the notice. No copy left: the worker dropped
      // what it took for a copy after the other holders were lost; lineage makes it again
      // when it is needed.)
      if (directory_.copy_dropped(v.data_id, v.version, n) &&
          !directory_.held_anywhere(v.data_id, v.version)) {
        ++lost;
      }
    }
  }
  holders_cv_.notify_all();
  if (log_level_ >= LogLevel::debug || lost > 0) {
    log("worker " + std::to_string(n) + " dropped " + std::to_string(dropped.versions.size()) +
        " copies over its data memory budget" +
        (lost > 0 ? " (" + std::to_string(lost) + " were the last: made again if needed)" : ""));
  }
}

// ---- releases ---------------------------------------------------------------------------

void DataPlane::release(const Drop& drop) {
  const NodeSet& h = drop.holders;
  for (auto n = h.next(1); n != NodeSet::npos; n = h.next(n + 1)) {
    links_.release(static_cast<int>(n), drop.id, drop.version, drop.only_this);
  }
}

void DataPlane::release(const Drops& drops) {
  for (const Drop& d : drops) release(d);
}

void DataPlane::drop_worker_copies_of(std::uint64_t id) {
  Drop drop;
  {
    std::lock_guard data(data_mutex_);
    TrackedDatum* x = directory_.find_id(id);
    if (x == nullptr || !x->master_has_latest()) return;
    // A version the directory knows was sent, fetched or made on a worker: besides the
    // holders it names, copies it does not know of may remain (evicted then kept
    // unknown, inputs a failed or timed-out attempt kept), and its snapshot and lineage
    // make the old bytes. The program's new value must never be read under that number:
    // it gets a new one. (A version no worker ever saw keeps its number.)
    if (directory_.find_version(x->id, x->version) == nullptr) return;
    drop.id = x->id;
    drop.version = x->version;
    drop.holders = directory_.master_wrote(*x);
  }
  release(drop);
}

void DataPlane::master_wrote_params(TaskBase* t, bool files_only, Drops& drops) {
  // data lock held by the caller
  for (std::size_t i = 0; i < t->param_count_; ++i) {
    for_each_datum(t->params_[i], [&](const ParamDescriptor& d) {
      if (!writes(d.direction) || (files_only && d.kind != ParamKind::file)) return;
      TrackedDatum* x = find_tracked(d);
      if (x == nullptr) return;  // never travelled: nothing to update
      const std::uint64_t old = x->version;
      // (A write the registry counts, unless it renumbered the datum since it was tracked.)
      NodeSet holders = directory_.master_wrote(*x, DataDirectory::registry_version_of(*x, d));
      if (!holders.empty()) drops.push_back({x->id, old, std::move(holders)});
    });
  }
}

// ---- the Backend's data hooks -------------------------------------------------------------

void DataPlane::submitted(TaskBase* t, std::uint64_t untouched) {
  const detail::RemoteTask* remote = detail::find_remote_task(t->spec().signature);
  if (remote != nullptr && remote->global_count != 0 && remote->travels()) {
    rt::task_state(t).globals = globals_.snapshot(*remote);  // the values of its place in program order
  }
  for (std::uint32_t i = 0; i < t->param_count_; ++i) {
    const ParamDescriptor& d = t->params_[i];
    if (d.copy_in && !d.deferred) {
      // Copied now: when a finished task wrote the object's latest version on a worker,
      // that version is fetched first (the workers' copies stay valid: it is only read).
      if (d.key.tag != detail::DataKey::Tag::address) continue;
      if (std::uint64_t id = stale_on_master(d.key)) fetch_to_master(id);
      continue;
    }
    if (i >= 64 || !(untouched >> i & 1) || (d.kind != ParamKind::file && !tracked(d))) continue;
    std::uint64_t id = 0;
    {
      std::lock_guard data(data_mutex_);
      if (TrackedDatum* x = find_tracked(d)) id = x->id;
    }
    if (id != 0) drop_worker_copies_of(id);
  }
}

bool DataPlane::claim(const TaskBase& t) {
  Drops released;
  bool claimed = true;
  {
    std::lock_guard data(data_mutex_);
    for (std::uint32_t i = 0; i < t.param_count_ && claimed; ++i) {
      const ParamDescriptor& d = t.params_[i];
      if (tracked(d)) claimed = directory_.claim(d, released);
    }
  }
  release(released);
  return claimed;
}

void DataPlane::before_run(TaskBase* t) {
  // It writes the user's files in place, here: a version of one a remake may read (kept
  // by a link) moves to a copy first (net/kept_files.hpp).
  for (std::size_t i = 0; i < t->param_count_; ++i) {
    for_each_datum(t->params_[i], [&](const ParamDescriptor& d) {
      if (d.kind == ParamKind::file && writes(d.direction)) {
        kept_files::before_write_in_place(std::string(d.key.path));
      }
    });
  }
  std::vector<std::uint64_t> stale;
  Drops retyped;  // data of objects that died where this task's objects now are
  {
    std::lock_guard data(data_mutex_);
    for (std::size_t i = 0; i < t->param_count_; ++i) {
      for_each_datum(t->params_[i], [&](const ParamDescriptor& d) {
        if (!reads(d.direction)) return;
        TrackedDatum* x = nullptr;
        if (d.kind == ParamKind::file) {
          x = directory_.find_file(std::string(d.key.path));
        } else if (d.kind == ParamKind::object && d.key.tag == detail::DataKey::Tag::address) {
          Drop old = directory_.forget_other_type(d);
          if (!old.holders.empty()) retyped.push_back(std::move(old));
          x = directory_.find(d.key.address);
        }
        if (x == nullptr || x->master_has_latest()) return;
        if (x->path.empty() && !DataDirectory::fits(*x, d)) {
          DataDirectory::throw_other_shape(
              *x, d,
              "its latest version is on a worker and loading it here would write past what "
              "this task passes; wait for the array (compss::wait_on(p)) before passing its "
              "address in another shape (docs/distributed.md, \"Array sections\")");
        }
        stale.push_back(x->id);
      });
    }
  }
  release(retyped);
  // Several (a collection's elements): one round trip per holder, not one per value.
  if (stale.size() == 1) {
    fetch_to_master(stale[0]);
  } else if (!stale.empty()) {
    fetch_all(stale);
  }
}

void DataPlane::wrote_on_master(TaskBase* t) {
  Drops drops;
  {
    std::lock_guard data(data_mutex_);
    master_wrote_params(t, false, drops);
  }
  release(drops);
}

void DataPlane::sync(std::uintptr_t address, bool user_may_write) {
  sync_key(detail::DataKey::of(reinterpret_cast<const void*>(address)), user_may_write);
}

void DataPlane::sync_file(const std::string& path) {
  sync_key(detail::DataKey::of_file(path), true);
}

void DataPlane::sync_key(const detail::DataKey& key, bool user_may_write) {
  std::uint64_t id = 0;
  {
    std::lock_guard data(data_mutex_);
    TrackedDatum* x = find_key(key);
    if (x == nullptr) return;
    id = x->id;
  }
  fetch_to_master(id);
  if (user_may_write) drop_worker_copies_of(id);
}

bool DataPlane::given_up(const TrackedDatum& x) {
  // data lock held: a tracked future's state lives until its destructor forgets the datum
  // under that lock.
  return x.future != nullptr && x.future->given_up();
}

void DataPlane::sync_range(std::uintptr_t begin, std::uintptr_t end) {
  std::vector<std::uintptr_t> addresses;
  std::vector<std::uint64_t> ids;
  {
    std::lock_guard data(data_mutex_);
    // Also those the master holds: workers may keep copies the program could now change.
    for (TrackedDatum* x : directory_.in_range(begin, end)) {
      // A result the program gave up is never brought back: nobody can read it (lost with
      // its worker, it would be made again for nothing, or, a stream task's, fail the run).
      if (given_up(*x)) continue;
      addresses.push_back(x->address);
      if (!x->master_has_latest()) ids.push_back(x->id);
    }
  }
  fetch_all(ids);
  for (std::uintptr_t a : addresses) sync(a, true);  // (now only drops workers' copies)
}

void DataPlane::sync_all() {
  sync_range(0, ~std::uintptr_t{0});
  std::vector<std::uint64_t> files;
  {
    std::lock_guard data(data_mutex_);
    for (TrackedDatum* x : directory_.files()) files.push_back(x->id);
  }
  fetch_all(files);
  for (std::uint64_t id : files) drop_worker_copies_of(id);  // the program may change them
}

void DataPlane::forget(std::uintptr_t address) noexcept {
  try {
    Drop gone;
    {
      std::lock_guard data(data_mutex_);
      gone = directory_.forget(address);
    }
    release(gone);
  } catch (...) {
    // Only memory on the workers stays used longer.
  }
}

// ---- placement and dispatch ---------------------------------------------------------------

void DataPlane::add_input_bytes(const TaskBase& t, std::vector<std::uint64_t>& bytes) {
  std::lock_guard data(data_mutex_);
  for (std::size_t i = 0; i < t.spec().param_count; ++i) {
    const ParamDescriptor& d = t.params_[i];
    if (!reads(d.direction) || !tracked(d)) continue;
    TrackedDatum* x = directory_.find(d.key.address);
    if (x == nullptr) continue;
    const VersionInfo* info = directory_.find_version(x->id, x->version);
    std::uint64_t size = info != nullptr ? info->size : 0;
    if (x->master_has_latest() && !bytes.empty()) bytes[0] += size;
    if (info == nullptr) continue;
    const NodeSet& h = info->holders;
    for (auto n = h.next(1); n != NodeSet::npos && n < bytes.size(); n = h.next(n + 1)) {
      bytes[n] += size;
    }
  }
}

void DataPlane::fill_file_param(const ParamDescriptor& d, int n, WireParam& w, Drops& renumbered,
                                std::vector<std::pair<std::uint64_t, std::uint64_t>>& missing) {
  // data lock held. The worker does not see the master's files: the file is a datum like
  // any other (its versions' bytes are its contents). The request always carries its
  // path; the contents come inline from the master or from a holder.
  const std::string path(d.key.path);
  if (const TrackedDatum* old = directory_.find_file(path);
      old != nullptr && DataDirectory::renumbered(*old, d.data_id) && old->master_has_latest()) {
    renumbered.push_back(directory_.forget_file(path));  // delete_file: a new datum
  }
  TrackedDatum& x = directory_.track_file(path, d.data_id, rt::version_read(d));
  w.data_id = x.id;
  w.version = x.version;
  if (writes(d.direction)) {
    w.stored_as = directory_.output_number(x, DataDirectory::registry_version_of(x, d));
  }
  w.has_value = true;
  StagedFile file;
  file.path = x.path;
  if (reads(d.direction)) {
    VersionInfo& info = directory_.version(x.id, x.version);
    if (!holds(info, n) && x.master_has_latest()) {
      file = staged_from_master(x.path, true);
      info.size = file.content.size();
      if (info.producer == nullptr && info.snapshot == nullptr) {
        info.snapshot = std::make_shared<const std::vector<std::byte>>(to_bytes(file));
      }
    } else {
      file.from_store = true;
      if (!holds(info, n)) {
        int h = holder_of(x.id, x.version);
        if (h < 0) {
          missing.push_back({x.id, x.version});
        } else {
          w.source = links_.data_address(h);
        }
      } else if (const int h = other_holder(info, n); h > 0) {
        w.source = links_.data_address(h);  // (its copy there may go meanwhile: below)
      }
    }
  }
  w.value = to_bytes(file);
}

void DataPlane::fill_object_param(const ParamDescriptor& d, int n, WireParam& w, Drops& retyped,
                                  std::vector<std::pair<std::uint64_t, std::uint64_t>>& missing) {
  // data lock held
  if (!tracked(d)) {
    if (d.serializable()) {
      w.has_value = true;
      w.value = save(*d.vtable, d.object);
    }
    return;
  }
  TrackedDatum& x = track(d, retyped);
  w.data_id = x.id;
  w.version = x.version;
  if (writes(d.direction)) {
    w.stored_as = directory_.output_number(x, DataDirectory::registry_version_of(x, d));
  }
  if (!reads(d.direction)) return;
  VersionInfo& info = directory_.version(x.id, x.version);
  if (holds(info, n)) {
    // Already there; but a copy may be dropped (over the worker's data budget) before
    // the request is read: another holder is named as its source, which the worker only
    // uses then (it reads its store first). Without one, such a drop costs a
    // compss::DataMissing answer and a resend.
    if (const int h = other_holder(info, n); h > 0) w.source = links_.data_address(h);
    return;
  }
  if (x.master_has_latest()) {
    w.has_value = true;
    w.value = save(*d.vtable, d.object);
    info.size = w.value.size();
    if (info.producer == nullptr && info.snapshot == nullptr) {
      info.snapshot = std::make_shared<const std::vector<std::byte>>(w.value);
    }
    // The worker keeps what it is sent, but becomes a holder only once its answer shows
    // it stored it (record_outputs): others must not fetch it from there earlier.
    return;
  }
  int h = holder_of(x.id, x.version);
  if (h < 0 && info.snapshot != nullptr) {  // made again in the master's process: inline
    w.has_value = true;
    w.value = *info.snapshot;
  } else if (h < 0) {
    missing.push_back({x.id, x.version});
  } else {
    w.source = links_.data_address(h);
  }
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> DataPlane::lost_inputs(const TaskBase& t) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> lost;
  std::lock_guard data(data_mutex_);
  for (std::size_t i = 0; i < t.spec().param_count; ++i) {
    // (A collection's elements: its task runs on the master, which loads each: before_run.)
    for_each_datum(t.params_[i], [&](const ParamDescriptor& d) {
      if (!reads(d.direction)) return;
      const TrackedDatum* x = find_tracked(d);
      // A by-value argument converted from another type is sent as the master's copy,
      // which must be fetched first: its latest version may be lost too (made again before
      // the send, not while the call holds its node: build_request's fetch would).
      if (x == nullptr && d.copy_in && d.deferred && d.key.tag == detail::DataKey::Tag::address) {
        x = directory_.find(d.key.address);
      }
      if (x == nullptr || x->master_has_latest()) return;
      if (available_at(x->id, x->version, nullptr) == -1) lost.emplace_back(x->id, x->version);
    });
  }
  return lost;
}

bool DataPlane::build_request(TaskBase* t, int n, TaskRequest& request, bool may_block) {
  const std::size_t arity = t->spec().param_count;
  const bool shared_files = links_.shares_files(n);
  // By-value parameters converted from another type need the master's copy first; so do
  // files a worker that shares the master's files reads, when their latest version lives
  // on a worker without them.
  for (std::size_t i = 0; i < arity; ++i) {
    const ParamDescriptor& d = t->params_[i];
    const bool converted =
        d.copy_in && d.deferred && !tracked(d) && d.key.tag == detail::DataKey::Tag::address;
    const bool shared_file = d.kind == ParamKind::file && shared_files && reads(d.direction);
    // An inout file gets a copy at its attempt-private path (disk work: not on a receiver).
    if (shared_file && d.direction == Direction::inout && !may_block) return false;
    // A datum the registry renumbered whose old latest version lives on a worker comes to
    // the master first: it then becomes the new datum's first version (track).
    const std::uint64_t id =
        converted || shared_file ? stale_on_master(d.key) : renumbered_on_worker(d);
    if (id == 0) continue;
    if (!may_block) return false;
    fetch_to_master(id);
  }
  for (int round = 0;; ++round) {
    request.signature = t->implementation_spec().signature;  // the version chosen
    request.params.clear();
    request.params.resize(arity);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> missing;
    Drops retyped;  // data of objects that died where this task's objects now are
    {
      std::lock_guard data(data_mutex_);
      for (std::size_t i = 0; i < arity; ++i) {
        const ParamDescriptor& d = t->params_[i];
        WireParam& w = request.params[i];
        w.direction = static_cast<std::uint8_t>(d.direction);
        w.kind = static_cast<std::uint8_t>(d.kind);
        if (const detail::SectionRef* section = d.section()) w.size = section->size;  // its extent
        if (d.kind == ParamKind::file && !shared_files) {
          fill_file_param(d, n, w, retyped, missing);
        } else {
          fill_object_param(d, n, w, retyped, missing);
        }
      }
      if (t->param_count_ > arity) {  // the result: a datum of its own
        const ParamDescriptor& d = t->params_[arity];
        WireParam w;
        w.direction = static_cast<std::uint8_t>(Direction::out);
        if (tracked(d)) {
          TrackedDatum& x = track(d, retyped);
          if (auto* state = reinterpret_cast<detail::FutureStateBase*>(d.key.address)) {
            // Its destructor forgets the datum before the memory can hold another object.
            state->tracked.store(true, std::memory_order_release);
            x.future = state;
          }
          w.data_id = x.id;
          w.version = x.version;
          w.stored_as = directory_.output_number(x, DataDirectory::registry_version_of(x, d));
        }
        request.params.push_back(std::move(w));
      }
    }
    release(retyped);
    if (missing.empty()) {
      if (rt::task_state(t).globals) globals_.add_to_request(*rt::task_state(t).globals, n, request);
      if (shared_files) name_private_files(*t, request);  // last: nothing throws after it
      return true;
    }
    if (!may_block) return false;  // (tracking changed nothing a second build would not redo)
    if (round > 64) throw Error("compss: the inputs of a task could not be found on any node");
    for (auto [id, v] : missing) ensure_available(id, v);
  }
}

void DataPlane::name_private_files(const TaskBase& t, TaskRequest& request) {
  // No lock: only the request and the files change.
  request.read_files.clear();
  for (std::size_t i = 0; i < t.spec().param_count && i < request.params.size(); ++i) {
    const ParamDescriptor& d = t.params_[i];
    WireParam& w = request.params[i];
    if (d.kind != ParamKind::file || !w.has_value) continue;
    const std::string path(d.key.path);  // (absolute: the worker's cwd is not the master's)
    // The file as the task reads it (an inout file: before its copy), stamped and kept
    // for a remake (net/kept_files.hpp; COMPSS_KEEP_READ_FILES=0: stamped only).
    // A `concurrent` or `commutative` file is written in place by its body: stamped only
    // (its remake fails with "changed since it ran", which it did; a link would not help).
    if (reads(d.direction)) {
      const auto param = static_cast<std::uint32_t>(i);
      const bool in_place = d.direction == Direction::concurrent ||
                            d.direction == Direction::commutative;
      request.read_files.push_back(config::run_config().master.keep_read_files && !in_place
                                       ? kept_files::stamp_and_keep(path, param)
                                       : stamp_file(path, param));
    }
    if (!attempt_files::gets_private_path(d.direction)) continue;
    std::string mine = attempt_files::private_path(path);
    try {  // (on failure, those named before are removed: the request is never sent)
      attempt_files::prepare(path, mine, reads(d.direction));
    } catch (...) {
      attempt_files::remove_private_files(request);
      throw;
    }
    w.value = to_bytes(mine);
  }
}

void DataPlane::record_kept_inputs(int n, const TaskRecord& record, Drops& drops) {
  // data lock held by the caller
  // A worker lost after it answered keeps nothing (its node was dropped already).
  if (lost_.contains(static_cast<sched::NodeId>(n))) return;
  for (const WireParam& w : record.params) {
    if (!kept_by_worker(w)) continue;
    const TrackedDatum* x = directory_.find_id(w.data_id);
    if (x != nullptr && x->version == w.version) {
      directory_.version(w.data_id, w.version).holders.insert(static_cast<sched::NodeId>(n));
    } else {  // superseded (or forgotten) meanwhile: the other copies are dropped already
      drops.push_back({w.data_id, w.version, only(n)});
    }
  }
}

void DataPlane::keep_replica_inputs(int n, const TaskRecord& record) {
  Drops drops;
  {
    std::lock_guard data(data_mutex_);
    record_kept_inputs(n, record, drops);
  }
  holders_cv_.notify_all();
  release(drops);
}

void DataPlane::discard_outputs(int n,
                                std::span<const std::pair<std::uint64_t, std::uint64_t>> outputs) {
  Drops drops;
  {
    std::lock_guard data(data_mutex_);
    for (auto [id, version] : outputs) {
      // A release drops every version up to the one named, which also drops the older
      // copies `n` keeps (superseded by the recorded outputs). When the call's outputs
      // were not recorded (it failed or timed out), the datum's current version is older,
      // and `n` may hold its last copy: only the unrecorded version is dropped there.
      bool only_this = false;
      if (const TrackedDatum* x = directory_.find_id(id); x != nullptr && x->version < version) {
        const VersionInfo* current = directory_.find_version(id, x->version);
        only_this = current != nullptr && holds(*current, n);
      }
      drops.push_back({id, version, only(n), only_this});
    }
  }
  // Released before the call ends, so before any request that reads these versions is
  // sent to `n` (on the same link, in order): `n` then fetches the recorded value from its
  // holder instead of using its own, which may differ (another implementation, a GPU).
  release(drops);
}

void DataPlane::discard_late_outputs(int n, const TaskRecord& record, const TaskDone& done) {
  Drops drops;
  {
    std::lock_guard data(data_mutex_);
    record_kept_inputs(n, record, drops);  // (copies it keeps are known, so released later)
    drop_unrecorded_outputs(n, done, drops);
  }
  holders_cv_.notify_all();
  release(drops);
}

void DataPlane::drop_unrecorded_outputs(int n, const TaskDone& done, Drops& drops) {
  // data lock held
  for (const WireParam& o : done.outputs) {
    if (o.data_id == 0) continue;
    // Exactly that version: n may hold the datum's current one. If n was named its
    // holder (the number recorded from another attempt there), its copy may now be
    // this attempt's bytes: it is no longer named (lineage makes it again if needed).
    directory_.copy_dropped(o.data_id, o.version, n);
    drops.push_back({o.data_id, o.version, only(n), true});
  }
}

void DataPlane::record_outputs(TaskBase* t, int n, std::shared_ptr<const TaskRecord> record,
                               TaskDone& done, bool ignored_failure) {
  Drops drops;
  std::exception_ptr failed;
  {
    std::lock_guard data(data_mutex_);
    record_kept_inputs(n, *record, drops);
    try {
      record_made(t, n, record, done, drops, ignored_failure);
    } catch (...) {
      // Nothing of it is recorded (record_made undid its loads) and the attempt fails:
      // its outputs on n are released exactly, as a late answer's, so neither a retry
      // there nor a later reader finds them; the copies it kept are released as usual.
      failed = std::current_exception();
      drop_unrecorded_outputs(n, done, drops);
    }
  }
  if (failed) holders_cv_.notify_all();
  release(drops);
  if (failed) std::rethrow_exception(failed);
}

void DataPlane::record_replica_outputs(TaskBase* t, int n, std::shared_ptr<const TaskRecord> record,
                                       TaskDone& done) {
  Drops drops;
  {
    std::lock_guard data(data_mutex_);
    record_made(t, n, record, done, drops);
  }
  release(drops);
}

void DataPlane::record_made(TaskBase* t, int n, const std::shared_ptr<const TaskRecord>& record,
                            TaskDone& done, Drops& drops, bool ignored_failure) {
  // data lock held by the caller
  // What may throw comes first, undone if it does: a failed attempt is retried, and the
  // retry must read the call's inputs, neither a version recorded nor a master's object
  // loaded from this attempt (the body would be applied twice). Files the attempt wrote
  // wait beside the master's at private paths (written there now for a worker without
  // the master's files) and are moved into place last, by renames.
  struct Loaded {
    ParamDescriptor* d;
    std::vector<std::byte> before;  // the master's object as it was
  };
  struct Move {
    std::string from, to;  // its private path, the master's file
    bool written_here = false;  // (else the request named it: its caller removes it)
  };
  std::vector<Loaded> loaded;
  std::vector<Move> moves;
  std::size_t moved = 0;       // moves[0, moved) were done (or had no file to move)
  std::string placed;          // the files they replaced, for a message
  try {
    for (WireParam& o : done.outputs) {
      if (o.data_id != 0 || !o.has_value || o.kind == static_cast<std::uint8_t>(ParamKind::file)) {
        continue;
      }
      // Not tracked: its value came back inline; find the parameter it belongs to.
      for (std::size_t i = 0; i < t->param_count_; ++i) {
        ParamDescriptor& d = t->params_[i];
        if (i < record->params.size() && record->params[i].data_id == 0 &&
            writes(d.direction) && d.vtable != nullptr && d.vtable->load != nullptr) {
          OutputArchive out;
          d.vtable->save(d.object, out);
          loaded.push_back({&d, out.take()});
          InputArchive in(o.value);
          d.vtable->load(d.object, in);
          break;
        }
      }
    }
    // A worker sharing the master's files wrote them at the private paths its request
    // named (attempt_files).
    for (std::size_t i = 0; i < t->param_count_ && i < record->params.size(); ++i) {
      std::string mine = attempt_files::private_path_of(record->params[i]);
      if (!mine.empty()) moves.push_back({std::move(mine), std::string(t->params_[i].key.path)});
    }
    for (WireParam& o : done.outputs) {
      if (o.kind == static_cast<std::uint8_t>(ParamKind::file) && o.data_id == 0) {
        // A file written on a worker without the master's files: `version` names the
        // parameter; its bytes go beside the master's file first.
        if (o.has_value && o.version < t->param_count_) {
          std::string path(t->params_[o.version].key.path);
          moves.push_back({attempt_files::private_path(path), path, true});
          write_file_atomically(moves.back().from, o.value);
        }
      }
    }
    // Last, the renames. The first failing leaves every file as it was (undone below); one
    // after a file was moved cannot be undone (its old bytes are gone): PartlyMoved.
    for (; moved < moves.size(); ++moved) {
      try {
        if (attempt_files::move_into_place(moves[moved].from, moves[moved].to)) {
          placed += (placed.empty() ? "'" : ", '") + moves[moved].to + "'";
        }
      } catch (const Error& e) {
        if (placed.empty()) throw;
        throw attempt_files::PartlyMoved(std::string(e.what()) + "; but " + placed +
                                         " already hold this attempt's output (not run again)");
      }
    }
  } catch (...) {
    for (std::size_t m = moved; m < moves.size(); ++m) {
      if (moves[m].written_here) ::unlink(moves[m].from.c_str());
    }
    // (Newest first: two outputs loaded into one object leave it as it was before both.)
    for (auto l = loaded.rbegin(); l != loaded.rend(); ++l) {
      try {
        InputArchive in(l->before);
        l->d->vtable->load(l->d->object, in);
      } catch (...) {  // (its own bytes: a type whose load fails on them has no undo)
      }
    }
    throw;
  }
  for (WireParam& o : done.outputs) {
    if (o.data_id == 0) continue;  // (loaded or written above)
    // A stream task cannot be run again for what it made: its stream has moved on (a
    // replay would poll or publish other elements). Lost, its outputs are a clear error
    // ("cannot be made again"), never a silently different value.
    Drop older = record_produced(o, n, rt::task_state(t).stream_task ? nullptr : record);
    if (ignored_failure) directory_.version(o.data_id, o.version).ignored_failure = true;
    if (!older.holders.empty()) drops.push_back(std::move(older));
  }
  // It wrote the master's files: copies other workers keep are stale.
  if (links_.shares_files(n)) master_wrote_params(t, true, drops);
}

void DataPlane::globals_received(const TaskBase& t, int n, const TaskRequest& request) {
  if (rt::task_state(t).globals) globals_.confirm(*rt::task_state(t).globals, n, request);
}

void DataPlane::globals_missing(const TaskBase& t, int n) {
  if (rt::task_state(t).globals) globals_.forget(*rt::task_state(t).globals, n);
}

std::size_t DataPlane::remake_waiters() {
  std::lock_guard data(data_mutex_);
  return remake_waiters_;
}

}  // namespace compss::net
