// The task graph of a run (--graph, COMPSS_GRAPH=1, and the monitor's view), built from
// task events with COMPSs' conventions: a node per task, an edge per datum version a task
// reads from the task that made it (`d<id>v<version>`), synchronisation points (wait_on,
// barrier) as nodes of their own, tasks grouped by task group, one edge per collection.
// docs/tools.md ("The task graph") says how to read it.
#pragma once

#include "core/events.hpp"
#include "observe/task_index.hpp"
#include "observe/version_map.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace compss::rt::observe {

/// Where a task is in its life (the monitor colours by it).
enum class TaskState : std::uint8_t { pending, ready, running, done, failed, cancelled };
const char* to_string(TaskState state) noexcept;

/// One end of an edge: a task (by id) or a synchronisation node (`Synchro<id>`; 0 is the
/// main program's start).
struct GraphNodeRef {
  bool sync = false;
  std::uint64_t id = 0;
  bool operator==(const GraphNodeRef&) const = default;
};

/// An edge. `data`/`version` name the datum version behind it (both 0: no datum, e.g.
/// a task a barrier waited for); `elements` > 0 for a collection's edge: how many element
/// edges it stands for (its label is the collection's own datum, when it has one).
struct GraphEdge {
  GraphNodeRef from;
  GraphNodeRef to;
  std::uint64_t data = 0;
  std::uint64_t version = 0;
  std::uint32_t elements = 0;
};

struct GraphTask {
  std::uint64_t id = 0;
  std::uint32_t type = 0;   ///< index in GraphSnapshot::types
  std::uint32_t group = 0;  ///< index in GraphSnapshot::groups + 1; 0 = no group
  std::uint32_t epoch = 0;  ///< the synchronisation node before it
  TaskState state = TaskState::pending;
  int node = -1;  ///< where its last attempt ran (0 = master), -1 = not started
};

enum class SyncKind : std::uint8_t { main, wait_on, barrier };

struct GraphSync {
  std::uint64_t id = 0;  ///< Synchro<id>
  SyncKind kind = SyncKind::main;
};

/// A task group: its name and its enclosing group (index + 1; 0 = none).
struct GraphGroup {
  std::string name;
  std::uint32_t parent = 0;
};

/// How many tasks are in each state, and per node (index: the node; 0 = the master) its
/// name, the tasks running there now and those that ended there. Kept as events arrive.
struct GraphCounts {
  std::uint64_t by_state[6] = {};  ///< indexed by TaskState
  std::uint64_t total = 0;
  struct Node {
    std::string name;
    std::uint64_t running = 0;
    std::uint64_t ended = 0;
  };
  std::vector<Node> nodes;
  std::uint64_t changes = 0;  ///< grows with every event that changed the graph
};

/// A copy of the graph at one moment, in submission order.
struct GraphSnapshot {
  std::vector<std::string> types;  ///< task types in order of first submission
  std::vector<GraphGroup> groups;
  std::vector<GraphTask> tasks;
  std::vector<GraphSync> syncs;    ///< syncs[0] is the main program's start
  std::vector<GraphEdge> edges;
};

/// Builds the graph from task events. Edges come from the data accesses (not from the
/// runtime's waiting edges, which depend on timing): the same program draws the same graph
/// in a local and a distributed run. Rules (COMPSs'):
///   - a task reading version v of datum d gets an edge from the task(s) that made it
///     (`inout` reads v-1; `out` reads nothing; concurrent/commutative tasks all make v);
///   - when that task is before the last synchronisation node, the edge comes from that
///     node instead (the value went through the program);
///   - a wait_on on data a task made (a version not waited for before, by a wait_on or a
///     barrier) is a `sync` node with an edge from each maker; a barrier after tasks is a `barrier` node with an
///     edge from each task since the last synchronisation that no edge leaves;
///   - element edges of one collection parameter between two nodes are one edge.
///
/// Thread-safety: every member takes one mutex (a leaf); events may arrive on any thread.
/// The mutex may be shared with the summary and the monitor's timeline (observe/
/// observer_group.hpp tells all three an event under one lock): the `*_locked` members
/// are for that caller, which holds mutex().
///
///   auto graph = std::make_shared<TaskGraph>();
///   runtime.events().add(graph);
///   ... std::string dot = dot_text(graph->snapshot());
class TaskGraph : public rt::TaskObserver {
 public:
  TaskGraph();
  /// Guarded by `mutex` (shared with other observers; never null).
  explicit TaskGraph(std::shared_ptr<std::mutex> mutex);

  void on_submitted(const rt::TaskSubmitted& e) override;
  void on_ready(const rt::TaskReady& e) override;
  void on_started(const rt::TaskStarted& e) override;
  void on_ended(const rt::TaskEnded& e) override;
  void on_activity(const rt::RuntimeActivity& e) override;

