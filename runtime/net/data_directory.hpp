// DataDirectory: where each version of each datum lives in a master-worker run, and how
// to make it again (lineage). The master's own copy of a datum is the user's object
// itself, which holds one version (`master_version`); workers hold any versions in their
// stores. A datum is keyed by the registry's id, a version by its number
// (net/version_number.hpp: the registry's version, and the master's writes since). Not
// thread-safe: the cluster's data lock guards it.
#pragma once

#include "net/message.hpp"
#include "sched/node.hpp"

#include <compss/detail/task_node.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace compss::detail {
struct FutureStateBase;
}  // namespace compss::detail

namespace compss::net {

/// A task request as it was sent, kept to run it again when a version it produced is lost
/// with its worker. Values that travelled inline stay in `params`; `source`s are where
/// inputs were then (cleared before it is sent again).
using TaskRecord = TaskRequest;

/// Nodes by number (workers from 1), without a size cap: the holders of a version.
using NodeSet = sched::NodeSet;

/// Copies of a datum some workers may drop: versions <= `version` of datum `id`
/// (DataRelease::all_versions: every version; `only_this`: version `version` alone) held
/// by `holders`.
struct Drop {
  std::uint64_t id = 0;
  std::uint64_t version = 0;
  NodeSet holders;
  bool only_this = false;
};

/// One version of a datum: the workers that hold it, its size in bytes when known, and
/// the task that produced it (null: the master's object made it).
struct VersionInfo {
  NodeSet holders;
  std::uint64_t size = 0;
  std::shared_ptr<const TaskRecord> producer;
  /// A version the master's object held when it was first sent to a worker: its bytes, so
  /// lineage can use it after the object has moved on; or a version lineage made again in
  /// the master's process (then `producer` is set too).
  std::shared_ptr<const std::vector<std::byte>> snapshot;
  /// Made by a body that threw under on_failure(ignore) (what it wrote stands): a remake
  /// that throws again makes it; one of a version a success made must succeed.
  bool ignored_failure = false;
};

/// A datum the cluster tracks, keyed by its address (an object or a future's state) or,
/// for a file that workers without the master's files read or write, by its path.
struct TrackedDatum {
  std::uint64_t id = 0;
  std::uint64_t version = 0;         ///< the latest version (what the next task reads)
  /// master_version while the object holds no valid version: a fetch is writing into it,
  /// or one failed partway (the next fetch fills it again).
  static constexpr std::uint64_t no_version = ~std::uint64_t{0};
  std::uint64_t master_version = 0;  ///< the version the master's object (or file) holds
  std::uintptr_t address = 0;
  void* object = nullptr;  ///< where a fetched value is loaded on the master
  const detail::ParamVTable* vtable = nullptr;
  /// An array section: the program's array (address, element count), copied from the first
  /// task that sent it (its descriptor's SectionRef dies with that task); `object` points
  /// here.
  detail::SectionRef section;
  std::string path;  ///< a file: the master's path (its versions' bytes are the contents)
  bool loading = false;  ///< a fetch is receiving a value straight into `object`
  /// A task's result: its future's state, set when the state was marked tracked (its
  /// destructor then forgets this datum under the data lock, so it is alive while tracked
  /// here, as long as the runtime is: states destroyed after the runtime let go of the
  /// cluster, as `object` pointers, leave this dangling, and nothing reads it then). Says
  /// whether the program gave the value up (FutureStateBase::given_up).
  const detail::FutureStateBase* future = nullptr;

