#include "net/worker.hpp"

#include <compss/detail/external_call.hpp>

#include "core/access.hpp"
#include "core/remote_deadline.hpp"
#include "exec/binding_environment.hpp"
#include "local/constrained.hpp"
#include "net/attempt_files.hpp"
#include "net/unanswered_files.hpp"
#include "net/file_staging.hpp"
#include "net/kept_files.hpp"
#include "net/io_thread.hpp"
#include "net/stream_client.hpp"
#include "net/stream_elements.hpp"
#include "net/stream_service.hpp"
#include "stream/task_threads.hpp"
#include "net/peer_fetch.hpp"
#include "net/peer_server.hpp"
#include "net/resource_report.hpp"
#include "net/tcp_connection.hpp"
#include "net/worker_globals.hpp"
#include "net/worker_event_log.hpp"
#include "net/worker_heartbeat.hpp"
#include "net/worker_store.hpp"
#include "sched/detect.hpp"

#include <compss/detail/config.hpp>
#include <compss/detail/external_call.hpp>
#include <compss/detail/remote_invoke.hpp>
#include <compss/error.hpp>
#include <compss/exception.hpp>

#include <boost/asio/ip/address.hpp>

#include <cxxabi.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <typeinfo>

namespace compss::net {

namespace {

using detail::Direction;

std::string demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> d(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                           std::free);
  return status == 0 && d ? std::string(d.get()) : std::string(name);
}

TaskFailed failed(const TaskRequest& r, std::string type, std::string message) {
  return TaskFailed{r.task_id, std::move(type), std::move(message)};
}

/// The worker's steady clock in ns (the times of WorkerTimes and of its events).
std::int64_t steady_ns() noexcept { return worker_clock_ns(); }

/// Thrown while gathering inputs; becomes TaskFailed "compss::DataMissing".
struct DataMissing {
  std::string message;
};

/// The value of parameter `i` as the invoker gets it: inline, stored, fetched, or none (an
/// out parameter starts default-constructed). Values are never copied: an inline value is
/// moved out of the request, and a fetched one lands in the object it is read as.
/// A value fetched from a peer is added to `times.fetches`.
WorkerStore::Value held_or_fetched(const WireParam& p, const detail::RemoteTask& task,
                                   std::size_t i, WorkerStore* store, PeerFetcher* peers,
                                   WorkerTimes& times);

WorkerStore::Value input_value(TaskRequest& r, const detail::RemoteTask& task, std::size_t i,
                               WorkerStore* store, PeerFetcher* peers, WorkerTimes& times) {
  WireParam& p = r.params[i];
  if (p.has_value) {
    if (store != nullptr && p.data_id != 0) {
      return store->put(p.data_id, p.version, std::move(p.value), WorkerStore::copy);
    }
    return std::make_shared<const detail::BytesValue>(std::move(p.value));
  }
  if (!rt::reads(static_cast<Direction>(p.direction)) || p.data_id == 0) return nullptr;
  return held_or_fetched(p, task, i, store, peers, times);
}

/// A version this worker holds, or fetches from the parameter's source (then holds).
WorkerStore::Value held_or_fetched(const WireParam& p, const detail::RemoteTask& task,
                                   std::size_t i, WorkerStore* store, PeerFetcher* peers,
                                   WorkerTimes& times) {
  if (store != nullptr) {
    if (auto held = store->get(p.data_id, p.version)) return held;
  }
  std::string what = "compss: parameter '" + std::string(task.spec->params[i].name) +
                     "' of task '" + task.spec->name + "': data " + std::to_string(p.data_id) +
                     " version " + std::to_string(p.version) + " is not on this worker";
  if (p.source.empty()) throw DataMissing{what + " and no source was given"};
  WorkerStore::Value fetched;
  std::string why = "no peer connections on this worker";
  detail::SinkFactory sink;
  if (task.sinks != nullptr && task.sinks[i] != nullptr) sink = task.sinks[i];
  const std::int64_t begin = steady_ns();
  if (peers == nullptr || !peers->fetch(p.source, p.data_id, p.version, sink, fetched, why)) {
    throw DataMissing{what + " and fetching it from " + p.source + " failed: " + why};
  }
  times.fetches.push_back({static_cast<std::uint32_t>(i), fetched->size(), begin, steady_ns()});
  if (store != nullptr) return store->put(p.data_id, p.version, std::move(fetched), WorkerStore::copy);
  return fetched;
}

[[noreturn]] void invalid(const char* var, const std::string& value, const std::string& why) {
  throw Error(std::string("compss: invalid ") + var + "='" + value + "': " + why);
}

void enter_working_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) invalid("COMPSS_WORKING_DIR", dir, "cannot create it: " + ec.message());
  if (chdir(dir.c_str()) != 0) {
    invalid("COMPSS_WORKING_DIR", dir, std::string("cannot enter it: ") + std::strerror(errno));
  }
}

