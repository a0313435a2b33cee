// run_main: the `main` compss-cc appends to the translation unit that defines main.
#pragma once

#include <compss/detail/runtime_api.hpp>

#include <type_traits>

namespace compss::detail {

/// Starts the runtime, runs the user's main (renamed by compss-cc), waits for every task,
/// stops the runtime. A failed task or a compss::Error escaping main is printed to stderr
/// (`compss: task 'f' (id 3) failed: ...`) and gives exit code 1.
///
///   int main(int argc, char** argv) {
///     return ::compss::detail::run_main(argc, argv, &__compss_user_main);
///   }
template <class F>
int run_main(int argc, char** argv, F* user_main) {
  constexpr bool no_args = std::is_same_v<F, int()> || std::is_same_v<F, int() noexcept>;
  constexpr bool with_args =
      std::is_same_v<F, int(int, char**)> || std::is_same_v<F, int(int, char**) noexcept>;
  static_assert(no_args || with_args,
                "compss: main must be `int main()` or `int main(int, char**)`");
#ifdef __COMPSS__
  if constexpr (no_args) {
    return run_main_impl(argc, argv, nullptr, static_cast<int (*)()>(user_main));
  } else {
    return run_main_impl(argc, argv, static_cast<int (*)(int, char**)>(user_main), nullptr);
  }
#else
  if constexpr (no_args) {
    (void)argc;
    (void)argv;
    return user_main();
  } else {
    return user_main(argc, argv);
  }
#endif
}

/// What compss-cc passes each value returned by the user's main through: waits for every
/// task while main's local objects, which tasks may still be using, are alive.
///
///   return ::compss::detail::finish_main(status);
inline int finish_main(int code) {
#ifdef __COMPSS__
  barrier(false);
#endif
  return code;
}

}  // namespace compss::detail
