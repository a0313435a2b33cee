// Array sections: what compss-cc passes for a pointer parameter named with an extent in a
// clause (`inout(diag[n])`, `in(row[0:n])`).
#pragma once

#include <compss/serialize.hpp>

#include <cstddef>
#include <type_traits>

namespace compss::detail {

/// `size` elements starting at `data`: one datum, keyed by `data`. The task receives
/// `data`; the descriptor serializes the `size` elements (for remote execution).
///
///   double diag[8];
///   ArraySection<double> s = section(diag, 8);   // s.data == diag, s.size == 8
template <class T>
struct ArraySection {
  T* data;
  std::size_t size;

  /// Writes the element count, then the elements; reading checks the count and fills the
  /// same memory (a section only ever loads into the array it names).
  ///
  ///   compss::OutputArchive out; out(section(v, n));
  template <class A>
  void serialize(A& ar) {
    using E = std::remove_cv_t<T>;
    auto* elems = const_cast<E*>(data);
    if constexpr (std::is_same_v<A, OutputArchive>) {
      ar.write_size(size);
      if constexpr (is_raw_v<E>) {
        ar.write_bytes(elems, size * sizeof(E));
      } else {
        for (std::size_t i = 0; i < size; ++i) ar(elems[i]);
      }
    } else {
      std::uint64_t n = ar.read_size(is_raw_v<E> ? sizeof(E) : 0);
      if (n != size) {
        throw Error("compss: an array section of " + std::to_string(size) +
                    " elements was sent " + std::to_string(n));
      }
      if constexpr (is_raw_v<E>) {
        ar.read_bytes(elems, size * sizeof(E));
      } else {
        for (std::size_t i = 0; i < size; ++i) ar(elems[i]);
      }
    }
  }
};

/// The array section `p[0:n]`. compss-cc wraps the argument of a pointer parameter that a
/// clause names with an extent: `inout(diag[n])` makes the call pass `section(diag, n)`.
///
///   ::compss::detail::call_task<__compss_task_0, &::scale>(
///       ::compss::detail::section(diag, n), n);
template <class T>
constexpr ArraySection<T> section(T* p, std::size_t n) noexcept {
  return ArraySection<T>{p, n};
}

/// The memory of an array section without its element type: what a section parameter's
/// descriptor points at, and what the master's data directory copies (it outlives the
/// task) to load the section's fetched values into the program's array. The descriptor's
/// vtable (section_vtable<T>) knows the element type.
///
///   SectionRef r{diag, 8};   // 8 elements from diag
struct SectionRef {
  void* data = nullptr;
  std::size_t size = 0;  ///< elements, not bytes
};

template <class T> struct is_array_section : std::false_type {};
template <class T> struct is_array_section<ArraySection<T>> : std::true_type {};
/// True for ArraySection<T> (any cv/ref).
template <class T>
inline constexpr bool is_array_section_v = is_array_section<std::remove_cvref_t<T>>::value;

}  // namespace compss::detail
