// How each task argument is held inside a task node until the task runs, and how it
// describes itself (datum key, object, serialization) to the runtime.
#pragma once

#include <compss/detail/collection_bindings.hpp>
#include <compss/detail/runtime_api.hpp>
#include <compss/detail/task_node.hpp>
#include <compss/future.hpp>
#include <compss/stream.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace compss::detail {

/// One argument and the descriptor it fills while being bound.
template <class A>
struct BindInit {
  A&& arg;
  ParamDescriptor& desc;
};

template <class T>
void* object_ptr(T* p) noexcept {
  return const_cast<void*>(static_cast<const volatile void*>(p));
}

/// `T&` / `const T&` bound to the caller's object: in place, keyed by its address.
template <class T>
struct RefBinding {
  T* ptr;
  template <class A>
  RefBinding(BindInit<A> in) : ptr(std::addressof(in.arg)) {
    in.desc.key = DataKey::of(object_ptr(std::addressof(in.arg)));
    in.desc.object = object_ptr(ptr);
    in.desc.vtable = vtable_for<T>();
  }
  template <class P>
  T& get() noexcept { return *ptr; }
};

/// A value owned by the node (by-value parameter from an rvalue, `const T&` bound to a
/// temporary or needing a conversion, `T&&`): no dependency.
template <class V>
struct ValueBinding {
  V value;
  template <class A>
  ValueBinding(BindInit<A> in) : value(std::forward<A>(in.arg)) {
    in.desc.object = &value;
    in.desc.vtable = vtable_for<V>();
  }
  template <class P>
  V&& get() noexcept { return std::move(value); }
};

/// A by-value parameter passed a named object (an lvalue of type S): copied at submission,
/// unless a pending task writes the object, in which case the task depends on that writer
/// and copies the object when it starts.
template <class S, class V>
struct LvalueValueBinding {
  S* src;
  std::optional<V> copy;
  template <class A>
  LvalueValueBinding(BindInit<A> in) : src(std::addressof(in.arg)) {
    in.desc.key = DataKey::of(object_ptr(src));
    in.desc.copy_in = true;
    in.desc.object = object_ptr(src);
    in.desc.vtable = converting_vtable_for<S, V>();
  }
  void prepare(ParamDescriptor& d) {
    if (!d.deferred) {
      copy.emplace(*src);
      d.object = &*copy;
      d.vtable = vtable_for<V>();
    }
  }
  template <class P>
  V get() {
    if (copy) return std::move(*copy);
    return V(*src);
  }
};

/// `T*` / `const T*`: keyed by the pointee's address; a null pointer is no datum.
template <class P>
struct PointerBinding {
  P ptr;
  template <class A>
  PointerBinding(BindInit<A> in) : ptr(std::forward<A>(in.arg)) {
    if (ptr != nullptr) {
      in.desc.key = DataKey::of(object_ptr(ptr));
      in.desc.object = object_ptr(ptr);
      in.desc.vtable = vtable_for<std::remove_pointer_t<P>>();
    }
  }
  template <class Q>
  P get() noexcept { return ptr; }
};

/// A compss::Future<U> passed for a parameter of type U: depends on the future's datum.
template <class U>
struct FutureBinding {
  std::shared_ptr<FutureState<U>> state;
  template <class A>
  FutureBinding(BindInit<A> in) : state(FutureAccess::state(in.arg)) {
    if (!state) throw Error("compss: an empty compss::Future was passed to a task");
    state->acquire();
    in.desc.key = DataKey::of(static_cast<FutureStateBase*>(state.get()));
    in.desc.future = true;  // (an inout future's failed writer marks it: failure_log.cpp)
    in.desc.object = &state->value;
    in.desc.vtable = optional_vtable_for<U>();
  }
  template <class P>
  decltype(auto) get() {
    if constexpr (std::is_lvalue_reference_v<P>) {
      return static_cast<U&>(*state->value);
    } else {
      return U(*state->value);
    }
  }
  void complete() noexcept { state->release(); }
};

/// Storage for a file parameter (a path value).
template <class P>
using file_storage_t = std::conditional_t<
    std::is_same_v<std::remove_cvref_t<P>, std::filesystem::path>, std::filesystem::path,
    std::string>;

