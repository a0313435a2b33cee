// Bindings of parameters whose elements are data of their own: collections
// (`collection_in/out/inout` on a std::vector or std::span), a std::vector of futures
// passed for a std::vector of values, and array sections (`inout(diag[n])`).
#pragma once

#include <compss/detail/array_section.hpp>
#include <compss/detail/task_node.hpp>
#include <compss/future.hpp>

#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace compss::detail {

template <class A>
struct BindInit;

template <class T> struct is_std_span : std::false_type {};
template <class T, std::size_t N> struct is_std_span<std::span<T, N>> : std::true_type {};

template <class T> struct future_vector_value { using type = void; };
template <class T, class A>
struct future_vector_value<std::vector<Future<T>, A>> { using type = T; };
/// T for a std::vector<compss::Future<T>> (any cv/ref), void otherwise.
template <class V>
using future_vector_value_t = typename future_vector_value<std::remove_cvref_t<V>>::type;

/// Appends one descriptor per element of `c` (depth first through nested vectors: the
/// innermost elements are the data), each with direction `dir`.
template <class C>
void add_element_descriptors(C& c, Direction dir, std::vector<ParamDescriptor>& out) {
  using E = std::remove_reference_t<decltype(*std::begin(c))>;
  static_assert(!std::is_same_v<std::remove_cv_t<C>, std::vector<bool>>,
                "compss: a std::vector<bool> has no separate elements to be a collection");
  for (auto& e : c) {
    if constexpr (is_std_vector<std::remove_cv_t<E>>::value) {
      add_element_descriptors(e, dir, out);
    } else {
      ParamDescriptor d;
      d.key = DataKey::of(std::addressof(e));
      d.direction = dir;
      d.object = const_cast<void*>(static_cast<const volatile void*>(std::addressof(e)));
      d.vtable = vtable_for<E>();
      out.push_back(d);
    }
  }
}

/// Points the collection descriptor at its element descriptors.
inline void attach_elements(ParamDescriptor& d, std::vector<ParamDescriptor>& elems) noexcept {
  d.elements = elems.data();
  d.element_count = static_cast<std::uint32_t>(elems.size());
}

/// A collection parameter (`std::vector<T>&`, `const std::vector<T>&`, or a by-value
/// `std::vector<T>`) passed a named vector `V`: the vector itself is read (an `in` datum
/// keyed by its address) and each element is a datum with the parameter's direction.
/// A by-value parameter gets a copy taken when the task starts.
template <class V>
struct VectorCollectionBinding {
  V* vec;
  std::vector<ParamDescriptor> elems;
  template <class A>
  VectorCollectionBinding(BindInit<A> in) : vec(std::addressof(in.arg)) {
    in.desc.key = DataKey::of(vec);
    in.desc.object = const_cast<std::remove_cv_t<V>*>(vec);
    in.desc.vtable = vtable_for<V>();
    add_element_descriptors(*vec, in.desc.direction, elems);
    attach_elements(in.desc, elems);
  }
  template <class P>
  decltype(auto) get() {
    if constexpr (std::is_lvalue_reference_v<P>) {
      return static_cast<P>(*vec);
    } else {
      return std::remove_cvref_t<P>(*vec);
    }
  }
};

/// A `std::span<T>` collection parameter: each element is a datum (the span itself is
/// no datum: it is a view, not an object tasks share).
template <class S>
struct SpanCollectionBinding {
  S span;
  std::vector<ParamDescriptor> elems;
  template <class A>
  SpanCollectionBinding(BindInit<A> in) : span(in.arg) {
    add_element_descriptors(span, in.desc.direction, elems);
    attach_elements(in.desc, elems);
  }
  template <class P>
  S get() noexcept { return span; }
};

/// A `std::vector<compss::Future<T>>` passed for a `std::vector<T>` parameter (by value or
/// const reference): a dependency on each future's producer; the task receives a vector
/// built from the values. Each element descriptor carries that future's value.
template <class T>
struct FutureCollectionBinding {
  std::vector<std::shared_ptr<FutureState<T>>> states;
  std::vector<ParamDescriptor> elems;
  std::vector<T> values;
  template <class A>
  FutureCollectionBinding(BindInit<A> in) {
    states.reserve(in.arg.size());
    for (const auto& f : in.arg) {
      const auto& s = FutureAccess::state(f);
      if (!s) throw Error("compss: an empty compss::Future was passed in a task's vector");
      states.push_back(s);
    }
    elems.reserve(states.size());
    for (auto& s : states) {  // only once nothing can throw: each acquire needs a release
      s->acquire();
      ParamDescriptor d;
      d.key = DataKey::of(static_cast<FutureStateBase*>(s.get()));
      d.direction = Direction::in;
      d.object = &s->value;
      d.vtable = optional_vtable_for<T>();  // as the future's own descriptors: a T
      elems.push_back(d);
    }
    in.desc.kind = ParamKind::collection;
    attach_elements(in.desc, elems);
  }
  template <class P>
  decltype(auto) get() {
    values.clear();
    values.reserve(states.size());
    for (auto& s : states) values.push_back(*s->value);
    if constexpr (std::is_lvalue_reference_v<P>) {
      return static_cast<std::vector<T>&>(values);
    } else {
      return std::move(values);
    }
  }
  void complete() noexcept {
    for (auto& s : states) s->release();
  }
};

/// An array section of elements T travels as ArraySection<T> does (its element count, then
/// the elements); the descriptor's object is a SectionRef, so the master's directory can
/// keep the array's address and length after the task is gone.
template <class T>
inline constexpr ParamVTable section_vtable{
    [](const void* o, OutputArchive& out) {
      const auto& r = *static_cast<const SectionRef*>(o);
      out(ArraySection<T>{static_cast<T*>(r.data), r.size});
    },
    [](void* o, InputArchive& in) {  // checks the count: never writes past the array
      const auto& r = *static_cast<const SectionRef*>(o);
      ArraySection<T> s{static_cast<T*>(r.data), r.size};
      in(s);
    },
    nullptr, true};

/// A pointer parameter passed an array section: one datum keyed by the first element's
/// address; the task receives the pointer; the descriptor serializes the elements. A null
/// pointer is no datum (and the task runs on the master: its object has no vtable).
template <class P>
struct SectionBinding {
  using T = std::remove_pointer_t<P>;
  T* data;
  SectionRef ref;
  template <class A>
  SectionBinding(BindInit<A> in)
      : data(in.arg.data),
        ref{const_cast<void*>(static_cast<const volatile void*>(data)), in.arg.size} {
    in.desc.object = &ref;
    if (data == nullptr) return;
    in.desc.key = DataKey::of(data);
    if constexpr (is_serializable_v<std::remove_cv_t<T>>) {
      in.desc.vtable = &section_vtable<std::remove_cv_t<T>>;
    }
  }
  template <class Q>
  P get() noexcept { return data; }
};

}  // namespace compss::detail
