#include "environment.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace compss::run {

std::string local_address_towards(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), "9", &hints, &found) != 0 || found == nullptr) return "";
  std::string address;
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  socklen_t len = sizeof local;
  // connect(2) on a UDP socket only picks the route (and its source address).
  if (fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0) {
    char text[INET_ADDRSTRLEN] = {};
    if (::inet_ntop(AF_INET, &local.sin_addr, text, sizeof text) != nullptr) address = text;
  }
  if (fd >= 0) ::close(fd);
  ::freeaddrinfo(found);
  return address;
}

std::string effective_bind(const Options& o, const LaunchPlan& plan, const AddressTowards& towards,
                           std::string* why_all) {
  if (!o.bind.empty()) return o.bind;
  if (plan.all_local()) return "127.0.0.1";
  std::string chosen;
  for (const WorkerSpec& w : plan.workers) {
    if (w.via == Via::local) continue;
    std::string here = towards(w.host);
    std::string why;
    if (here.empty()) {
      why = "host " + w.host + " does not resolve to an IPv4 address here";
    } else if (!chosen.empty() && here != chosen) {
      why = "the workers' hosts are reached through different interfaces (" + chosen + ", " +
            here + ")";
    }
    if (!why.empty()) {
      if (why_all != nullptr) *why_all = why;
      return "0.0.0.0";
    }
    chosen = here;
  }
  return chosen;
}

std::uint16_t effective_port(const Options& o, const LaunchPlan& plan) {
  if (o.port_given) return o.port;
  return plan.xml_port.value_or(0);
}

void check_bind_reachable(const std::string& bind, const LaunchPlan& plan) {
  if (bind.rfind("127.", 0) != 0) return;
  for (const WorkerSpec& w : plan.workers)
    if (w.via != Via::local)
      throw UsageError("compss-run: the master would listen on " + bind + " but worker " +
                       std::to_string(w.index) + " runs on " + w.host +
                       ", which cannot reach it (use --bind 0.0.0.0 or this host's address)");
}

std::string master_address_for(const WorkerSpec& w, const std::string& bind, std::uint16_t port,
                               const std::string& hostname) {
  std::string host = bind;
  if (bind == "0.0.0.0") host = w.via == Via::local ? "127.0.0.1" : hostname;
  return host + ":" + std::to_string(port);
}

EnvChanges master_environment(const Options& o, const LaunchPlan& plan, const std::string& secret,
                              int listen_fd, int exits_fd, bool progress) {
  EnvChanges c;
  c.set = {{"COMPSS_SECRET", secret},
           {"COMPSS_LISTEN_FD", std::to_string(listen_fd)},
           {"COMPSS_WORKERS_EXPECTED", std::to_string(plan.workers.size())}};
  if (o.master_cores) c.set.emplace_back("COMPSS_MASTER_CORES", std::to_string(*o.master_cores));
  if (!o.scheduler.empty()) c.set.emplace_back("COMPSS_SCHEDULER", o.scheduler);
  if (o.connect_timeout)
    c.set.emplace_back("COMPSS_CONNECT_TIMEOUT", std::to_string(*o.connect_timeout));
  // (Workers learn it from the master over their link: a Heartbeat, first.)
  if (o.worker_timeout)
    c.set.emplace_back("COMPSS_WORKER_TIMEOUT", std::to_string(*o.worker_timeout));
  if (o.timeout_grace)
    c.set.emplace_back("COMPSS_TIMEOUT_GRACE", std::to_string(*o.timeout_grace));
  if (!o.log_level.empty()) c.set.emplace_back("COMPSS_LOG_LEVEL", o.log_level);
  // The master's file streams send files' bytes to workers that do not share its files.
  if (!o.shared_fs.empty()) c.set.emplace_back("COMPSS_SHARED_FS", o.shared_fs);
  c.set.emplace_back("COMPSS_REQUIRE_WORKERS", o.require_workers ? "1" : "0");
  if (exits_fd >= 0) c.set.emplace_back("COMPSS_WORKER_EXITS_FD", std::to_string(exits_fd));
  else c.unset.push_back("COMPSS_WORKER_EXITS_FD");
  if (!o.trace.empty()) c.set.emplace_back("COMPSS_TRACE", o.trace);  // (the master writes it)
  c.set.emplace_back("COMPSS_GRAPH", o.graph ? "1" : "0");
  c.set.emplace_back("COMPSS_SUMMARY", o.summary ? "1" : "0");
  if (o.monitor) c.set.emplace_back("COMPSS_MONITOR", std::to_string(*o.monitor));
  else c.unset.push_back("COMPSS_MONITOR");
  // The XML files the workers come from: the master takes each worker's resources.xml
  // node over its report (config/xml_nodes.hpp). Unset otherwise: a variable inherited
  // here may have been overridden by --workers or --hosts.
  for (auto [path, name] : {std::pair{&o.resources, "COMPSS_RESOURCES"}, {&o.project, "COMPSS_PROJECT"}}) {
    // Only a regular file can be read again by the master: a pipe (`--resources <(...)`)
    // was drained by compss-run, so the master keeps the workers' reports then.
    std::error_code ec;
    if (path->empty() || !std::filesystem::is_regular_file(*path, ec)) c.unset.emplace_back(name);
    else c.set.emplace_back(name, std::filesystem::absolute(*path).string());
  }
  if (progress) c.set.emplace_back("COMPSS_PROGRESS", "1");
  else c.unset.push_back("COMPSS_PROGRESS");
  // The master must take the inherited socket, not bind again or act as a worker.
  c.unset.insert(c.unset.end(), {"COMPSS_LISTEN", "COMPSS_WORKER"});
  return c;
}

