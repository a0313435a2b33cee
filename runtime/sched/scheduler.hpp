// The scheduler: ready tasks wait here until a node's free resources fit one of their
// versions; it reserves, hands the task to the node's NodeExecutor, and releases when the
// executor reports the end. Shared by local and distributed runs (docs/architecture.md,
// "sched/"); it knows no sockets and no threads of its own.
//
// Policy (docs/architecture.md states it for users):
// - Tasks wait in one queue per task type (all calls of a type ask the same thing). A type
//   whose next task does not fit anywhere never blocks another type: the invariant after
//   every call is "no waiting head fits a free node" (except a reserved node, below).
// - Across types: priority types first, then the oldest head (fifo, locality) or the
//   newest (lifo). A freed node is offered to the waiting heads in that order.
// - Versions: those asking for accelerator units (GPU, FPGA, OTHER) are tried first, then
//   the others in declared order; the first that fits a free node runs.
// - Nodes: first fit from a cursor that moves on after each placement (spreads load over
//   thousands of nodes without scanning them all); with locality, the caller's preferred
//   nodes (most input bytes first) are tried before.
// - No starvation of large tasks: when the oldest waiting head has been overtaken by
//   `aging_limit` placements, the scheduler reserves for it the candidate node with the
//   most free cores (then memory): nothing else starts there until it fits and starts.
//   One reservation at a time; tasks pinned to that node (replicated/distributed) still go.
// - replicated: one placement pinned to each node that can ever run the task; the call
//   ends (call_ended) when all have ended. A node set by run_replicas_last (the master's,
//   whose replica runs the body in place on the program's own objects) gets its replica
//   only when every other replica of the call has ended. distributed: successive calls are pinned
//   round-robin over the nodes that can ever run the task.
// - TaskType::only: the type's calls go to that node alone (its only candidate), waiting
//   there for room like any other; never_fits then names that node's values.
// - Gangs (MPI and multinode tasks, sched/gang.hpp): a placement holds several nodes. It
//   is made only when every node of it is free enough at one instant, under the lock, and
//   reserved at once (all or nothing): a waiting gang holds nothing, so two gangs that
//   compete never deadlock; the one whose nodes free up first goes. The first node is the
//   one offered (first fit, or the node just freed); the others are the candidates with
//   free cores in id order. An MPI task without processes_per_node stays on one node when
//   some node of the run could ever hold all its processes, and spans nodes otherwise.
//   A gang the run's nodes can never hold together fails at its call (check/submit).
// - Look-ahead (a node added with Lookahead::depth > 0: a worker, whose requests wait in
//   its connection until one of its task threads frees): when no node has free resources
//   for a call, it may be sent ahead to a node whose every task thread is taken, at most
//   `depth` calls per node. Only calls that ask one core and nothing else (no memory, no
//   accelerator, no storage; TaskType::lookahead, no time-out) go ahead, so a call waiting
//   there never needs more than the core the next task to end there gives back. At that
//   end the scheduler reserves the core for the oldest call waiting there before it offers
//   the node to anything else: what the node runs never exceeds what the scheduler
//   counted. A lost node's calls come back through its executor like any other.
#pragma once

#include "sched/constraints.hpp"
#include "sched/node.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace compss::sched {

/// One version of a task type: its name (for messages) and its constraints.
struct Version {
  std::string name;
  Constraints constraints;
};

/// What every call of a task type shares: its versions and how calls are spread.
///
///   TaskType t{.name = "train", .versions = {{"train", cpu}, {"train_gpu", gpu}}};
struct TaskType {
  std::string name;
  std::vector<Version> versions;  ///< at least one
  bool priority = false;
  bool replicated = false;
  bool distributed = false;
  /// Calls may be sent ahead to a busy node when their version asks one core and nothing
  /// else (the caller clears it for calls whose wait there would count, e.g. a time-out).
  bool lookahead = false;
  /// Placed on this node alone (IdSet::npos: any): a call that cannot leave it, e.g. one
  /// that must run in the master's process. Its other nodes are no candidates, and
  /// never_fits names this node's values.
  NodeId only = IdSet::npos;
};

