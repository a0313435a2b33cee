// Backend: where the runtime's ready tasks run and where their data lives. The Runtime
// (core/runtime.hpp) owns one and knows nothing else of nodes, sockets or workers:
// local/backend.hpp runs everything on this process's executor, net/cluster.hpp places
// tasks on the master and its workers. runtime/launch.cpp chooses. See
// docs/architecture.md, "The runtime: Backend and layers".
#pragma once

#include <compss/detail/task_node.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace compss::rt {

/// What the Runtime asks of the place where tasks run. Every method may be called from any
/// thread (the program's, executor threads, the network's receiver threads): an
/// implementation synchronises its own state and states its lock order.
///
/// The local fast path: when `all_local()` is true, the Runtime runs ready tasks on its
/// executor itself and chains a ready successor inline, and does not call the per-task and
/// per-wait hooks (submitted, ready, before_run, finished, sync*, forget): they must then
/// have nothing to do. So a local run pays no virtual call per task. The Runtime reads
/// `all_local()` once, when the backend is installed.
///
///   // runtime/launch.cpp (local/make_runtime.hpp: the Runtime over a LocalExecutor)
///   auto rt = make_runtime(threads, progress, [&](Runtime& r, LocalExecutor& e) -> std::unique_ptr<Backend> {
///     if (distributed) return std::make_unique<net::Cluster>(r, e, config);
///     return std::make_unique<LocalBackend>(e);
///   });
class Backend {
 public:
  virtual ~Backend() = default;

  /// True when every task runs on this process's executor and no datum lives elsewhere:
  /// the Runtime may take the local fast path (see the class comment).
  virtual bool all_local() const noexcept = 0;

  // ---- per task (not called when all_local()) ----------------------------------------
  /// A task was registered (its accesses analysed). Bit i of `untouched` (i < 64): no
  /// unfinished task used parameter i's datum before this one, so the program may have
  /// changed it since it was last seen.
  virtual void submitted(detail::TaskBase* task, std::uint64_t untouched) = 0;
  /// A task whose predecessors finished: run it somewhere (now or once there is room).
  virtual void ready(detail::TaskBase* task) = 0;
  /// Just before a task's body runs in this process: bring what it reads here. Throws
  /// (compss::Error) when an input cannot be had; the task then fails.
  virtual void before_run(detail::TaskBase* task) = 0;
  /// In Runtime::finish, before the task's successors become ready: record what it wrote
  /// and free what it held.
  virtual void finished(detail::TaskBase* task) noexcept = 0;

  // ---- the program's waits (not called when all_local()) -----------------------------
  /// wait_on(object), Future::get: the latest value of the object (or future state) at
  /// `address` into this process. With `user_may_write`, the program may change it next.
  virtual void sync(std::uintptr_t address, bool user_may_write) = 0;
  /// wait_on of a container: every datum in [begin, end).
  virtual void sync_range(std::uintptr_t begin, std::uintptr_t end) = 0;
  /// wait_on_file: the latest version of the file at `path` (normalised) on this file system.
  virtual void sync_file(const std::string& path) = 0;
  /// barrier: every value and file that lives elsewhere.
  virtual void sync_all() = 0;
  /// The object (a future's state) at `address` is gone.
  virtual void forget(std::uintptr_t address) noexcept = 0;

  // ---- reports and the end of the run --------------------------------------------------
  /// The name of node `node` as reports and task events show it; node 0 is this process.
  virtual std::string node_name(int node) const = 0;
  /// Tasks placed on other nodes and running there (for the progress line).
  virtual std::size_t running() const noexcept = 0;
  /// One node's task slots and resources now (for the monitor).
  struct NodeSlotsView {
    int id = 0;
    std::string name;
    unsigned slots = 0;    ///< tasks it may run at once
    unsigned running = 0;  ///< tasks placed there and not finished
    bool alive = true;
    /// False when the backend does not count the tasks running there (a local run: the
    /// task events tell); `running` and `cores_used` are then 0.
    bool running_known = true;
    /// What the node declares (the scheduler's node model; 0: not declared) and what its
    /// running tasks reserve of it (a task without constraints: one core, no memory).
    unsigned cores = 0, cores_used = 0;
    unsigned gpus = 0, gpus_used = 0;
    std::uint64_t memory_mb = 0, memory_used_mb = 0;
  };
  /// Every node of the run with its slots and resources. A backend that runs tasks on
  /// this process alone may give its one node (LocalBackend does) or nothing.
  virtual std::vector<NodeSlotsView> node_slots() { return {}; }
  // ---- elasticity: the program's request_resources / free_resources -------------------
  // (compss/resources.hpp; called on the program's thread, never inside a task. A backend
  // that runs everything on this process has no node to add or retire: the defaults.)
  /// Asks for `n` more worker nodes; they join later, without this call waiting for them.
  virtual void request_nodes(unsigned /*n*/) {}
  /// Retires `n` worker nodes once every submitted task has finished and their data are
  /// safe elsewhere (the caller has waited and synced: snapshot); never this process's.
  virtual void retire_nodes(unsigned /*n*/) {}

  /// The run ends without waiting for tasks that still run (time-outs): tell the other
  /// nodes, without waiting for them.
  virtual void tell_run_ended() noexcept = 0;
  /// The run ends: every task has finished; stop the other nodes.
  virtual void shutdown() noexcept = 0;
};

}  // namespace compss::rt
