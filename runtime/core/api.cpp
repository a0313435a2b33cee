// The compss::detail entry points declared in <compss/detail/runtime_api.hpp>.
#include "core/runtime.hpp"
#include "net/cluster.hpp"
#include "net/worker.hpp"

#include <compss/detail/config.hpp>
#include <compss/detail/future_state.hpp>
#include <compss/detail/runtime_api.hpp>
#include <compss/error.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>

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
};
}  // namespace

void wait_future(FutureStateBase& s) {
  WaitScope wait(in_task() ? nullptr : rt::current_runtime(), rt::Activity::wait_on);
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
  if (rt::Runtime* r = rt::current_runtime(); r != nullptr && r->cluster() != nullptr) {
    r->cluster()->sync(reinterpret_cast<std::uintptr_t>(&s), false);
  }
}

void forget_remote_value(const void* state) noexcept {
  if (rt::Runtime* r = rt::current_runtime(); r != nullptr && r->cluster() != nullptr) {
    r->cluster()->forget(reinterpret_cast<std::uintptr_t>(state));
  }
}

void wait_object(const void* address) {
  if (in_task()) return;
  rt::Runtime* r = rt::current_runtime();
  if (r == nullptr) return;
  WaitScope wait(r, rt::Activity::wait_on);
  r->wait_key(DataKey::of(address));
  r->throw_if_failed();
}

void wait_objects(const void* begin, std::size_t count, std::size_t stride) {
  if (in_task()) return;
  rt::Runtime* r = rt::current_runtime();
  if (r == nullptr) return;
  WaitScope wait(r, rt::Activity::wait_on);
  r->wait_range(reinterpret_cast<std::uintptr_t>(begin), count, stride);
  r->throw_if_failed();
}

void wait_file(std::string_view path) {
  if (in_task()) return;
  rt::Runtime* r = rt::current_runtime();
  if (r == nullptr) return;
  std::string key = normalize_path(path);
  WaitScope wait(r, rt::Activity::wait_on);
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
  if (r->cluster() != nullptr) r->cluster()->sync_all();  // values living on workers
}

unsigned runtime_threads() {
  if (rt::Runtime* r = rt::current_runtime()) return r->threads();
  return thread_count_from_env();
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

namespace {
void print_error(const char* what) {
  std::string msg = what;
  if (msg.rfind("compss: ", 0) != 0) msg = "compss: " + msg;
  std::fprintf(stderr, "%s\n", msg.c_str());
  std::fflush(stderr);
}
}  // namespace

int run_main_impl(int argc, char** argv, int (*main_args)(int, char**), int (*main_noargs)()) {
  // Worker mode (COMPSS_WORKER set): serve tasks from the master instead of running main.
  try {
    net::WorkerSettings worker;
    if (net::worker_settings_from_env(worker)) return net::worker_main(worker);
  } catch (const std::exception& e) {
    print_error(e.what());
    return 1;
  }
  try {
    start_runtime();
  } catch (const std::exception& e) {
    print_error(e.what());
    return 1;
  }
  int rc = 0;
  bool failed = false;
  try {
    rc = main_args != nullptr ? main_args(argc, argv) : main_noargs();
    barrier(true);
  } catch (const Error& e) {
    print_error(e.what());
    failed = true;
  } catch (const std::exception& e) {
    print_error((std::string("uncaught exception in main: ") + e.what()).c_str());
    failed = true;
  } catch (...) {
    print_error("uncaught exception in main");
    failed = true;
  }
  if (failed) {
    // Tasks that have not started may refer to objects main no longer owns: skip them.
    if (rt::Runtime* r = rt::current_runtime()) r->cancel("main ended with an error");
  }
  // Timed-out tasks whose threads still run cannot be joined: exit without them.
  if (rt::Runtime* r = rt::current_runtime()) r->exit_if_abandoned(failed ? 1 : rc);
  shutdown_runtime();
  return failed ? 1 : rc;
}

}  // namespace compss::detail
