// The data registry: for every datum (object address, future state, file path) its id,
// version, the task that wrote the latest version and the tasks that read it since, or
// the current run of concurrent / commutative accesses. Touched only under the runtime's
// registry mutex.
#pragma once

#include "core/events.hpp"
#include "core/exclusion.hpp"
#include "core/graph.hpp"
#include "core/trace_buffer.hpp"

#include <compss/detail/task_node.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace compss::rt {

using detail::DataKey;
using detail::ParamDescriptor;
using detail::TaskBase;

/// Where access() records the edges it adds (the task events' dependencies): appended to
/// `list` (observers read them from the submitted event), or written straight into a
/// trace's buffer (`records`, the calling thread's: the trace alone observes; after the
/// submission's open record, TraceRecords::open_submission). Only the submitting thread.
/// Into the buffer the edges go through a cursor over its current chunk's free records
/// (TraceBuffer::cursor: a few stores an edge, no reserve), committed by commit() before
/// anything else writes there; only an edge past the chunk's end goes through reserve().
struct EdgeSink {
  std::vector<Dependency>* list = nullptr;
  TraceBuffer* records = nullptr;  // (set to null when it refused an edge)
  TraceRecord* next = nullptr;     // the cursor into `records` (next == end: none, or full)
  TraceRecord* end = nullptr;
  std::uint32_t count = 0;         // edges added
  bool lost = false;               // the buffer refused an edge: the submission is dropped

  /// Writes into `buffer` from its cursor on.
  void open(TraceBuffer& buffer) noexcept {
    records = &buffer;
    next = buffer.cursor();
    end = buffer.cursor_end();
  }
  /// Makes the edges written through the cursor the buffer's (before any other record).
  void commit() noexcept {
    if (records != nullptr) records->commit(next);
    next = end = nullptr;
  }
};

/// A run of consecutive concurrent (or commutative) accesses to one datum. Its members
/// wait for the accesses before the run, not for each other; together they are the
/// datum's last writer for the accesses after the run.
struct AccessRun {
  detail::Direction mode;
  std::vector<TaskBase*> before;   // the writer(s) and readers the run follows
  std::vector<TaskBase*> members;
  std::shared_ptr<ExclusionToken> token;  // commutative: one member runs at a time
};

/// Registry state of one datum. Holds a reference on each task it names. The last write
/// is either `writer` or, when `run` is set, every member of the run.
struct Datum {
  std::uint64_t id = 0;
  std::uint64_t version = 0;
  TaskBase* writer = nullptr;
  std::vector<TaskBase*> readers;
  std::unique_ptr<AccessRun> run;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry() { clear(); }

  /// Records the access of task `t` described by `d` and adds the dependency edges it
  /// implies (RAW for in; WAW and WAR for out/inout; runs for concurrent/commutative; one
  /// access per element for a collection). Fills d.data_id and d.version.
  void access(TaskBase* t, ParamDescriptor& d) {
    if (record_ != nullptr) {
      access<true>(t, d);
    } else {
      access<false>(t, d);
    }
  }
  /// access() for a caller that knows whether edges are recorded (Recording == (a sink is
  /// set)): the recording instance writes each edge inline, the plain one has no sink test.
  template <bool Recording>
  void access(TaskBase* t, ParamDescriptor& d);

  /// While `out` is set, access() records each edge it adds there, with the datum and
  /// version behind it (the task events' dependencies). Null (the default) records nothing.
  void record_dependencies(EdgeSink* out) noexcept { record_ = out; }
  /// Edges added while none were recorded, since the registry began (under the caller's
  /// lock): a submission observed without its edges tells from two reads whether it waits
  /// for any (one add an edge, where recording costs about 70 instructions).
  std::uint64_t unrecorded_links() const noexcept { return unrecorded_links_; }

  /// Appends (with a reference) every unfinished task that accesses the datum; with
  /// `writers_only`, only those that may write it.
  void collect(const DataKey& key, std::vector<TaskBase*>& out, bool writers_only = false);

