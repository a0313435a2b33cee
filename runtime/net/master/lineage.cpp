// DataPlane, lineage: a version every copy of which was lost with its workers is made
// again by running the task that produced it (and, first, those of its lost inputs), once
// however many threads need it. docs/distributed.md, "Workers that die".
#include "net/master/data_plane.hpp"

#include "net/blocking_lane.hpp"
#include "net/attempt_files.hpp"
#include "net/file_stamp.hpp"
#include "net/kept_files.hpp"
#include "net/master/data_params.hpp"
#include "net/version_number.hpp"
#include "core/access.hpp"

#include <compss/error.hpp>

#include <string>
#include <vector>

namespace compss::net {

using data_params::from_holder;

namespace {
/// Thrown by the lineage once the run failed: the version is not made again. (The run's
/// failure, recorded first, stays the run's error.)
Error not_made_run_failed(std::uint64_t id, std::uint64_t v) {
  return Error("compss: data " + std::to_string(id) + " version " + version_number::text(v) +
               " was lost with its worker and is not made again: the run failed");
}
}  // namespace

void DataPlane::make_available(std::span<const std::pair<std::uint64_t, std::uint64_t>> versions) {
  for (auto [id, v] : versions) ensure_available(id, v);
}

int DataPlane::ensure_available(std::uint64_t id, std::uint64_t v) {
  // The lineage is walked with a stack of versions to make, not by recursion: a version
  // is made again once every input its producer reads is available, so a chain of any
  // length costs memory, not this thread's stack.
  using Version = std::pair<std::uint64_t, std::uint64_t>;
  std::vector<Version> todo{{id, v}};
  std::map<Version, int> tries;
  // However the walk ends: versions it made again only as inputs are dropped again (a
  // throw, the run failed among them, left them on their workers until the run's end).
  struct ReleaseRemade {
    DataPlane& plane;
    const std::map<Version, int>& tries;
    Version target;
    ~ReleaseRemade() {
      try {
        plane.release_remade(tries, target);
      } catch (...) {  // (out of memory for the drops: they stay, as copies do)
      }
    }
  } release_remade_at_end{*this, tries, {id, v}};
  while (!todo.empty()) {
    const auto [tid, tv] = todo.back();
    std::shared_ptr<const TaskRecord> producer;
    const std::size_t before = todo.size();
    int made = -1;
    {
      std::lock_guard data(data_mutex_);
      int h = available_at(tid, tv, &producer);
      if (h != -1 && todo.size() > 1) {
        todo.pop_back();
        continue;
      }
      made = h;
    }
    if (made != -1) return made;  // the version asked for
    {
      std::lock_guard data(data_mutex_);
      if (producer == nullptr) {
        throw Error("compss: data " + std::to_string(tid) + " version " + version_number::text(tv) +
                    " was lost with its worker and cannot be made again");
      }
      for (const WireParam& w : producer->params) {  // its lost inputs first
        if (from_holder(w) && available_at(w.data_id, w.version, nullptr) == -1) {
          todo.push_back({w.data_id, w.version});
        }
      }
    }
    if (todo.size() > before) continue;
    if (++tries[{tid, tv}] > 64) {
      throw Error("compss: data " + std::to_string(tid) + " version " + version_number::text(tv) +
                  " could not be made again");
    }
    // Once the run failed, nothing more is made again (nor sent): the walk stops here,
    // the version unmade (its reader is skipped; its end is not delayed by the rest).
    if (links_.run_failed()) throw not_made_run_failed(tid, tv);
    // (If an input was lost meanwhile, or the remake failed, the next turn finds it.)
    remake_once(tid, tv, producer);
  }
  return -1;  // not reached: the last version popped returns
}

void DataPlane::release_remade(const std::map<std::pair<std::uint64_t, std::uint64_t>, int>& remade,
                               std::pair<std::uint64_t, std::uint64_t> target) {
  // Versions made again only as inputs of later ones, and superseded since, are dropped
  // again (their producers can remake them once more if needed).
  Drops drops;
  {
    std::lock_guard data(data_mutex_);
    for (const auto& [version, tries] : remade) {
      auto [rid, rv] = version;
      if (version == target) continue;
      TrackedDatum* x = directory_.find_id(rid);
      if (x == nullptr || rv >= x->version || rv == x->master_version) continue;
      VersionInfo& info = directory_.version(rid, rv);
      if (!info.holders.empty()) drops.push_back({rid, rv, std::exchange(info.holders, NodeSet{})});
      if (info.producer != nullptr) info.snapshot.reset();  // (a remake on the master kept it)
    }
  }
  release(drops);
}

void DataPlane::remake_once(std::uint64_t id, std::uint64_t v,
                            const std::shared_ptr<const TaskRecord>& producer) {
  {
    std::unique_lock data(data_mutex_);
    if (auto [it, first] = remaking_.try_emplace(producer.get()); !first) {
      // Another thread runs this producer again now: its run makes this version too.
      const bool placed = it->second.placed;
      const bool running = it->second.running;  // (a run on lent resources under way)
      data.unlock();  // (the cluster's locks come before ours)
      // Unless that run waits for a placement while this thread holds resources it fits (a
      // replica's cores, which the placement may wait for: both would wait for ever): it
      // is run on them here (a second run; the first finds the version made, runs nothing).
      if (!placed && !running && remake(id, v, *producer, /*lent=*/true)) return;
      data.lock();
      ++remake_waiters_;
      data.unlock();
      links_.waits_for_remake(placed);
      data.lock();
      BlockingLane::Parked parked;  // (that run may wait for what calls queued on the lane hold)
      remade_cv_.wait(data, [&] { return remaking_.count(producer.get()) == 0; });
      --remake_waiters_;
      return;
    }
  }
  struct Done {
    DataPlane& plane;
    const TaskRecord* p;
    ~Done() {
      {
        std::lock_guard data(plane.data_mutex_);
        plane.remaking_.erase(p);
      }
      plane.remade_cv_.notify_all();
    }
  } done{*this, producer.get()};
  remake(id, v, *producer);
}

namespace {

// A file the producer read in place that is not the one it read any more: running it
// again would compute from the later file, so the version cannot be made again. Its
// version kept by a link (net/kept_files.hpp) survives a rename over the path (a later
// task's answer, an inout producer's own), not a write in place (the program's); without
// a link, any change counts. Checked before the remake is placed (fail early) and after
// its run (a write in place, or, without a link, a later task's, may come meanwhile: the
// remake is not ordered before them as the first run was).
// `moves`, after the run: the kept versions' move counts before it (a task on the master
// writing the file in place moved the version while the remake may have read it).
void check_read_files(std::uint64_t id, std::uint64_t v, const TaskRecord& producer,
                      const std::vector<std::uint64_t>* moves = nullptr) {
  for (std::size_t k = 0; k < producer.read_files.size(); ++k) {
    const FileStamp& then = producer.read_files[k];
    auto cannot = [&](const char* why) {
      return Error("compss: data " + std::to_string(id) + " version " + version_number::text(v) +
                   " was lost with its worker and cannot be made again: the task that made it (" +
                   producer.signature + ") read the file " + then.path + ", which " + why);
    };
    if (moves != nullptr && kept_files::moves(then) != (*moves)[k]) {
      throw cannot("a task on the master wrote in place while it was made again");
    }
    if (!kept_files::unchanged(then)) throw cannot("was changed since it ran (by a later task or by the program)");
  }
}

}  // namespace

bool DataPlane::remake(std::uint64_t id, std::uint64_t v, const TaskRecord& producer, bool lent) {
  check_read_files(id, v, producer);
  std::vector<std::uint64_t> moves;
  for (const FileStamp& then : producer.read_files) moves.push_back(kept_files::moves(then));
  TaskRequest request;
  request.signature = producer.signature;
  request.params = producer.params;
  for (WireParam& w : request.params) w.source.clear();  // where inputs were then
  request.globals = producer.globals;
  // Its run reserved these on its worker (the body reads this_task::computing_units(),
  // gpus(); an external program its CUDA_VISIBLE_DEVICES): the remake asks the same.
  // (choose_worker replaces them with another version's demand when it picks another.)
  request.computing_units = producer.computing_units;
  request.gpus = producer.gpus;
  for (WireGlobal& g : request.globals) {  // the values of the task's submission, inline
    if (!g.has_value && g.shared_value) {
      g.value = *g.shared_value;
      g.has_value = true;
    }
  }
  int n = -1;
  try {
    // Placed through the scheduler: it waits for free resources that fit the producer and
    // holds them until `placed` below gives them back.
    n = lent ? links_.lend_worker(request) : links_.choose_worker(request);
    if (lent && n < 0) return false;
  } catch (const Error& e) {
    const std::string why = e.what();
    throw Error("compss: data " + std::to_string(id) + " version " + version_number::text(v) +
                " was lost with its worker and cannot be made again: no live worker can run the "
                "task that made it: " + (why.rfind("compss: ", 0) == 0 ? why.substr(8) : why));
  }
  if (n < 0) throw Error("compss: every worker is lost; data " + std::to_string(id) + " cannot be made again");
  struct Placed {  // the reservation goes back however this ends
    DataLinks& links;
    const TaskRequest& request;
    ~Placed() { links.remake_ended(request); }
  } placed{links_, request};
  struct Running {  // (its run's end lets the next one see the version made)
    DataPlane& plane;
    const TaskRecord* p;
    bool on = false;
    ~Running() {
      if (!on) return;
      {
        std::lock_guard data(plane.data_mutex_);
        if (auto it = plane.remaking_.find(p); it != plane.remaking_.end()) it->second.running = false;
      }
      plane.remade_cv_.notify_all();
    }
  } running{*this, &producer};
  {
    std::unique_lock data(data_mutex_);
    auto it = remaking_.find(&producer);
    if (!lent && it != remaking_.end()) it->second.placed = true;
    if (it != remaking_.end() && it->second.running) {
      // One run at a time (this thread's and one on lent resources): wait for that one.
      BlockingLane::Parked parked;  // (it may wait for what calls queued on the lane hold)
      remade_cv_.wait(data, [&] {
        it = remaking_.find(&producer);
        return it == remaking_.end() || !it->second.running;
      });
    }
    if (it != remaking_.end()) it->second.running = running.on = true;
    // Made meanwhile by a run on lent resources (remake_once): nothing to run.
    if (available_at(id, v, nullptr) != -1) return true;
    for (WireParam& w : request.params) {
      if (!from_holder(w)) continue;
      int h = available_at(w.data_id, w.version, nullptr);
      if (h < 0 && h != from_snapshot) return true;  // lost again meanwhile
      if (h == n && n != 0) continue;
      if (h == from_snapshot) {  // a master-made version the master's object no longer holds
        w.value = *directory_.version(w.data_id, w.version).snapshot;
        w.has_value = true;
      } else if (h == 0) {
        // The master's object holds exactly this version: send it inline. (Not a fetch:
        // that brings the latest version, which may be the one being made again.)
        w.value = master_bytes(*directory_.find_id(w.data_id));
        w.has_value = true;
      } else {
        w.source = links_.data_address(h);
      }
    }
  }
  // A file the producer wrote at a private path (a worker sharing the master's files): the
  // remake writes one of its own, never moved into place (the file's current value is
  // later than the producer's; only the lost versions are wanted), removed after the call.
  // A file it read is read where its version is kept (net/kept_files.hpp): an `in` file
  // in place at the link, an `inout` file copied from it; the user's path is not written.
  // (An `in` file on a worker that does not reach the link's directory: at a link beside
  // the file, made for this call, kept_files::link_for.)
  std::vector<const FileStamp*> read_at(request.params.size(), nullptr);
  for (const FileStamp& then : producer.read_files) {
    if (then.kept != nullptr && then.param < read_at.size()) read_at[then.param] = &then;
  }
  std::vector<std::shared_ptr<const std::string>> links;  // (held while it runs)
  attempt_files::RemovedUnlessKept written(&request);  // (also when the call throws)
  for (std::size_t i = 0; i < request.params.size(); ++i) {
    WireParam& w = request.params[i];
    const std::string old = attempt_files::private_path_of(w);
    if (old.empty()) {
      if (read_at[i] == nullptr) continue;
      links.push_back(n != 0 && links_.shares_files(n) ? kept_files::link_for(*read_at[i], n) : read_at[i]->kept);
      w.value = to_bytes(*links.back());
      continue;
    }
    const std::string passed = attempt_files::master_path_of(old);
    const std::string mine = attempt_files::private_path(passed);
    attempt_files::prepare(read_at[i] != nullptr ? *read_at[i]->kept : passed, mine,
                           rt::reads(static_cast<detail::Direction>(w.direction)));
    w.value = to_bytes(mine);
  }
  // The run failed while this remake waited for its placement (or its inputs): not sent.
  if (links_.run_failed()) throw not_made_run_failed(id, v);
  log("making data " + std::to_string(id) + " version " + version_number::text(v) + " again on " +
      (n == 0 ? std::string("the master") : "worker " + std::to_string(n)));
  CallResult r = links_.call(n, request);
  if (carries_ignored_writes(r)) {
    bool made_so = false;  // the version was what an ignored failure wrote
    {
      std::lock_guard data(data_mutex_);
      const VersionInfo* info = directory_.find_version(id, v);
      made_so = info != nullptr && info->ignored_failure;
    }
    TaskDone wrote = take_ignored_writes(r);
    if (made_so) {
      // An on_failure(ignore) producer throws again, as it did: what it wrote before it
      // threw is the version it made (the answer carries it as a success's outputs).
      r.done = std::move(wrote);
      r.status = CallResult::Status::done;
    } else if (n != 0) {
      // Its first run succeeded: this one's partial writes are not that version (a clear
      // error below); what the worker stored for them is released there.
      Drops drops;
      {
        std::lock_guard data(data_mutex_);
        drop_unrecorded_outputs(n, wrote, drops);
      }
      release(drops);
    }
  }
  check_read_files(id, v, producer, &moves);
  if (r.status == CallResult::Status::done) {
    std::lock_guard data(data_mutex_);
    for (WireParam& o : r.done.outputs) {
      if (o.data_id == 0) continue;
      if (n != 0) {
        record_produced(o, n, nullptr);
        continue;
      }
      // Made in the master's process, not in the program's object (which holds a later
      // version): the master keeps its bytes, as for a version it sent (from_snapshot).
      VersionInfo& info = directory_.version(o.data_id, o.version);
      info.size = o.value.size();
      info.snapshot = std::make_shared<const std::vector<std::byte>>(std::move(o.value));
    }
  } else if (r.status == CallResult::Status::failed &&
             r.failed.exception_type != "compss::DataMissing") {
    throw Error("compss: making lost data again failed: " + r.failed.exception_type + ": " +
                r.failed.message);
  }
  return true;
}

}  // namespace compss::net
