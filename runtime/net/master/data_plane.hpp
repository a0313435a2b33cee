// DataPlane: the data side of the master in a master-worker run. It keeps the directory of
// where each version of each datum lives (net/data_directory.hpp) and the globals' values,
// fills the data of the requests the cluster sends, records what workers made, brings
// values to the master when the program or a task on the master needs them, tells
// workers what they may drop, and makes lost versions again from the tasks that produced
// them (lineage). It talks to workers only through DataLinks, so tests run it over fakes.
// Placement and dispatch are not here: net::Cluster (net/cluster.hpp) composes the two.
// docs/architecture.md, "net/master: the data plane"; docs/distributed.md, "Data".
#pragma once

#include "net/cluster_config.hpp"
#include "net/data_directory.hpp"
#include "net/global_values.hpp"
#include "net/master/data_links.hpp"

#include <compss/detail/task_node.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace compss::net {

/// Thread-safety: every member may be called from any thread at once (the program's
/// thread, executor threads, link receivers, the cluster's blocking lane). One mutex
/// (`data_mutex_`) guards the directory and the lineage state; it is a leaf under the
/// cluster's scheduler lock (Cluster may call `add_input_bytes` and `node_lost` with its
/// scheduler lock held), and it is never held while DataLinks is called (fetches, calls
/// and releases wait on the network). GlobalValues has its own mutex, taken alone.
/// Members that may block say so: never call them on a link's receiver thread.
///
///   DataPlane data(links, LogLevel::off);
///   data.submitted(t, untouched);                    // Backend::submitted
///   if (data.build_request(t, n, request, false)) send(request);
///   data.record_outputs(t, n, record, done);         // the worker answered
///   data.sync(address, true);                        // wait_on
class DataPlane {
 public:
  DataPlane(DataLinks& links, LogLevel log_level) : links_(links), log_level_(log_level) {}
  DataPlane(const DataPlane&) = delete;
  DataPlane& operator=(const DataPlane&) = delete;

  // ---- the Backend's data hooks ---------------------------------------------------------

  /// A task was submitted: takes the values of the globals it reads; drops the workers'
  /// copies of data no unfinished task used (bit i of `untouched`: parameter i; the
  /// program may have changed them); a by-value argument copied now gets its object's
  /// latest version first. May block (fetch).
  void submitted(detail::TaskBase* t, std::uint64_t untouched);
  /// Whether every datum a travelling task passes travels in the shape the task passes
  /// (DataDirectory::claim); copies of a datum a writer re-shapes are released. False:
  /// the task must run on the master.
  bool claim(const detail::TaskBase& t);
  /// Before a task runs on the master: the latest versions of what it reads are loaded
  /// into the master's objects and files. May block.
  void before_run(detail::TaskBase* t);
  /// A task ran on the master, in place: what it wrote becomes a new version only the
  /// master holds (the workers drop the older ones).
  void wrote_on_master(detail::TaskBase* t);
  /// wait_on(object) / Future::get: the latest value to the master; with
  /// `user_may_write`, the master's copy becomes a new version. May block.
  void sync(std::uintptr_t address, bool user_may_write);
  /// wait_on of a container: every tracked datum in [begin, end). May block.
  void sync_range(std::uintptr_t begin, std::uintptr_t end);
  /// barrier / end of main: every value and file that lives only on workers. May block.
  void sync_all();
  /// wait_on_file / open: the latest version of the file at (normalised) `path`.
  void sync_file(const std::string& path);
  /// The object at `address` (a future's state) is gone: every copy is dropped.
  void forget(std::uintptr_t address) noexcept;

  // ---- for placement and dispatch -------------------------------------------------------

