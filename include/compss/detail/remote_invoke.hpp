// Worker-side task invokers: how a task call arriving as bytes runs on a worker.
// call_task registers one invoker per task type at program start (remote_registered),
// keyed by the TaskSpec's signature, so a master and a worker built from the same sources
// agree on what a signature means. docs/distributed.md describes the wire format.
#pragma once

#include <compss/detail/bindings.hpp>
#include <compss/detail/fn_traits.hpp>
#include <compss/detail/value_sink.hpp>
#include <compss/detail/task_spec.hpp>
#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace compss::detail {

/// One value a task produced on a worker: parameter index, or param_count for the result.
/// Held as hold_object keeps it (a contiguous object as it is, else its bytes).
struct RemoteOutput {
  std::uint32_t param = 0;
  std::shared_ptr<const HeldValue> value;
};

/// Runs a task from held parameter values (one per declared parameter; null means "not
/// sent", the parameter starts default-constructed) and appends the new values of its
/// written parameters and its result. Throws compss::Error on undecodable input or a task
/// that cannot run remotely; exceptions of the task itself propagate.
using RemoteInvoker = void (*)(std::span<const HeldValue* const> inputs,
                               std::vector<RemoteOutput>& outputs);

/// A registered task type.
struct RemoteTask {
  const TaskSpec* spec = nullptr;
  RemoteInvoker invoke = nullptr;
  bool serializable = false;  ///< false: every call must run on the master
  /// One per parameter: how a value fetched for it is received (null: as bytes).
  const MakeValueSink* sinks = nullptr;
};

/// Adds a task type to the process-wide registry (first registration of a signature
/// wins, but a later one that cannot travel makes it master-only). Defined in libcompss; returns true so it can initialise a variable.
///
///   static const bool r = register_task(spec, &invoke_remote<spec, &f>, true, sinks.data());
bool register_task(const TaskSpec& spec, RemoteInvoker invoke, bool serializable,
                   const MakeValueSink* sinks);

/// The registered task with this signature, or nullptr.
///
///   if (const RemoteTask* t = find_remote_task("void inc(int &)")) t->invoke(in, out);
const RemoteTask* find_remote_task(std::string_view signature) noexcept;

/// How a worker holds parameter P of kind K while the task runs.
template <class P, ParamKind K>
using remote_storage_t = std::conditional_t<K == ParamKind::file, file_storage_t<P>,
                                            std::remove_cvref_t<P>>;

/// std::basic_string_view and std::span: trivially copyable, but their bytes are an
/// address into the sender's memory, so they never travel as objects.
template <class T>
struct is_memory_view : std::false_type {};
template <class C, class Tr>
struct is_memory_view<std::basic_string_view<C, Tr>> : std::true_type {};
template <class T, std::size_t E>
struct is_memory_view<std::span<T, E>> : std::true_type {};

/// True when a parameter can travel: an object or file path whose storage type goes
/// through an archive and can be default-constructed (pointers, collections and streams
/// cannot yet).
template <class P, ParamKind K>
inline constexpr bool remote_param_ok_v =
    (K == ParamKind::object || K == ParamKind::file) && !std::is_pointer_v<std::remove_cvref_t<P>> &&
    (K != ParamKind::file || is_path_param_v<P>) &&
    (K != ParamKind::object || !is_memory_view<std::remove_cvref_t<P>>::value) &&
    is_serializable_v<remote_storage_t<P, K>> &&
    std::is_default_constructible_v<remote_storage_t<P, K>>;

/// The value a stored parameter is passed to the function as.
template <class P, class S>
decltype(auto) remote_arg(S& s) {
  using Q = std::remove_cvref_t<P>;
  if constexpr (std::is_same_v<Q, const char*> || std::is_same_v<Q, char*>) {
    return static_cast<Q>(s.data());
  } else if constexpr (std::is_same_v<Q, std::string_view>) {
    return std::string_view(s);
  } else if constexpr (std::is_lvalue_reference_v<P>) {
    return static_cast<S&>(s);
  } else {
    return static_cast<S&&>(s);
  }
}

/// How the invoker holds one parameter (declared type P, storage S) while the task runs:
/// its own S, or, for a `const S&` parameter whose value is held as an S, the held object
/// itself (read in place, not copied: the held value is immutable and outlives the call).
template <class P, class S>
struct RemoteSlot {
  static constexpr bool borrowable = std::is_same_v<P, const S&>;
  S own{};
  const S* borrowed = nullptr;

  void load(const HeldValue* held) {
    if (held == nullptr) return;
    if constexpr (borrowable) {
      borrowed = held->as<S>();
      if (borrowed != nullptr) return;
    }
    load_held(*held, own);
  }

  decltype(auto) arg() {
    if constexpr (borrowable) {
      return borrowed != nullptr ? *borrowed : static_cast<const S&>(own);
    } else {
      return remote_arg<P>(own);
    }
  }
};

