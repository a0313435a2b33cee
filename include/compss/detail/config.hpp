// Runtime configuration read from the environment (shared by the sequential and the
// COMPSs build so both see the same number of resources).
#pragma once

#include <compss/error.hpp>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <thread>

namespace compss::detail {

/// Largest accepted COMPSS_THREADS value.
inline constexpr unsigned max_threads = 4096;

/// Parses a COMPSS_THREADS value: null or empty means "all cores"; anything else must be a
/// positive decimal integer no larger than max_threads, or compss::Error is thrown.
///
///   unsigned n = compss::detail::parse_thread_count(std::getenv("COMPSS_THREADS"));
inline unsigned parse_thread_count(const char* value) {
  if (value == nullptr || *value == '\0') {
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
  }
  auto bad = [&](const char* why) {
    return Error(std::string("compss: invalid COMPSS_THREADS='") + value + "': " + why);
  };
  unsigned long long n = 0;
  const char* p = value;
  for (; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') throw bad("expected a positive integer (number of threads)");
    n = n * 10 + static_cast<unsigned>(*p - '0');
    if (n > max_threads) throw bad("too many threads (at most 4096)");
  }
  if (n == 0) throw bad("the number of threads must be at least 1");
  return static_cast<unsigned>(n);
}

/// The thread count from the environment, or all cores when COMPSS_THREADS is unset.
/// Throws compss::Error on a malformed value.
///
///   unsigned n = compss::detail::thread_count_from_env();
inline unsigned thread_count_from_env() { return parse_thread_count(std::getenv("COMPSS_THREADS")); }

}  // namespace compss::detail
