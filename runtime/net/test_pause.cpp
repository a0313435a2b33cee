#include "net/test_pause.hpp"

#include "settings/run_config.hpp"

#include <compss/error.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace compss::net {

std::function<void(const std::string&, std::size_t)> pause_in_transfer_from_env() {
  const unsigned long long ms = config::run_config().test_pause_in_transfer_ms;
  if (ms == 0) return {};
  constexpr std::size_t large = 2 << 20;
  return [ms](const std::string& peer, std::size_t bytes) {
    static std::atomic<bool> paused{false};  // once per process
    if (bytes <= large || paused.exchange(true)) return;
    std::fprintf(stderr,
                 "compss: test: pid %d paused in a %zu-byte value from %s for %llu ms "
                 "(COMPSS_TEST_PAUSE_IN_TRANSFER)\n",
                 static_cast<int>(::getpid()), bytes, peer.c_str(), ms);
    std::fflush(stderr);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  };
}

}  // namespace compss::net
