// The run configuration used before run_config.cpp's own initialisers have run: a user
// program's global constructor that calls a task starts the runtime, which loads the
// configuration (config::load_run_config). This program is linked with its object file
// BEFORE run_config.cpp's object (tests/unit/CMakeLists.txt), so its global constructor
// runs first (constructors run in link order within one executable). With namespace-scope
// dynamic state in run_config.cpp (a std::deque built by its initialiser) it wrote into an
// unconstructed deque and crashed; prints "run config before init: OK" when it works.
#include "settings/run_config.hpp"

#include <cstdio>

namespace {

const compss::config::RunConfig* loaded_early = nullptr;

struct LoadsTheConfigurationEarly {
  LoadsTheConfigurationEarly() { loaded_early = &compss::config::load_run_config(); }
} loads_the_configuration_early;

}  // namespace

int main() {
  using compss::config::run_config;
  if (loaded_early == nullptr) {
    std::puts("FAIL: the global constructor did not run");
    return 1;
  }
  // What the constructor installed is still the current configuration (an initialiser
  // that ran after it would have emptied the storage it was kept in).
  if (&run_config() != loaded_early) {
    std::puts("FAIL: the configuration loaded before initialisation was lost");
    return 1;
  }
  const compss::config::RunConfig& again = compss::config::load_run_config();
  if (&run_config() != &again || loaded_early->threads != again.threads) {
    std::puts("FAIL: a second load did not become the current configuration");
    return 1;
  }
  std::puts("run config before init: OK");
  return 0;
}
