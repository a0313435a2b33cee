// Task groups: compss::TaskGroup, barrier_group, cancel_group (docs/failures.md).
#pragma once

#include <compss/exception.hpp>

#include <exception>
#include <string>
#include <string_view>

namespace compss {

namespace detail {
/// Opens a group named `name` on this thread (nested in the group open before it) and
/// returns its handle (libcompss).
void* group_begin(std::string_view name, bool implicit_barrier);
/// Closes the group's scope on this thread. With the implicit barrier, waits for its tasks
/// and, if `may_throw`, throws its compss::Exception (or compss::Error for a failure).
void group_end(void* group, bool implicit_barrier, bool may_throw);
/// barrier_group / cancel_group by name.
void group_barrier(std::string_view name);
void group_cancel(std::string_view name);
}  // namespace detail

/// A task group, RAII: every task submitted on this thread while it is alive belongs to
/// it (and to the groups it is nested in). At the end of its scope it waits for its tasks
/// and rethrows the compss::Exception one of them threw (unless `implicit_barrier` is
/// false: then barrier_group(name) does). A compss::Exception thrown by a task of the
/// group cancels its tasks that have not started. `#pragma compss group("name")` before a
/// block makes the block such a scope. In the sequential build it does nothing.
///
///   try {
///     compss::TaskGroup g("search");
///     for (int c = 0; c < 16; ++c) train(c);
///   } catch (const compss::Exception& e) {   // thrown when `g` ends
///     std::cout << "stopped early: " << e.what() << '\n';
///   }
class TaskGroup {
 public:
  /// Opens the group `name`. A name may be reused once the previous group with that name
  /// has been waited for; a group still open under that name is an error.
  ///
  ///   compss::TaskGroup g("fit", /*implicit_barrier=*/false);
  explicit TaskGroup([[maybe_unused]] std::string_view name, bool implicit_barrier = true)
      : implicit_barrier_(implicit_barrier), uncaught_(std::uncaught_exceptions()) {
#ifdef __COMPSS__
    handle_ = detail::group_begin(name, implicit_barrier);
#endif
  }
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  /// Ends the scope: waits and rethrows (implicit barrier), except while the stack is
  /// already unwinding because of another exception (then it only waits).
  ///
  ///   { compss::TaskGroup g("g"); work(); }  // waits here
  ~TaskGroup() noexcept(false) {
#ifdef __COMPSS__
    detail::group_end(handle_, implicit_barrier_, std::uncaught_exceptions() <= uncaught_);
#endif
  }

 private:
  [[maybe_unused]] bool implicit_barrier_;
  [[maybe_unused]] int uncaught_;
  [[maybe_unused]] void* handle_ = nullptr;
};

/// Waits for every task of the group `name` and rethrows the compss::Exception one of
/// them threw (once). Throws compss::Error if no such group is open. Sequential: no-op.
///
///   { compss::TaskGroup g("fit", false); for (auto& m : models) fit(m); }
///   compss::barrier_group("fit");
inline void barrier_group([[maybe_unused]] std::string_view name) {
#ifdef __COMPSS__
  detail::group_barrier(name);
#endif
}

/// Cancels the group `name`: its tasks that have not started never run (tasks that read
/// their outputs are cancelled too), running ones see this_task::stop_requested(). Does not
/// wait. Throws compss::Error if no such group is open. Sequential: no-op.
///
///   { compss::TaskGroup g("slow", false); for (int i = 0; i < 8; ++i) slow(i); }
///   compss::cancel_group("slow");
///   compss::barrier_group("slow");
inline void cancel_group([[maybe_unused]] std::string_view name) {
#ifdef __COMPSS__
  detail::group_cancel(name);
#endif
}

}  // namespace compss