  bool master_has_latest() const noexcept { return master_version == version; }
};

class DataDirectory {
 public:
  /// The datum of a tracked parameter (address key), keyed by the registry's id
  /// (`d.data_id`, which must be set: Registry::access), created held by the master at
  /// the registry's version `d` reads (rt::version_read), or, when an earlier datum the
  /// directory forgot at that id (whose lineage stays) named that version already, at
  /// the first number after its versions. Learns where to load values on
  /// the master from the first descriptor that can. A datum tracked at d's address under
  /// another id (the registry renumbered it: delete_*, in_delete) is the caller's to
  /// forget first (`renumbered`).
  /// Throws compss::Error for an array section whose length or element type differs from
  /// the one the datum was first sent as (its versions could not be loaded back).
  TrackedDatum& track(const detail::ParamDescriptor& d);
  /// Whether a travelling task may pass the tracked parameter `d` as its datum travels:
  /// tracks a new section's datum (claiming its length); true when the datum has d's shape (same_shape). When it has
  /// another shape (an array section vs a single object, another element type) and `d`
  /// writes the address while the master holds the datum's latest version, the program has
  /// a new object there (a dead array's address reused) or writes the array another way:
  /// nothing lives only on workers, so the old datum is forgotten (its copies appended to
  /// `released`: the caller releases them) and d's shape is
  /// tracked: true. (A writer runs after every earlier task on its address, so none still
  /// uses the old datum.) Otherwise false: the task runs on the master. A section of the
  /// same element type and another length keeps its first length (false): the shorter
  /// halves of blocks a program works on stay on the master instead of moving the datum.
  bool claim(const detail::ParamDescriptor& d, std::vector<Drop>& released);
  /// Whether the latest version of `t` may be loaded on the master into the program's
  /// memory for a task that passes `d`: only when it is no longer than what `d` passes (d's
  /// shape, or a longer section of the same element type). Never a write past the task's
  /// section or object.
  static bool fits(const TrackedDatum& t, const detail::ParamDescriptor& d) noexcept;
  /// Throws the compss::Error that says `d` passes the datum `t` in another shape than the
  /// one it travels with, ending with `advice`.
  [[noreturn]] static void throw_other_shape(const TrackedDatum& t,
                                             const detail::ParamDescriptor& d,
                                             const std::string& advice);
  /// When the datum at `d`'s address was tracked as an object of another type (the object
  /// it was made for died and `d`'s object took its address), forgets it and returns {id,
  /// workers holding any of its versions} to release, else {0, 0}: `d` starts a new datum.
  /// Throws compss::Error when the old datum's latest version lives only on a worker (the
  /// program wrote its memory without waiting on it, or passes an object and its first
  /// member, which share an address, to tasks that travel).
  Drop forget_other_type(const detail::ParamDescriptor& d);
  TrackedDatum* find(std::uintptr_t address);
  TrackedDatum* find_id(std::uint64_t id);
  /// Whether `t` is tracked under another id than the registry's `data_id` (the registry
  /// renumbered the datum: delete_*, in_delete): the caller forgets it (forget,
  /// forget_file), once the master holds its latest version, and tracks it again.
  static bool renumbered(const TrackedDatum& t, std::uint64_t data_id) noexcept {
    return data_id != 0 && t.id != data_id;
  }
  /// The datum of a file (by its normalised path) under the registry's id `data_id`,
  /// created held by the master at registry version `registry_version` as track() does.
  TrackedDatum& track_file(const std::string& path, std::uint64_t data_id,
                           std::uint64_t registry_version);
  TrackedDatum* find_file(const std::string& path);
  /// Forgets the datum of the file at `path`, as forget() does an object's.
  Drop forget_file(const std::string& path);
  /// Every tracked file.
  std::vector<TrackedDatum*> files();

  VersionInfo& version(std::uint64_t id, std::uint64_t v) { return versions_[{id, v}]; }
  const VersionInfo* find_version(std::uint64_t id, std::uint64_t v) const;

  /// A worker made version `v` of datum `id` (it becomes the latest unless older). When it
  /// does, returns the latest version before it and the workers holding that one, which
  /// may now drop every version up to it; else an empty Drop.
  Drop produced(std::uint64_t id, std::uint64_t v, int node, std::uint64_t size,
                std::shared_ptr<const TaskRecord> producer);

