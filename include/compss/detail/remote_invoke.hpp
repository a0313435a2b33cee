// Worker-side task invokers: how a task call arriving as bytes runs on a worker.
// call_task registers one invoker per task type at program start (remote_registered),
// keyed by the TaskSpec's signature, so a master and a worker built from the same sources
// agree on what a signature means. docs/distributed.md describes the wire format.
#pragma once

#include <compss/detail/access.hpp>
#include <compss/detail/bindings.hpp>
#include <compss/detail/external_call.hpp>
#include <compss/detail/fn_traits.hpp>
#include <compss/detail/task_globals.hpp>
#include <compss/detail/value_sink.hpp>
#include <compss/detail/task_spec.hpp>
#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
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

/// One parameter of a task call arriving on a worker: its held value (null means "not
/// sent": the parameter starts default-constructed) and, for an array section, its element
/// count (an `out` section is allocated with it; a value sent for the section must have it).
struct RemoteInput {
  const HeldValue* value = nullptr;
  std::uint64_t extent = 0;
};

/// Runs a task from its inputs (one per declared parameter) and appends the new values of
/// its written parameters and its result. Throws compss::Error on undecodable input or a
/// task that cannot run remotely; exceptions of the task itself propagate, after the
/// written parameters' values were appended when its policy is on_failure(ignore).
using RemoteInvoker = void (*)(std::span<const RemoteInput> inputs,
                               std::vector<RemoteOutput>& outputs);

/// A registered task type.
struct RemoteTask {
  const TaskSpec* spec = nullptr;
  RemoteInvoker invoke = nullptr;
  bool serializable = false;  ///< false: every call must run on the master
  /// One per parameter: how a value fetched for it is received (null: as bytes).
  const MakeValueSink* sinks = nullptr;
  /// The globals its body reads (register_task_globals, task_globals.hpp): the master's
  /// values travel with each request.
  const GlobalVar* globals = nullptr;
  std::size_t global_count = 0;
  /// Why it can never run on a worker because of a global it uses, or null.
  const char* master_only = nullptr;

  /// True when a call can run on a worker (its parameters and globals can travel).
  bool travels() const noexcept { return serializable && master_only == nullptr; }
};

/// Adds a task type to the process-wide registry (first registration of a signature
/// wins, but a later one that cannot travel makes it master-only). Defined in libcompss; returns true so it can initialise a variable.
///
///   static const bool r = register_task(spec, &invoke_remote<spec, &f>, true, sinks.data());
bool register_task(const TaskSpec& spec, RemoteInvoker invoke, bool serializable,
                   const MakeValueSink* sinks);

/// The registered task with this signature, or nullptr (also when only its globals are
/// registered: a task nothing in the program calls).
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

/// The element type of an array section parameter `T*` / `const T*`.
template <class P>
using section_element_t = std::remove_cv_t<std::remove_pointer_t<std::remove_cvref_t<P>>>;

/// True when an array section parameter can travel: a pointer to elements that go through
/// an archive and can be default-constructed (a worker holds them in a std::vector; not
/// bool, whose vector has no array of elements).
template <class P>
inline constexpr bool section_param_ok_v = [] {
  if constexpr (std::is_pointer_v<std::remove_cvref_t<P>>) {
    using E = section_element_t<P>;
    return !std::is_void_v<E> && !std::is_function_v<E> && !std::is_same_v<E, bool> &&
           !is_memory_view<E>::value && is_serializable_v<E> && std::is_default_constructible_v<E>;
  } else {
    return false;
  }
}();

