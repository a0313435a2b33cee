// compss::Future<R>: the value a non-void task returns.
#pragma once

#include <compss/detail/future_state.hpp>
#include <compss/detail/runtime_api.hpp>
#include <compss/error.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace compss {

template <class R>
class Future;

namespace detail {
template <class T> struct is_future : std::false_type {};
template <class R> struct is_future<Future<R>> : std::true_type {};
/// True for compss::Future<R> (any cv/ref).
template <class T>
inline constexpr bool is_future_v = is_future<std::remove_cvref_t<T>>::value;
struct FutureAccess;
}  // namespace detail

/// Handle to the result of a task call: a copyable, shared reference to one value.
/// Passing it to another task makes a dependency without waiting; `get()` or using it as
/// an `R` waits for the value.
///
///   compss::Future<int> f = ::compss::detail::call_task<spec, &square>(3);
///   int x = f;          // waits, x == 9
///   g(f);               // another task, runs after square
template <class R>
class Future {
  static_assert(!std::is_reference_v<R> && !std::is_void_v<R>,
                "compss::Future holds a value: a task may not return a reference");

 public:
  using value_type = R;

  /// An empty future (valid() is false).
  ///
  ///   compss::Future<int> f;  // assign a task's result later
  Future() = default;

  /// A future that already holds `value`. Implicit, so that a program can name the type
  /// of a task's result and still compile without compss-cc, where the call yields an R.
  ///
  ///   compss::Future<long> f = square(3);         // both builds
  ///   std::vector<compss::Future<long>> results;   // results.push_back(square(i))
  ///   compss::Future<int> ready = 42;
  Future(R value) : state_(std::make_shared<detail::FutureState<R>>()) {
    state_->value.emplace(std::move(value));
    hold();
  }

  // Copies and moves keep the state's count of handles (FutureStateBase::given_up): an
  // atomic count, so copies may live and die on any threads.
  Future(const Future& other) noexcept : state_(other.state_) { hold(); }
  Future(Future&& other) noexcept : state_(std::move(other.state_)) {}
  Future& operator=(const Future& other) noexcept {
    if (this != &other) {
      let_go();
      state_ = other.state_;
      hold();
    }
    return *this;
  }
  Future& operator=(Future&& other) noexcept {
    if (this != &other) {
      let_go();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  ~Future() { let_go(); }

  /// True if the future refers to a value (computed or pending).
  ///
  ///   if (f.valid()) use(f.get());
  bool valid() const noexcept { return state_ != nullptr; }

  /// True if the value is computed and no submitted task still uses it (get() won't block).
  ///
  ///   while (!f.ready()) do_something_else();
  bool ready() const noexcept {
    // (In a master-worker run a computed value may still be on a worker: get() fetches it.)
    return state_ && state_->idle() &&
           (state_->value.has_value() || state_->tracked.load(std::memory_order_acquire));
  }

  /// Waits for the value and returns it. Throws compss::Error if a task failed.
  ///
  ///   const Block& b = f.get();
  const R& get() const { return wait_value(); }

  /// Waits for the value and returns it for modification.
  ///
  ///   f.get() += 1;
  R& get() { return wait_value(); }

  /// Waits and converts, so `int x = f(a);` works in both builds.
  ///
  ///   int x = future;
  operator const R&() const { return wait_value(); }

 private:
  friend struct detail::FutureAccess;
  explicit Future(std::shared_ptr<detail::FutureState<R>> s) noexcept : state_(std::move(s)) {
    hold();
  }

  void hold() const noexcept {
    if (state_) state_->handles.fetch_add(1, std::memory_order_relaxed);
  }
  void let_go() const noexcept {
    if (state_) state_->handles.fetch_sub(1, std::memory_order_release);
  }

  R& wait_value() const {
    if (!state_) throw Error("compss: get() on an empty compss::Future");
#ifdef __COMPSS__
    // A value computed on a worker is fetched by wait_future too.
    if (!state_->idle() || state_->tracked.load(std::memory_order_acquire)) {
      detail::wait_future(*state_);
    }
#endif
    if (!state_->value.has_value()) {
#ifdef __COMPSS__
      detail::throw_if_failed();
#endif
      throw Error(
          "compss: the future has no value: its task did not run, or it failed under "
          "on_failure(ignore) without a default result (give one: "
          "on_failure(ignore, returns=<value>))");
    }
    return *state_->value;
  }

  std::shared_ptr<detail::FutureState<R>> state_;
};

namespace detail {
/// Runtime-side access to a future's shared state.
struct FutureAccess {
  template <class R>
  static Future<R> make(std::shared_ptr<FutureState<R>> s) noexcept {
    return Future<R>(std::move(s));
  }
  template <class R>
  static const std::shared_ptr<FutureState<R>>& state(const Future<R>& f) noexcept {
    return f.state_;
  }
};
}  // namespace detail

}  // namespace compss
