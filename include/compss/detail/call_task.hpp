// call_task: what every rewritten task call site calls (docs/architecture.md, "The
// generated-code contract").
#pragma once

#include <compss/detail/bindings.hpp>
#include <compss/detail/external_call.hpp>
#include <compss/detail/fn_traits.hpp>
#include <compss/detail/remote_invoke.hpp>
#include <compss/detail/runtime_api.hpp>
#include <compss/detail/task_node.hpp>
#include <compss/detail/task_spec.hpp>
#include <compss/future.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace compss::detail {

template <auto Fn>
using fn_result_t = std::remove_cv_t<typename FnTraits<decltype(Fn)>::result>;
template <auto Fn, std::size_t I>
using fn_param_t = std::tuple_element_t<I, typename FnTraits<decltype(Fn)>::params>;

/// One version of a task (`#pragma compss implement`) as a call site names it: its
/// TaskSpec and its function, of the same type as the task's own.
///
///   ::compss::detail::Version<__compss_task_1, static_cast<void (*)(double &)>(&::sort_gpu)>
template <const TaskSpec& VSpec, auto VFn>
struct Version {
  static constexpr const TaskSpec& spec = VSpec;
  static constexpr auto fn = VFn;
};

/// The versions a call site passes, in the order of its TaskSpec's `versions`.
template <class... V>
struct VersionList {};

/// The implementations of a call: index 0 is the task `Spec`/`Fn` itself, index i its
/// version i - 1. `invoke` runs the one the scheduler chose (TaskBase::implementation).
template <const TaskSpec& Spec, auto Fn, class List>
struct Implementations;

template <const TaskSpec& Spec, auto Fn, class... V>
struct Implementations<Spec, Fn, VersionList<V...>> {
  static_assert(sizeof...(V) == Spec.version_count,
                "compss: the call passes a different number of versions than its TaskSpec lists");
  static_assert((std::is_same_v<std::remove_cv_t<decltype(V::fn)>, decltype(Fn)> && ...),
                "compss: a version's function must have the type of the task it implements");
  static_assert([] {
    std::size_t i = 0;
    return ((&V::spec == Spec.versions[i++]) && ...);
  }(), "compss: the call's versions are not its TaskSpec's versions, in order");

  template <class Impl, class... A>
  static decltype(auto) run_one(A&&... args) {
    return invoke_task_fn<Impl::spec, Impl::fn>(std::forward<A>(args)...);
  }

  template <class... A>
  static decltype(auto) invoke(std::uint32_t which, A&&... args) {
    if constexpr (sizeof...(V) == 0) {
      static_cast<void>(which);
      return invoke_task_fn<Spec, Fn>(std::forward<A>(args)...);
    } else {
      using R = decltype(invoke_task_fn<Spec, Fn>(std::forward<A>(args)...));
      using Runner = R (*)(A&&...);
      static constexpr Runner runners[] = {&run_one<Version<Spec, Fn>, A...>, &run_one<V, A...>...};
      return runners[which](std::forward<A>(args)...);
    }
  }

  /// Registers every version for worker mode (a worker runs the one the master chose).
  static void register_remote() noexcept {
    (static_cast<void>(&remote_registered<V::spec, V::fn>), ...);
  }
};

/// What call_task returns: void, or a Future of the task's result.
template <class R>
using call_result_t = std::conditional_t<std::is_void_v<R>, void, Future<R>>;

/// Makes the default result of an `on_failure(ignore, returns=...)` task; null for none.
template <class R>
using default_result_fn = R (*)();

/// The task node for one call: descriptors, argument bindings and the result slot, in one
/// allocation.
template <const TaskSpec& Spec, auto Fn, class Versions, class... B>
class TaskNode final : public TaskBase {
  using R = fn_result_t<Fn>;
  using Impl = Implementations<Spec, Fn, Versions>;
  static constexpr std::size_t N = sizeof...(B);
  static constexpr bool has_result = !std::is_void_v<R>;
  static constexpr std::size_t ND = N + (has_result ? 1 : 0);
  struct NoResult {};
  using ResultPtr = std::conditional_t<has_result, std::shared_ptr<FutureState<std::conditional_t<has_result, R, int>>>, NoResult>;

