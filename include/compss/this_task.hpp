// compss::this_task: what a running task may ask about itself.
#pragma once

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace compss {

namespace detail {
/// The nodes of the multinode task running on this thread (libcompss).
std::vector<std::string> task_nodes();
/// True when the task running on this thread should stop (libcompss).
bool task_stop_requested() noexcept;
/// Cores reserved for the task running on this thread (libcompss).
unsigned task_computing_units() noexcept;
/// Core and GPU ids of the node bound to the task running on this thread (libcompss).
std::vector<std::uint32_t> task_cpus();
std::vector<std::uint32_t> task_gpus();
/// One node of a task's allocation: its host name and the task's processes there.
struct TaskHost {
  std::string name;
  unsigned processes = 1;
};
/// The nodes of the task running on this thread when the scheduler gave it several (an
/// MPI or multinode task under compss-run), the node it runs on first; empty otherwise:
/// it holds this node alone (libcompss).
std::vector<TaskHost> task_hosts();
}  // namespace detail

namespace this_task {

/// True once the task running on this thread has timed out (`time_out`), its task group
/// was cancelled (a compss::Exception or cancel_group), or the application is stopping
/// after a failure. Long tasks poll it and return early; the runtime cannot interrupt a
/// thread. Outside a task, and in the sequential build, it is always false.
///
///   #pragma compss task time_out(5)
///   void search(Result& r) {
///     while (!r.done && !compss::this_task::stop_requested()) r.step();
///   }
inline bool stop_requested() noexcept {
#ifdef __COMPSS__
  return detail::task_stop_requested();
#else
  return false;
#endif
}

/// The cores reserved for the running task: its `computing_units` constraint (default 1),
/// to size its own threads (an OpenMP team, a thread pool). 1 outside a constrained task
/// and in the sequential build. The same on the master and on workers (sent with the
/// task; on a worker every task holds at least 1).
///
///   #pragma compss task constraint(computing_units=4)
///   void assemble(Genome& g) {
///     #pragma omp parallel num_threads(compss::this_task::computing_units())
///     g.assemble_part(omp_get_thread_num());
///   }
inline unsigned computing_units() noexcept {
#ifdef __COMPSS__
  return detail::task_computing_units();
#else
  return 1;
#endif
}

/// The ids of the node's cores the running task holds (computing_units() of them,
/// disjoint from those of the tasks running beside it on that node, ascending). The task's
/// thread is pinned to them while the body runs unless COMPSS_CPU_AFFINITY=disabled
/// (docs/pragmas.md, "Binding"); a thread the body starts inherits the pinning. A task that
/// runs unbound (an unconstrained task of a local run, a one-core task on the master's node
/// under compss-run, a GPU task that reserves no core) and the sequential build get every
/// core of the machine: 0..n-1.
///
///   #pragma compss task constraint(computing_units=2)
///   void fill(Block& b) { for (unsigned c : compss::this_task::cpus()) log_core(c); }
inline std::vector<std::uint32_t> cpus() {
#ifdef __COMPSS__
  return detail::task_cpus();
#else
  const unsigned n = std::thread::hardware_concurrency();
  std::vector<std::uint32_t> all(n == 0 ? 1 : n);
  for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  return all;
#endif
}

/// The ids of the node's GPUs the running task holds (its processors' GPU units,
/// disjoint from those of the tasks beside it, ascending): the devices it should use (an
/// external program gets them as CUDA_VISIBLE_DEVICES). Empty for a task that asks no GPU
/// and in the sequential build.
///
///   #pragma compss task constraint(processor_type="GPU")
///   void train(Model& m) {
///     cudaSetDevice(static_cast<int>(compss::this_task::gpus().at(0)));
///     m.fit();
///   }
inline std::vector<std::uint32_t> gpus() {
#ifdef __COMPSS__
  return detail::task_gpus();
#else
  return {};
#endif
}

/// The host names of the nodes given to the running `multinode` task, the node it runs on
/// first; empty outside a multinode task and in the sequential build. The scheduler gives
/// the task `computing_nodes` nodes at once (under compss-run: workers and the master's
/// node); a local run has one node, so a task asking for more fails at its call.
///
///   #pragma compss multinode(computing_nodes=2)
///   #pragma compss task
///   void solve(Grid& g) { launch_ranks(compss::this_task::nodes(), g); }
inline std::vector<std::string> nodes() {
#ifdef __COMPSS__
  return detail::task_nodes();
#else
  return {};
#endif
}

}  // namespace this_task
}  // namespace compss