/// The worker's last line when the run did not simply end with a Shutdown: what happened,
/// as far as the worker can tell (`served`: task requests it took; `abandoned`: tasks
/// still running that it leaves behind).
void report_worker_end(const WorkerSettings& settings, const std::string& name, bool orderly,
                       std::size_t served, std::size_t abandoned) {
  const std::string master = settings.host + ":" + std::to_string(settings.port);
  if (orderly) {
    if (abandoned == 0) return;
    // The master sends Shutdown once it waits for nothing: these are tasks it gave up on.
    std::fprintf(stderr, "compss: worker %s: the run ended while %zu task(s) the master had "
                 "stopped waiting for (time_out) still ran here: exiting without them\n",
                 name.c_str(), abandoned);
  } else if (served == 0) {
    std::fprintf(stderr, "compss: worker %s: the master at %s closed the connection before "
                 "sending any work and without a shutdown (a wrong COMPSS_SECRET, the master "
                 "ended before it used this worker, or this worker connected after the run "
                 "started and was refused)\n", name.c_str(), master.c_str());
  } else if (abandoned == 0) {
    std::fprintf(stderr, "compss: worker %s: the connection to the master at %s ended without "
                 "a shutdown (the master was interrupted, killed or crashed, or it declared this worker lost)\n", name.c_str(),
                 master.c_str());
  } else {
    std::fprintf(stderr, "compss: worker %s: the connection to the master at %s ended without "
                 "a shutdown (the master was interrupted, killed or crashed, or it declared this worker lost) while %zu task(s) "
                 "ran here: exiting without them\n", name.c_str(), master.c_str(), abandoned);
  }
}

/// The worker's last line when it fenced itself: it did not run for `pause` (SIGSTOP, a
/// frozen VM, starvation), longer than the master waits, so the master declared it lost.
void report_fenced(const WorkerSettings& settings, const std::string& name,
                   std::chrono::milliseconds pause, std::size_t abandoned) {
  std::fprintf(stderr, "compss: worker %s did not run for %.1f s (stopped or starved), longer "
               "than its master at %s:%u waits (COMPSS_WORKER_TIMEOUT): the master has declared "
               "it lost and given its tasks to others; exiting without answering%s\n",
               name.c_str(), static_cast<double>(pause.count()) / 1000.0, settings.host.c_str(),
               static_cast<unsigned>(settings.port),
               abandoned > 0 ? " (and without the tasks still running here)" : "");
}

std::string host_name() {
  char name[256] = {};
  return gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string("worker");
}

}  // namespace

