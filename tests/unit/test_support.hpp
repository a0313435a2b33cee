// Helpers shared by the unit tests.
#pragma once

#include <compss/compss.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <mutex>
#include <thread>
#include <vector>

namespace compss_test {

/// Every test starts with no runtime and leaves none behind (clears recorded failures).
class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override { compss::detail::shutdown_runtime(); }
  void TearDown() override { compss::detail::shutdown_runtime(); }
};

/// Thread-safe record of events, to check the order tasks ran in.
class Recorder {
 public:
  void add(int v) {
    std::lock_guard lock(m_);
    events_.push_back(v);
  }
  std::vector<int> events() {
    std::lock_guard lock(m_);
    return events_;
  }
  void clear() {
    std::lock_guard lock(m_);
    events_.clear();
  }

 private:
  std::mutex m_;
  std::vector<int> events_;
};

/// How many tasks are inside a section at once, and the most seen (thread-safe).
struct Gauge {
  std::atomic<int> now{0};
  std::atomic<int> max{0};
  void enter() {
    int n = ++now;
    int m = max.load();
    while (n > m && !max.compare_exchange_weak(m, n)) {
    }
  }
  void leave() { --now; }
  void reset() {
    now = 0;
    max = 0;
  }
};

inline void pause_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

/// The whole content of a file ("" when it cannot be read).
inline std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace compss_test
