// Synchronisation API: wait_on, wait_on_file, barrier, number_of_resources.
// Without `__COMPSS__` (a plain sequential build) every function is a no-op equivalent.
#pragma once

#include <compss/detail/config.hpp>
#include <compss/detail/runtime_api.hpp>
#include <compss/future.hpp>

#include <array>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <type_traits>
#include <vector>
#include <utility>

namespace compss {

namespace detail {
template <class T> struct is_waitable_container : std::false_type {};
template <class T, class A> struct is_waitable_container<std::vector<T, A>> : std::true_type {};
template <class T, std::size_t N> struct is_waitable_container<std::array<T, N>> : std::true_type {};
template <class T>
inline constexpr bool needs_element_wait_v =
    is_future_v<T> || is_waitable_container<std::remove_cv_t<T>>::value;
}  // namespace detail

template <class R>
R& wait_on(Future<R>& f);
template <class R>
const R& wait_on(const Future<R>& f);

/// Waits until `x` holds its latest value: every submitted task that reads or writes it has
/// finished. A std::vector, std::array or C array is waited element by element, recursively; a
/// pointer also waits for what it points to (the object, or the array section starting
/// there, that tasks were passed it for). Returns `x`. Throws compss::Error if a task
/// failed.
///
///   inc(counter);                 // a task
///   compss::wait_on(counter);     // counter is up to date
///   std::cout << counter;
///   scale(block, n);              // #pragma compss task inout(block[n])
///   compss::wait_on(block);       // block[0..n) is up to date
template <class T>
T& wait_on(T& x) {
#ifdef __COMPSS__
  detail::wait_object(std::addressof(x));
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_pointer_v<U> && !std::is_function_v<std::remove_pointer_t<U>>) {
    if (x != nullptr) detail::wait_object(x);  // (compss-cc's automatic waits name the pointer)
  } else if constexpr (detail::is_waitable_container<U>::value) {
    using E = typename U::value_type;
    if constexpr (std::is_same_v<U, std::vector<bool>>) {
      // packed bits are not separate objects
    } else if constexpr (detail::needs_element_wait_v<E>) {
      for (auto& e : x) wait_on(e);
    } else if (!x.empty()) {
      detail::wait_objects(x.data(), x.size(), sizeof(E));
    }
  } else if constexpr (std::is_bounded_array_v<U>) {
    // Each element is its own datum (tasks are passed `a[i]`): all are brought back, not
    // just the first, whose address is the array's (under compss-run they may be on workers).
    using E = std::remove_extent_t<U>;
    if constexpr (std::is_array_v<E> || detail::needs_element_wait_v<std::remove_cv_t<E>>) {
      for (auto& e : x) wait_on(e);
    } else {
      detail::wait_objects(std::addressof(x[0]), std::extent_v<U>, sizeof(E));
    }
  }
#endif
  return x;
}

/// Waits for a temporary and returns it: PyCOMPSs' `compss_wait_on(f(x))`. In the
/// sequential build (and in compss-cc's first parse of the user's source) a task call
/// returns a plain `R`, not a `Future<R>`, so this overload keeps
/// `compss::wait_on(square(3))` valid under both compilers. A temporary container of
/// futures is waited element by element, as the lvalue form does.
///
///   int v = compss::wait_on(square(3));   // square is a task returning int
template <class T>
  requires(!std::is_reference_v<T> && !detail::is_future_v<T>)
T wait_on(T&& x) {
  wait_on(x);  // x is an lvalue here: the T& form above
  return std::move(x);
}

/// Waits for a task's result and returns it.
///
///   compss::Future<int> f = ...;
///   int v = compss::wait_on(f);
template <class R>
R& wait_on(Future<R>& f) {
  return f.get();
}

/// Waits for a task's result and returns it (const future).
///
///   const compss::Future<int>& f = ...;
///   int v = compss::wait_on(f);
template <class R>
const R& wait_on(const Future<R>& f) {
  return f.get();
}

/// Waits for a temporary future and returns a copy of its value.
///
///   int v = compss::wait_on(square(3));
template <class R>
R wait_on(Future<R>&& f) {
  return f.get();
}

/// Waits until every submitted task that reads or writes the file `path` has finished.
///
///   write_report("out.txt");            // a task with file_out
///   compss::wait_on_file("out.txt");
inline void wait_on_file([[maybe_unused]] const std::filesystem::path& path) {
#ifdef __COMPSS__
  detail::wait_file(path.native());
#endif
}

/// Waits until every task submitted so far has finished. Throws compss::Error if a task
/// failed. `no_more_tasks` tells the runtime no task follows (accepted, currently a hint).
///
///   for (auto& b : blocks) update(b);
///   compss::barrier();
inline void barrier([[maybe_unused]] bool no_more_tasks = false) {
#ifdef __COMPSS__
  detail::barrier(no_more_tasks);
#endif
}

/// Number of nodes the run's tasks run on, as PyCOMPSs' compss_get_number_of_resources:
/// a local run (compss-cc, no compss-run) and the sequential build have one node, this
/// machine: 1, whatever COMPSS_THREADS says. Under compss-run: the live workers, plus the
/// master when it has cores (`--master-cores 0`: it runs no task and is not counted); the
/// number changes as workers join (request_resources) or leave (free_resources, a lost
/// worker). Asked before the first task under compss-run, it starts the runtime (which
/// waits for the run's workers to connect) to answer. Inside a task it answers as on the
/// node it runs on (a worker knows no other node: 1). A program whose result must not
/// depend on the run partitions by a fixed count, not by this number.
///
///   std::size_t nodes = compss::number_of_resources();  // e.g. one block per node
inline unsigned number_of_resources() {
#ifdef __COMPSS__
  return detail::runtime_nodes();
#else
  return 1;
#endif
}

}  // namespace compss

#include <compss/data.hpp>  // delete_object, delete_file, file_exists, open