/// True for a parameter whose new value goes back to the master.
template <class P>
constexpr bool remote_written(Direction d) {
  return d != Direction::in && d != Direction::in_delete && std::is_lvalue_reference_v<P> &&
         !std::is_const_v<std::remove_reference_t<P>>;
}

template <const TaskSpec& Spec, auto Fn>
struct RemoteTaskTraits {
  using Traits = FnTraits<decltype(Fn)>;
  using R = std::remove_cv_t<typename Traits::result>;
  template <std::size_t I>
  using param_t = std::tuple_element_t<I, typename Traits::params>;
  template <std::size_t I>
  using storage_t = remote_storage_t<param_t<I>, Spec.params[I].kind>;

  static constexpr bool result_ok =
      std::is_void_v<R> || (is_serializable_v<R> && !is_memory_view<R>::value);
  /// compss-cc's verdict counts too: it sees what C++ cannot (TaskSpec::master_only).
  static constexpr bool serializable = []<std::size_t... I>(std::index_sequence<I...>) {
    return !Spec.master_only && result_ok &&
           (remote_param_ok_v<param_t<I>, Spec.params[I].kind> && ...);
  }(std::make_index_sequence<Traits::arity>{});
  /// Index of the first parameter that cannot travel (arity when it is the result).
  static constexpr std::size_t first_bad = []<std::size_t... I>(std::index_sequence<I...>) {
    std::size_t bad = Traits::arity;
    ((bad == Traits::arity && !remote_param_ok_v<param_t<I>, Spec.params[I].kind> ? bad = I : 0), ...);
    return bad;
  }(std::make_index_sequence<Traits::arity>{});
};

/// The invoker of task `Fn` described by `Spec` (see RemoteInvoker).
///
///   std::vector<RemoteOutput> out;
///   invoke_remote<spec, &inc>(inputs, out);
template <const TaskSpec& Spec, auto Fn>
void invoke_remote(std::span<const HeldValue* const> inputs,
                   std::vector<RemoteOutput>& outputs) {
  using T = RemoteTaskTraits<Spec, Fn>;
  constexpr std::size_t N = T::Traits::arity;
  std::string task = std::string("task '") + Spec.name + "'";
  if constexpr (!T::serializable) {
    (void)inputs;
    (void)outputs;
    if constexpr (Spec.master_only) {
      throw Error("compss: " + task + " cannot run on a worker: compss-cc found a parameter "
                  "or result holding an address (see its -Wcompss-serializable warning)");
    } else if constexpr (T::first_bad < N) {
      throw Error("compss: " + task + " cannot run on a worker: parameter '" +
                  Spec.params[T::first_bad].name + "' is not serializable");
    } else {
      throw Error("compss: " + task + " cannot run on a worker: its result is not serializable");
    }
  } else {
    if (inputs.size() != N) {
      throw Error("compss: " + task + " expects " + std::to_string(N) + " parameters, got " +
                  std::to_string(inputs.size()));
    }
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      std::tuple<RemoteSlot<typename T::template param_t<I>, typename T::template storage_t<I>>...>
          slots;
      (std::get<I>(slots).load(inputs[I]), ...);
      if constexpr (std::is_void_v<typename T::R>) {
        Fn(std::get<I>(slots).arg()...);
      } else {
        auto r = Fn(std::get<I>(slots).arg()...);
        outputs.push_back({static_cast<std::uint32_t>(N), hold_object(std::move(r))});
      }
      auto save = [&](auto index, auto& slot) {
        constexpr std::size_t i = decltype(index)::value;
        if constexpr (Spec.params[i].kind == ParamKind::object &&
                      remote_written<typename T::template param_t<i>>(Spec.params[i].direction)) {
          outputs.push_back({static_cast<std::uint32_t>(i), hold_object(std::move(slot.own))});
        }
      };
      (save(std::integral_constant<std::size_t, I>{}, std::get<I>(slots)), ...);
    }(std::make_index_sequence<N>{});
  }
}

/// One sink maker per parameter of task `Fn` (RemoteTask::sinks); a file's content is
/// bytes, whatever the type of its path; a task that cannot travel needs none.
template <const TaskSpec& Spec, auto Fn>
inline constexpr auto remote_sinks = []<std::size_t... I>(std::index_sequence<I...>) {
  using T = RemoteTaskTraits<Spec, Fn>;
  if constexpr (T::serializable) {
    return std::array<MakeValueSink, sizeof...(I)>{
        Spec.params[I].kind == ParamKind::object
            ? sink_maker<typename T::template storage_t<I>>()
            : nullptr...};
  } else {
    return std::array<MakeValueSink, sizeof...(I)>{};
  }
}(std::make_index_sequence<RemoteTaskTraits<Spec, Fn>::Traits::arity>{});

/// Registers task `Fn` for worker mode when first odr-used (call_task does).
template <const TaskSpec& Spec, auto Fn>
inline const bool remote_registered =
    register_task(Spec, &invoke_remote<Spec, Fn>, RemoteTaskTraits<Spec, Fn>::serializable,
                  remote_sinks<Spec, Fn>.data());

}  // namespace compss::detail
