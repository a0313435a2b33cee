// Binding a running task to the cores and GPUs of its allocation (docs/architecture.md,
// "Binding"): which core and GPU ids of its node it holds, what compss::this_task says
// about them (computing_units(), cpus(), gpus()), and the pinning of the task's thread to
// those cores while its body runs (COMPSS_CPU_AFFINITY).
//
// Ids are the node's own: cores 0..cores-1 and GPUs 0..gpus-1 as the node declares them.
// Core k is pinned to the k-th CPU this process may use (its affinity mask when it first
// binds), wrapping when a node declares more cores than the machine lets it use (several
// local worker processes, a test's 4 cores on a 2-core machine): ids stay disjoint, the
// CPUs then are shared.
#pragma once

#include <compss/detail/task_spec.hpp>

#include <cstdint>
#include <mutex>
#include <vector>

namespace compss::rt {

/// The core and GPU ids of a node a task holds.
struct BoundIds {
  std::vector<std::uint32_t> cpus;
  std::vector<std::uint32_t> gpus;
};

/// The free core and GPU ids of the node this process is, for a process that picks them
/// itself: a worker (requests sent ahead start in the worker's order, which the master
/// does not know: docs/distributed.md, "Look-ahead"). The scheduler counted the amounts;
/// this names them. Thread-safe: `mutex_` guards everything (a leaf lock).
///
///   NodeIdPool pool(4, 1);
///   BoundIds ids = pool.take(2, 1);  // {0,1}, {0}
///   ...
///   pool.give_back(ids);
class NodeIdPool {
 public:
  NodeIdPool(std::uint32_t cores, std::uint32_t gpus);

  /// Sets the node's size (worker start-up: its reported cores and GPUs); ids held now
  /// stay valid until given back. `cores` of 0 counts as 1.
  void resize(std::uint32_t cores, std::uint32_t gpus);
  /// The lowest free `cpus` core ids and `gpus` GPU ids (never more than the node has).
  /// When fewer are free than asked (a timed-out body still holding its cores while the
  /// master reused them), the least held ids complete the answer: it never blocks.
  BoundIds take(std::uint32_t cpus, std::uint32_t gpus);
  /// Frees what take() gave (an id taken twice is free once both are given back).
  void give_back(const BoundIds& ids);

 private:
  struct Kind {
    std::uint32_t size = 0;
    std::vector<std::uint32_t> holders;  ///< by id: how many tasks hold it
  };
  static void take(Kind& k, std::uint32_t count, std::vector<std::uint32_t>& out);

  std::mutex mutex_;
  Kind cpus_;
  Kind gpus_;
};

/// The node ids of this process (a worker's, or the master's in a distributed run),
/// sized by the worker at start-up (NodeIdPool::resize); the machine's cores and no GPU
/// until then.
NodeIdPool& this_node_ids();

/// Whether task threads are pinned to their cores: COMPSS_CPU_AFFINITY, "automatic"
/// (default) or "disabled" (config::run_config(), checked at start-up, so a typo fails
/// there, not in a task).
bool cpu_binding_enabled();

/// While it lives, the task running on this thread holds `computing_units` cores and the
/// ids `ids` (compss::this_task::computing_units(), cpus(), gpus()), and the thread is
/// pinned to the cores' CPUs when binding is enabled and `ids.cpus` is not empty. The
/// destructor restores what the thread had before (scopes nest: a task called inside
/// another runs inline).
///
///   { TaskBindingScope bound(2, {share.cpus, share.gpus}); body(); }
class TaskBindingScope {
 public:
  TaskBindingScope(unsigned computing_units, BoundIds ids) noexcept;
  ~TaskBindingScope();
  TaskBindingScope(const TaskBindingScope&) = delete;
  TaskBindingScope& operator=(const TaskBindingScope&) = delete;

 private:
  unsigned outer_units_;
  BoundIds outer_ids_;
  bool pinned_ = false;
  std::vector<unsigned char> outer_mask_;  ///< the thread's cpu_set_t before pinning
};

/// The cores task `spec` asks for (its computing_units constraint; 1 without one, or when
/// the constraints cannot be read: its submission reported that). What a task placed
/// without reserving cores is told it has: a stream task (docs/streams.md, "Threads"),
/// whose body sizes its threads by compss::this_task::computing_units().
unsigned declared_computing_units(const detail::TaskSpec& spec) noexcept;

/// The CPUs core ids name on this machine: core k is the (k mod n)-th of the n CPUs the
/// process could use when it first asked (sorted, duplicates removed).
std::vector<std::uint32_t> machine_cpus_of(const std::vector<std::uint32_t>& cores);

}  // namespace compss::rt
