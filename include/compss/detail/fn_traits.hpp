// FnTraits: the result and parameter types of a task function pointer.
#pragma once

#include <cstddef>
#include <tuple>

namespace compss::detail {

/// Return and parameter types of a task function pointer.
///
///   using R = FnTraits<decltype(&multiply)>::result;
template <class F>
struct FnTraits;
template <class R, class... P>
struct FnTraits<R (*)(P...)> {
  using result = R;
  using params = std::tuple<P...>;
  static constexpr std::size_t arity = sizeof...(P);
};
template <class R, class... P>
struct FnTraits<R (*)(P...) noexcept> : FnTraits<R (*)(P...)> {};

}  // namespace compss::detail