  /// Adds to bytes[n] the size of each input of `t` node n holds (0: the master), for
  /// locality. Entries past bytes.size() are ignored.
  void add_input_bytes(const detail::TaskBase& t, std::vector<std::uint64_t>& bytes);
  /// Fills the data of `request` (parameters, globals) for worker `n`; on a worker sharing
  /// the master's files, names the files it writes to attempt-private paths
  /// (name_private_files). Returns false, with nothing sent or changed, when an input must
  /// first be fetched or made again, or an inout file copied, and `may_block` is false
  /// (call again where blocking is allowed). Throws compss::Error
  /// when an input can be found nowhere and cannot be made again.
  bool build_request(detail::TaskBase* t, int n, TaskRequest& request, bool may_block);
  /// The versions `t` reads (a collection's elements too) that no live node holds and the
  /// master cannot send (they must be made again from their lineage before `t` can be
  /// sent anywhere, or run on the master).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> lost_inputs(const detail::TaskBase& t);
  /// Whether a worker was lost (or retired) in this run: before that no version can be
  /// lost, and lost_inputs need not be asked (one relaxed load).
  bool any_node_lost() const noexcept { return any_lost_.load(std::memory_order_relaxed); }
  /// Makes each of `versions` available again (lineage), one after the other. Blocks;
  /// throws compss::Error when one cannot be made again.
  void make_available(std::span<const std::pair<std::uint64_t, std::uint64_t>> versions);
  /// Worker `n` ran `record` (as sent) for `t` and answered `done`: what it made and what
  /// it kept are recorded, superseded copies released, values that came back inline
  /// loaded. Throws when such a value cannot be loaded (or a file written): then no output
  /// is recorded and the master's objects are as they were (a retry reads the inputs).
  /// Files the request named at attempt-private paths are moved into place (its caller
  /// removes them when it throws: attempt_files::RemovedUnlessKept). `ignored_failure`:
  /// the body threw under on_failure(ignore) and `done` is what it wrote (a remake of those
  /// versions may throw again: VersionInfo::ignored_failure).
  void record_outputs(detail::TaskBase* t, int n, std::shared_ptr<const TaskRecord> record,
                      TaskDone& done, bool ignored_failure = false);
  /// The outputs part of record_outputs, for the chosen replica of a replicated call once
  /// the whole call ended ok (its kept inputs were recorded at its answer,
  /// keep_replica_inputs). Throws as record_outputs does, with nothing recorded.
  void record_replica_outputs(detail::TaskBase* t, int n, std::shared_ptr<const TaskRecord> record,
                              TaskDone& done);
  /// Worker `n` ran `record` as a replica whose outputs are not the call's (another
  /// node's are recorded, or none): the inputs it kept are recorded as held there, as
  /// record_outputs does. Called when its answer arrives (on its link's receiver, in
  /// order with its DataEvicted notices, which may drop those inputs right after).
  void keep_replica_inputs(int n, const TaskRecord& record);
  /// The outputs, (data id, version), of a replica worker `n` ran that were not recorded
  /// are released there (the master never names them, and the worker must not take them
  /// for the recorded versions). Called once the call's outputs are recorded: the release
  /// also drops the versions before them there. Never releases the datum's current
  /// version: when the call's outputs were not recorded and `n` holds the current
  /// version, only that output is released there (DataRelease::from_version).
  void discard_outputs(int n, std::span<const std::pair<std::uint64_t, std::uint64_t>> outputs);
  /// Worker `n` answered `done` for `record` after the master gave the attempt up (it
  /// timed out): its outputs are not the task's. The inputs it kept are recorded as
  /// record_outputs does; each output, exactly that (data id, version), is released on
  /// `n`, which is no longer named its holder (a later reader there must never read it).
  /// (The private files `record` names are its caller's to remove: RemovedUnlessKept.)
  void discard_late_outputs(int n, const TaskRecord& record, const TaskDone& done);
  /// `t` raised compss::Exception in a group on worker `n` (sent `request`, answered
  /// `failed`, or null when lost): what it wrote stays, as locally (the group's handler
  /// reads it). Sharing the master's files, its private files are moved into place; else
  /// the files `failed` carries are written over the master's. Each becomes a new latest
  /// version only the master holds (older copies released). Returns a message per file
  /// that could not be kept (it keeps what it had); throws compss::Error when a kept
  /// file's version cannot be recorded. Disk work: not on a link's receiver.
  std::vector<std::string> keep_group_exception_writes(detail::TaskBase* t, int n,
                                                       const TaskRequest& request,
                                                       const TaskFailed* failed);
  /// Worker `n` received the globals `request` carried (it answered).
  void globals_received(const detail::TaskBase& t, int n, const TaskRequest& request);
  /// Worker `n` said it lacks a value: the next request carries t's globals inline again.
  void globals_missing(const detail::TaskBase& t, int n);
  /// Worker `n` is lost: it holds nothing from now on (what it reports later is not
  /// recorded as held; versions only it held are made again when needed).
  void node_lost(int n);
  /// Worker `n` dropped these copies to stay within its data memory budget: it is no
  /// longer their holder (locality, sources and fetches name others). Called on its link's
  /// receiver, in order with its answers.
  void evicted(int n, const DataEvicted& dropped);

