#include "settings/run_config.hpp"
#include "settings/value_names.hpp"

#include "sched/detect.hpp"

#include <compss/detail/config.hpp>
#include <compss/error.hpp>

#include <boost/asio/ip/address.hpp>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <deque>
#include <mutex>
#include <string_view>

#include <sys/stat.h>
#include <unistd.h>

namespace compss::config {

namespace {

[[noreturn]] void invalid(const char* name, std::string_view value, const std::string& why) {
  throw Error(std::string("compss: invalid ") + name + "='" + std::string(value) + "': " + why);
}

/// A variable that is set and not empty, or null.
const char* set(const Env& env, const char* name) {
  const char* v = env(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

/// The value `value` of variable `name` spells in `names` (settings/value_names.hpp), or the
/// error listing them all.
template <const auto& Names>
auto named(const char* name, std::string_view value) {
  if (const auto* v = find_named(Names, value)) return *v;
  invalid(name, value, "expected " + joined_names(names_of<Names>, ", ", " or "));
}

unsigned whole_number(const char* name, std::string_view value, unsigned lo, unsigned hi) {
  return static_cast<unsigned>(detail::whole_number_variable(name, value, lo, hi));
}

/// COMPSS_LOOKAHEAD's bound: requests waiting on one worker (each holds its inputs' request).
constexpr unsigned max_lookahead = 1024;
/// A file descriptor inherited from compss-run.
constexpr unsigned max_fd = 1u << 20;

/// "automatic" (or unset, empty) / "disabled"; `automatic_means` explains the default.
bool affinity(const Env& env, const char* name, const char* automatic_means) {
  const char* v = env(name);
  const std::string_view s = v == nullptr ? "" : v;
  if (s.empty() || s == "automatic") return true;
  if (s == "disabled") return false;
  invalid(name, s, std::string("expected 'automatic' (") + automatic_means + ", the default) or 'disabled'");
}

MpiFlavour mpi_flavour(const Env& env) {
  const char* v = env("COMPSS_MPIRUN_TYPE");
  const std::string_view t = v != nullptr ? v : "";
  if (t.empty() || t == "openmpi" || t == "ompi") return MpiFlavour::openmpi;
  if (t == "mpich" || t == "impi") return MpiFlavour::mpich;
  invalid("COMPSS_MPIRUN_TYPE", t, "not an MPI implementation compss knows: use openmpi (or ompi), mpich (or impi)");
}

/// COMPSS_SHARED_FS: yes/1 (the default) or no/0.
bool shared_fs(const Env& env) {
  const char* v = env("COMPSS_SHARED_FS");
  if (v == nullptr) return true;
  return named<shared_fs_names>("COMPSS_SHARED_FS", v);
}

unsigned test_pause_ms(const Env& env) {
  const char* v = env("COMPSS_TEST_PAUSE_IN_TRANSFER");
  if (v == nullptr) return 0;
  const auto ms = detail::parse_whole_number(v, 1, 600'000);
  if (!ms) {
    invalid("COMPSS_TEST_PAUSE_IN_TRANSFER", v,
            "expected a pause in milliseconds, from 1 to 600000 (a test-only variable; unset it)");
  }
  return static_cast<unsigned>(*ms);
}

/// COMPSS_GRAPH, COMPSS_SUMMARY: 1 or 0 (empty: 0).
bool switch_variable(const Env& env, const char* name) {
  const char* v = env(name);
  if (v == nullptr) return false;
  if (*v == '\0') return false;
  return named<switch_names>(name, v);
}

ObserveVariables observe_variables(const Env& env) {
  ObserveVariables o;
  o.graph = switch_variable(env, "COMPSS_GRAPH");
  o.summary = switch_variable(env, "COMPSS_SUMMARY");
  if (const char* v = set(env, "COMPSS_MONITOR")) {
    o.monitor = static_cast<std::uint16_t>(detail::whole_number_variable("COMPSS_MONITOR", v, 0, 65535));
  }
  if (const char* v = set(env, "COMPSS_GRAPH_SVG_MAX")) {
    o.graph_svg_max = detail::whole_number_variable("COMPSS_GRAPH_SVG_MAX", v, 0, 10'000'000);
  }
  if (const char* v = set(env, "COMPSS_TRACE"); v != nullptr && std::string_view(v) != "0") {
    o.trace = v;
    if (const char* m = set(env, "COMPSS_TRACE_MAX_EVENTS")) {
      o.trace_max_events = detail::whole_number_variable("COMPSS_TRACE_MAX_EVENTS", m, 1, 1'000'000'000);
    }
  }
  return o;
}

/// The process's working directory as its user names it (MasterSettings::working_dir).
std::string working_dir(const Env& env) {
  std::error_code ec;
  const std::filesystem::path physical = std::filesystem::current_path(ec);
  if (ec) return "";
  struct stat a {}, b {};
  if (const char* pwd = set(env, "PWD"); pwd != nullptr && *pwd == '/' && ::stat(pwd, &a) == 0 &&
      ::stat(physical.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
    return pwd;
  }
  return physical.string();
}

/// COMPSS_KEPT_DIR on the master: links are made in it, so it must be a directory the
/// master can write (a typo would otherwise put every link beside its file, unseen).
void check_kept_dir(const std::string& dir) {
  if (dir.empty()) return;
  const char* fix = ": name an existing directory the master can write (on the file system of the files "
                    "tasks read), or unset it (the master's working directory) or set it to 'beside'";
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) invalid("COMPSS_KEPT_DIR", dir, std::string(std::strerror(errno)) + fix);
  if (!S_ISDIR(st.st_mode)) invalid("COMPSS_KEPT_DIR", dir, std::string("not a directory") + fix);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    invalid("COMPSS_KEPT_DIR", dir, "the master cannot create entries in it (" +
                                        std::string(std::strerror(errno)) + ")" + fix);
  }
}

}  // namespace

const char* process_env(const char* name) { return std::getenv(name); }

std::pair<std::string, std::uint16_t> parse_address(const std::string& value, const char* source) {
  auto bad = [&](const char* why) {
    return Error(std::string("compss: invalid ") + source + "='" + value + "': " + why +
                 " (expected host:port)");
  };
  std::size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) throw bad("missing host or port");
  std::string host = value.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  auto n = detail::parse_whole_number(value.substr(colon + 1), 1, 65535);
  if (!n) throw bad("the port must be a whole number from 1 to 65535");
  return {std::move(host), static_cast<std::uint16_t>(*n)};
}

LogLevel read_log_level(const Env& env) {
  const char* v = set(env, "COMPSS_LOG_LEVEL");
  if (v == nullptr) return LogLevel::off;
  return named<log_level_names>("COMPSS_LOG_LEVEL", v);
}

MasterSettings read_master_settings(const Env& env, unsigned default_cores) {
  MasterSettings c;
  c.master_cores = default_cores;
  if (const char* fd = set(env, "COMPSS_LISTEN_FD")) {
    c.listen_fd = static_cast<int>(whole_number("COMPSS_LISTEN_FD", fd, 0, max_fd));
    c.distributed = true;
  } else if (const char* listen = set(env, "COMPSS_LISTEN")) {
    std::tie(c.listen_host, c.listen_port) = parse_address(listen, "COMPSS_LISTEN");
    c.distributed = true;
  }
  c.log_level = read_log_level(env);
  if (const char* v = set(env, "COMPSS_PROGRESS")) c.progress = named<switch_names>("COMPSS_PROGRESS", v);
  if (const char* v = set(env, "COMPSS_KEEP_READ_FILES")) {
    c.keep_read_files = named<switch_names>("COMPSS_KEEP_READ_FILES", v);
  }
  if (const char* v = set(env, "COMPSS_KEPT_DIR")) {
    const std::string_view dir = v;
    if (dir == "beside") {
      c.kept_beside = true;
    } else if (dir.front() != '/') {
      // (relative to which directory: the master's or a worker's? named absolutely)
      invalid("COMPSS_KEPT_DIR", dir, "expected an absolute directory or 'beside'");
    } else {
      c.kept_dir = dir;
    }
  }
  c.working_dir = working_dir(env);
  if (!c.distributed) return c;
  const char* secret = set(env, "COMPSS_SECRET");
  if (secret == nullptr) throw Error("compss: a master-worker run needs COMPSS_SECRET (compss-run sets it)");
  c.secret = secret;
  if (const char* v = set(env, "COMPSS_WORKERS_EXPECTED")) {
    c.workers_expected = whole_number("COMPSS_WORKERS_EXPECTED", v, 0, detail::max_workers);
  }
  if (const char* v = set(env, "COMPSS_CONNECT_TIMEOUT")) {
    c.connect_timeout =
        std::chrono::seconds(whole_number("COMPSS_CONNECT_TIMEOUT", v, 1, detail::max_connect_timeout));
  }
  if (const char* v = set(env, "COMPSS_WORKER_EXITS_FD")) {
    c.worker_exits_fd = static_cast<int>(whole_number("COMPSS_WORKER_EXITS_FD", v, 0, max_fd));
  }
  if (const char* v = set(env, "COMPSS_REQUIRE_WORKERS")) {
    c.require_workers = named<switch_names>("COMPSS_REQUIRE_WORKERS", v);
  }
  if (const char* v = set(env, "COMPSS_WORKER_TIMEOUT")) {
    c.worker_timeout = std::chrono::seconds(whole_number("COMPSS_WORKER_TIMEOUT", v, 0, detail::max_worker_timeout));
  }
  if (const char* v = set(env, "COMPSS_TIMEOUT_GRACE")) {
    c.timeout_grace = std::chrono::seconds(whole_number("COMPSS_TIMEOUT_GRACE", v, 0, detail::max_timeout_grace));
  }
  if (const char* v = set(env, "COMPSS_WORKER_RESTART_FD")) {
    c.worker_restart_fd = static_cast<int>(whole_number("COMPSS_WORKER_RESTART_FD", v, 0, max_fd));
  }
  if (const char* v = set(env, "COMPSS_MASTER_CORES")) {
    c.master_cores = whole_number("COMPSS_MASTER_CORES", v, 0, detail::max_threads);
  }
  if (const char* v = set(env, "COMPSS_LOOKAHEAD")) {
    c.lookahead = static_cast<int>(whole_number("COMPSS_LOOKAHEAD", v, 0, max_lookahead));
  }
  if (const char* v = set(env, "COMPSS_RESOURCES")) c.resources_xml = v;  // (read by the master's
  if (const char* v = set(env, "COMPSS_PROJECT")) c.project_xml = v;      // Cluster: config/)
  if (const char* v = set(env, "COMPSS_SCHEDULER")) c.policy = named<scheduler_names>("COMPSS_SCHEDULER", v);
  return c;
}

std::optional<WorkerSettings> read_worker_settings(const Env& env) {
  const char* address = env("COMPSS_WORKER");
  if (address == nullptr) return std::nullopt;
  WorkerSettings out;
  std::tie(out.host, out.port) = parse_address(address, "COMPSS_WORKER");
  const char* secret = set(env, "COMPSS_SECRET");
  if (secret == nullptr) {
    throw Error("compss: COMPSS_WORKER is set but COMPSS_SECRET is missing: a worker needs the "
                "run's secret");
  }
  out.secret = secret;
  if (const char* cores = env("COMPSS_WORKER_CORES")) {
    out.cores = whole_number("COMPSS_WORKER_CORES", cores, 1, detail::max_worker_cores);
  }
  if (const char* memory = set(env, "COMPSS_WORKER_MEMORY")) {
    out.memory_gb = sched::memory_gb_variable("COMPSS_WORKER_MEMORY", memory);
  }
  if (const char* data = set(env, "COMPSS_WORKER_DATA_MEMORY")) {
    out.data_memory_gb = sched::memory_gb_variable("COMPSS_WORKER_DATA_MEMORY", data,
                                                   "the most data the worker keeps");
  }
  if (const char* gpus = set(env, "COMPSS_WORKER_GPUS")) {
    out.gpus = whole_number("COMPSS_WORKER_GPUS", gpus, 0, detail::max_worker_cores);
  }
  if (const char* name = env("COMPSS_WORKER_NAME")) {
    if (*name == '\0') invalid("COMPSS_WORKER_NAME", name, "must not be empty");
    out.name = name;
  }
  if (const char* bind = env("COMPSS_WORKER_BIND")) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(bind, ec);
    if (ec) invalid("COMPSS_WORKER_BIND", bind, "expected an IP address (" + ec.message() + ")");
    out.bind = bind;
  }
  out.shared_files = shared_fs(env);
  out.log_level = read_log_level(env);
  if (const char* dir = env("COMPSS_WORKING_DIR")) {
    if (*dir == '\0') invalid("COMPSS_WORKING_DIR", dir, "must not be empty");
    out.working_dir = dir;
  }
  return out;
}

RunConfig read_run_config(const Env& env) {
  RunConfig c;
  c.worker = read_worker_settings(env);  // (first: a worker's own variables are its start)
  c.threads = detail::parse_thread_count(env("COMPSS_THREADS"));
  c.master = read_master_settings(env, c.threads);
  // (Only a master keeping read files makes links: not a worker, nor a local run, nor
  // COMPSS_KEEP_READ_FILES=0, which never read it: a stale one fails nothing there.)
  if (!c.worker && c.master.distributed && c.master.keep_read_files) check_kept_dir(c.master.kept_dir);
  c.log_level = c.master.log_level;
  if (const char* v = set(env, "COMPSS_LOG_DIR")) c.log_dir = v;
  if (const char* v = set(env, "COMPSS_MEMORY")) c.memory_gb = sched::memory_gb_variable("COMPSS_MEMORY", v);
  // GPUs are not detected: the master declares them.
  if (const char* v = set(env, "COMPSS_GPUS")) c.gpus = whole_number("COMPSS_GPUS", v, 0, detail::max_worker_cores);
  c.cpu_affinity = affinity(env, "COMPSS_CPU_AFFINITY", "pin each task's thread to its cores");
  c.gpu_affinity = affinity(env, "COMPSS_GPU_AFFINITY", "an external program sees only its task's GPUs");
  c.mpirun = mpi_flavour(env);
  c.shared_fs = shared_fs(env);
  if (const char* v = env("COMPSS_STREAM_FILES_MESSAGE_BYTES")) {
    c.stream_files_message_bytes = detail::whole_number_variable(
        "COMPSS_STREAM_FILES_MESSAGE_BYTES", v, 1, std::size_t{1} << 30);
  }
  if (const char* v = set(env, "COMPSS_STREAM_INLINE_BYTES")) {
    c.stream_inline_bytes = whole_number("COMPSS_STREAM_INLINE_BYTES", v, 0, 1u << 20);
  }
  if (const char* v = set(env, "COMPSS_STREAM_WINDOW_DELAY_US")) {
    c.stream_window_delay_us = whole_number("COMPSS_STREAM_WINDOW_DELAY_US", v, 0, 1000000);
  }
  if (const char* v = set(env, "COMPSS_STREAM_PREFETCH_BYTES")) {
    c.stream_prefetch_bytes = detail::whole_number_variable(
        "COMPSS_STREAM_PREFETCH_BYTES", v, 0, std::size_t{1} << 30);
  }
  c.test_pause_in_transfer_ms = test_pause_ms(env);
  c.observe = observe_variables(env);
  return c;
}

namespace {
// Only constant-initialised state at namespace scope: a user program's global constructor
// may start the runtime (and so call load_run_config) before this file's dynamic
// initialisers have run. The deque of installed configurations is therefore built on
// first use and never destroyed (readers keep references until the process ends).
constinit std::mutex installed_mutex;                     // guards installed() (a leaf)
constinit std::atomic<const RunConfig*> current{nullptr};  // the last installed

std::deque<RunConfig>& installed() {  // never shrinks: readers keep references
  static auto* configs = new std::deque<RunConfig>;
  return *configs;
}
}  // namespace

const RunConfig& load_run_config() {
  RunConfig c = read_run_config(process_env);
  std::lock_guard lock(installed_mutex);
  const RunConfig& now = installed().emplace_back(std::move(c));
  current.store(&now, std::memory_order_release);
  return now;
}

const RunConfig& run_config() {
  if (const RunConfig* c = current.load(std::memory_order_acquire)) return *c;
  return load_run_config();
}

}  // namespace compss::config