  /// A registry version for writes the registry does not count.
  static constexpr std::uint64_t not_counted = ~std::uint64_t{0};
  /// The registry version a write through descriptor `p` gives datum `t`: p's, or
  /// not_counted when the registry renumbered the datum (p names another id: delete_*,
  /// in_delete) while the directory still tracks it under its old id (the new id's
  /// versions count from 0 again: under the old id they would name numbers that id's own
  /// writes, or the requests of its timed-out attempts, already named).
  static std::uint64_t registry_version_of(const TrackedDatum& t,
                                           const detail::ParamDescriptor& p) noexcept {
    return renumbered(t, p.data_id) ? not_counted : p.version;
  }
  /// The number of the next version of `d`, made by a write the registry gave version
  /// `registry_version` (a task's descriptor): that version's number when the latest is
  /// before it (the attempts and replicas of one write share it: a worker never stores
  /// one write's output under another's number). Otherwise (each member after the first
  /// of a concurrent or commutative run on the master; a write after the latest passed
  /// its registry version), or for `not_counted`: the master's next write after both the
  /// latest and every number a request named for `d` (output_number), so a number an
  /// attempt the master gave up on (time_out) may still store its output under is never
  /// given to another value (version_number::master_write_after).
  std::uint64_t next_version(const TrackedDatum& d, std::uint64_t registry_version) const;

  /// The number a request names for an output of `d` (next_version), kept among d's
  /// versions from now on: an attempt the master gives up on (time_out) may store its
  /// output under it on a worker, so a datum tracked again under this id starts after it
  /// (start), and no later write the registry does not count takes it (next_version).
  std::uint64_t output_number(const TrackedDatum& d, std::uint64_t registry_version);

  /// The master's object was written in place (a task ran on the master, or the user got
  /// the value with wait_on): a new latest version only the master holds (next_version).
  /// Returns the workers holding older versions.
  NodeSet master_wrote(TrackedDatum& d, std::uint64_t registry_version = not_counted);

  /// Forgets the datum at `address` (its object is gone); its versions' lineage stays.
  /// Returns the copies of its versions workers hold (all_versions), or an empty Drop.
  Drop forget(std::uintptr_t address);

  /// Removes node `n` from every version's holders.
  void drop_node(int n);

  /// Worker `n` dropped its copy of version `v` of datum `id` (over its data memory
  /// budget): it is no longer named as a holder. Returns false when it was not one (its
  /// notice crossed a release, or the node was lost).
  bool copy_dropped(std::uint64_t id, std::uint64_t v, int n);
  /// Whether a live node still holds version `v` of datum `id`: a worker, or the master's
  /// object (or the bytes the master kept of it).
  bool held_anywhere(std::uint64_t id, std::uint64_t v) const;

  /// Every datum with address in [begin, end).
  std::vector<TrackedDatum*> in_range(std::uintptr_t begin, std::uintptr_t end);

 private:
  struct VersionKey {
    std::uint64_t id, v;
    bool operator<(const VersionKey& o) const noexcept { return id != o.id ? id < o.id : v < o.v; }
  };
  /// False when `d` or the datum is an array section and the other is not that section.
  static bool same_shape(const TrackedDatum& t, const detail::ParamDescriptor& d) noexcept;
  /// The highest number the directory knows for datum `id` (a version made, sent, or
  /// named by a request: output_number), or false when it knows none.
  bool last_named(std::uint64_t id, std::uint64_t& v) const;
  /// A new datum `t` under the registry's id `data_id` at registry version
  /// `registry_version`, or after the versions the id named (see track()). Throws
  /// std::logic_error for id 0.
  void start(TrackedDatum& t, std::uint64_t data_id, std::uint64_t registry_version);
  /// The copies of every version of `id` that workers hold, which then hold none.
  Drop drop_all_versions(std::uint64_t id);
  /// Forgets the datum at `key` in `data` (by_address_ or by_path_) and its entry in
  /// `key_of` (address_of_ or path_of_); returns its copies (drop_all_versions).
  template <class Data, class KeyOf>
  Drop forget_in(Data& data, KeyOf& key_of, const typename Data::key_type& key);

  std::map<std::uintptr_t, TrackedDatum> by_address_;
  std::unordered_map<std::uint64_t, std::uintptr_t> address_of_;
  std::map<std::string, TrackedDatum> by_path_;
  std::unordered_map<std::uint64_t, std::string> path_of_;
  std::map<VersionKey, VersionInfo> versions_;
};

}  // namespace compss::net