  // ---- for tests ------------------------------------------------------------------------

  /// Threads waiting for another thread's remake of a version they need (remake_once).
  std::size_t remake_waiters();
  /// The directory, under `data_mutex_`: `f(const DataDirectory&)`.
  template <class F>
  auto inspect(F&& f) {
    std::lock_guard data(data_mutex_);
    return f(static_cast<const DataDirectory&>(directory_));
  }

 private:
  using Drops = std::vector<Drop>;
  /// available_at: a version the master made and kept the bytes of (VersionInfo::snapshot).
  static constexpr int from_snapshot = -2;

  // Tracking (data_plane.cpp). Data lock held unless said otherwise.
  TrackedDatum* find_tracked(const detail::ParamDescriptor& d);
  TrackedDatum* find_key(const detail::DataKey& key);
  /// DataDirectory::track, after forgetting the datum of a dead object of another type at
  /// the address, or one the registry renumbered whose latest version the master holds
  /// (their copies are added to `retyped`).
  TrackedDatum& track(const detail::ParamDescriptor& d, Drops& retyped);
  /// The directory's id of d's datum when the registry renumbered it (delete_*,
  /// in_delete) while its latest version lives on a worker (to fetch first), else 0.
  /// Takes the data lock.
  std::uint64_t renumbered_on_worker(const detail::ParamDescriptor& d);
  /// Whether `x` is a task's result the program gave up (no Future of it left, no task
  /// reading it): never brought back to the master. Data lock held.
  static bool given_up(const TrackedDatum& x);
  /// The bytes of the master's copy of `x` as a request carries them inline.
  static std::vector<std::byte> master_bytes(const TrackedDatum& x);
  /// What `t` wrote in place on the master (`files_only`: only its files, written on a
  /// worker sharing the master's files) becomes a new version; older copies to `drops`.
  void master_wrote_params(detail::TaskBase* t, bool files_only, Drops& drops);
  /// A worker sharing the master's files: each file `t` writes is named in `request` to
  /// an attempt-private path beside it, an inout file's current contents copied there
  /// (net/attempt_files.hpp); each file it reads is stamped in `request.read_files` (for
  /// a remake: net/file_stamp.hpp). Throws compss::Error when a copy fails (none left).
  static void name_private_files(const detail::TaskBase& t, TaskRequest& request);
  /// The inputs worker `n` kept from `record` (sent inline or fetched): held there if
  /// still the latest, else released there (into `drops`). With the data lock held.
  void record_kept_inputs(int n, const TaskRecord& record, Drops& drops);
  /// The outputs `done` stored on worker `n` that are not recorded (a late answer, or one
  /// whose outputs could not be loaded): released there exactly, no longer named held
  /// (into `drops`). With the data lock held.
  void drop_unrecorded_outputs(int n, const TaskDone& done, Drops& drops);
  /// The outputs of `done` (not its kept inputs): first what may throw, undone if it does
  /// (inline values loaded into the master's objects, files written), then the versions
  /// made. With the data lock held.
  void record_made(detail::TaskBase* t, int n, const std::shared_ptr<const TaskRecord>& record,
                   TaskDone& done, Drops& drops, bool ignored_failure = false);
  /// Node `n` made output `o`; a lost node is not recorded as its holder. Returns the
  /// latest version before it and its holders (DataDirectory::produced).
  Drop record_produced(const WireParam& o, int n, std::shared_ptr<const TaskRecord> producer);
  /// A live holder of version v of datum id (0 = the master), else -1.
  int holder_of(std::uint64_t id, std::uint64_t v);
  /// A worker other than `n` that holds `info`'s version; -1 if none.
  static int other_holder(const VersionInfo& info, int n);
  /// Where version v is now: a live holder, from_snapshot, or -1 (then `*producer`, if
  /// given, is the task that made it, if known).
  int available_at(std::uint64_t id, std::uint64_t v, std::shared_ptr<const TaskRecord>* producer);
  /// The id of the datum at `key` when the master's object or file does not hold its
  /// latest version (a worker does), else 0. Takes the data lock.
  std::uint64_t stale_on_master(const detail::DataKey& key);
  /// Fills parameter `w` of a request for worker `n` from descriptor `d`; an input no
  /// live node holds goes to `missing`, the copies of a file datum the registry
  /// renumbered (delete_file) to `renumbered`.
  void fill_file_param(const detail::ParamDescriptor& d, int n, WireParam& w, Drops& renumbered,
                       std::vector<std::pair<std::uint64_t, std::uint64_t>>& missing);
  void fill_object_param(const detail::ParamDescriptor& d, int n, WireParam& w, Drops& retyped,
                         std::vector<std::pair<std::uint64_t, std::uint64_t>>& missing);

