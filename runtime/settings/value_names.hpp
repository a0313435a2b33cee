// The names of the COMPSS_* variables that take one of a fixed set of values, one list per
// variable: the runtime's reader (settings/run_config.cpp) and compss-run (its flags'
// parser and --help, tools/compss-run/options.cpp) both use these lists, and a unit test
// checks docs/tools.md's option table against them (test_compss_run_options), so the
// choices are written once.
#pragma once

#include "settings/run_config.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace compss::config {

/// One accepted spelling of a variable's value and what it means.
template <class E>
struct NamedValue {
  std::string_view name;
  E value;
};

/// COMPSS_SCHEDULER (--scheduler).
inline constexpr NamedValue<SchedulerPolicy> scheduler_names[] = {
    {"fifo", SchedulerPolicy::fifo}, {"lifo", SchedulerPolicy::lifo}, {"locality", SchedulerPolicy::locality}};
/// COMPSS_LOG_LEVEL (--log-level).
inline constexpr NamedValue<LogLevel> log_level_names[] = {
    {"off", LogLevel::off}, {"info", LogLevel::info}, {"debug", LogLevel::debug}};
/// COMPSS_SHARED_FS (--shared-fs): whether workers see the master's files.
inline constexpr NamedValue<bool> shared_fs_names[] = {{"yes", true}, {"no", false}, {"1", true}, {"0", false}};
/// The on/off variables: COMPSS_PROGRESS, COMPSS_REQUIRE_WORKERS, COMPSS_GRAPH, COMPSS_SUMMARY.
inline constexpr NamedValue<bool> switch_names[] = {{"1", true}, {"0", false}};

/// The value spelled `name` in `names`, or null.
///
///   const LogLevel* l = find_named(log_level_names, "info");
template <class E, std::size_t N>
constexpr const E* find_named(const NamedValue<E> (&names)[N], std::string_view name) {
  for (const NamedValue<E>& n : names) {
    if (n.name == name) return &n.value;
  }
  return nullptr;
}

/// The first spelling of `value` in `names` ("" when none: never for the lists above).
///
///   name_of(scheduler_names, MasterSettings{}.policy)   // "locality", the default
template <class E, std::size_t N>
constexpr std::string_view name_of(const NamedValue<E> (&names)[N], E value) {
  for (const NamedValue<E>& n : names) {
    if (n.value == value) return n.name;
  }
  return {};
}

/// The spellings alone, in order (compss-run's option table holds them as a span).
///
///   for (std::string_view n : names_of<scheduler_names>) ...
template <const auto& Names>
inline constexpr auto names_of = [] {
  std::array<std::string_view, std::size(Names)> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = Names[i].name;
  return out;
}();

/// "a, b or c" (the runtime's messages) or, with "|" twice, "a|b|c" (compss-run's).
///
///   joined_names(names_of<log_level_names>, ", ", " or ")   // "off, info or debug"
template <std::size_t N>
std::string joined_names(const std::array<std::string_view, N>& names, std::string_view separator,
                         std::string_view last_separator) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i != 0) out += i + 1 == N ? last_separator : separator;
    out += names[i];
  }
  return out;
}

}  // namespace compss::config