/// How many calls a node may take ahead of its free resources (Scheduler, "Look-ahead").
///
///   scheduler.add_node("worker-1", resources, executor, {.depth = 4, .after_running = 4});
struct Lookahead {
  /// Calls that may wait on the node beyond those it runs; 0: none (the master, fakes).
  std::uint32_t depth = 0;
  /// How many tasks the node runs at once (a worker's task threads): calls go ahead only
  /// while that many placements run there, so none starts before one of them ends.
  std::uint32_t after_running = 1;
};

enum class Policy : std::uint8_t { fifo, lifo, locality };

/// A node the caller would like a task on, with the bytes of its inputs already there.
struct Preference {
  NodeId node;
  std::uint64_t bytes;
};

/// A task type as registered, with the scheduler's per-type state. Callers read `type`
/// only; the rest is guarded by the scheduler's lock.
struct TaskClass {
  TaskType type;
  std::vector<std::uint32_t> order;  ///< version indices in the order they are tried
  std::vector<NodeSet> candidates;   ///< per version: nodes whose totals can ever run it
                                     ///< (a gang: hold a slice of it)
  std::vector<NodeSet> whole;        ///< per version: nodes whose totals hold all of it
  NodeSet any_candidate;             ///< union of candidates
  struct Entry {
    void* task;
    std::uint64_t seq;  ///< submission order across types
    NodeId avoid;       ///< a node not to use while another candidate lives (a retry)
  };
  std::deque<Entry> queue;           ///< waiting calls; the head is front (fifo) or back (lifo)
  std::uint64_t head_mark = 0;       ///< placements count when the current head began waiting
  std::uint32_t cursor = 0;          ///< first-fit starts here
  std::uint32_t round_robin = 0;     ///< distributed: the next node to try
  static constexpr std::uint32_t no_version = UINT32_MAX;
  /// The version that may be sent ahead to a busy node (one core, nothing else), or none.
  std::uint32_t ahead_version = no_version;
};

/// Thread-safe: one mutex guards all state and is never held while an executor's `run` or
/// the `call_ended` callback runs (they may call back into the scheduler). The mutex is a
/// leaf: the scheduler takes no other lock while holding it.
///
///   Scheduler s({.policy = Policy::fifo});
///   s.add_node("worker-1", resources, executor);
///   const TaskClass* t = s.register_type(type);
///   s.submit(task, t);    // executor.run(placement, s) follows, now or when a node frees
class Scheduler final : public Completion {
 public:
  struct Options {
    Policy policy = Policy::fifo;
    /// Placements that may overtake the oldest waiting head before a node is reserved.
    std::uint64_t aging_limit = 256;
    /// Called once per call when it has ended on every node it was placed on.
    std::function<void(void* task)> call_ended;
    /// With Policy::locality: fills `out` with the task's preferred nodes; returns how many.
    std::function<std::size_t(void* task, std::span<Preference> out)> preferences;
  };