template <class P>
inline constexpr bool is_path_param_v =
    std::is_same_v<std::remove_cvref_t<P>, std::filesystem::path> ||
    std::is_same_v<std::remove_cvref_t<P>, std::string> ||
    std::is_same_v<std::remove_cvref_t<P>, std::string_view> ||
    std::is_same_v<std::remove_cvref_t<P>, const char*> ||
    std::is_same_v<std::remove_cvref_t<P>, char*>;

/// A file (or directory) parameter: the path value is copied; the datum is the file, keyed
/// by its absolute, lexically normal path (for a directory, without a trailing separator:
/// the directory is one datum; the files in it are not related to it).
template <class S>
struct FileBinding {
  S value;
  std::string key;
  template <class A>
  static S make(A&& a) {
    if constexpr (is_future_v<A>) {
      return S(a.get());
    } else if constexpr (std::is_pointer_v<std::decay_t<A>>) {
      if (a == nullptr) throw Error("compss: a null path was passed as a file parameter");
      return S(a);
    } else {
      return S(std::forward<A>(a));
    }
  }
  template <class A>
  FileBinding(BindInit<A> in) : value(make(std::forward<A>(in.arg))) {
    if constexpr (std::is_same_v<S, std::string>) {
      key = normalize_path(value);
    } else {
      key = normalize_path(value.native());
    }
    in.desc.key = DataKey::of_file(key);
    in.desc.object = &value;
    in.desc.vtable = vtable_for<S>();
  }
  template <class P>
  decltype(auto) get() {
    using Q = std::remove_cvref_t<P>;
    if constexpr (std::is_same_v<Q, const char*>) {
      return static_cast<const char*>(value.c_str());
    } else if constexpr (std::is_same_v<Q, char*>) {
      return static_cast<char*>(value.data());
    } else if constexpr (std::is_same_v<Q, std::string_view>) {
      return std::string_view(value);
    } else if constexpr (std::is_lvalue_reference_v<P>) {
      return static_cast<S&>(value);
    } else {
      return static_cast<S&&>(value);
    }
  }
};

/// A `stream_in` / `stream_out` parameter: no datum, so no dependency (producers and
/// consumers run at once). The task gets a handle of its own on the caller's stream, with a
/// producer slot or a consumer place taken at submission (StreamHandle::for_task); the
/// task's end closes the slot (with the task's error when it failed) or commits and leaves.
/// Under compss-run the parameter travels as the handle's StreamTicket (stream_vtable), so
/// the task may run on a worker (docs/streams.md, "Streams across workers").
template <class S>
inline constexpr ParamVTable stream_vtable{
    [](const void* o, OutputArchive& out) { out(static_cast<const S*>(o)->ticket()); }, nullptr};

template <class S>
struct StreamBinding {
  S handle;
  std::string error;       // the last attempt's, when it failed
  bool succeeded = false;  // the last attempt returned
  template <class A>
  StreamBinding(BindInit<A> in)
      : handle(StreamHandle::for_task(static_cast<S&>(in.arg), in.desc.direction == Direction::out)) {
    if constexpr (S::travels) {
      in.desc.object = &handle;
      in.desc.vtable = &stream_vtable<S>;
    }
  }
  template <class P>
  S& get() {
    handle.begin_attempt();
    succeeded = false;
    return handle;
  }
  void attempt_ended(const char* failure) noexcept {
    succeeded = failure == nullptr;
    try {
      error = failure != nullptr ? failure : "";
    } catch (...) {
      error.clear();  // out of memory: closes with "the task did not run"
    }
  }
  void complete() noexcept {
    handle.end_task(succeeded, error.empty() ? std::string("the task did not run") : error);
  }
};

template <class S>
inline constexpr bool is_stream_handle_v = std::is_base_of_v<StreamHandle, std::remove_cvref_t<S>>;

template <class T>
struct TypeTag {
  using type = T;
};

