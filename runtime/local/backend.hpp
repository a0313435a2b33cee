// LocalBackend: every task runs on this process's oneTBB executor (local/executor.hpp) and
// every datum lives in this process. The backend of a run without workers.
#pragma once

#include "core/backend.hpp"
#include "local/executor.hpp"
#include "sched/resources.hpp"

namespace compss::rt {

/// all_local() is true, so the Runtime takes the fast path and calls none of the per-task
/// hooks; they still do the right thing (ready spawns on the executor) for a caller that
/// does. Constructing it switches the executor's constraint enforcement on
/// (local/constrained.hpp). Thread-safe: no state of its own.
///
///   auto backend = std::make_unique<LocalBackend>(executor);
class LocalBackend final : public Backend {
 public:
  explicit LocalBackend(LocalExecutor& executor);

  bool all_local() const noexcept override { return true; }
  void submitted(detail::TaskBase*, std::uint64_t) override {}
  void ready(detail::TaskBase* task) override { executor_.spawn(task); }
  void before_run(detail::TaskBase*) override {}
  void finished(detail::TaskBase*) noexcept override {}
  void sync(std::uintptr_t, bool) override {}
  void sync_range(std::uintptr_t, std::uintptr_t) override {}
  void sync_file(const std::string&) override {}
  void sync_all() override {}
  void forget(std::uintptr_t) noexcept override {}
  std::string node_name(int node) const override;
  /// The master's node: its threads and resources (COMPSS_MEMORY or detected, COMPSS_GPUS),
  /// with the memory and GPUs that constrained tasks reserve; running tasks are not
  /// counted here (running_known false: the task events tell).
  std::vector<NodeSlotsView> node_slots() override;
  std::size_t running() const noexcept override { return 0; }
  void tell_run_ended() noexcept override {}
  void shutdown() noexcept override {}

 private:
  LocalExecutor& executor_;
};

/// Fills `view`'s resources from a node of the scheduler's model: what it declares
/// (`total`) and what its running tasks reserve (total - `free`).
void set_node_resources(Backend::NodeSlotsView& view, const sched::Capacity& total,
                        const sched::Capacity& free) noexcept;

}  // namespace compss::rt