Variables worker_variables(const Options& o, const WorkerSpec& w, const std::string& master) {
  Variables v = {{"COMPSS_WORKER", master}, {"COMPSS_WORKER_NAME", w.name}};
  if (w.cores) v.emplace_back("COMPSS_WORKER_CORES", std::to_string(*w.cores));
  if (w.memory_gb) v.emplace_back("COMPSS_WORKER_MEMORY", std::to_string(*w.memory_gb));
  if (w.gpus) v.emplace_back("COMPSS_WORKER_GPUS", std::to_string(*w.gpus));
  if (!w.working_dir.empty()) v.emplace_back("COMPSS_WORKING_DIR", w.working_dir);
  if (!o.shared_fs.empty()) v.emplace_back("COMPSS_SHARED_FS", o.shared_fs);
  if (!o.log_level.empty()) v.emplace_back("COMPSS_LOG_LEVEL", o.log_level);
  // Each worker's data memory budget (docs/distributed.md, "Data memory of a worker") and
  // the largest stream element it sends inline, its producers' window delay and its
  // consumers' prefetch (docs/streams.md): passed on to every worker, ssh and srun ones too.
  for (const char* name : {"COMPSS_WORKER_DATA_MEMORY", "COMPSS_STREAM_INLINE_BYTES",
                           "COMPSS_STREAM_WINDOW_DELAY_US", "COMPSS_STREAM_PREFETCH_BYTES"}) {
    if (const char* value = std::getenv(name); value != nullptr && *value != '\0') v.emplace_back(name, value);
  }
  return v;
}

EnvChanges worker_environment(const Options& o, const WorkerSpec& w, const std::string& master,
                              const std::string& secret) {
  EnvChanges c;
  c.set = worker_variables(o, w, master);
  c.set.emplace_back("COMPSS_SECRET", secret);
  c.unset = {"COMPSS_LISTEN_FD", "COMPSS_LISTEN", "COMPSS_WORKERS_EXPECTED", "COMPSS_PROGRESS",
             "COMPSS_WORKER_EXITS_FD", "COMPSS_REQUIRE_WORKERS"};
  // A cores value inherited from compss-run's environment would contradict the XML.
  if (!w.cores) c.unset.push_back("COMPSS_WORKER_CORES");
  // Local workers share this machine's CPUs: each pinning its tasks to its own cores 0..n-1
  // would pile them onto the same CPUs. Unpinned unless the user asks (docs/pragmas.md).
  if (w.via == Via::local && std::getenv("COMPSS_CPU_AFFINITY") == nullptr) {
    c.set.emplace_back("COMPSS_CPU_AFFINITY", "disabled");
  }
  return c;
}

std::vector<std::string> apply_changes(char** base, const EnvChanges& c) {
  auto replaced = [&](const std::string& name) {
    return std::find(c.unset.begin(), c.unset.end(), name) != c.unset.end() ||
           std::any_of(c.set.begin(), c.set.end(), [&](auto& kv) { return kv.first == name; });
  };
  std::vector<std::string> out;
  for (char** e = base; e && *e; ++e) {
    std::string entry = *e;
    if (!replaced(entry.substr(0, entry.find('=')))) out.push_back(entry);
  }
  for (auto& [name, value] : c.set) out.push_back(name + "=" + value);
  return out;
}

}  // namespace compss::run
