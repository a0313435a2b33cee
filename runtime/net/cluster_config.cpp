#include "net/cluster_config.hpp"

#include "net/worker.hpp"

#include <compss/detail/config.hpp>
#include <compss/error.hpp>

#include <cstdlib>
#include <string_view>

namespace compss::net {

namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

Error invalid(const char* name, const char* value, const std::string& why) {
  return Error(std::string("compss: invalid ") + name + "='" + value + "': " + why);
}

/// COMPSS_LOOKAHEAD's bound: requests waiting on one worker (each holds its inputs' request).
constexpr unsigned max_lookahead = 1024;

unsigned whole_number(const char* name, const char* value, unsigned lo, unsigned hi) {
  return static_cast<unsigned>(detail::whole_number_variable(name, value, lo, hi));
}

}  // namespace

LogLevel log_level_from_env() {
  const char* v = env("COMPSS_LOG_LEVEL");
  if (v == nullptr) return LogLevel::off;
  std::string_view s(v);
  if (s == "off") return LogLevel::off;
  if (s == "info") return LogLevel::info;
  if (s == "debug") return LogLevel::debug;
  throw invalid("COMPSS_LOG_LEVEL", v, "expected off, info or debug");
}

ClusterConfig cluster_config_from_env(unsigned default_cores) {
  ClusterConfig c;
  c.master_cores = default_cores;
  if (const char* fd = env("COMPSS_LISTEN_FD")) {
    c.listen_fd = static_cast<int>(whole_number("COMPSS_LISTEN_FD", fd, 0, 1u << 20));
    c.distributed = true;
  } else if (const char* listen = env("COMPSS_LISTEN")) {
    WorkerSettings where = parse_worker_address(listen, "COMPSS_LISTEN");
    c.listen_host = where.host;
    c.listen_port = where.port;
    c.distributed = true;
  }
  c.log_level = log_level_from_env();
  if (const char* v = env("COMPSS_PROGRESS")) c.progress = std::string_view(v) == "1";
  if (!c.distributed) return c;
  const char* secret = env("COMPSS_SECRET");
  if (secret == nullptr) {
    throw Error("compss: a master-worker run needs COMPSS_SECRET (compss-run sets it)");
  }
  c.secret = secret;
  if (const char* v = env("COMPSS_WORKERS_EXPECTED")) {
    c.workers_expected = whole_number("COMPSS_WORKERS_EXPECTED", v, 0, detail::max_workers);
  }
  if (const char* v = env("COMPSS_CONNECT_TIMEOUT")) {
    c.connect_timeout = std::chrono::seconds(
        whole_number("COMPSS_CONNECT_TIMEOUT", v, 1, detail::max_connect_timeout));
  }
  if (const char* v = env("COMPSS_WORKER_EXITS_FD")) {
    c.worker_exits_fd = static_cast<int>(whole_number("COMPSS_WORKER_EXITS_FD", v, 0, 1u << 20));
  }
  if (const char* v = env("COMPSS_REQUIRE_WORKERS")) {
    std::string_view s(v);
    if (s != "1" && s != "0") throw invalid("COMPSS_REQUIRE_WORKERS", v, "expected 1 or 0");
    c.require_workers = s == "1";
  }
  if (const char* v = env("COMPSS_WORKER_TIMEOUT")) {
    c.worker_timeout = std::chrono::seconds(whole_number("COMPSS_WORKER_TIMEOUT", v, 0, detail::max_worker_timeout));
  }
  if (const char* v = env("COMPSS_TIMEOUT_GRACE")) {
    c.timeout_grace = std::chrono::seconds(whole_number("COMPSS_TIMEOUT_GRACE", v, 0, detail::max_timeout_grace));
  }
  if (const char* v = env("COMPSS_WORKER_RESTART_FD")) {
    c.worker_restart_fd = static_cast<int>(whole_number("COMPSS_WORKER_RESTART_FD", v, 0, 1u << 20));
  }
  if (const char* v = env("COMPSS_MASTER_CORES")) {
    c.master_cores = whole_number("COMPSS_MASTER_CORES", v, 0, detail::max_threads);
  }
  if (const char* v = env("COMPSS_LOOKAHEAD")) {
    c.lookahead = static_cast<int>(whole_number("COMPSS_LOOKAHEAD", v, 0, max_lookahead));
  }
  if (const char* v = env("COMPSS_SCHEDULER")) {
    std::string_view s(v);
    if (s == "fifo") {
      c.policy = SchedulerPolicy::fifo;
    } else if (s == "lifo") {
      c.policy = SchedulerPolicy::lifo;
    } else if (s == "locality") {
      c.policy = SchedulerPolicy::locality;
    } else {
      throw invalid("COMPSS_SCHEDULER", v, "expected fifo, lifo or locality");
    }
  }
  return c;
}

}  // namespace compss::net