  /// Appends the datum's id and latest version (nothing when unknown).
  void latest_versions(const DataKey& key, std::vector<DataAccess>& out);
  /// Likewise for `count` addresses `stride` bytes apart from `begin`, in address order.
  void latest_versions(std::uintptr_t begin, std::size_t count, std::size_t stride,
                       std::vector<DataAccess>& out);

  /// Forgets the datum (delete_object, delete_file, in_delete): the next access starts a
  /// new datum (new id, version 0). Pending tasks keep their edges, and accesses after the
  /// drop still wait for them (so reusing the variable stays safe).
  void drop(const DataKey& key);

  /// Like collect for `count` addresses `stride` bytes apart from `begin`.
  void collect_range(std::uintptr_t begin, std::size_t count, std::size_t stride,
                     std::vector<TaskBase*>& out);

  /// True when no unfinished task accesses the datum (or it is unknown): the program may
  /// have changed the object since the last task used it.
  bool idle_key(const DataKey& key) {
    Datum* d = find(key);
    return d == nullptr || idle(*d);
  }

  /// Master-worker runs: prune lets go of an idle datum's tasks but keeps its id and
  /// version, so a datum keeps one identity for the whole run (the cluster's directory
  /// names the workers' copies and its lineage by it: docs/architecture.md, "Data
  /// identity"); only delete_*/in_delete start a new datum. Off (the default), prune
  /// forgets idle data and their next access gets a new id. Set before the first access.
  void keep_identities(bool keep) noexcept { keep_identities_ = keep; }

  /// Drops data whose tasks have all finished, if the registry has grown enough.
  void maybe_prune() {
    if (objects_.size() + files_.size() >= prune_at_) prune();
  }
  void prune();

  /// Forgets everything (releasing task references).
  void clear();

  std::size_t size() const noexcept { return objects_.size() + files_.size(); }

 private:
  Datum* find(const DataKey& key);
  Datum& find_or_create(const DataKey& key);
  /// One datum's access (an object, future, file or collection element).
  /// (The helpers below are compiled once per Recording: registry.cpp.)
  template <bool Recording>
  void access_datum(TaskBase* t, ParamDescriptor& p);
  void add_reader(Datum& d, TaskBase* t);
  template <bool Recording>
  void read(Datum& d, TaskBase* t);
  template <bool Recording>
  void write(Datum& d, TaskBase* t);
  template <bool Recording>
  void run_access(Datum& d, TaskBase* t, detail::Direction mode);
  template <bool Recording>
  void copy_in(TaskBase* t, ParamDescriptor& p);
  void renumber(Datum& d) noexcept;
  /// add_edge(pred, t), recorded (Recording) as a dependency on `version` of `d`.
  template <bool Recording>
  bool link(TaskBase* pred, TaskBase* t, const Datum& d, std::uint64_t version) {
    if constexpr (Recording) {
      return link_recorded(pred, t, d, version);
    } else {
      const bool added = add_edge(pred, t);
      unrecorded_links_ += added;
      return added;
    }
  }
  /// (Defined in registry.cpp, inlined into the recording helpers: no call per edge.
  /// Inline: only registry.cpp, which instantiates link<true>, may call it; a call from
  /// elsewhere gets the compiler's "used but never defined".)
  inline bool link_recorded(TaskBase* pred, TaskBase* t, const Datum& d, std::uint64_t version);
  /// link_recorded()'s edge when the cursor is full or the edges go to a list.
  void record_edge_slow(const Dependency& dep);
  static void collect_datum(Datum& d, std::vector<TaskBase*>& out);
  static bool idle(Datum& d);
  static void release_all(Datum& d);

  std::unordered_map<std::uintptr_t, Datum> objects_;
  std::unordered_map<std::string, Datum, StringHash, std::equal_to<>> files_;
  std::uint64_t next_id_ = 1;
  std::size_t prune_at_ = min_prune;
  bool keep_identities_ = false;
  EdgeSink* record_ = nullptr;
  std::uint64_t unrecorded_links_ = 0;
  static constexpr std::size_t min_prune = 4096;
};

}  // namespace compss::rt
