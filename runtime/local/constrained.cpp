#include "local/constrained.hpp"

#include "core/runtime.hpp"
#include "sched/detect.hpp"
#include "sched/task_type_of.hpp"
#include "sched/gang.hpp"
#include "settings/run_config.hpp"

#include <compss/detail/config.hpp>
#include <compss/detail/whole_number.hpp>
#include <compss/error.hpp>
#include <compss/this_task.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

namespace compss::rt {

namespace {
/// The nodes of the gang running on this thread (TaskHostsScope); empty outside one.
thread_local std::vector<detail::TaskHost> tls_task_hosts;
}  // namespace

TaskHostsScope::TaskHostsScope(std::vector<detail::TaskHost> hosts) noexcept
    : outer_(std::exchange(tls_task_hosts, std::move(hosts))) {}
TaskHostsScope::~TaskHostsScope() { tls_task_hosts = std::move(outer_); }


sched::Resources master_resources(unsigned threads) {
  const config::RunConfig& c = config::run_config();
  sched::Resources r = sched::detect_local_resources(threads);
  if (c.memory_gb) r.memory_gb = *c.memory_gb;  // COMPSS_MEMORY
  // GPUs are not detected: the master declares them (COMPSS_GPUS; tasks asking
  // processor_type=GPU, and GPU versions of tasks, run only where GPUs are declared).
  if (c.gpus != 0) r.processors.push_back({.type = sched::ProcessorType::gpu, .units = c.gpus});
  return r;
}

ConstrainedTasks::ConstrainedTasks(Runtime& runtime, LocalExecutor& executor, sched::Resources master)
    : runtime_(runtime), executor_(executor), node_(runtime, executor), scheduler_(sched::Scheduler::Options{}) {
  scheduler_.add_node("master", std::move(master), node_);
}

const sched::TaskClass* ConstrainedTasks::class_of(const detail::TaskSpec& spec) {
  std::lock_guard lock(classes_mutex_);
  auto it = classes_.find(&spec);
  if (it != classes_.end()) return it->second;
  // (replicated: one node, so once.)
  const sched::TaskClass* c = scheduler_.register_type(sched::task_type_of(spec));
  classes_.emplace(&spec, c);
  return c;
}

std::optional<std::string> ConstrainedTasks::never_fits(const detail::TaskSpec& spec) {
  try {
    scheduler_.check(class_of(spec));
    return std::nullopt;
  } catch (const Error& e) {
    // The failure record says "task '<name>' (id N) failed: " before it.
    std::string why = e.what();
    if (why.rfind("compss: ", 0) == 0) why.erase(0, 8);
    return why;
  }
}

void ConstrainedTasks::submit(detail::TaskBase* task) {
  if (never_fits(task->spec())) {
    executor_.run_job([this, task] { runtime_.execute_chain(task); });
    return;
  }
  scheduler_.submit(task, class_of(task->spec()));
}

}  // namespace compss::rt

namespace compss::detail {
std::vector<TaskHost> task_hosts() { return rt::tls_task_hosts; }
}  // namespace compss::detail