  static constexpr std::array<ParamDescriptor, ND> initial_descriptors() {
    std::array<ParamDescriptor, ND> d{};
    for (std::size_t i = 0; i < N; ++i) {
      d[i].direction = Spec.params[i].direction;
      d[i].kind = Spec.params[i].kind;
    }
    if constexpr (has_result) d[N].direction = Direction::out;
    return d;
  }

 public:
  template <class... A>
  explicit TaskNode(A&&... args) : TaskNode(std::index_sequence_for<A...>{}, std::forward<A>(args)...) {}

  ResultPtr result;

  void run() override {
    if constexpr (has_stream_param(Spec)) {
      // Stream bindings learn how each attempt ended (a failed producer closes with its error).
      try {
        invoke(std::index_sequence_for<B...>{});
      } catch (const std::exception& e) {
        attempt_ended(e.what());
        throw;
      } catch (...) {
        attempt_ended("an exception that is not a std::exception");
        throw;
      }
      attempt_ended(nullptr);
    } else {
      invoke(std::index_sequence_for<B...>{});
    }
  }

  void prepare() noexcept override {
    prepare_all(std::index_sequence_for<B...>{});
  }

  void complete() noexcept override {
    std::apply([](auto&... b) { (complete_one(b), ...); }, bindings_);
    if constexpr (has_result) result->release();
  }

  bool set_default_result() noexcept override {
    if constexpr (has_result) {
      if (default_result == nullptr) return false;
      try {
        result->value.emplace(default_result());
        return true;
      } catch (...) {
        return false;  // as without a default: the result's readers are cancelled
      }
    } else {
      return false;
    }
  }

  /// Set by call_task_or before submission.
  default_result_fn<R> default_result = nullptr;

 private:
  template <std::size_t... I, class... A>
  TaskNode(std::index_sequence<I...>, A&&... args)
      : descs_(initial_descriptors()), bindings_(BindInit<A>{std::forward<A>(args), descs_[I]}...) {
    spec_ = &Spec;
    params_ = descs_.data();
    param_count_ = static_cast<std::uint32_t>(ND);
    if constexpr (has_result) {
      result = std::make_shared<FutureState<R>>();
      result->acquire();
      descs_[N].key = DataKey::of(static_cast<FutureStateBase*>(result.get()));
      descs_[N].future = true;
      descs_[N].object = &result->value;
      descs_[N].vtable = optional_vtable_for<R>();
    }
  }

  template <std::size_t... I>
  void invoke(std::index_sequence<I...>) {
    if constexpr (has_result) {
      result->value.emplace(Impl::invoke(
          implementation, std::get<I>(bindings_).template get<fn_param_t<Fn, I>>()...));
    } else {
      Impl::invoke(implementation, std::get<I>(bindings_).template get<fn_param_t<Fn, I>>()...);
    }
  }

  template <std::size_t... I>
  void prepare_all(std::index_sequence<I...>) noexcept {
    (prepare_one(std::get<I>(bindings_), descs_[I]), ...);
  }
  template <class Bd>
  static void prepare_one(Bd& b, ParamDescriptor& d) noexcept {
    if constexpr (requires { b.prepare(d); }) b.prepare(d);
  }

 public:
  void attempt_ended(const char* failure) noexcept override {
    std::apply([failure](auto&... b) {
      auto one = [failure](auto& x) {
        if constexpr (requires { x.attempt_ended(failure); }) x.attempt_ended(failure);
      };
      (one(b), ...);
    }, bindings_);
  }

 private:
  template <class Bd>
  static void complete_one(Bd& b) noexcept {
    if constexpr (requires { b.complete(); }) b.complete();
  }

  std::array<ParamDescriptor, ND> descs_;
  std::tuple<B...> bindings_;
};