/// The binding of a `collection_*` parameter of type P passed an argument of type A.
template <class P, class A>
constexpr auto select_collection_binding() {
  using Q = std::remove_cvref_t<P>;
  using D = std::remove_cvref_t<A>;
  if constexpr (is_std_span<Q>::value) {
    return TypeTag<SpanCollectionBinding<Q>>{};
  } else {
    static_assert(is_std_vector<Q>::value,
                  "compss: a collection parameter must be a std::vector or a std::span");
    if constexpr (std::is_lvalue_reference_v<A> && std::is_same_v<D, Q>) {
      return TypeTag<VectorCollectionBinding<std::remove_reference_t<A>>>{};
    } else {
      // A temporary vector: the task owns it, no other task can share its elements.
      static_assert(!std::is_lvalue_reference_v<P> ||
                        std::is_const_v<std::remove_reference_t<P>>,
                    "compss: a non-const collection parameter needs a named std::vector");
      return TypeTag<ValueBinding<Q>>{};
    }
  }
}

/// Chooses the binding for parameter type P, argument type A (a forwarding reference
/// type) and kind K.
template <class P, class A, ParamKind K>
constexpr auto select_binding() {
  using D = std::remove_cvref_t<A>;
  if constexpr (K == ParamKind::stream) {
    static_assert(is_stream_handle_v<P> && std::is_lvalue_reference_v<P> &&
                      std::is_same_v<std::remove_cvref_t<P>, D>,
                  "compss: a stream parameter is a compss::ObjectStream<T>& or compss::FileStream& "
                  "passed a stream of the same type");
    return TypeTag<StreamBinding<D>>{};
  } else if constexpr (K == ParamKind::file || K == ParamKind::directory) {
    static_assert(is_path_param_v<P>,
                  "compss: a file or directory parameter must be a std::string, "
                  "std::string_view, const char* or std::filesystem::path");
    return TypeTag<FileBinding<file_storage_t<P>>>{};
  } else if constexpr (is_array_section_v<D>) {
    static_assert(std::is_pointer_v<P>,
                  "compss: an array section (a clause like inout(a[n])) needs a pointer "
                  "parameter");
    return TypeTag<SectionBinding<P>>{};
  } else if constexpr (!std::is_void_v<future_vector_value_t<D>> &&
                       std::is_same_v<std::remove_cvref_t<P>,
                                      std::vector<future_vector_value_t<D>>>) {
    static_assert(!std::is_lvalue_reference_v<P> ||
                      std::is_const_v<std::remove_reference_t<P>>,
                  "compss: a vector of futures can only be passed for a const std::vector<T>& "
                  "or by-value std::vector<T> parameter");
    return TypeTag<FutureCollectionBinding<future_vector_value_t<D>>>{};
  } else if constexpr (K == ParamKind::collection) {
    return select_collection_binding<P, A>();
  } else if constexpr (is_future_v<D> && !is_future_v<P>) {
    return TypeTag<FutureBinding<typename D::value_type>>{};
  } else if constexpr (std::is_lvalue_reference_v<P>) {
    using T = std::remove_reference_t<P>;
    if constexpr (std::is_lvalue_reference_v<A> &&
                  std::is_convertible_v<std::remove_reference_t<A>*, T*>) {
      return TypeTag<RefBinding<T>>{};
    } else {
      static_assert(std::is_const_v<T>,
                    "compss: a non-const reference parameter needs an lvalue argument");
      return TypeTag<ValueBinding<std::remove_cv_t<T>>>{};
    }
  } else if constexpr (std::is_rvalue_reference_v<P>) {
    return TypeTag<ValueBinding<std::remove_cvref_t<P>>>{};
  } else if constexpr (std::is_pointer_v<P> && !std::is_function_v<std::remove_pointer_t<P>>) {
    return TypeTag<PointerBinding<P>>{};
  } else if constexpr (std::is_lvalue_reference_v<A> && !std::is_pointer_v<D> &&
                       std::is_constructible_v<std::remove_cv_t<P>, const D&>) {
    return TypeTag<LvalueValueBinding<std::remove_reference_t<A>, std::remove_cv_t<P>>>{};
  } else {
    return TypeTag<ValueBinding<std::remove_cv_t<P>>>{};
  }
}

template <class P, class A, ParamKind K>
using binding_t = typename decltype(select_binding<P, A, K>())::type;

}  // namespace compss::detail
