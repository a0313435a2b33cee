#include "local/task_binding.hpp"

#include "sched/constraints.hpp"
#include "settings/run_config.hpp"

#include <compss/error.hpp>
#include <compss/this_task.hpp>

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <utility>

namespace compss::rt {

namespace {

/// What the task running on this thread holds (TaskBindingScope); 0 / empty outside one.
thread_local unsigned tls_computing_units = 0;
thread_local BoundIds tls_ids;

/// The CPUs this process may use, as the first thread that asks sees them (before any
/// task pinned a thread: pinning asks first).
const std::vector<std::uint32_t>& usable_cpus() {
  static const std::vector<std::uint32_t> cpus = [] {
    std::vector<std::uint32_t> out;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0) {
      for (int c = 0; c < CPU_SETSIZE; ++c) {
        if (CPU_ISSET(c, &set)) out.push_back(static_cast<std::uint32_t>(c));
      }
    }
    if (out.empty()) {
      for (unsigned c = 0; c < std::max(1u, std::thread::hardware_concurrency()); ++c) out.push_back(c);
    }
    return out;
  }();
  return cpus;
}

std::vector<std::uint32_t> first_ids(std::size_t count) {
  std::vector<std::uint32_t> ids(count);
  for (std::size_t i = 0; i < count; ++i) ids[i] = static_cast<std::uint32_t>(i);
  return ids;
}

}  // namespace

std::vector<std::uint32_t> machine_cpus_of(const std::vector<std::uint32_t>& cores) {
  const std::vector<std::uint32_t>& usable = usable_cpus();
  std::vector<std::uint32_t> out;
  for (std::uint32_t k : cores) out.push_back(usable[k % usable.size()]);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

NodeIdPool::NodeIdPool(std::uint32_t cores, std::uint32_t gpus) { resize(cores, gpus); }

void NodeIdPool::resize(std::uint32_t cores, std::uint32_t gpus) {
  std::lock_guard lock(mutex_);
  cpus_.size = std::max(1u, cores);
  gpus_.size = gpus;
  if (cpus_.holders.size() < cpus_.size) cpus_.holders.resize(cpus_.size, 0);
  if (gpus_.holders.size() < gpus_.size) gpus_.holders.resize(gpus_.size, 0);
}

void NodeIdPool::take(Kind& k, std::uint32_t count, std::vector<std::uint32_t>& out) {
  // The free ids first (held by no task), lowest first; then, only when too few are free,
  // the least held ones. Never more ids than the node has.
  std::vector<std::uint32_t> order = first_ids(k.size);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return k.holders[a] < k.holders[b]; });
  order.resize(std::min<std::size_t>(count, order.size()));
  for (std::uint32_t id : order) ++k.holders[id];
  std::sort(order.begin(), order.end());
  out = std::move(order);
}

BoundIds NodeIdPool::take(std::uint32_t cpus, std::uint32_t gpus) {
  std::lock_guard lock(mutex_);
  BoundIds ids;
  take(cpus_, cpus, ids.cpus);
  take(gpus_, gpus, ids.gpus);
  return ids;
}

void NodeIdPool::give_back(const BoundIds& ids) {
  std::lock_guard lock(mutex_);
  for (std::uint32_t id : ids.cpus) {
    if (id < cpus_.holders.size() && cpus_.holders[id] > 0) --cpus_.holders[id];
  }
  for (std::uint32_t id : ids.gpus) {
    if (id < gpus_.holders.size() && gpus_.holders[id] > 0) --gpus_.holders[id];
  }
}

NodeIdPool& this_node_ids() {
  static NodeIdPool pool(static_cast<std::uint32_t>(usable_cpus().size()), 0);
  return pool;
}

bool cpu_binding_enabled() { return config::run_config().cpu_affinity; }

unsigned declared_computing_units(const detail::TaskSpec& spec) noexcept {
  try {
    const sched::Constraints c = sched::parse_constraints(spec.name, spec.constraints, spec.constraint_count);
    return std::max<unsigned>(1, c.demand.cpus());
  } catch (...) {
    return 1;
  }
}

TaskBindingScope::TaskBindingScope(unsigned computing_units, BoundIds ids) noexcept
    : outer_units_(tls_computing_units), outer_ids_(std::move(tls_ids)) {
  tls_computing_units = computing_units;
  tls_ids = std::move(ids);
  bool enabled = false;
  try {
    enabled = cpu_binding_enabled();
  } catch (...) {  // (read at start-up; an invalid value here binds nothing)
  }
  if (!enabled || tls_ids.cpus.empty()) return;
  cpu_set_t old_set;
  CPU_ZERO(&old_set);
  if (::pthread_getaffinity_np(::pthread_self(), sizeof old_set, &old_set) != 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (std::uint32_t c : machine_cpus_of(tls_ids.cpus)) CPU_SET(c, &set);
  if (::pthread_setaffinity_np(::pthread_self(), sizeof set, &set) != 0) return;
  outer_mask_.resize(sizeof old_set);
  std::memcpy(outer_mask_.data(), &old_set, sizeof old_set);
  pinned_ = true;
}

TaskBindingScope::~TaskBindingScope() {
  if (pinned_) {
    cpu_set_t old_set;
    std::memcpy(&old_set, outer_mask_.data(), sizeof old_set);
    ::pthread_setaffinity_np(::pthread_self(), sizeof old_set, &old_set);
  }
  tls_computing_units = outer_units_;
  tls_ids = std::move(outer_ids_);
}

}  // namespace compss::rt

namespace compss::detail {

unsigned task_computing_units() noexcept {
  return rt::tls_computing_units == 0 ? 1 : rt::tls_computing_units;
}

std::vector<std::uint32_t> task_cpus() {
  if (!rt::tls_ids.cpus.empty()) return rt::tls_ids.cpus;
  return rt::first_ids(rt::usable_cpus().size());  // not bound: any of the process's cores
}

std::vector<std::uint32_t> task_gpus() { return rt::tls_ids.gpus; }

}  // namespace compss::detail