namespace {

/// True for a task with a stream parameter.
bool is_stream_task(const detail::TaskSpec& spec) {
  for (std::size_t i = 0; i < spec.param_count; ++i) {
    if (spec.params[i].kind == detail::ParamKind::stream) return true;
  }
  return false;
}

/// True when the request is for a task with a stream parameter.
bool is_stream_request(const TaskRequest& request) {
  const detail::RemoteTask* task = detail::find_remote_task(request.signature);
  return task != nullptr && is_stream_task(*task->spec);
}

/// A remake reads a kept version of a file at its link (net/kept_files.hpp): one this
/// worker cannot read fails the attempt clearly (the body would read a missing file).
void require_kept_readable(const WireParam& p) {
  if (!p.has_value) return;
  std::string path;
  try {
    from_bytes(p.value, path);
  } catch (const std::exception&) {
    return;  // (not a path: the body's own error)
  }
  if (kept_files::is_kept(path)) kept_files::require_readable(path);
}

/// execute_request without its times' start: fills the rest of `times` as it goes.
Message run_request(TaskRequest request, WorkerStore* store, PeerFetcher* peers,
                    bool shared_files, WorkerTimes& times, const rt::BoundIds* ids,
                    rt::RemoteDeadlineScope::Clock::time_point deadline) {
  const detail::RemoteTask* task = detail::find_remote_task(request.signature);
  if (task == nullptr) {
    return failed(request, "compss::Error",
                  "compss: no task with signature '" + request.signature +
                      "' in this worker (is it built from the same sources as the master?)");
  }
  const detail::TaskSpec& spec = *task->spec;
  const std::size_t arity = spec.param_count;
  if (request.params.size() != arity && request.params.size() != arity + 1) {
    return failed(request, "compss::Error",
                  "compss: task '" + std::string(spec.name) + "' expects " +
                      std::to_string(arity) + " parameters (and optionally its result's datum), got " +
                      std::to_string(request.params.size()));
  }
  for (const WireParam& p : request.params) {
    // An output is stored as the version the master names, after the one it reads.
    if (store != nullptr && p.data_id != 0 && rt::writes(static_cast<Direction>(p.direction)) &&
        p.stored_as <= p.version) {
      return failed(request, "compss::Error",
                    "compss: task '" + std::string(spec.name) + "': the request names no "
                    "version to store what it writes to data " + std::to_string(p.data_id) +
                    " as (stored_as " + std::to_string(p.stored_as) + " after version " +
                    std::to_string(p.version) + ")");
    }
  }
  // Keeps the input values alive while the invoker reads them.
  std::vector<WorkerStore::Value> held(arity);
  std::vector<detail::RemoteInput> inputs(arity);
  std::vector<detail::RemoteOutput> outputs;
  // Without the master's files: each file parameter is staged here (local paths).
  std::optional<TaskFileStage> stage;
  std::vector<std::string> local_paths(arity);
  std::vector<WireParam> staged_outputs;
  // The master's values of the globals it reads (serve_tasks took them in arrival order),
  // loaded into this process's variables while it runs.
  const bool reads_globals = !request.globals.empty() && task->travels();
  // The files the body wrote here (without the master's files). Stored as the version the
  // master named when it has a datum id and `stored`; else the bytes go back in the
  // answer (`version` names the parameter; a file the task did not write has no bytes).
  auto written_files = [&](bool stored) {
    std::vector<WireParam> written;
    for (std::size_t i = 0; i < arity; ++i) {
      const Direction d = spec.params[i].direction;
      if (local_paths[i].empty() || !rt::writes(d)) continue;
      const WireParam& p = request.params[i];
      WireParam w;
      w.direction = static_cast<std::uint8_t>(d);
      w.kind = static_cast<std::uint8_t>(detail::ParamKind::file);
      std::optional<std::vector<std::byte>> bytes = read_file_bytes(local_paths[i]);
      if (stored && p.data_id != 0 && store != nullptr && bytes) {
        w.data_id = p.data_id;
        w.version = p.stored_as;
        w.size = bytes->size();
        store->put(w.data_id, w.version, std::move(*bytes));
      } else {
        w.version = i;
        if (bytes) {
          w.has_value = true;
          w.size = bytes->size();
          w.value = std::move(*bytes);
        }
      }
      written.push_back(std::move(w));
    }
    return written;
  };
  // The values the invoker produced, as an answer names them: stored here as the versions
  // the master named (a datum), else carried in it.
  auto stored_outputs = [&] {
    std::vector<WireParam> answered;
    for (auto& o : outputs) {
      WireParam w;
      if (o.param <= arity && o.param < request.params.size()) {  // a parameter or the result's datum
        const WireParam& p = request.params[o.param];
        w.data_id = p.data_id;
        w.version = p.stored_as;
        w.direction = p.direction;
        w.kind = p.kind;
      } else {
        w.direction = static_cast<std::uint8_t>(Direction::out);  // a result without a datum
      }
      w.size = o.value->size();
      if (store != nullptr && w.data_id != 0) {
        store->put(w.data_id, w.version, std::move(o.value));  // as held: not copied
      } else {
        w.has_value = true;
        w.value = o.value->to_bytes();
      }
      answered.push_back(std::move(w));
    }
    return answered;
  };
  // A body that threw under on_failure(ignore): what it wrote goes back with the failure
  // (the invoker kept its written objects; its files are where it left them), as a
  // success's outputs are, for the master to record (docs/failures.md, "ignore").
  bool body_started = false;
  auto failed_keeping_writes = [&](TaskFailed f) -> Message {
    if (!body_started || spec.on_failure != detail::OnFailure::ignore) return f;
    try {
      f.outputs = stored_outputs();
      for (auto& w : written_files(true)) f.outputs.push_back(std::move(w));
      f.ignored_writes = true;
    } catch (const std::exception&) {  // (out of memory, an unreadable file: none of them)
      f.outputs.clear();  // (copies stored so far stay here unnamed until their datum is released)
    }
    return f;
  };
  try {
    if (reads_globals) worker_globals().receive(*task, request);
    if (task->serializable) {
      for (std::size_t i = 0; i < arity; ++i) {
        if (!shared_files && spec.params[i].kind == detail::ParamKind::file &&
            request.params[i].has_value) {
          const WireParam& p = request.params[i];
          StagedFile file;
          from_bytes(p.value, file);
          const Direction d = spec.params[i].direction;
          if (file.from_store && p.data_id != 0 && rt::reads(d)) {
            // The version it reads is held here or fetched from a peer, like any datum.
            file.content = held_or_fetched(p, *task, i, store, peers, times)->to_bytes();
            file.has_content = true;
          } else if (file.has_content && p.data_id != 0 && store != nullptr) {
            store->put(p.data_id, p.version, file.content, WorkerStore::copy);  // later readers here use it
          }
          if (!stage) stage.emplace();
          local_paths[i] = stage->stage_in(file);
          held[i] = std::make_shared<const detail::BytesValue>(to_bytes(local_paths[i]));
        } else {
          if (shared_files && spec.params[i].kind == detail::ParamKind::file) {
            require_kept_readable(request.params[i]);
          }
          held[i] = input_value(request, *task, i, store, peers, times);
        }
        inputs[i] = {held[i].get(), request.params[i].size};  // (size: a section's extent)
      }
    }
    if (rt::RemoteDeadlineScope::Clock::now() >= deadline) {
      // The master ended the attempt at its time-out already (queued here, or its inputs
      // slow to come): its body is not started, and the answer says why.
      return failed(request, "compss::TimeOut",
                    "compss: the task's time_out passed before it started on this worker");
    }
    {
      std::optional<WorkerGlobals::Lease> globals;
      if (reads_globals) globals.emplace(worker_globals().enter(*task, request));
      // stop_requested() in the body turns true at the master's deadline.
      rt::RemoteDeadlineScope stop(deadline);
      times.began_ns = steady_ns();
      struct Ended {  // also when the body throws
        WorkerTimes& times;
        ~Ended() { times.ended_ns = steady_ns(); }
      } ended{times};
      // This worker names the cores and GPUs (its own free ids: the master counted them;
      // a GPU task may reserve no core, and then runs unbound). A stream task, which the
      // master placed outside the scheduler (it counts as holding none), takes none.
      struct Held {  // given back before the answer leaves: the master may reuse them then
        rt::BoundIds ids;
        ~Held() { rt::this_node_ids().give_back(ids); }
      } held_ids{is_stream_task(spec) || ids != nullptr
                     ? rt::BoundIds{}
                     : rt::this_node_ids().take(request.computing_units, request.gpus)};
      // (A stream task is told the cores it asked for: the master sends what it reserved,
      // none for a stream task.)
      rt::TaskBindingScope bound(is_stream_task(spec) ? rt::declared_computing_units(spec)
                                                      : request.computing_units,
                                 ids != nullptr ? *ids : held_ids.ids);
      std::vector<detail::TaskHost> hosts;
      for (const WireHost& h : request.hosts) hosts.push_back({h.name, h.processes});
      rt::TaskHostsScope nodes(std::move(hosts));
      body_started = true;
      task->invoke(inputs, outputs);
    }
    staged_outputs = written_files(true);
  } catch (const DataMissing& missing) {
    return failed(request, "compss::DataMissing", missing.message);
  } catch (const GlobalValueMissing& missing) {  // the master sends it again, inline
    return failed(request, "compss::DataMissing", missing.what());
  } catch (const compss::Exception& e) {
    // Named as a local run names it (a subclass too, rt::Runtime::run_body_here): it
    // cancels the task's group. (Its handler reads what it wrote, as locally: the master
    // writes the files.)
    TaskFailed f = failed(request, "compss::Exception", e.what());
    try {
      f.outputs = written_files(false);
    } catch (const std::exception&) {  // (unreadable or out of memory: sent without them)
    }
    return f;
  } catch (const std::exception& e) {
    return failed_keeping_writes(failed(request, demangle(typeid(e).name()), e.what()));
  } catch (...) {
    return failed_keeping_writes(failed(request, "unknown", "a task threw something that is not a std::exception"));
  }
  // (Only allocation can fail here; the task's outputs are held already.)
  try {
    TaskDone done{request.task_id, stored_outputs()};
    for (auto& w : staged_outputs) done.outputs.push_back(std::move(w));
    return done;
  } catch (const std::exception& e) {
    return failed(request, demangle(typeid(e).name()), e.what());
  }
}

}  // namespace