/// True when a parameter can travel: an object whose type goes through an archive and can
/// be default-constructed, a file path of any type a file parameter may have (a `const
/// char*` travels as the std::string it is stored in), an array section (`Section`) of
/// such elements, or a stream whose elements can travel (other pointers and collections
/// cannot yet).
template <class P, ParamKind K, bool Section = false>
inline constexpr bool remote_param_ok_v = [] {
  if constexpr (K == ParamKind::stream) {
    if constexpr (is_stream_handle_v<P>) {
      return std::remove_cvref_t<P>::travels;
    } else {
      return false;
    }
  } else if constexpr (Section) {
    return K == ParamKind::object && section_param_ok_v<P>;
  } else {
    return (K == ParamKind::object || K == ParamKind::file) &&
           (K == ParamKind::file ? is_path_param_v<P>
                                 : !std::is_pointer_v<std::remove_cvref_t<P>> &&
                                       !is_memory_view<std::remove_cvref_t<P>>::value) &&
           is_serializable_v<remote_storage_t<P, K>> &&
           std::is_default_constructible_v<remote_storage_t<P, K>>;
  }
}();

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

  void load(const RemoteInput& input, const ParamSpec& /*spec*/) {
    const HeldValue* held = input.value;
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

/// How the invoker holds an array section parameter `T*` / `const T*` while the task runs:
/// a std::vector of exactly the section's elements (received, or allocated and
/// value-initialised for `out`), whose data() the task gets. A `const T*` section whose value
/// is held as a vector is read in place. A value of another length is an error, never an
/// overflow: sections that start at one address must all have the same length.
template <class P>
struct SectionSlot {
  using E = section_element_t<P>;
  using Pointee = std::remove_pointer_t<std::remove_cvref_t<P>>;
  static constexpr bool borrowable = std::is_const_v<Pointee>;
  std::vector<E> own;
  const std::vector<E>* borrowed = nullptr;

  void load(const RemoteInput& input, const ParamSpec& spec) {
    // The extent comes from the wire: bound it before allocating (an `out` section is
    // allocated with it), by what one frame could carry back.
    if (input.extent > max_frame_payload / sizeof(E)) {
      throw Error("compss: parameter '" + std::string(spec.name) + "' is an array section of " +
                  std::to_string(input.extent) + " elements of " + std::to_string(sizeof(E)) +
                  " bytes, more than one message can carry (" +
                  std::to_string(max_frame_payload) +
                  " bytes): pass it in smaller sections, or run the task on the master");
    }
    std::size_t got = input.extent;
    if (input.value == nullptr) {
      own.resize(input.extent);  // `out`: the task writes the elements
    } else {
      if constexpr (borrowable) borrowed = input.value->as<std::vector<E>>();
      if (borrowed == nullptr) load_held(*input.value, own);
      got = borrowed != nullptr ? borrowed->size() : own.size();
    }
    if (got != input.extent) {
      throw Error("compss: parameter '" + std::string(spec.name) + "' is an array section of " +
                  std::to_string(input.extent) + " elements, but its value has " +
                  std::to_string(got) +
                  " (sections that start at one address must all have the same length)");
    }
  }

  P arg() noexcept {
    if constexpr (borrowable) {
      if (borrowed != nullptr) return borrowed->data();
    }
    return own.data();
  }
};

/// How the invoker holds a stream parameter while the task runs: a handle made from the
/// ticket the master sent, onto the master's stream (stream_remote.hpp).
template <class P>
struct StreamSlot {
  using S = std::remove_cvref_t<P>;
  std::optional<S> handle;

  void load(const RemoteInput& input, const ParamSpec& spec) {
    if (input.value == nullptr) {
      throw Error("compss: stream parameter '" + std::string(spec.name) + "' arrived without its ticket");
    }
    StreamTicket ticket;
    load_held(*input.value, ticket);
    handle.emplace(S::from_ticket(ticket));
  }
  S& arg() noexcept { return *handle; }
  /// The task returned: what its publishes met fails it (StreamHandle::finish_task).
  void finish() { handle->finish_task(); }
};

/// How a worker holds parameter P of kind K: an array section (`Section`) as a std::vector
/// of its elements.
template <class P, ParamKind K, bool Section>
struct RemoteStorage {
  using type = remote_storage_t<P, K>;
};
template <class P>
struct RemoteStorage<P, ParamKind::stream, false> {
  using type = std::remove_cvref_t<P>;  // (unused: StreamSlot holds the handle)
};
template <class P, ParamKind K>
struct RemoteStorage<P, K, true> {
  using type = std::vector<section_element_t<P>>;
};

/// The slot type of parameter P (storage S) of kind K: a SectionSlot for an array section.
template <class P, class S, bool Section>
using remote_slot_t = std::conditional_t<Section, SectionSlot<P>, RemoteSlot<P, S>>;

/// True for an array section whose elements go back to the master: the task may write
/// them (`out`/`inout` through a pointer to non-const).
template <class P>
constexpr bool section_written(Direction d) {
  return (d == Direction::out || d == Direction::inout) &&
         !std::is_const_v<std::remove_pointer_t<std::remove_cvref_t<P>>>;
}

/// True for a parameter whose new value goes back to the master.
template <class P>
constexpr bool remote_written(Direction d) {
  return writes(d) && std::is_lvalue_reference_v<P> &&
         !std::is_const_v<std::remove_reference_t<P>>;
}

template <const TaskSpec& Spec, auto Fn>
struct RemoteTaskTraits {
  using Traits = FnTraits<decltype(Fn)>;
  using R = std::remove_cv_t<typename Traits::result>;
  template <std::size_t I>
  using param_t = std::tuple_element_t<I, typename Traits::params>;
  template <std::size_t I>
  static constexpr bool ok_v =
      remote_param_ok_v<param_t<I>, Spec.params[I].kind, Spec.params[I].section>;
  template <std::size_t I>
  using storage_t =
      typename RemoteStorage<param_t<I>, Spec.params[I].kind, Spec.params[I].section>::type;
  template <std::size_t I>
  using slot_t = std::conditional_t<Spec.params[I].kind == ParamKind::stream,
                                    StreamSlot<param_t<I>>,
                                    remote_slot_t<param_t<I>, storage_t<I>, Spec.params[I].section>>;

  static constexpr bool result_ok =
      std::is_void_v<R> || (is_serializable_v<R> && !is_memory_view<R>::value);
  /// compss-cc's verdict counts too: it sees what C++ cannot (TaskSpec::master_only).
  static constexpr bool serializable = []<std::size_t... I>(std::index_sequence<I...>) {
    return !Spec.master_only && result_ok && (ok_v<I> && ...);
  }(std::make_index_sequence<Traits::arity>{});
  /// Index of the first parameter that cannot travel (arity when it is the result).
  static constexpr std::size_t first_bad = []<std::size_t... I>(std::index_sequence<I...>) {
    std::size_t bad = Traits::arity;
    ((bad == Traits::arity && !ok_v<I> ? bad = I : 0), ...);
    return bad;
  }(std::make_index_sequence<Traits::arity>{});
};

/// The invoker of task `Fn` described by `Spec` (see RemoteInvoker).
///
///   std::vector<RemoteOutput> out;
///   invoke_remote<spec, &inc>(inputs, out);   // inputs: std::span<const RemoteInput>
template <const TaskSpec& Spec, auto Fn>
void invoke_remote(std::span<const RemoteInput> inputs, std::vector<RemoteOutput>& outputs) {
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
      std::tuple<typename T::template slot_t<I>...> slots;
      (std::get<I>(slots).load(inputs[I], Spec.params[I]), ...);
      // The written parameters' new values; after a failure (`after_failure`) an `out`
      // one only when the body changed it from how it started (default-constructed here):
      // one it did not write keeps the master's value, as the program's object does when
      // a task fails locally before writing it.
      auto save = [&](auto index, auto& slot, bool after_failure) {
        constexpr std::size_t i = decltype(index)::value;
        using P = typename T::template param_t<i>;
        constexpr Direction d = Spec.params[i].direction;
        if constexpr (Spec.params[i].section ? section_written<P>(d)
                                             : Spec.params[i].kind == ParamKind::object &&
                                                   remote_written<P>(d)) {
          std::shared_ptr<const HeldValue> value = hold_object(std::move(slot.own));
          if (after_failure && d == Direction::out) {
            using S = std::remove_cvref_t<decltype(slot.own)>;
            S untouched{};
            if constexpr (Spec.params[i].section) untouched.resize(inputs[i].extent);
            if (value->to_bytes() == hold_object(std::move(untouched))->to_bytes()) return;
          }
          outputs.push_back({static_cast<std::uint32_t>(i), std::move(value)});
        }
      };
      try {
        if constexpr (std::is_void_v<typename T::R>) {
          invoke_task_fn<Spec, Fn>(std::get<I>(slots).arg()...);
        } else {
          auto r = invoke_task_fn<Spec, Fn>(std::get<I>(slots).arg()...);
          outputs.push_back({static_cast<std::uint32_t>(N), hold_object(std::move(r))});
        }
      } catch (...) {
        // Under on_failure(ignore) the task's successors read what the body wrote before
        // it threw, as in a local run (docs/failures.md, "ignore"): those values go back.
        if constexpr (Spec.on_failure == OnFailure::ignore) {
          outputs.clear();
          try {
            (save(std::integral_constant<std::size_t, I>{}, std::get<I>(slots), true), ...);
          } catch (...) {  // (out of memory: the body's own error goes on, with no writes)
            outputs.clear();
          }
        }
        throw;
      }
      // Only on the success path: a task that threw fails anyway (its handles' ends say on
      // stderr what nobody was told).
      auto finish = [](auto& slot) {
        if constexpr (requires { slot.finish(); }) slot.finish();
      };
      (finish(std::get<I>(slots)), ...);
      (save(std::integral_constant<std::size_t, I>{}, std::get<I>(slots), false), ...);
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
