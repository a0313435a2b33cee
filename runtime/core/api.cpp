// The compss::detail entry points declared in <compss/detail/runtime_api.hpp> (but
// run_main's, which starts a worker or the master: runtime/launch.cpp).
#include "core/runtime.hpp"
#include "settings/run_config.hpp"

#include <compss/detail/config.hpp>
#include <compss/detail/future_state.hpp>
#include <compss/detail/runtime_api.hpp>
#include <compss/error.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace compss::rt {
bool in_task_flag() noexcept;
void set_hook(detail::SubmitHook h) noexcept;
Runtime* take_runtime() noexcept;
}  // namespace compss::rt

namespace compss::detail {

void submit(TaskBase* task) {
  rt::Runtime* r;
  try {
    r = &rt::runtime();
  } catch (...) {
    task->complete();
    delete task;
    throw;
  }
  r->submit(task);
}

bool in_task() noexcept { return rt::in_task_flag(); }

void throw_if_failed() {
  if (rt::Runtime* r = rt::current_runtime()) r->throw_if_failed();
}

namespace {
/// The wait's begin and end for the current runtime's observers (none: no runtime).
struct WaitScope {
  std::optional<rt::ActivityScope> scope;
  WaitScope(rt::Runtime* r, rt::Activity kind) noexcept {
    if (r != nullptr && r->events().any()) scope.emplace(r->events(), kind);
  }
  /// A wait_on of data: observers are told which data, at which version (`versions` is
  /// called only when they are installed).
  template <class Versions>
  WaitScope(rt::Runtime* r, Versions&& versions) noexcept {
    if (r == nullptr || !r->events().any()) return;
    std::vector<rt::DataAccess> data;
    try {
      data = versions(*r);
    } catch (...) {
      // Out of memory: the wait is told without its data.
    }
    scope.emplace(r->events(), rt::Activity::wait_on, data);
  }
};
}  // namespace

void wait_future(FutureStateBase& s) {
  WaitScope wait(in_task() ? nullptr : rt::current_runtime(), [&s](rt::Runtime& r) {
    return r.latest_versions(DataKey::of(&s));
  });
  if (!s.idle()) {
    s.waiters.fetch_add(1, std::memory_order_seq_cst);
    for (;;) {
      std::uint32_t n = s.pending.load(std::memory_order_seq_cst);
      if (n == 0) break;
      s.pending.wait(n, std::memory_order_seq_cst);
    }
    s.waiters.fetch_sub(1, std::memory_order_relaxed);
  }
  if (in_task()) return;
  throw_if_failed();
  // A master-worker run: the value may live on a worker.
  if (rt::Runtime* r = rt::current_runtime(); r != nullptr && !r->all_local()) {
    r->backend().sync(reinterpret_cast<std::uintptr_t>(&s), false);
  }
}

void forget_remote_value(const void* state) noexcept {
  if (rt::Runtime* r = rt::current_runtime(); r != nullptr && !r->all_local()) {
    r->backend().forget(reinterpret_cast<std::uintptr_t>(state));
  }
}

void forget_unproduced_value(const void* state) noexcept {
  if (rt::Runtime* r = rt::current_runtime(); r != nullptr) {
    r->failures().forget(reinterpret_cast<std::uintptr_t>(state));
  }
}

void wait_object(const void* address) {
  if (in_task()) return;
  rt::Runtime* r = rt::current_runtime();
  if (r == nullptr) return;
  WaitScope wait(r, [address](rt::Runtime& rt) { return rt.latest_versions(DataKey::of(address)); });
  r->wait_key(DataKey::of(address));
  r->throw_if_failed();
}

void wait_objects(const void* begin, std::size_t count, std::size_t stride) {
  if (in_task()) return;
  rt::Runtime* r = rt::current_runtime();
  if (r == nullptr) return;
  WaitScope wait(r, [&](rt::Runtime& rt) {
    return rt.latest_versions(reinterpret_cast<std::uintptr_t>(begin), count, stride);
  });
  r->wait_range(reinterpret_cast<std::uintptr_t>(begin), count, stride);
  r->throw_if_failed();
}

void wait_file(std::string_view path) {
  if (in_task()) return;
  rt::Runtime* r = rt::current_runtime();
  if (r == nullptr) return;
  std::string key = normalize_path(path);
  WaitScope wait(r, [&key](rt::Runtime& rt) { return rt.latest_versions(DataKey::of_file(key)); });
  r->wait_key(DataKey::of_file(key));
  r->throw_if_failed();
}

void barrier(bool /*no_more_tasks*/) {
  if (in_task()) return;
  rt::Runtime* r = rt::current_runtime();
  if (r == nullptr) return;
  WaitScope wait(r, rt::Activity::barrier);
  r->wait_all();
  r->throw_if_failed();
  if (!r->all_local()) r->backend().sync_all();  // values living on workers
}

unsigned runtime_nodes() {
  rt::Runtime* r = rt::current_runtime();
  // Under compss-run, before the first task: start the runtime (it waits for the run's
  // workers to connect), so the answer is the run's nodes, not this process alone. (A
  // worker's process, running a task, has no runtime of its own and no such settings.)
  if (r == nullptr && !in_task() && config::run_config().master.distributed) r = &rt::runtime();
  if (r == nullptr || r->all_local()) return 1;
  unsigned nodes = 0;  // the live nodes that run tasks (the master with no cores runs none)
  for (const rt::Backend::NodeSlotsView& n : r->backend().node_slots())
    if (n.alive && n.slots > 0) ++nodes;
  return nodes > 0 ? nodes : 1;  // every worker lost: the master runs the tasks
}

namespace {
/// The runtime of a master-worker run, for request_resources / free_resources of `n`
/// nodes; null when there is nothing to do: inside a task, n == 0, or a local run (no
/// worker to add or free: `local_note` is said at COMPSS_LOG_LEVEL=debug).
rt::Runtime* elastic_runtime(unsigned n, const char* local_note) {
  if (in_task() || n == 0) return nullptr;
  rt::Runtime& r = rt::runtime();
  if (!r.all_local()) return &r;
  if (config::run_config().log_level == config::LogLevel::debug) std::fprintf(stderr, "compss: %s\n", local_note);
  return nullptr;
}
}  // namespace

void request_resources(unsigned n) {
  if (rt::Runtime* r = elastic_runtime(n, "request_resources: a local run has no workers to add "
                                          "(compss-run --workers N starts a run that can grow)"))
    r->backend().request_nodes(n);
}

void snapshot() {
  // A barrier is the consistency point: it waits for every task and brings every value
  // and file living on a worker to the master (Cluster::sync_all), which then holds every
  // datum's latest version: a worker lost afterwards takes nothing with it.
  barrier(false);
}

void free_resources(unsigned n) {
  if (rt::Runtime* r = elastic_runtime(n, "free_resources: a local run has no workers to free "
                                          "(the master's node is never freed)")) {
    snapshot();  // nothing runs on, or lives only on, the nodes retired next
    r->backend().retire_nodes(n);
  }
}

std::string normalize_path(std::string_view path) {
  std::error_code ec;
  std::filesystem::path p(path);
  std::filesystem::path abs = std::filesystem::absolute(p, ec);
  if (ec) abs = p;
  std::filesystem::path n = abs.lexically_normal();
  // "dir/" and "dir" name the same directory: one datum.
  if (!n.has_filename() && n.has_relative_path()) n = n.parent_path();
  return n.string();
}

void start_runtime() { rt::runtime(); }

void shutdown_runtime() noexcept {
  if (in_task()) return;
  rt::Runtime* r = rt::take_runtime();
  delete r;  // waits for every task, drains the executor, clears the registry
}

void set_submit_hook(SubmitHook hook) noexcept { rt::set_hook(hook); }

std::size_t registry_size() {
  rt::Runtime* r = rt::current_runtime();
  return r == nullptr ? 0 : r->registry_size();
}

}  // namespace compss::detail