Message execute_request(TaskRequest request, WorkerStore* store, PeerFetcher* peers,
                        bool shared_files, const rt::BoundIds* ids) {
  WorkerTimes times;
  times.received_ns = steady_ns();
  // (Counted from here: the master's deadline passes first, the time on the wire earlier.)
  const auto deadline = request.time_left_ms == 0
                            ? rt::RemoteDeadlineScope::Clock::time_point::max()
                            : rt::RemoteDeadlineScope::Clock::now() + std::chrono::milliseconds(request.time_left_ms);
  Message answer = run_request(std::move(request), store, peers, shared_files, times, ids, deadline);
  // What the task printed reaches the terminal before its answer reaches the master, so the
  // tasks that depend on it print after it, wherever they run (as the sequential build does).
  std::fflush(stdout);
  if (auto* done = std::get_if<TaskDone>(&answer)) done->times = std::move(times);
  if (auto* failure = std::get_if<TaskFailed>(&answer)) failure->times = std::move(times);
  return answer;
}

namespace {

WorkerTimes times_of(const Message& reply) {
  if (auto* done = std::get_if<TaskDone>(&reply)) return done->times;
  if (auto* failure = std::get_if<TaskFailed>(&reply)) return failure->times;
  return {};
}

bool reply_failed(const Message& reply) { return std::holds_alternative<TaskFailed>(reply); }

/// The stored versions a request reads (its inputs with a data id).
std::vector<WorkerStore::StoreKey> versions_read(const TaskRequest& r) {
  std::vector<WorkerStore::StoreKey> keys;
  for (const WireParam& p : r.params) {
    if (p.data_id != 0 && rt::reads(static_cast<Direction>(p.direction))) {
      keys.push_back({p.data_id, p.version});
    }
  }
  return keys;
}

/// Records what task thread `thread` did for request `request`: took its inputs, ran its
/// body (if it began), stored the outputs and answered (until `answered`).
void tell_task(WorkerEventLog& events, std::uint32_t thread, std::uint64_t request,
               const WorkerTimes& t, bool failed, std::int64_t answered) {
  auto add = [&](WorkerEventKind kind, std::int64_t begin, std::int64_t end) {
    events.add({.kind = static_cast<std::uint8_t>(kind), .outcome = static_cast<std::uint8_t>(failed ? 1 : 0),
                .thread = thread, .request = request, .begin_ns = begin, .end_ns = std::max(begin, end)});
  };
  if (t.began_ns == 0) {  // it failed before its body (a missing input...)
    add(WorkerEventKind::inputs, t.received_ns, answered);
    return;
  }
  add(WorkerEventKind::inputs, t.received_ns, t.began_ns);
  add(WorkerEventKind::task, t.began_ns, std::max(t.began_ns, t.ended_ns));
  add(WorkerEventKind::outputs, std::max(t.began_ns, t.ended_ns), answered);
}

}  // namespace

