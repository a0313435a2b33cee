#include "net/worker.hpp"

#include "net/io_thread.hpp"
#include "net/tcp_connection.hpp"

#include <compss/detail/remote_invoke.hpp>
#include <compss/error.hpp>

#include <cxxabi.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <typeinfo>

namespace compss::net {

namespace {

std::string demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> d(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                           std::free);
  return status == 0 && d ? std::string(d.get()) : std::string(name);
}

TaskFailed failed(const TaskRequest& r, std::string type, std::string message) {
  return TaskFailed{r.task_id, std::move(type), std::move(message)};
}

}  // namespace

Message execute_request(const TaskRequest& request) {
  const detail::RemoteTask* task = detail::find_remote_task(request.signature);
  if (task == nullptr) {
    return failed(request, "compss::Error",
                  "compss: no task with signature '" + request.signature +
                      "' in this worker (is it built from the same sources as the master?)");
  }
  std::vector<std::span<const std::byte>> inputs;
  inputs.reserve(request.params.size());
  for (const auto& p : request.params) inputs.emplace_back(p.value);
  std::vector<detail::RemoteOutput> outputs;
  try {
    task->invoke(inputs, outputs);
  } catch (const std::exception& e) {
    return failed(request, demangle(typeid(e).name()), e.what());
  } catch (...) {
    return failed(request, "unknown", "a task threw something that is not a std::exception");
  }
  TaskDone done{request.task_id, {}};
  for (auto& o : outputs) {
    WireParam w;
    if (o.param < request.params.size()) {
      w.data_id = request.params[o.param].data_id;
      w.version = request.params[o.param].version + 1;
      w.direction = request.params[o.param].direction;
      w.kind = request.params[o.param].kind;
    } else {
      w.direction = static_cast<std::uint8_t>(detail::Direction::out);  // the result
    }
    w.has_value = true;
    w.value = std::move(o.bytes);
    done.outputs.push_back(std::move(w));
  }
  return done;
}

std::size_t serve_tasks(Endpoint& master, bool* orderly) {
  std::size_t served = 0;
  if (orderly != nullptr) *orderly = false;
  for (;;) {
    Message m;
    std::error_code ec = master.receive(m, std::chrono::hours(24));
    if (ec == NetError::timed_out) continue;
    if (ec) return served;
    if (auto* r = std::get_if<TaskRequest>(&m)) {
      ++served;
      if (master.send(execute_request(*r))) return served;
    } else if (auto* q = std::get_if<DataFetchRequest>(&m)) {
      master.send(DataFetchReply{q->data_id, q->version, false, {}});
    } else if (std::holds_alternative<Shutdown>(m)) {
      if (orderly != nullptr) *orderly = true;
      return served;
    }
    // Other messages are not meant for a worker: ignored.
  }
}

WorkerSettings parse_worker_address(const std::string& value, const char* source) {
  auto bad = [&](const char* why) {
    return Error(std::string("compss: invalid ") + source + "='" + value + "': " + why +
                 " (expected host:port)");
  };
  std::size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) throw bad("missing host or port");
  WorkerSettings s;
  s.host = value.substr(0, colon);
  if (s.host.size() > 2 && s.host.front() == '[' && s.host.back() == ']') {
    s.host = s.host.substr(1, s.host.size() - 2);
  }
  std::string port = value.substr(colon + 1);
  if (port.empty() || port.size() > 5) throw bad("bad port");
  unsigned long n = 0;
  for (char c : port) {
    if (c < '0' || c > '9') throw bad("bad port");
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  if (n == 0 || n > 65535) throw bad("port out of range");
  s.port = static_cast<std::uint16_t>(n);
  return s;
}

bool worker_settings_from_env(WorkerSettings& out) {
  const char* address = std::getenv("COMPSS_WORKER");
  if (address == nullptr) return false;
  out = parse_worker_address(address, "COMPSS_WORKER");
  const char* secret = std::getenv("COMPSS_SECRET");
  if (secret == nullptr || *secret == '\0') {
    throw Error("compss: COMPSS_WORKER is set but COMPSS_SECRET is missing: a worker needs the "
                "run's secret");
  }
  out.secret = secret;
  return true;
}

int worker_main(const WorkerSettings& settings) {
  try {
    IoThread io;
    Hello hello;
    hello.secret = settings.secret;
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) == 0) hello.node_name = name;
    hello.cores = std::thread::hardware_concurrency();
    hello.pid = static_cast<std::uint32_t>(getpid());
    auto master = connect_to(io.context(), settings.host, settings.port, hello,
                             std::chrono::seconds(30));
    bool orderly = false;
    serve_tasks(*master, &orderly);
    master->close();
    if (!orderly) {
      std::fprintf(stderr, "compss: the master at %s:%u closed the connection before a shutdown "
                   "(wrong COMPSS_SECRET, or the master ended)\n", settings.host.c_str(),
                   static_cast<unsigned>(settings.port));
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}

}  // namespace compss::net
