#include "runtime_check.hpp"

#include "options.hpp"

#include "settings/run_config.hpp"

#include <compss/error.hpp>

#include <map>

namespace compss::run {

void check_environment(const std::vector<std::string>& env, const std::string& who) {
  std::map<std::string, std::string, std::less<>> variables;
  for (const std::string& entry : env) {
    const std::size_t eq = entry.find('=');
    if (eq != std::string::npos) variables.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  try {
    config::read_run_config([&](const char* name) -> const char* {
      auto it = variables.find(std::string_view(name));
      return it == variables.end() ? nullptr : it->second.c_str();
    });
  } catch (const compss::Error& e) {
    std::string what = e.what();
    if (what.rfind("compss: ", 0) == 0) what = what.substr(8);
    throw UsageError("compss-run: " + what + " (in the environment of " + who + ")");
  }
}

}  // namespace compss::run
