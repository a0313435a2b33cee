// Shared state behind compss::Future<R>.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

namespace compss::detail {

#ifdef __COMPSS__
/// Master-worker runs: forgets where the value of the future with this state lived
/// (defined in libcompss).
void forget_remote_value(const void* state) noexcept;
/// Forgets the runtime's "never produced" mark of the future with this state, so a new
/// state allocated at the same address does not inherit it (defined in libcompss).
void forget_unproduced_value(const void* state) noexcept;
#endif

/// Type-independent part of a future's shared state. `pending` counts the submitted,
/// unfinished tasks that access the value (the producer and any task that takes the
/// future as an argument); its address is the datum key of the future.
struct FutureStateBase {
  std::atomic<std::uint32_t> pending{0};
  std::atomic<std::uint32_t> waiters{0};
  /// Set when a master-worker run tracks the value's location (it may live on a worker).
  std::atomic<bool> tracked{false};
  /// Set when a failure marked the value "never produced" (the runtime's failure log,
  /// keyed by this state's address): the mark is removed with the state.
  std::atomic<bool> unproduced{false};
  /// The compss::Future objects that refer to this state (the program's handles; a task
  /// that reads the value counts in `pending` instead).
  std::atomic<std::uint32_t> handles{0};

  FutureStateBase() = default;
  FutureStateBase(const FutureStateBase&) = delete;
  FutureStateBase& operator=(const FutureStateBase&) = delete;
  ~FutureStateBase() {
#ifdef __COMPSS__
    if (tracked.load(std::memory_order_acquire)) forget_remote_value(this);
    if (unproduced.load(std::memory_order_acquire)) forget_unproduced_value(this);
#endif
  }

  /// A task accessing this value was submitted.
  void acquire() noexcept { pending.fetch_add(1, std::memory_order_seq_cst); }

  /// A task accessing this value finished (or was skipped).
  void release() noexcept {
    if (pending.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
        waiters.load(std::memory_order_seq_cst) != 0) {
      pending.notify_all();
    }
  }

  /// True when no submitted task still accesses the value.
  bool idle() const noexcept { return pending.load(std::memory_order_acquire) == 0; }

  /// True when nobody can read the value any more: the program holds no Future of it and
  /// no submitted task still accesses it. For good: only a Future can pass the value to a
  /// new task or wait for it, and none is left to copy (the runtime makes the first one
  /// before it submits the producer). A master-worker run then never brings the value
  /// back nor makes it again when its worker is lost (docs/distributed.md).
  bool given_up() const noexcept {
    return handles.load(std::memory_order_acquire) == 0 && idle();
  }
};

/// The value slot of a future; empty until its producing task has run.
template <class R>
struct FutureState : FutureStateBase {
  std::optional<R> value;
};

}  // namespace compss::detail
