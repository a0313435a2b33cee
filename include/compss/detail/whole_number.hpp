// The one parser of whole numbers read from outside the program: COMPSS_* variables (in
// the runtime, the workers and compss-run), compss-run's options and the XML files. Each
// caller names what it read (variable, option or XML element) in its own error; the
// wording of the range is the same everywhere. Header-only: compss-run uses it without
// linking libcompss.
#pragma once

#include <compss/error.hpp>

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace compss::detail {

/// `text` as a decimal whole number from `lo` to `hi`, or std::nullopt when it is empty,
/// has anything but digits (no sign, no spaces), overflows or is out of range.
///
///   parse_whole_number("8", 1, 65536) == 8
///   parse_whole_number("70000", 1, 65536) == std::nullopt
inline std::optional<unsigned long long> parse_whole_number(std::string_view text,
                                                            unsigned long long lo,
                                                            unsigned long long hi) noexcept {
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  unsigned long long n = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || stop != end || n < lo || n > hi) return std::nullopt;
  return n;
}

/// What a bad value should have been: "expected a whole number from 1 to 65536".
inline std::string whole_number_expected(unsigned long long lo, unsigned long long hi) {
  return "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
}

/// The value of the variable `name` (its text `text`) as a whole number from `lo` to
/// `hi`. Throws compss::Error "compss: invalid NAME='text': expected a whole number from
/// lo to hi".
///
///   unsigned cores = whole_number_variable("COMPSS_WORKER_CORES", v, 1, max_worker_cores);
inline unsigned long long whole_number_variable(const char* name, std::string_view text,
                                                unsigned long long lo, unsigned long long hi) {
  if (auto n = parse_whole_number(text, lo, hi)) return *n;
  throw Error(std::string("compss: invalid ") + name + "='" + std::string(text) +
              "': " + whole_number_expected(lo, hi));
}

}  // namespace compss::detail
