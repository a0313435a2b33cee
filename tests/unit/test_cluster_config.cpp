// The master's COMPSS_* variables (runtime/net/cluster_config.hpp).
#include "net/cluster_config.hpp"

#include <compss/error.hpp>

#include <gtest/gtest.h>

#include <cstdlib>

using namespace compss::net;

namespace {
struct CleanEnv {
  CleanEnv() { clear(); }
  ~CleanEnv() { clear(); }
  static void clear() {
    for (const char* v : {"COMPSS_LISTEN_FD", "COMPSS_LISTEN", "COMPSS_SECRET",
                          "COMPSS_WORKERS_EXPECTED", "COMPSS_CONNECT_TIMEOUT",
                          "COMPSS_MASTER_CORES", "COMPSS_SCHEDULER", "COMPSS_LOG_LEVEL",
                          "COMPSS_PROGRESS", "COMPSS_WORKER_EXITS_FD", "COMPSS_REQUIRE_WORKERS",
                          "COMPSS_WORKER_TIMEOUT", "COMPSS_LOOKAHEAD"}) {
      unsetenv(v);
    }
  }
};

std::string error_of(unsigned cores) {
  try {
    cluster_config_from_env(cores);
  } catch (const compss::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(ClusterConfig, NothingSetMeansLocalCoresOnly) {
  CleanEnv env;
  ClusterConfig c = cluster_config_from_env(4);
  EXPECT_FALSE(c.distributed);
  EXPECT_EQ(c.master_cores, 4u);
}

TEST(ClusterConfig, EveryVariableIsRead) {
  CleanEnv env;
  setenv("COMPSS_LISTEN", "127.0.0.1:4567", 1);
  setenv("COMPSS_SECRET", "abc", 1);
  setenv("COMPSS_WORKERS_EXPECTED", "3", 1);
  setenv("COMPSS_CONNECT_TIMEOUT", "7", 1);
  setenv("COMPSS_MASTER_CORES", "0", 1);
  setenv("COMPSS_SCHEDULER", "lifo", 1);
  setenv("COMPSS_LOG_LEVEL", "info", 1);
  setenv("COMPSS_PROGRESS", "1", 1);
  setenv("COMPSS_WORKER_EXITS_FD", "9", 1);
  setenv("COMPSS_REQUIRE_WORKERS", "1", 1);
  setenv("COMPSS_WORKER_TIMEOUT", "3", 1);
  ClusterConfig c = cluster_config_from_env(4);
  EXPECT_EQ(c.worker_exits_fd, 9);
  EXPECT_TRUE(c.require_workers);
  EXPECT_TRUE(c.distributed);
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 4567);
  EXPECT_EQ(c.secret, "abc");
  EXPECT_EQ(c.workers_expected, 3u);
  EXPECT_EQ(c.connect_timeout.count(), 7);
  EXPECT_EQ(c.master_cores, 0u);
  EXPECT_EQ(c.policy, SchedulerPolicy::lifo);
  EXPECT_EQ(c.log_level, LogLevel::info);
  EXPECT_TRUE(c.progress);
  EXPECT_EQ(c.worker_timeout.count(), 3);
}

TEST(ClusterConfig, WorkerTimeoutDefaultsToTenSeconds) {
  CleanEnv env;
  setenv("COMPSS_LISTEN_FD", "3", 1);
  setenv("COMPSS_SECRET", "s", 1);
  EXPECT_EQ(cluster_config_from_env(2).worker_timeout.count(), 10);
  setenv("COMPSS_WORKER_TIMEOUT", "0", 1);  // never declared lost
  EXPECT_EQ(cluster_config_from_env(2).worker_timeout.count(), 0);
  setenv("COMPSS_WORKER_TIMEOUT", "2.5", 1);
  EXPECT_EQ(error_of(2), "compss: invalid COMPSS_WORKER_TIMEOUT='2.5': expected a whole number from 0 to 86400");
}

TEST(ClusterConfig, LookaheadDefaultsToEachWorkersCores) {
  CleanEnv env;
  setenv("COMPSS_LISTEN_FD", "3", 1);
  setenv("COMPSS_SECRET", "s", 1);
  EXPECT_EQ(cluster_config_from_env(2).lookahead, -1);  // (RemoteExecutor::lookahead)
  setenv("COMPSS_LOOKAHEAD", "0", 1);  // none: a worker is sent only what its free resources fit
  EXPECT_EQ(cluster_config_from_env(2).lookahead, 0);
  setenv("COMPSS_LOOKAHEAD", "16", 1);
  EXPECT_EQ(cluster_config_from_env(2).lookahead, 16);
  setenv("COMPSS_LOOKAHEAD", "-1", 1);
  EXPECT_EQ(error_of(2), "compss: invalid COMPSS_LOOKAHEAD='-1': expected a whole number from 0 to 1024");
}

TEST(ClusterConfig, BadValuesAreClearErrors) {
  CleanEnv env;
  setenv("COMPSS_LISTEN_FD", "3", 1);
  EXPECT_NE(error_of(2).find("COMPSS_SECRET"), std::string::npos);
  setenv("COMPSS_SECRET", "s", 1);
  setenv("COMPSS_SCHEDULER", "random", 1);
  EXPECT_EQ(error_of(2), "compss: invalid COMPSS_SCHEDULER='random': expected fifo, lifo or locality");
  unsetenv("COMPSS_SCHEDULER");
  setenv("COMPSS_MASTER_CORES", "two", 1);
  EXPECT_EQ(error_of(2), "compss: invalid COMPSS_MASTER_CORES='two': expected a whole number from 0 to 4096");
  unsetenv("COMPSS_MASTER_CORES");
  setenv("COMPSS_WORKERS_EXPECTED", "1025", 1);
  EXPECT_EQ(error_of(2), "compss: invalid COMPSS_WORKERS_EXPECTED='1025': expected a whole number from 0 to 1024");
  unsetenv("COMPSS_WORKERS_EXPECTED");
  setenv("COMPSS_REQUIRE_WORKERS", "yes", 1);
  EXPECT_EQ(error_of(2), "compss: invalid COMPSS_REQUIRE_WORKERS='yes': expected 1 or 0");
  unsetenv("COMPSS_REQUIRE_WORKERS");
  setenv("COMPSS_WORKER_EXITS_FD", "-1", 1);
  EXPECT_EQ(error_of(2), "compss: invalid COMPSS_WORKER_EXITS_FD='-1': expected a whole number from 0 to 1048576");
  unsetenv("COMPSS_WORKER_EXITS_FD");
  setenv("COMPSS_LOG_LEVEL", "loud", 1);
  EXPECT_EQ(error_of(2), "compss: invalid COMPSS_LOG_LEVEL='loud': expected off, info or debug");
  unsetenv("COMPSS_LOG_LEVEL");
  unsetenv("COMPSS_LISTEN_FD");
  setenv("COMPSS_LISTEN", "nohostport", 1);
  EXPECT_NE(error_of(2).find("COMPSS_LISTEN"), std::string::npos);
}