std::size_t serve_tasks(Endpoint& master, const ServeOptions& options, bool* orderly,
                        std::chrono::milliseconds* fenced_pause) {
  // `cores` threads each take the next message themselves and run it: no hand-off between
  // a receiving thread and the one that runs the task. The channel is FIFO, so every
  // request sent before the Shutdown is taken (and answered) before it.
  enum End : int { serving, shutdown, closed };
  std::atomic<int> end{serving};
  std::atomic<std::size_t> served{0};
  // Requests taken and not yet answered. Counted under `in_order` when taken and before
  // the answer is sent, so once the master has every answer it waits for, this is 0.
  std::atomic<std::size_t> running{0};
  // The end (a Shutdown, or the close), seen under `in_order` by a serve thread or the
  // watcher: the first one decides, and abandons the tasks still running (it runs none).
  // Liveness: heartbeats while tasks run; a worker that was stopped past the master's
  // time-out starts and answers nothing more (its work went to others). The fence closes
  // the connection itself, so the end it causes is told as a fence, not as a lost master.
  WorkerHeartbeat beat(master);
  auto fenced_for = [&] { return beat.fenced() ? beat.pause() : std::chrono::milliseconds(0); };
  // The private files (attempt_files) of the requests whose bodies run now: removed when
  // this worker ends without them (abandon), as nobody records what they write.
  UnansweredFiles running_files;
  auto running_key = [](std::uint64_t request_id) {  // (ids are unique on the link)
    return reinterpret_cast<const void*>(static_cast<std::uintptr_t>(request_id));
  };
  auto ended = [&](End how) {
    int expected = serving;
    if (!end.compare_exchange_strong(expected, how)) return;
    const std::size_t still = running.load(std::memory_order_acquire);
    if (still > 0 && options.abandon) {
      running_files.remove_all();  // (the process ends next: their bodies write no more)
      options.abandon(still, how == shutdown, fenced_for());
    }
  };
  static const WorkerStore empty;
  const WorkerStore& store = options.store != nullptr ? *options.store : empty;
  // Stream tasks' threads; joined before serve_tasks returns (declared before `serve`).
  stream::TaskThreads stream_threads;
  // A release is applied before the next message is taken, so a request sent after it
  // (on another thread) never sees the released version. The values of globals a request
  // carries are taken in the same order (a later request may name them by stamp).
  std::mutex in_order;
  auto receive_globals = [](TaskRequest& r) {
    const detail::RemoteTask* task = detail::find_remote_task(r.signature);
    if (r.globals.empty() || task == nullptr) return;
    try {
      worker_globals().receive(*task, r);
    } catch (const std::exception&) {
      // execute_request tries again and answers with the error.
    }
  };
  // This worker's own events (when the master traces): sent in batches by the task
  // threads, after an answer or while idle; the last ones after the last task.
  WorkerEventLog* events = options.events;
  auto send_events = [&](bool all) {
    if (events == nullptr || beat.fenced()) return;
    if (auto batch = events->take(all)) master.send(std::move(*batch));
  };
  // `thread`: this task thread's number in the worker's events (from 1).
  auto serve = [&](std::uint32_t thread) {
    while (end.load(std::memory_order_acquire) == serving) {
      Message m;
      std::error_code ec;
      std::shared_ptr<RequestPins> pins;  // (shared: a stream task's job is copied)
      std::vector<std::string> private_files;  // the files it writes at attempt-private paths
      std::optional<DataFetchReply> fetched;    // a fetch's answer, sent out of the lock
      {
        std::lock_guard lock(in_order);
        ec = master.receive(m, std::chrono::milliseconds(100));
        if (ec == NetError::timed_out) {
          send_events(false);  // (idle: events that waited long enough go)
          continue;
        }
        if (ec) {
          ended(closed);
          return;
        }
        if (auto* d = std::get_if<DataRelease>(&m)) {
          if (options.store != nullptr) options.store->release(d->data_id, d->version, d->from_version);
          continue;
        }
        // Looked up in order (it holds the value, sent below): a release read after the
        // fetch never takes what the fetch answers.
        if (auto* q = std::get_if<DataFetchRequest>(&m)) fetched.emplace(answer_fetch(store, *q));
        if (auto* probe = std::get_if<ClockProbe>(&m)) {  // sent back below, out of the lock
          probe->worker_ns = steady_ns();
          if (probe->record_events && options.events != nullptr) options.events->start();
        } else if (auto* h = std::get_if<Heartbeat>(&m); h != nullptr && h->kept_dir.empty()) {  // the master's time-out
          beat.set_timeout(std::chrono::milliseconds(h->timeout_ms));
          if (options.peers != nullptr) {
            options.peers->set_silence_timeout(std::chrono::milliseconds(h->timeout_ms));
          }
          set_stream_answer_wait(std::chrono::milliseconds(h->timeout_ms));  // (stream fetches too)
          continue;
        }
        if (beat.fenced()) {  // stopped past the master's time-out: its work went to others
          ended(closed);
          return;
        }
        if (auto* r = std::get_if<TaskRequest>(&m)) {
          receive_globals(*r);
          running.fetch_add(1, std::memory_order_acq_rel);
          if (options.shared_files) {  // (counted with it)
            private_files = attempt_files::private_paths_of(*r);  // (net/attempt_files.hpp)
            running_files.sent(running_key(r->task_id), private_files);
          }
          // What it reads is not evicted until its answer is sent: the answer records this
          // worker as their holder, so a DataEvicted for them must come after it.
          pins = std::make_shared<RequestPins>(options.store, versions_read(*r));
        } else if (std::holds_alternative<Shutdown>(m)) {
          ended(shutdown);
          return;  // the others see the end after the task they run (unless abandoned)
        }
      }
      if (auto* r = std::get_if<TaskRequest>(&m)) {
        served.fetch_add(1, std::memory_order_relaxed);
        const std::uint64_t request_id = r->task_id;
        const bool streaming = is_stream_request(*r);
        auto run = [&, request = std::move(*r), request_id, streaming, thread, pins = std::move(pins),
                    private_files = std::move(private_files)]() mutable {
          Message reply =
              execute_request(std::move(request), options.store, options.peers, options.shared_files);
          running_files.answered(running_key(request_id));
          running.fetch_sub(1, std::memory_order_acq_rel);
          // Fenced, the master gave it to another; closed, the master is gone: what it
          // wrote is nobody's.
          if (beat.fenced() || end.load(std::memory_order_acquire) == closed) {
            for (const std::string& path : private_files) ::unlink(path.c_str());
            return;
          }
          // (Told after the answer is written: the answer's step ends when it is. A stream
          // task's thread is none of the task threads: not in the worker's events.)
          const WorkerTimes times = events != nullptr && events->recording() && !streaming
                                        ? times_of(reply)
                                        : WorkerTimes{};
          const bool failed = reply_failed(reply);
          master.send(reply);
          pins.reset();  // (after the answer: may evict them, and say so after it)
          if (times.received_ns != 0) tell_task(*events, thread, request_id, times, failed, steady_ns());
          send_events(false);
        };
        if (streaming) {
          // A stream task may wait for other tasks as long as it runs: a thread of its own,
          // never one of the `cores` (docs/streams.md, "Threads").
          stream_threads.start(std::move(run));
        } else {
          run();
        }
      } else if (fetched) {
        master.send(std::move(*fetched));
      } else if (auto* probe = std::get_if<ClockProbe>(&m)) {
        master.send(*probe);
      } else if (auto* h = std::get_if<Heartbeat>(&m)) {  // whether it reaches the kept links' directory
        master.send(Heartbeat{.kept_dir = h->kept_dir, .sees_kept_dir = kept_files::reaches(h->kept_dir)});
      }
      // Other messages are not meant for a worker: ignored.
    }
  };
  // Every serve thread may be inside a task (one that never returns, even), so none sees
  // the master go: the watcher does, from the socket. What the master sent before it went
  // is read only to learn whether a Shutdown was among it (requests are dropped then).
  auto watch = [&] {
    while (end.load(std::memory_order_acquire) == serving) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (!master.peer_gone()) continue;
      std::lock_guard lock(in_order);
      Message m;
      std::error_code ec;
      while (end.load(std::memory_order_acquire) == serving &&
             !(ec = master.receive(m, std::chrono::milliseconds(0)))) {
        if (std::holds_alternative<Shutdown>(m)) ended(shutdown);
      }
      if (ec && ec != NetError::timed_out) ended(closed);
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < std::max(options.cores, 1u); ++i) threads.emplace_back(serve, i + 1);
  if (options.abandon) threads.emplace_back(watch);
  serve(1);
  for (auto& t : threads) t.join();
  stream_threads.join_all();
  if (end.load() == shutdown) send_events(true);  // before the worker closes the connection
  if (orderly != nullptr) *orderly = end.load() == shutdown;
  if (fenced_pause != nullptr) *fenced_pause = fenced_for();
  return served.load();
}