  /// The same with mutex() held by the caller.
  void on_submitted_locked(const rt::TaskSubmitted& e);
  void on_ready_locked(const rt::TaskReady& e);
  void on_started_locked(const rt::TaskStarted& e);
  void on_ended_locked(const rt::TaskEnded& e);
  std::mutex& mutex() const noexcept { return *mutex_; }

  GraphSnapshot snapshot() const;
  std::size_t task_count() const;
  /// The counts alone (cheap: no copy of the graph).
  GraphCounts counts() const;

 private:
  struct VersionKey {
    std::uint64_t data;
    std::uint64_t version;
    bool operator==(const VersionKey&) const = default;
  };
  struct VersionHash {
    std::size_t operator()(const VersionKey& k) const noexcept {
      return std::hash<std::uint64_t>{}(k.data * 0x9E3779B97F4A7C15ull ^ k.version);
    }
  };
  /// The tasks that made one version: usually one, kept inline (no allocation); several
  /// only for concurrent/commutative writers, kept in the graph's `more_makers_` (`more`:
  /// index + 1 there). Trivial, so that the version map's array, which holds one per
  /// version made, is allocated zeroed in one go when it doubles (not slot by slot).
  struct Makers {
    std::uint64_t one;
    std::uint32_t more;
  };
  using MakerLists = std::vector<std::vector<std::uint64_t>>;
  static std::span<const std::uint64_t> makers_of(const Makers& m, const MakerLists& lists) {
    return m.more != 0 ? std::span<const std::uint64_t>(lists[m.more - 1])
                       : std::span<const std::uint64_t>(&m.one, m.one != 0 ? 1 : 0);
  }
  /// Adds `task` (ids are never 0) unless it is there.
  static void add_maker(Makers& m, std::uint64_t task, MakerLists& lists) {
    for (std::uint64_t t : makers_of(m, lists))
      if (t == task) return;
    if (m.more != 0) {
      lists[m.more - 1].push_back(task);
    } else if (m.one == 0) {
      m.one = task;
    } else {
      lists.push_back({m.one, task});
      m.more = static_cast<std::uint32_t>(lists.size());
    }
  }
  static void clear_makers(Makers& m, MakerLists& lists) {
    m.one = 0;
    if (m.more != 0) lists[m.more - 1].clear();  // (the list is kept for the next makers)
  }
  /// The task record of `id` (null when it was never submitted).
  GraphTask* find_locked(std::uint64_t id);
  /// The type of a task of `spec` named `name` (inline: a task of the spec seen last, the
  /// common case, is of its type, no call).
  std::uint32_t type_locked(std::string_view name, const detail::TaskSpec* spec) {
    if (spec != nullptr && spec == last_spec_) return last_type_;
    return other_type_locked(name, spec);
  }
  /// type_locked() for a spec other than the last.
  std::uint32_t other_type_locked(std::string_view name, const detail::TaskSpec* spec);
  std::uint32_t group_locked(std::span<const std::string_view> path);
  /// The node an edge from maker `task` starts at, seen from the current epoch; marks the
  /// task as having a successor when the edge leaves the task itself.
  GraphNodeRef source_locked(std::uint64_t task);
  void add_edge_locked(const GraphEdge& edge);
  void wait_on_locked(std::span<const rt::DataAccess> data);
  void barrier_locked();
  void set_state_locked(GraphTask& task, TaskState state);
  /// True when every maker was submitted before the last barrier (which waited for it).
  bool made_before_barrier_locked(std::span<const std::uint64_t> makers);

  std::shared_ptr<std::mutex> mutex_;
  GraphSnapshot graph_;
  GraphCounts counts_;
  TaskIndex<std::size_t> index_;  ///< task id -> graph_.tasks
  std::unordered_map<std::string, std::uint32_t> type_index_;
  std::unordered_map<std::string, std::uint32_t> group_index_;  ///< path ("a\x1f" "b") -> index+1
  VersionMap<Makers> makers_;
  MakerLists more_makers_;  ///< the makers of versions made by more than one task
  std::unordered_set<VersionKey, VersionHash> waited_;  ///< versions a sync node has
  std::vector<char> has_successor_;                     ///< per graph_.tasks entry
  /// on_submitted's scratch (kept between calls: no allocation per task once grown).
  std::vector<GraphEdge> mine_;
  std::vector<std::pair<std::uint32_t, rt::DataAccess>> containers_;  ///< collection -> its datum
  std::uint32_t last_type_ = ~0u;  ///< the type type_locked found last (calls of one type follow)
  const detail::TaskSpec* last_spec_ = nullptr;  ///< the spec type_locked saw last (of type last_type_)
  std::size_t epoch_begin_ = 0;  ///< first graph_.tasks entry since the last sync node
  std::uint32_t last_barrier_ = 0;  ///< the last barrier node's id (0: none yet)
};

}  // namespace compss::rt::observe