/// Argument as the function sees it when a task call runs inline (nested call, or a build
/// without the runtime): futures are waited for and unwrapped, a vector of futures becomes
/// a vector of values, an array section its pointer.
template <class P, class A>
decltype(auto) inline_arg(A&& a) {
  using FV = future_vector_value_t<A>;
  if constexpr (is_array_section_v<A>) {
    return static_cast<P>(a.data);
  } else if constexpr (!std::is_void_v<FV> &&
                       std::is_same_v<std::remove_cvref_t<P>, std::vector<FV>>) {
    std::vector<FV> values;
    values.reserve(a.size());
    for (const auto& f : a) values.push_back(f.get());
    return values;
  } else if constexpr (is_future_v<A> && !is_future_v<P>) {
    using U = typename std::remove_cvref_t<A>::value_type;
    if constexpr (std::is_lvalue_reference_v<P>) {
      return static_cast<U&>(const_cast<U&>(a.get()));
    } else {
      return U(a.get());
    }
  } else {
    return std::forward<A>(a);
  }
}

template <const TaskSpec& Spec, auto Fn, std::size_t... I, class... Args>
auto call_inline(std::index_sequence<I...>, Args&&... args) {
  using R = fn_result_t<Fn>;
  if constexpr (std::is_void_v<R>) {
    invoke_task_fn<Spec, Fn>(inline_arg<fn_param_t<Fn, I>>(std::forward<Args>(args))...);
  } else {
    return Future<R>(
        invoke_task_fn<Spec, Fn>(inline_arg<fn_param_t<Fn, I>>(std::forward<Args>(args))...));
  }
}

/// One argument of an inline call of a task with streams: a stream argument gets a handle
/// of the call's own, as a submitted task's binding does (StreamBinding), so that the
/// call's end closes what it produced; any other argument is passed as call_inline does.
template <class A, ParamKind K, Direction Dir>
struct InlineArg {
  A&& a;
  explicit InlineArg(A&& arg) : a(std::forward<A>(arg)) {}
  template <class P>
  decltype(auto) get() { return inline_arg<P>(std::forward<A>(a)); }
  void ended(bool, const std::string&) noexcept {}
};
template <class A, Direction Dir>
struct InlineArg<A, ParamKind::stream, Dir> {
  using S = std::remove_cvref_t<A>;
  S handle;
  explicit InlineArg(A&& arg) : handle(StreamHandle::for_task(static_cast<S&>(arg), Dir == Direction::out)) {}
  template <class P>
  S& get() { return handle; }
  void ended(bool ok, const std::string& error) noexcept { handle.end_task(ok, error); }
};

template <const TaskSpec& Spec, auto Fn, std::size_t... I, class... Args>
auto call_inline_streams(std::index_sequence<I...>, Args&&... args) {
  using R = fn_result_t<Fn>;
  std::tuple<InlineArg<Args, Spec.params[I].kind, Spec.params[I].direction>...> held(
      std::forward<Args>(args)...);
  auto end_all = [&](bool ok, const std::string& error) { (std::get<I>(held).ended(ok, error), ...); };
  try {
    if constexpr (std::is_void_v<R>) {
      invoke_task_fn<Spec, Fn>(std::get<I>(held).template get<fn_param_t<Fn, I>>()...);
      end_all(true, {});
    } else {
      Future<R> r(invoke_task_fn<Spec, Fn>(std::get<I>(held).template get<fn_param_t<Fn, I>>()...));
      end_all(true, {});
      return r;
    }
  } catch (const std::exception& e) {
    end_all(false, e.what());
    throw;
  }
}

template <const TaskSpec& Spec, auto Fn, class Versions, std::size_t... I, class... Args>
auto submit_call(std::index_sequence<I...>, default_result_fn<fn_result_t<Fn>> fallback,
                 Args&&... args) {
  using Node =
      TaskNode<Spec, Fn, Versions, binding_t<fn_param_t<Fn, I>, Args&&, Spec.params[I].kind>...>;
  auto* node = new Node(std::forward<Args>(args)...);
  node->default_result = fallback;
  using R = fn_result_t<Fn>;
  if constexpr (std::is_void_v<R>) {
    submit(node);
  } else {
    // The program's handle exists before the task can end: its value is never seen
    // given up (FutureStateBase::given_up) while the program is about to hold it.
    auto handle = FutureAccess::make(node->result);
    submit(node);
    return handle;
  }
}