WorkerSettings parse_worker_address(const std::string& value, const char* source) {
  WorkerSettings s;
  std::tie(s.host, s.port) = config::parse_address(value, source);
  return s;
}

std::string default_worker_bind(const std::string& master_host) {
  if (master_host == "localhost") return "127.0.0.1";
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(master_host, ec);
  return !ec && address.is_loopback() ? "127.0.0.1" : "0.0.0.0";
}

std::uint64_t data_budget_bytes(std::optional<double> data_memory_gb, double memory_gb) {
  const double gb = data_memory_gb.value_or(data_memory_share * memory_gb);
  const double bytes = gb * 1024.0 * 1024.0 * 1024.0;
  if (!(bytes > 0)) return 0;  // memory unknown (or NaN): no budget
  // A positive budget stays one: 0 would mean "no budget" (a tiny setting like 1e-12 GB
  // keeps as little as possible instead). Too large for 64 bits (not finite): the largest.
  if (!(bytes < 18446744073709551616.0)) return std::numeric_limits<std::uint64_t>::max();
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(bytes));
}

int worker_main(const WorkerSettings& settings) {
  try {
    if (!settings.working_dir.empty()) enter_working_dir(settings.working_dir);
    unsigned cores = settings.cores != 0 ? settings.cores
                                         : std::max(1u, std::thread::hardware_concurrency());
    rt::this_node_ids().resize(cores, settings.gpus.value_or(0));  // the ids its tasks are bound to
    Hello hello;
    hello.secret = settings.secret;
    hello.node_name = settings.name.empty() ? host_name() : settings.name;
    report_resources(hello, sched::detect_local_resources(cores),
                     {.cores = cores, .memory_gb = settings.memory_gb, .gpus = settings.gpus});
    const std::uint64_t data_budget = data_budget_bytes(
        settings.data_memory_gb, static_cast<double>(hello.memory_mb) / 1024.0);
    hello.pid = static_cast<std::uint32_t>(getpid());
    hello.shared_files = settings.shared_files;

    IoThread io;
    WorkerStore store;
    std::string bind = settings.bind.empty() ? default_worker_bind(settings.host) : settings.bind;
    ListenerOptions listen;
    listen.address = bind;
    listen.secret = settings.secret;
    WorkerEventLog events;  // (recorded only once the master asks: it traces)
    PeerServer server(io.context(), listen, store, &events);
    hello.data_port = server.port();
    PeerFetchOptions fetch;
    fetch.hello = hello;
    fetch.hello.cores = 0;  // a data connection offers no task slots and serves no data
    fetch.hello.data_port = 0;
    PeerFetcher peers(io.context(), fetch);

    auto master = connect_to(io.context(), settings.host, settings.port, hello,
                             std::chrono::seconds(30));
    // Over its budget the store drops copies other nodes hold and the master is told, on
    // the task link (after the answers that recorded them as held here).
    store.set_budget(data_budget, [&master](std::vector<WorkerStore::StoreKey> dropped) {
      DataEvicted note;
      for (auto [id, v] : dropped) note.versions.push_back({id, v});
      master->send(note);
    });
    // Stream tasks reach the master's stream service at the master's host, and other
    // workers' stream endpoints at theirs (stream_client.hpp). Elements this worker's
    // stream tasks publish stay here until fetched (stream_elements.hpp).
    set_stream_connector([&io, master_host = settings.host, stream_hello = fetch.hello](
                             const std::string& host, std::uint16_t port) {
      // (A producer's worker that does not answer at once is dead: its elements come
      // from the master, net/stream_elements.hpp.)
      return std::shared_ptr<Endpoint>(connect_to(io.context(), host.empty() ? master_host : host,
                                                  port, stream_hello,
                                                  host.empty() ? std::chrono::seconds(30) : std::chrono::seconds(3),
                                                  stream_connection_options()));
    });
    StreamService element_endpoint(io.context(), listen, StreamService::Role::elements);
    set_element_port(element_endpoint.port());
    bool orderly = false;
    ServeOptions serve{.cores = cores, .store = &store, .peers = &peers,
                       .shared_files = settings.shared_files, .events = &events};
    // Tasks the master no longer waits for run on threads that cannot be stopped: say so
    // and end the process now (an orphaned worker must not outlive its master).
    serve.abandon = [&](std::size_t running, bool orderly_end, std::chrono::milliseconds fenced) {
      if (fenced.count() > 0) report_fenced(settings, hello.node_name, fenced, running);
      else report_worker_end(settings, hello.node_name, orderly_end, running, running);
      std::fflush(nullptr);
      compss::detail::kill_external_programs();  // (binary/MPI tasks: no orphans)
      std::_Exit(orderly_end ? 0 : 1);
    };
    std::chrono::milliseconds fenced{0};
    std::size_t served = serve_tasks(*master, serve, &orderly, &fenced);
    set_element_port(0);
    set_stream_connector(nullptr);  // (its io context ends with this function)
    master->flush(std::chrono::seconds(10));  // the last replies, before the io thread stops
    master->close();
    store.set_budget(data_budget, nullptr);  // (the master's connection is closed)
    if (settings.log_level >= LogLevel::info) {
      std::fprintf(stderr, "compss: worker %s ends holding %zu values (%llu bytes)\n",
                   hello.node_name.c_str(), store.size(),
                   static_cast<unsigned long long>(store.bytes()));
      const WorkerStore::Stats held = store.stats();
      std::fprintf(stderr, "compss: worker %s data: held at most %llu bytes (budget %llu), of "
                   "which at most %llu made here; dropped %llu copies (%llu bytes) over budget\n",
                   hello.node_name.c_str(), static_cast<unsigned long long>(held.peak_bytes),
                   static_cast<unsigned long long>(held.budget),
                   static_cast<unsigned long long>(held.peak_made_here),
                   static_cast<unsigned long long>(held.evicted),
                   static_cast<unsigned long long>(held.evicted_bytes));
    }
    if (fenced.count() > 0) {
      report_fenced(settings, hello.node_name, fenced, 0);
      return 1;
    }
    report_worker_end(settings, hello.node_name, orderly, served, 0);
    return orderly ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}

}  // namespace compss::net