  // Releases (data_plane.cpp). Data lock NOT held.
  void release(const Drop& drop);
  void release(const Drops& drops);
  /// When the master holds the latest version of `id` and the program may change it: the
  /// workers' copies are dropped and it becomes a new version.
  void drop_worker_copies_of(std::uint64_t id);
  void sync_key(const detail::DataKey& key, bool user_may_write);

  // Lineage (lineage.cpp). Data lock NOT held; they block.
  /// Makes version v of datum id available somewhere (running its producers again, as far
  /// back as needed); returns the holder or from_snapshot. Throws compss::Error if impossible.
  int ensure_available(std::uint64_t id, std::uint64_t v);
  /// Drops the versions a lineage walk made again only as inputs, once superseded.
  void release_remade(const std::map<std::pair<std::uint64_t, std::uint64_t>, int>& remade,
                      std::pair<std::uint64_t, std::uint64_t> target);
  /// `remake`, unless another thread runs the same producer again now: then waits for
  /// that run (the caller checks again). A lost version is made once however many wait,
  /// but for a thread that holds resources the producer fits (DataLinks::lend_worker)
  /// while that run still waits for its placement: it runs the producer on them itself
  /// (the placement may wait for them: a replica's cores).
  void remake_once(std::uint64_t id, std::uint64_t v,
                   const std::shared_ptr<const TaskRecord>& producer);
  /// Runs `producer` again on a live worker (returns early if an input was lost
  /// meanwhile, or version v was made meanwhile by another run). `lent`: only on what the
  /// calling thread lends (DataLinks::lend_worker); false, nothing run, when it lends none.
  bool remake(std::uint64_t id, std::uint64_t v, const TaskRecord& producer, bool lent = false);

  // Fetches to the master (fetch.cpp). Data lock NOT held; they block.
  /// Loads the latest value of `id` into the master's object or file.
  void fetch_to_master(std::uint64_t id);
  /// The same for many data: one round trip per holder.
  void fetch_all(const std::vector<std::uint64_t>& ids);
  /// Loads fetched bytes of version v; false when the datum moved on (fetch again).
  bool load_fetched(std::uint64_t id, std::uint64_t v, const detail::HeldValue& value);
  /// After worker `h` answered a fetch of version v of `id` with "not here": waits (up to
  /// a second) until the directory no longer names it as a holder (its DataEvicted, or
  /// its loss, is on the way), so the next try asks another holder.
  void wait_not_holder(std::uint64_t id, std::uint64_t v, int h);
  /// The datum `id` once no fetch is receiving into its object (data lock held; waits).
  TrackedDatum* not_loading(std::unique_lock<std::mutex>& data, std::uint64_t id);
  /// Ends a fetch into the object of `id`: true when `value` is version v received in place.
  bool end_loading(std::uint64_t id, std::uint64_t v, const detail::HeldValue* value);

  void log(const std::string& text) const;

  DataLinks& links_;
  const LogLevel log_level_;

  std::mutex data_mutex_;
  std::condition_variable loaded_cv_;  // a TrackedDatum::loading ended
  std::condition_variable holders_cv_;  // a worker dropped copies or was lost
  /// A producer being run again now (remake_once): whether its run was placed yet, and
  /// whether a run of it (its own, or one on lent resources) is under way: one at a time,
  /// the next finds the version made and runs nothing.
  struct Remaking {
    bool placed = false;
    bool running = false;
  };
  /// The producers being run again now; their end, and who waits for it.
  std::map<const TaskRecord*, Remaking> remaking_;
  std::condition_variable remade_cv_;
  std::size_t remake_waiters_ = 0;
  DataDirectory directory_;
  /// Lost workers: what they report from now on is not recorded as held.
  NodeSet lost_;
  /// lost_ is not empty (set once, under the data lock, read without it).
  std::atomic<bool> any_lost_{false};
  /// The globals tasks read: their values per submission, what each worker holds.
  GlobalValues globals_;
};

}  // namespace compss::net
