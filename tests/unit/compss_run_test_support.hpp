// Test helper for compss-run's option and plan tests: an environment from a map.
#pragma once

#include "options.hpp"

#include <map>
#include <optional>
#include <string>

namespace compss::run::testing {

/// An EnvLookup that sees exactly `vars`.
///
///   Options o = parse_options(args, env_of({{"COMPSS_WORKERS", "2"}}));
inline EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& n) -> std::optional<std::string> {
    auto it = vars.find(n);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace compss::run::testing