/// call_task and call_task_or: submits the call, or runs it inline inside a task or in a
/// build without the runtime (inline, the task itself runs, never a version). `fallback`
/// is the default result for `ignore` (or null).
template <const TaskSpec& Spec, auto Fn, class Versions, class... Args>
auto call_task_with(default_result_fn<fn_result_t<Fn>> fallback, Args&&... args)
    -> call_result_t<fn_result_t<Fn>> {
  using Traits = FnTraits<decltype(Fn)>;
  static_assert(sizeof...(Args) == Traits::arity,
                "compss: a task call must pass every parameter (default arguments are not "
                "supported on task calls)");
  static_assert(Spec.param_count == Traits::arity,
                "compss: the TaskSpec does not describe every parameter of the function");
  static_assert(!std::is_reference_v<typename Traits::result>,
                "compss: a task may not return a reference");
#ifdef __COMPSS__
  // Registers the task for worker mode at program start (docs/distributed.md).
  static_cast<void>(&remote_registered<Spec, Fn>);
  Implementations<Spec, Fn, Versions>::register_remote();
  if (!in_task()) {
    return submit_call<Spec, Fn, Versions>(std::index_sequence_for<Args...>{}, fallback,
                                 std::forward<Args>(args)...);
  }
#endif
  static_cast<void>(fallback);  // inline, a failure is the enclosing task's (or main's)
  if constexpr (has_stream_param(Spec)) {
    return call_inline_streams<Spec, Fn>(std::index_sequence_for<Args...>{}, std::forward<Args>(args)...);
  }
  return call_inline<Spec, Fn>(std::index_sequence_for<Args...>{}, std::forward<Args>(args)...);
}

/// Submits one call of the task function `Fn` described by `Spec`. Returns
/// compss::Future<R> for a non-void R, void otherwise. Called from a running task, the
/// function runs synchronously inline. `Versions` are the task's versions (Version<...>),
/// one per entry of Spec.versions, in order: the call may run any of them.
///
///   ::compss::detail::call_task<__compss_task_0,
///       static_cast<void (*)(const Block &, Block &)>(&::multiply)>(A, B, C);
template <const TaskSpec& Spec, auto Fn, class... Versions, class... Args>
auto call_task(Args&&... args) -> call_result_t<fn_result_t<Fn>> {
  return call_task_with<Spec, Fn, VersionList<Versions...>>(nullptr, std::forward<Args>(args)...);
}

/// The default of an `on_failure(ignore, returns=...)` task, converted to its result type.
template <class R, class MakeDefault>
R make_default_result() {
  return static_cast<R>(MakeDefault{}());
}

/// What call_task_or returns: called with the task's arguments, like call_task.
template <const TaskSpec& Spec, auto Fn, class MakeDefault, class Versions>
struct CallTaskOr {
  template <class... Args>
  auto operator()(Args&&... args) const -> call_result_t<fn_result_t<Fn>> {
    return call_task_with<Spec, Fn, Versions>(&make_default_result<fn_result_t<Fn>, MakeDefault>,
                                    std::forward<Args>(args)...);
  }
};

/// call_task for a task with `on_failure(ignore, returns=<expr>)`: the captureless lambda
/// makes the default, which the task's Future receives if the task fails (docs/failures.md).
///
///   ::compss::detail::call_task_or<__compss_task_0,
///       static_cast<int (*)(int)>(&::score)>([] { return (-1); })(x);
template <const TaskSpec& Spec, auto Fn, class... Versions, class MakeDefault>
constexpr CallTaskOr<Spec, Fn, MakeDefault, VersionList<Versions...>> call_task_or(MakeDefault) {
  using R = fn_result_t<Fn>;
  static_assert(!std::is_void_v<R>, "compss: on_failure(ignore, returns=...) needs a task "
                                    "that returns a value");
  static_assert(Spec.on_failure == OnFailure::ignore,
                "compss: returns=... is only valid with on_failure(ignore, ...)");
  static_assert(std::is_default_constructible_v<MakeDefault>,
                "compss: the default of on_failure(ignore, returns=...) may not name local "
                "variables");
  static_assert(std::is_convertible_v<std::invoke_result_t<MakeDefault>, R>,
                "compss: the default of on_failure(ignore, returns=...) must convert to the "
                "task's return type");
  return {};
}

}  // namespace compss::detail
