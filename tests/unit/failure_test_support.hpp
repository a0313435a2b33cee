// Helpers for the failure, time-out and group tests: a fixture with its own log folder
// and enough threads, and a reader of the failure report.
#pragma once

#include "test_support.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace compss_test {

/// A fresh runtime with 4 threads and the failure report in a folder of its own.
class FailureTest : public RuntimeTest {
 protected:
  void SetUp() override {
    compss::detail::shutdown_runtime();
    log_dir_ = std::filesystem::temp_directory_path() /
               ("compss-failure-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(log_dir_);
    ::setenv("COMPSS_LOG_DIR", log_dir_.c_str(), 1);
    ::setenv("COMPSS_THREADS", "4", 1);
  }
  void TearDown() override {
    compss::detail::shutdown_runtime();
    ::unsetenv("COMPSS_THREADS");
    std::filesystem::remove_all(log_dir_);
  }
  /// Stops the runtime (which publishes the report) and returns the report's text.
  std::string report() {
    compss::detail::shutdown_runtime();
    std::ifstream in(log_dir_ / "failures.txt");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::filesystem::path log_dir_;
};

/// Waits (at most ~10 s) until `flag` is set; returns whether it was.
template <class Flag>
bool wait_for_flag(const Flag& flag) {
  for (int i = 0; i < 10000 && !flag.load(); ++i) pause_ms(1);
  return flag.load();
}

/// Polls stop_requested() for at most ~10 s; returns what it saw last.
inline bool wait_for_stop() {
  for (int i = 0; i < 10000 && !compss::this_task::stop_requested(); ++i) pause_ms(1);
  return compss::this_task::stop_requested();
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace compss_test