  explicit Scheduler(Options options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Adds a node run by `executor` (which must outlive the scheduler); waiting tasks that
  /// fit it start there. Returns its id (0, 1, 2... in order of addition).
  NodeId add_node(std::string name, Resources total, NodeExecutor& executor,
                  Lookahead lookahead = {});

  /// Registers a task type; the pointer stays valid for the scheduler's life.
  const TaskClass* register_type(TaskType type);

  /// Throws compss::Error (never_fits' message) when no node of the run can ever run any
  /// version of `type`: callers check at the task's call, before it is ready.
  void check(const TaskClass* type) const;

  /// Submits a ready call of `type`. Throws compss::Error (never_fits' message) when no
  /// node of the run can ever run any of its versions. With `avoid` (a retry after a
  /// failure there), the call goes to another node while one alive can ever run it.
  void submit(void* task, const TaskClass* type, NodeId avoid = IdSet::npos);

  /// The node left the run (a lost worker): nothing more is placed there, and the tasks
  /// it holds are ended by their executors as usual (ended() of a removed node only
  /// releases). Calls pinned to it move on: a replica counts as done, a distributed call
  /// goes to the next node. Returns the waiting calls no live node can ever run now: the
  /// caller fails them (never_fits(), to say why), they are no longer in the scheduler.
  std::vector<void*> remove_node(NodeId node);

  /// Replicas of replicated calls on `node` wait until the call's other replicas have
  /// ended (they are pinned there then). For the master's node: its replica runs the body
  /// on the program's own objects, which the others' requests must be built from first.
  void run_replicas_last(NodeId node);
  /// True when a call of replicated `type` has a replica on the run_replicas_last node
  /// (it is a live candidate): that replica runs last, after the others.
  bool replica_runs_last(const TaskClass* type) const;

  /// For a call run outside the queue (a lost output made again from its lineage, which
  /// neither waits for nor reserves free resources): the live nodes other than `except`
  /// whose totals can run version `preferred` of `type` on their own (a gang: all of it on
  /// one node), or else another version's (in the order they are tried). Fills `nodes`
  /// and returns the version; with none, returns TaskClass::no_version and why in `why`.
  /// The nodes whose free resources fit the version now come first (in id order, then the
  /// busy ones); `free_now`, when given, gets how many they are.
  std::uint32_t fitting_version(const TaskClass* type, std::uint32_t preferred, NodeId except,
                                std::vector<NodeId>& nodes, std::string& why,
                                std::size_t* free_now = nullptr) const;

  /// The message of a call of `type` that no live node can ever run, or empty.
  std::string never_fits(const TaskClass* type) const;
  /// As never_fits, counting the nodes in `gone` as lost too: a caller that learned of a
  /// loss before the scheduler did (remove_node follows) gets the message it will give.
  std::string never_fits_without(const TaskClass* type, std::span<const NodeId> gone) const;

  /// Completion: an executor reports a placed task's end.
  void ended(const Placement& placement) override;
  void give_back(const Placement& placement) override;
  bool take_back(const Placement& placement) override;

  // Observation, for tests, benchmarks and the progress line.
  std::size_t waiting() const;
  std::size_t node_count() const;
  Capacity free(NodeId node) const;
  /// What `node` offers in all (free(node) plus what its running tasks reserve).
  Capacity total(NodeId node) const;
  unsigned running(NodeId node) const;
  /// The executor `node` was added with (its nodes are never forgotten: a removed node's
  /// too). For the callers that name the nodes of an allocation.
  NodeExecutor& executor_of(NodeId node) const;
  /// Calls sent ahead to `node` that wait there (no core reserved for them yet).
  std::size_t ahead(NodeId node) const;
  /// The node reserved for a starving task, or IdSet::npos.
  NodeId reserved_node() const;

 private:
  struct Pinned {
    void* task;
    TaskClass* cls;
    /// A placement taken back (take_back): its version, placed again as it was; else
    /// no_version (a replica or distributed call placed first, any version).
    std::uint32_t version = TaskClass::no_version;
  };

  struct NodeSlot;
  /// A placement made under the lock, run after it.
  struct Dispatch {
    NodeExecutor* executor;
    Completion* done;
    Placement placement;
  };

  // All of these run with mutex_ held.
  void add_candidate(TaskClass& c, NodeSlot& n);
  void check_feasible(const TaskClass& c) const;
  /// sched::never_fits over the live nodes other than `except` and those in `gone`.
  std::optional<std::string> never_fits_on_live(const TaskClass& c, NodeId except,
                                                std::span<const NodeId> gone = {}) const;
  /// Some version of `c` can ever run on the live nodes (a gang: on enough of them).
  bool feasible(const TaskClass& c) const;
  /// The units of version `v`'s gang that the live nodes' totals can hold at once.
  std::uint32_t gang_capacity(const TaskClass& c, std::uint32_t v) const;
  bool place_gang(TaskClass& c, void* task, std::uint32_t version, NodeSlot& first);
  bool place_anywhere(TaskClass& c, void* task, NodeId avoid);
  /// With Policy::locality: the task's preferred nodes, most input bytes first; returns
  /// how many (0 under other policies).
  std::size_t preferred_nodes(void* task, std::array<Preference, 16>& out) const;
  /// True when `avoid` is npos, or a live candidate of `c` other than it exists.
  bool can_avoid(const TaskClass& c, NodeId avoid) const;
  bool place_on(TaskClass& c, void* task, NodeSlot& n);
  /// (mutex_ held) Places the pinned call on its node `n` now, if its resources fit.
  bool place_pinned(Pinned& p, NodeSlot& n);
  bool place_version(TaskClass& c, void* task, std::uint32_t version, NodeSlot& n);
  void pin(TaskClass& c, void* task, NodeSlot& n);
  /// A replica of `task` ended (or its node left): counts it; true when it was the last.
  /// When only the run-last replica is left, it is pinned now.
  bool replica_done(void* task);
  void note_free(NodeSlot& n);
  TaskClass::Entry& head(TaskClass& c) const;
  void pop_head(TaskClass& c);
  void fill(NodeSlot& n);
  bool place_best_head(NodeSlot& n);
  void settle();
  void maybe_reserve();
  // Look-ahead (scheduler_lookahead.cpp), with mutex_ held too.
  /// Keeps ahead_room_ right for `n` after its running count or waiting calls changed.
  void note_ahead(NodeSlot& n);
  bool place_ahead(TaskClass& c, void* task, NodeId avoid);
  void send_ahead(TaskClass& c, void* task, NodeSlot& n);
  /// Offers `n`'s room ahead to the waiting heads, in policy order.
  void fill_ahead(NodeSlot& n);
  /// A task ended on `n`: its core goes to the oldest call waiting there.
  void promote_ahead(NodeSlot& n);
  /// ended() of a placement sent ahead.
  void ended_ahead(const Placement& placement);
  /// (mutex_ held) Gives back the shares `placement` reserves; the nodes are filled next.
  void release_shares(const Placement& placement);
  /// Waiting types that could ever run on `n`, in policy order (into order_).
  void order_heads(const NodeSlot& n);

  static void dispatch(std::vector<Dispatch>& batch);

  Options options_;
  mutable std::mutex mutex_;
  std::deque<NodeSlot> nodes_;
  std::deque<TaskClass> classes_;
  NodeSet alive_;
  NodeSet has_free_cpu_;
  NodeSet ahead_room_;  ///< alive nodes whose task threads are all taken, with room ahead
  std::uint32_t ahead_cursor_ = 0;
  std::unordered_map<void*, std::uint32_t> replicas_left_;
  NodeId replicas_last_node_ = IdSet::npos;  ///< run_replicas_last
  /// Replicated calls whose replica on replicas_last_node_ is not pinned yet (with their type).
  std::unordered_map<void*, TaskClass*> last_replicas_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t placements_ = 0;
  NodeId reserved_node_ = IdSet::npos;
  TaskClass* reserved_for_ = nullptr;
  std::vector<Dispatch> out_;    ///< placements made under the lock, dispatched after it
  std::vector<NodeId> to_fill_;  ///< nodes with newly free resources, to offer to waiting calls
  std::vector<TaskClass*> order_;  ///< scratch of place_best_head
  std::vector<std::pair<NodeSlot*, std::uint32_t>> gang_parts_;  ///< scratch of place_gang
};

}  // namespace compss::sched
