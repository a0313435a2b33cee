// The master's placement pieces over fakes (net/master/): admission reads each worker's
// Hello and its resource report; a RemoteExecutor is a scheduler node that sends placed
// tasks over a WorkerLink (a fake channel, the test playing the worker), so the worker sees
// no more requests at once than its reported cores and memory allow.
#include "core/events.hpp"
#include "core/runtime.hpp"
#include "core/task_state.hpp"
#include "net/fake_transport.hpp"
#include "net/io_thread.hpp"
#include "net/master/admission.hpp"
#include "net/master/remake_order_hook.hpp"
#include "net/master/remote_executor.hpp"
#include "net/resource_report.hpp"
#include "net/tcp_connection.hpp"
#include "sched/scheduler.hpp"

#include <compss/compss.hpp>
#include <compss/detail/call_task.hpp>
#include <compss/serialize.hpp>
#include <compss/this_task.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace compss::net;
using namespace std::chrono_literals;
using compss::detail::Constraint;

namespace {

Hello worker_hello(std::string name, std::uint32_t cores, std::uint64_t memory_mb, std::uint32_t gpus) {
  Hello h{.secret = "s", .node_name = std::move(name), .cores = cores, .pid = 1};
  h.memory_mb = memory_mb;
  h.gpus = gpus;
  h.architecture = "x86_64";
  h.os_type = "Linux";
  return h;
}

}  // namespace

TEST(ResourceReport, DeclaredValuesOverrideDetectedOnes) {
  compss::sched::Resources detected;
  detected.processors.push_back({.type = compss::sched::ProcessorType::cpu, .units = 16, .architecture = "aarch64"});
  detected.memory_gb = 64;
  detected.os_type = "Linux";
  Hello h;
  report_resources(h, detected, {});
  EXPECT_EQ(h.cores, 16U);
  EXPECT_EQ(h.memory_mb, 64U * 1024);
  EXPECT_EQ(h.gpus, 0U);
  EXPECT_EQ(h.architecture, "aarch64");
  report_resources(h, detected, {.cores = 4, .memory_gb = 8.0, .gpus = 2});
  EXPECT_EQ(h.cores, 4U);
  EXPECT_EQ(h.memory_mb, 8192U);
  EXPECT_EQ(h.gpus, 2U);
  compss::sched::Resources r = reported_resources(h);
  EXPECT_EQ(r.units(compss::sched::ProcessorType::cpu), 4U);
  EXPECT_EQ(r.units(compss::sched::ProcessorType::gpu), 2U);
  EXPECT_DOUBLE_EQ(r.memory_gb, 8.0);
  EXPECT_EQ(r.os_type, "Linux");
}

TEST(Admission, EachWorkerThatSaysHelloBecomesANodeWithWhatItReported) {
  std::deque<std::shared_ptr<Endpoint>> pending;
  std::vector<std::shared_ptr<Endpoint>> worker_ends;
  auto connect = [&](const Message& first) {
    auto [master, worker] = make_fake_pair();
    ASSERT_FALSE(worker->send(first));
    pending.push_back(master);
    worker_ends.push_back(worker);
  };
  connect(worker_hello("w1", 4, 8192, 0));
  connect(Shutdown{});  // not a Hello: closed, never a node
  connect(worker_hello("w2", 2, 16384, 1));
  connect(worker_hello("", 1, 0, 0));  // no name: named by its host
  StartWait wait(3, std::chrono::seconds(10), -1, false);
  AdmissionSource source{[&](std::chrono::milliseconds) -> std::shared_ptr<Endpoint> {
                           if (pending.empty()) return nullptr;
                           auto ep = pending.front();
                           pending.pop_front();
                           return ep;
                         },
                         [](const Endpoint&) { return std::string("10.0.0.9"); },
                         1s};
  std::vector<AdmittedWorker> admitted;
  unsigned n = admit_workers(wait, source, [&](AdmittedWorker&& w) { admitted.push_back(std::move(w)); });
  ASSERT_EQ(n, 3U);
  ASSERT_EQ(admitted.size(), 3U);
  EXPECT_EQ(wait.missing(), 0U);
  EXPECT_EQ(admitted[0].name, "w1");
  EXPECT_EQ(admitted[0].resources.units(compss::sched::ProcessorType::cpu), 4U);
  EXPECT_DOUBLE_EQ(admitted[0].resources.memory_gb, 8.0);
  EXPECT_EQ(admitted[1].name, "w2");
  EXPECT_EQ(admitted[1].resources.units(compss::sched::ProcessorType::gpu), 1U);
  EXPECT_EQ(admitted[2].name, "10.0.0.9");
  EXPECT_EQ(admitted[2].host, "10.0.0.9");
  // The connection that did not say Hello was closed: its worker end reads the end.
  Message m;
  EXPECT_TRUE(worker_ends[1]->receive(m, 1s));
}

namespace {

/// A worker on a fake channel: answers requests, counting how many it held unanswered at
/// once. With `gather`, it waits until that many are unanswered before answering (at most
/// 300 ms per batch: a master that sends too much has then sent it).
class FakeWorker {
 public:
  FakeWorker(std::shared_ptr<Endpoint> end, std::size_t gather) : end_(std::move(end)), gather_(gather) {
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeWorker() {
    end_->close();
    thread_.join();
  }
  std::size_t peak() const { return peak_.load(); }
  std::size_t served() const { return served_.load(); }

 private:
  void serve() {
    std::vector<std::uint64_t> held;
    auto deadline = std::chrono::steady_clock::now();
    for (;;) {
      Message m;
      if (end_->receive(m, held.empty() ? 10s : 50ms)) {
        if (held.empty()) return;  // closed (or nothing for a long time)
      } else if (auto* r = std::get_if<TaskRequest>(&m)) {
        if (held.empty()) deadline = std::chrono::steady_clock::now() + 300ms;
        held.push_back(r->task_id);
        peak_ = std::max(peak_.load(), held.size());
        if (held.size() < gather_ && std::chrono::steady_clock::now() < deadline) continue;
      } else if (std::holds_alternative<Shutdown>(m)) {
        end_->close();  // as a worker does: the master's orderly end waits for it
        return;
      } else {
        continue;
      }
      for (std::uint64_t id : held) {
        (void)end_->send(TaskDone{id, {}, {}});
        ++served_;
      }
      held.clear();
    }
  }

  std::shared_ptr<Endpoint> end_;
  std::size_t gather_;
  std::atomic<std::size_t> peak_{0};
  std::atomic<std::size_t> served_{0};
  std::thread thread_;
};

/// A scheduler with one worker node reached through a RemoteExecutor over a WorkerLink.
struct OneWorker {
  /// `lookahead`: as COMPSS_LOOKAHEAD (-1: the worker's cores); none by default.
  explicit OneWorker(std::size_t gather, Hello hello, std::optional<int> lookahead = {})
      : ends(make_fake_pair()),
        worker(ends.second, gather),
        link(1, ends.first, hello, "127.0.0.1", [](int, const std::string&) {}),
        node(link, [this](compss::detail::TaskBase* t, int n, unsigned, unsigned) { send(t, n); }) {
    id = sched.add_node(link.name(), reported_resources(link.hello()), node,
                        lookahead ? node.lookahead(*lookahead) : compss::sched::Lookahead{});
  }
  ~OneWorker() { link.shutdown(); }

  void send(compss::detail::TaskBase* t, int n) {
    EXPECT_EQ(n, 1);
    EXPECT_EQ(compss::rt::task_state(t).node.load(), 1);
    auto request = std::make_shared<Message>(TaskRequest{0, "t", {}, {}});
    node.call(*request, [this, t, request](CallResult&& r) {
      EXPECT_EQ(r.status, CallResult::Status::done);
      node.release(t);  // the reservation goes back: the scheduler places the next task
      ++done;
    });
  }
  void wait_done(int count) {
    for (int i = 0; i < 1000 && done.load() < count; ++i) std::this_thread::sleep_for(10ms);
  }

  std::pair<std::shared_ptr<Endpoint>, std::shared_ptr<Endpoint>> ends;
  FakeWorker worker;
  compss::sched::Scheduler sched{compss::sched::Scheduler::Options{}};
  WorkerLink link;
  RemoteExecutor node;
  compss::sched::NodeId id = 0;
  std::atomic<int> done{0};
};

/// A task the scheduler places; its body never runs here.
struct FakeTask final : compss::detail::TaskBase {
  void run() override {}
};

compss::sched::TaskType type(std::vector<Constraint> pairs) {
  compss::sched::TaskType t;
  t.name = "stage";
  t.lookahead = true;  // (no time-out: a call may wait on a busy worker)
  t.versions.push_back({"stage", compss::sched::parse_constraints("stage", pairs.data(), pairs.size())});
  return t;
}

}  // namespace

// The Guidance property through the real link: on a worker that reported 8 GB, tasks of
// 6 GB reach it one at a time, although it has 4 cores and gathers requests.
TEST(RemoteExecutor, MemoryReportedByTheWorkerLimitsWhatItIsSentAtOnce) {
  OneWorker w(4, worker_hello("w", 4, 8192, 0));
  const compss::sched::TaskClass* big = w.sched.register_type(type({{"memory_size", "6"}}));
  std::vector<FakeTask> tasks(4);
  for (auto& t : tasks) w.sched.submit(&t, big);
  w.wait_done(4);
  EXPECT_EQ(w.done.load(), 4);
  EXPECT_EQ(w.worker.peak(), 1U);
  EXPECT_EQ(w.node.holding(), 0U);
}

TEST(RemoteExecutor, UnconstrainedTasksFillTheReportedCores) {
  OneWorker w(4, worker_hello("w", 4, 8192, 0));
  const compss::sched::TaskClass* any = w.sched.register_type(type({}));
  std::vector<FakeTask> tasks(8);
  for (auto& t : tasks) w.sched.submit(&t, any);
  w.wait_done(8);
  EXPECT_EQ(w.done.load(), 8);
  EXPECT_EQ(w.worker.peak(), 4U);  // its 4 cores, never more
  EXPECT_EQ(w.sched.waiting(), 0U);
}

/// Submits `count` tasks of a type with `pairs` to `w` and waits for their ends; returns
/// the most requests the worker held unanswered at once.
std::size_t run_tasks(OneWorker& w, std::vector<Constraint> pairs, std::size_t count) {
  const compss::sched::TaskClass* c = w.sched.register_type(type(std::move(pairs)));
  std::vector<FakeTask> tasks(count);
  for (auto& t : tasks) w.sched.submit(&t, c);
  w.wait_done(static_cast<int>(count));
  EXPECT_EQ(w.done.load(), static_cast<int>(count));
  EXPECT_EQ(w.node.holding(), 0U);
  return w.worker.peak();
}

// Look-ahead through the real link (COMPSS_LOOKAHEAD unset: as many as the worker's 4
// cores): a busy worker holds 4 running and 4 waiting requests, never more; tasks of 6 GB
// still reach it one at a time (they never go ahead).
TEST(RemoteExecutor, LookaheadSendsUpToItsCoresMoreToABusyWorker) {
  OneWorker w(8, worker_hello("w", 4, 8192, 0), -1);
  EXPECT_EQ(run_tasks(w, {}, 16), 8U);  // 4 running + 4 ahead
  EXPECT_EQ(w.sched.ahead(w.id), 0U);
  EXPECT_EQ(w.sched.free(w.id).cpus(), 4U);
  OneWorker memory(4, worker_hello("w", 4, 8192, 0), -1);
  EXPECT_EQ(run_tasks(memory, {{"memory_size", "6"}}, 4), 1U);
}

TEST(RemoteExecutor, LookaheadZeroSendsOnlyWhatFits) {
  OneWorker w(8, worker_hello("w", 4, 8192, 0), 0);
  EXPECT_EQ(run_tasks(w, {}, 8), 4U);
}

TEST(ClusterNode, ReleaseGivesBackOnlyWhatItHolds) {
  compss::sched::Scheduler sched{compss::sched::Scheduler::Options{}};
  std::vector<compss::detail::TaskBase*> dispatched;
  ClusterNode master(0, [&](compss::detail::TaskBase* t, int n, unsigned, unsigned) {
    EXPECT_EQ(n, 0);
    dispatched.push_back(t);
  });
  compss::sched::Resources r;
  r.processors.push_back({.type = compss::sched::ProcessorType::cpu, .units = 1});
  compss::sched::NodeId id = sched.add_node("master", r, master);
  const compss::sched::TaskClass* any = sched.register_type(type({}));
  FakeTask a, b;
  sched.submit(&a, any);
  sched.submit(&b, any);
  ASSERT_EQ(dispatched.size(), 1U);
  EXPECT_EQ(compss::rt::task_state(a).node.load(), 0);
  EXPECT_EQ(master.holding(), 1U);
  EXPECT_FALSE(master.release(&b));  // not placed yet
  EXPECT_TRUE(master.release(&a));
  EXPECT_FALSE(master.release(&a));  // once
  ASSERT_EQ(dispatched.size(), 2U);  // the freed core took b
  EXPECT_EQ(dispatched[1], &b);
  EXPECT_TRUE(master.release(&b));
  EXPECT_EQ(sched.running(id), 0U);
}

namespace {
/// A 1-core worker node whose `replica` gave its placement back (ClusterNode::give_back)
/// and whose core `other` took then.
struct CoreGivenBack {
  compss::sched::Scheduler sched{compss::sched::Scheduler::Options{}};
  std::vector<compss::detail::TaskBase*> dispatched;
  ClusterNode w{1, [this](compss::detail::TaskBase* t, int, unsigned, unsigned) { dispatched.push_back(t); }};
  compss::sched::NodeId id = compss::sched::IdSet::npos;
  FakeTask replica, other;
  CoreGivenBack() {
    compss::sched::Resources r;
    r.processors.push_back({.type = compss::sched::ProcessorType::cpu, .units = 1});
    id = sched.add_node("w", r, w);
    const compss::sched::TaskClass* any = sched.register_type(type({}));
    sched.submit(&replica, any);
    EXPECT_TRUE(w.give_back(&replica));
    sched.submit(&other, any);
    EXPECT_EQ(dispatched.size(), 2U);  // the other task took the core given back
  }
};
}  // namespace

// A replica gives its placement back while its request waits for a remake
// (ClusterNode::give_back): another task is placed on the core freed. The replica then
// takes its core back before its request is sent (take_back): it waits until that task
// ends, and is not dispatched again. Before, its request ran at once without the core, on
// the same worker core as the other task (the worker does not queue by cores).
TEST(ClusterNode, APlacementGivenBackIsTakenBackOnlyOnceItsCoresAreFree) {
  CoreGivenBack n;
  std::atomic<bool> taken{false};
  std::thread taking([&] {
    EXPECT_TRUE(n.w.take_back(&n.replica, [] { return true; }));
    taken = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(taken.load());  // its core is the other task's
  EXPECT_LE(n.sched.running(n.id), 1U);
  EXPECT_TRUE(n.w.release(&n.other));
  taking.join();
  EXPECT_EQ(n.dispatched.size(), 2U);  // booked, not dispatched again
  EXPECT_EQ(n.sched.free(n.id).cpus(), 0U);  // the replica holds it again
  EXPECT_TRUE(n.w.release(&n.replica));
  EXPECT_EQ(n.sched.free(n.id).cpus(), 1U);
  EXPECT_EQ(n.sched.running(n.id), 0U);
}

// Its node lost while it waits (the scheduler drops the taking back with the node):
// take_back answers false, and the replica ends as lost.
TEST(ClusterNode, TakingBackEndsFalseWhenTheNodeIsLost) {
  CoreGivenBack n;
  std::atomic<bool> alive{true};
  std::thread lose([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    n.sched.remove_node(n.id);
    alive = false;
  });
  EXPECT_FALSE(n.w.take_back(&n.replica, [&] { return alive.load(); }));
  lose.join();
  EXPECT_FALSE(n.w.take_back(&n.replica, [] { return false; }));  // (the node is gone: nothing asked)
  EXPECT_TRUE(n.w.release(&n.other));
  EXPECT_TRUE(n.w.release(&n.replica));  // its end still ends its placement
}

// The cluster's dispatch is told the cores and GPUs reserved, so that it needs no lookup
// of the placement for the common task (run_on_master's fast path, a request's gpus).
TEST(ClusterNode, DispatchIsToldTheReservedCoresAndGpus) {
  compss::sched::Scheduler sched{compss::sched::Scheduler::Options{}};
  std::vector<std::pair<unsigned, unsigned>> told;
  ClusterNode master(0, [&](compss::detail::TaskBase*, int, unsigned cores, unsigned gpus) {
    told.emplace_back(cores, gpus);
  });
  compss::sched::Resources r;
  r.processors.push_back({.type = compss::sched::ProcessorType::cpu, .units = 4});
  r.processors.push_back({.type = compss::sched::ProcessorType::gpu, .units = 2});
  sched.add_node("master", r, master);
  FakeTask plain, gpu_task;
  sched.submit(&plain, sched.register_type(type({})));
  sched.submit(&gpu_task, sched.register_type(type({{"processors", "CPU:2,GPU:1"}})));
  ASSERT_EQ(told.size(), 2U);
  EXPECT_EQ(told[0], std::make_pair(1U, 0U));
  EXPECT_EQ(told[1], std::make_pair(2U, 1U));
  EXPECT_EQ(master.allocation_of(&gpu_task).first.reserved.gpus(), 1U);
}

// A whole master (net::Cluster, made by the runtime from the COMPSS_ variables) with one
// fake worker on a real TCP connection: the test plays the worker's side.
namespace {

void on_every_node() {}
constexpr compss::detail::TaskSpec on_every_node_spec{
    .name = "on_every_node", .signature = "void on_every_node()", .params = nullptr,
    .param_count = 0, .on_failure = compss::detail::OnFailure::fail, .replicated = true};

/// A listening socket on a free loopback port, handed to the master as COMPSS_LISTEN_FD.
int listening_socket(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 8) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw std::runtime_error("cannot listen on loopback");
  }
  port = ntohs(a.sin_port);
  return fd;
}

void bump(int& x) { ++x; }
constexpr compss::detail::ParamSpec bump_params[] = {
    {compss::detail::Direction::inout, compss::detail::ParamKind::object, "x"}};
constexpr compss::detail::TaskSpec bump_everywhere_spec{
    .name = "bump", .signature = "void bump(int &)", .params = bump_params, .param_count = 1,
    .on_failure = compss::detail::OnFailure::fail, .replicated = true};

/// The worker's side of one connection: answers the task requests it gets with
/// `answers` in turn (the last one repeats), until the master's Shutdown. "done" runs
/// bump on each int the request sends inline and writes (the new version inline); "kept"
/// answers each written datum as a version it keeps (no value: its holder).
class ScriptedWorker {
 public:
  /// `cores`: what its Hello reports; `leave_after`: a signature whose request it answers,
  /// then closes the connection (a worker lost with what it made); with `fates`, shared by
  /// several workers, the n-th request of that signature among them follows the n-th fate
  /// (the last repeats): "leave" (answers, then closes), "vanish" (closes unanswered),
  /// "slow" (answers after 2.5 s, reading nothing meanwhile), else it answers and stays.
  struct Fates {
    std::vector<std::string> each;
    std::atomic<int> next{0};
  };
  explicit ScriptedWorker(std::uint16_t port, std::vector<std::string> answers,
                          std::uint32_t cores = 1, std::string leave_after = {},
                          Fates* fates = nullptr)
      : answers_(std::move(answers)), cores_(cores), leave_after_(std::move(leave_after)),
        fates_(fates) {
    thread_ = std::thread([this, port] { serve(port); });
  }
  ~ScriptedWorker() { thread_.join(); }
  int requests() const { return requests_.load(); }
  /// How many of its requests named `signature`.
  int requests_of(const std::string& signature) const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count(signatures_.begin(), signatures_.end(), signature));
  }
  /// Whether the master ended the connection with a Shutdown (not by cutting it off).
  bool told_to_shut_down() const { return shut_down_.load(); }
  /// The versions of the data its requests wrote that they read, in order.
  std::vector<std::uint64_t> versions_read() const {
    std::lock_guard lock(mutex_);
    return read_;
  }
  /// How many DataRelease messages it got for versions it made (answered as outputs).
  int releases_of_its_outputs() const {
    std::lock_guard lock(mutex_);
    int count = 0;
    for (const auto& r : releases_) count += static_cast<int>(std::count(made_.begin(), made_.end(), r));
    return count;
  }

 private:
  void serve(std::uint16_t port) {
    IoThread io;
    Hello hello{.secret = "s", .node_name = "scripted", .cores = cores_,
                .pid = static_cast<std::uint32_t>(::getpid())};
    auto master = connect_to(io.context(), "127.0.0.1", port, hello, 30s);
    for (auto deadline = std::chrono::steady_clock::now() + 60s;
         std::chrono::steady_clock::now() < deadline;) {
      Message m;
      if (std::error_code ec = master->receive(m, 100ms)) {
        if (ec == NetError::timed_out) continue;
        return;  // the master closed the connection
      }
      if (std::holds_alternative<Shutdown>(m)) {
        shut_down_ = true;
        break;
      }
      if (auto* d = std::get_if<DataRelease>(&m)) {
        std::lock_guard lock(mutex_);
        releases_.emplace_back(d->data_id, d->version);
        continue;
      }
      auto* r = std::get_if<TaskRequest>(&m);
      if (r == nullptr) continue;
      {
        std::lock_guard lock(mutex_);
        signatures_.push_back(r->signature);
        for (const WireParam& p : r->params) {
          if (p.direction != 0) read_.push_back(p.version);
        }
      }
      std::string answer = answers_[std::min<std::size_t>(requests_++, answers_.size() - 1)];
      std::string fate = "leave";
      if (r->signature == leave_after_ && fates_ != nullptr) {
        fate = fates_->each[std::min<std::size_t>(fates_->next++, fates_->each.size() - 1)];
        if (fate == "vanish") break;
      }
      if (answer == "done after 2.5 s" || (r->signature == leave_after_ && fate == "slow")) {  // (a long task: nothing else is read meanwhile)
        std::this_thread::sleep_for(2500ms);
        if (answer == "done after 2.5 s") answer = "done";
      }
      if (answer == "done" || answer == "kept") {
        // "kept": the outputs stay here (not inline), for every inout or out parameter.
        const bool kept = answer == "kept";
        TaskDone done{r->task_id, {}, {}};
        for (const WireParam& p : r->params) {
          if (p.direction == 0 || (!p.has_value && !kept)) continue;  // (in) or not an inline int
          WireParam o{.data_id = p.data_id, .version = p.stored_as, .direction = p.direction};
          if (kept) {
            o.size = sizeof(int);
          } else {
            int x = 0;
            compss::from_bytes(p.value, x);
            bump(x);
            o.has_value = true;
            o.value = compss::to_bytes(x);
            o.size = o.value.size();
          }
          {
            std::lock_guard lock(mutex_);
            made_.emplace_back(o.data_id, o.version);
          }
          done.outputs.push_back(std::move(o));
        }
        (void)master->send(std::move(done));
        if (r->signature == leave_after_ && fate == "leave") break;
      } else {
        (void)master->send(TaskFailed{r->task_id, answer, "data 1 version 1 is not on this worker", {}});
      }
    }
    master->close();
  }

  std::vector<std::string> answers_;
  const std::uint32_t cores_;
  const std::string leave_after_;
  Fates* const fates_;
  std::vector<std::string> signatures_;  // (of its requests, in order)
  std::atomic<int> requests_{0};
  std::atomic<bool> shut_down_{false};
  mutable std::mutex mutex_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> releases_;  // (data id, version)
  std::vector<std::pair<std::uint64_t, std::uint64_t>> made_;
  std::vector<std::uint64_t> read_;
  std::thread thread_;
};

}  // namespace

/// Sets the variables of a master waiting for `workers` workers on `fd` (none on the
/// master's node); unsets them at its end.
struct MasterEnvironment {
  MasterEnvironment(int fd, int workers) {
    compss::detail::shutdown_runtime();
    ::setenv("COMPSS_LISTEN_FD", std::to_string(fd).c_str(), 1);
    ::setenv("COMPSS_SECRET", "s", 1);
    ::setenv("COMPSS_WORKERS_EXPECTED", std::to_string(workers).c_str(), 1);
    ::setenv("COMPSS_MASTER_CORES", "0", 1);  // the workers run the replicas
  }
  ~MasterEnvironment() {
    compss::detail::shutdown_runtime();
    for (const char* v : {"COMPSS_LISTEN_FD", "COMPSS_SECRET", "COMPSS_WORKERS_EXPECTED", "COMPSS_MASTER_CORES"}) {
      ::unsetenv(v);
    }
  }
};

// A replica whose input copy went meanwhile (compss::DataMissing: dropped over its
// worker's data budget) is sent again, as an ordinary call is, and the call succeeds.
TEST(ClusterReplicas, AReplicaAnsweredDataMissingIsSentAgain) {
  std::uint16_t port = 0;
  MasterEnvironment master(listening_socket(port), 1);
  ScriptedWorker worker(port, {"compss::DataMissing", "done"});
  compss::detail::call_task<on_every_node_spec, &on_every_node>();
  EXPECT_NO_THROW(compss::barrier());
  EXPECT_EQ(worker.requests(), 2);
  compss::detail::shutdown_runtime();  // (before the worker's end: it waits for Shutdown)
}

// Only the first worker replica's outputs are recorded; the other worker is told to drop
// its own (else it keeps them unknown to the master for the whole run, and a later task
// there could read its own, maybe different, value instead of the recorded one).
TEST(ClusterReplicas, TheOutputsOfAnUnrecordedReplicaAreReleasedOnItsWorker) {
  std::uint16_t port = 0;
  MasterEnvironment master(listening_socket(port), 2);
  ScriptedWorker one(port, {"done"}), two(port, {"done"});
  int x = 1;
  compss::detail::call_task<bump_everywhere_spec, &bump>(x);
  // (No barrier: it would fetch x from the recorded worker's data port, which this fake
  // has not.) Whichever answered second: its new version of x is released there (releases
  // go with the link's next message, or when it is idle: polled).
  auto released = [&] { return one.releases_of_its_outputs() + two.releases_of_its_outputs(); };
  for (int i = 0; i < 500 && released() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(one.requests() + two.requests(), 2);
  EXPECT_EQ(released(), 1);  // never the recorded one's
  compss::detail::shutdown_runtime();
}

namespace {
constexpr compss::detail::TaskSpec bump_everywhere_retried_spec{
    .name = "bump", .signature = "void bump(int &)", .params = bump_params, .param_count = 1,
    .on_failure = compss::detail::OnFailure::retry, .replicated = true};
}  // namespace

// A replicated call one of whose replicas failed is retried from the call's inputs: the
// outputs of a replica that succeeded in the failed attempt are not recorded (the retry
// would read them, and apply the body twice: bump(bump(1)) where the sequential answer is
// bump(1)).
TEST(ClusterReplicas, ARetriedCallReadsItsInputsNotAFailedAttemptsOutputs) {
  std::uint16_t port = 0;
  MasterEnvironment master(listening_socket(port), 2);
  ScriptedWorker one(port, {"done"}), two(port, {"std::runtime_error", "done"});
  int x = 1;
  compss::detail::call_task<bump_everywhere_retried_spec, &bump>(x);
  // (No barrier: it would fetch x from the recorded worker's data port, which this fake
  // has not.) The first attempt's two requests, then the retry's two.
  for (int i = 0; i < 1000 && one.requests() + two.requests() < 4; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(one.requests(), 2);
  EXPECT_EQ(two.requests(), 2);
  // Each request read x's first version (the retry's too: not the version worker one
  // made in the failed attempt).
  const std::vector<std::uint64_t> first = one.versions_read();
  ASSERT_EQ(first.size(), 2U);
  EXPECT_EQ(first[1], first[0]);
  EXPECT_EQ(two.versions_read(), (std::vector<std::uint64_t>{first[0], first[0]}));
  compss::detail::shutdown_runtime();
}

namespace {
void waits_for_its_input() {}
constexpr compss::detail::TaskSpec timed_spec{
    .name = "waits_for_its_input", .signature = "void waits_for_its_input()", .params = nullptr,
    .param_count = 0, .on_failure = compss::detail::OnFailure::ignore, .time_out = 0.5};
void long_task() {}
constexpr compss::detail::TaskSpec long_spec{
    .name = "long_task", .signature = "void long_task()", .params = nullptr, .param_count = 0,
    .on_failure = compss::detail::OnFailure::fail};
}  // namespace

// A task that gave its worker's node back (here after a compss::DataMissing answer; also
// while its lost inputs are made again) and times out before it is placed again ran
// nowhere: its old worker is healthy and is not restarted, even with no grace period
// (COMPSS_TIMEOUT_GRACE=0). Before, the task still named that worker, so the time-out's
// restart took it for stuck there and cut the worker off.
TEST(ClusterRestart, ATaskThatGaveItsNodeBackDoesNotRestartThatWorker) {
  std::uint16_t port = 0;
  MasterEnvironment master(listening_socket(port), 1);
  ::setenv("COMPSS_TIMEOUT_GRACE", "0", 1);
  {
    // Its 1 core: the timed task first (its input "went missing": its node is given back
    // for the pause), then the long task, which holds the core past that time-out,
    // so the timed task waits unplaced until it times out (0.5 s).
    ScriptedWorker worker(port, {"compss::DataMissing", "done after 2.5 s", "done"});
    compss::detail::call_task<timed_spec, &waits_for_its_input>();
    compss::detail::call_task<long_spec, &long_task>();
    compss::barrier();  // (the timed task's failure is ignored: on_failure(ignore))
    compss::detail::shutdown_runtime();  // (before the worker's end: it waits for Shutdown)
    EXPECT_TRUE(worker.told_to_shut_down()) << "the healthy worker was cut off";
    EXPECT_EQ(worker.requests(), 2);  // the timed task was not sent again after its time-out
  }
  ::unsetenv("COMPSS_TIMEOUT_GRACE");
}

namespace {
const Constraint two_cores[] = {{"computing_units", "2"}};
constexpr compss::detail::ParamSpec in_int[] = {
    {compss::detail::Direction::in, compss::detail::ParamKind::object, "x"}};
std::atomic<const ScriptedWorker*> producer_worker{nullptr};
void hold_master() {  // on the master's 2 cores until produce_two was sent to its worker
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       producer_worker.load()->requests() == 0 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(1ms);
  }
}
constexpr compss::detail::TaskSpec hold_master_spec{
    .name = "hold_master", .signature = "void hold_master()", .params = nullptr,
    .param_count = 0, .on_failure = compss::detail::OnFailure::fail, .constraints = two_cores,
    .constraint_count = 1};
std::atomic<int> produced_on_master{0};  // runs of produce_two here: remakes (the workers are fakes)
void produce_two(int& x) {
  ++produced_on_master;
  x += 10;
}
constexpr compss::detail::TaskSpec produce_two_spec{
    .name = "produce_two", .signature = "void produce_two(int &)", .params = bump_params,
    .param_count = 1, .on_failure = compss::detail::OnFailure::fail, .constraints = two_cores,
    .constraint_count = 1};
std::atomic<int> consumed{0};
void consume_two(const int& x) { consumed = x; }
constexpr compss::detail::TaskSpec consume_two_spec{
    .name = "consume_two", .signature = "void consume_two(const int &)", .params = in_int,
    .param_count = 1, .on_failure = compss::detail::OnFailure::fail, .constraints = two_cores,
    .constraint_count = 1};

/// The `placed` events of the tasks whose name starts with "consume" (task events).
class ConsumerPlacements final : public compss::rt::TaskObserver {
 public:
  void on_placed(const compss::rt::TaskPlaced& e) override {
    if (e.spec != nullptr && std::string_view(e.spec->name).starts_with("consume")) ++count;
  }
  std::atomic<int> count{0};
};

/// The run of the tests below, on a 2-core master, a 2-core worker and a 1-core one:
/// hold_master takes the master's cores (first fit), so produce_two goes to the 2-core
/// worker, which answers (its output stays there) and leaves; the 1-core worker cannot
/// run it again, only the master's node can. `submit_reader(x)` submits the task on the
/// master that reads x (lost). The run must end (bounded: a hang stops the test binary)
/// with the reader given what the remake on the master made. With `placed_once`, its task
/// events tell one `placed` (a placement given back while its input is made again is not
/// told).
void expect_the_reader_gets_the_remake(const std::function<void(int&)>& submit_reader, bool placed_once) {
  std::uint16_t port = 0;
  MasterEnvironment master(listening_socket(port), 2);
  ::setenv("COMPSS_MASTER_CORES", "2", 1);
  consumed = 0;
  ScriptedWorker two(port, {"done"}, 2, "void produce_two(int &)"), one(port, {"done"}, 1);
  producer_worker = &two;
  auto placements = std::make_shared<ConsumerPlacements>();
  compss::rt::runtime().events().add(placements);  // (the run starts: its workers connect)
  int x = 1;
  compss::detail::call_task<hold_master_spec, &hold_master>();
  compss::detail::call_task<produce_two_spec, &produce_two>(x);
  submit_reader(x);
  auto ended = std::async(std::launch::async, [] { compss::barrier(); });
  if (ended.wait_for(30s) != std::future_status::ready) {
    std::fprintf(stderr, "FAIL: the run hangs: the remake waits for the cores its reader holds\n");
    std::_Exit(1);  // (the runtime cannot be shut down while it waits)
  }
  EXPECT_NO_THROW(ended.get());
  EXPECT_EQ(two.requests(), 1);  // made first there, then lost with it
  EXPECT_EQ(consumed.load(), 11);  // what the remake on the master made
  if (placed_once) EXPECT_EQ(placements->count.load(), 1);
  compss::detail::shutdown_runtime();
}
}  // namespace

// A task placed on the master's node whose input must be made again, where only the
// master's node can run the producer (2 cores: the live worker has 1), lends its cores to
// that remake: it runs in the master's process on them, and the task then reads what it
// made. Before, the task kept its cores while the remake waited for free ones: it waited
// for itself (a hang; bounded here).
TEST(ClusterRemake, ATaskOnTheMasterLendsItsCoresToTheRemakeItWaitsFor) {
  expect_the_reader_gets_the_remake(
      [](int& x) { compss::detail::call_task<consume_two_spec, &consume_two>(x); },
      false);  // (it may be sent to the producer's worker as it leaves: placed again)
}

namespace {
/// Whether the master declared a worker lost.
bool a_worker_was_lost() {
  for (const auto& n : compss::rt::runtime().backend().node_slots()) {
    if (n.id > 0 && !n.alive) return true;
  }
  return false;
}
/// Waits (up to 20 s) until `done()`.
template <class Done>
void wait_until(Done done) {
  for (auto deadline = std::chrono::steady_clock::now() + 20s; !done() && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(2ms);
  }
}
/// Waits (up to 20 s) until the master declared a worker lost.
void wait_for_a_lost_worker() { wait_until(a_worker_was_lost); }
}  // namespace

namespace {
const Constraint one_core[] = {{"computing_units", "1"}};
/// A type that cannot be serialized (not trivially copyable, no serialize member): the
/// tasks passing it stay on the master.
struct OnlyHere {
  int v = 0;
  std::string note;
};
/// On the master, outside the scheduler (no constraints): until the master declared a
/// worker lost (bounded), so that the task reading its output is placed after the loss.
void until_a_worker_is_lost(OnlyHere& y) {
  y.v = 0;
  wait_for_a_lost_worker();
}
constexpr compss::detail::ParamSpec out_int[] = {
    {compss::detail::Direction::out, compss::detail::ParamKind::object, "y"}};
constexpr compss::detail::TaskSpec until_lost_spec{
    .name = "until_a_worker_is_lost", .signature = "void until_a_worker_is_lost(OnlyHere &)",
    .params = out_int, .param_count = 1, .on_failure = compss::detail::OnFailure::fail};
void consume_one(const int& x, const OnlyHere& y) { consumed = x + y.v; }
constexpr compss::detail::ParamSpec in_two_ints[] = {
    {compss::detail::Direction::in, compss::detail::ParamKind::object, "x"},
    {compss::detail::Direction::in, compss::detail::ParamKind::object, "y"}};
constexpr compss::detail::TaskSpec consume_one_spec{
    .name = "consume_one", .signature = "void consume_one(const int &, const OnlyHere &)",
    .params = in_two_ints, .param_count = 2, .on_failure = compss::detail::OnFailure::fail,
    .constraints = one_core, .constraint_count = 1};
}  // namespace

// A task placed on the master's node whose input was lost with its worker, where the
// producer needs more cores than the task holds and only the master's node can run it
// (2 cores: the live worker has 1), gives its core back while the producer runs again, and
// is placed again after. Before, it kept its core while the remake waited for two free
// ones (it could not lend one core to a 2-core remake): a hang, bounded here. Its task
// events tell one `placed` (before, two: the first given back before it started).
TEST(ClusterRemake, ATaskOnTheMasterGivesItsCoresBackWhileALargerRemakeWaits) {
  OnlyHere y;
  expect_the_reader_gets_the_remake([&y](int& x) {
    compss::detail::call_task<until_lost_spec, &until_a_worker_is_lost>(y);
    compss::detail::call_task<consume_one_spec, &consume_one>(x, y);
  }, true);
}

// The same task placed on the master's node as its input's worker leaves (its loss known
// only while the task already holds its core there, as it usually is: the producer's
// answer, which makes the task ready, is read before the connection's end): it gives its
// core back while the remake waits, and runs after it. Before, the same hang. One
// `placed` in its task events, as above.
TEST(ClusterRemake, ATaskPlacedOnTheMasterBeforeTheLossGivesItsCoresBackToALargerRemake) {
  OnlyHere y;  // (no task writes it: the master holds it)
  expect_the_reader_gets_the_remake(
      [&y](int& x) { compss::detail::call_task<consume_one_spec, &consume_one>(x, y); }, true);
}

namespace {
void produce_one(int& x) { x += 10; }
constexpr compss::detail::TaskSpec produce_one_spec{
    .name = "produce_one", .signature = "void produce_one(int &)", .params = bump_params,
    .param_count = 1, .on_failure = compss::detail::OnFailure::fail, .constraints = one_core,
    .constraint_count = 1};
void read_everywhere(const int&) {}
constexpr compss::detail::TaskSpec read_everywhere_spec{
    .name = "read_everywhere", .signature = "void read_everywhere(const int &)", .params = in_int,
    .param_count = 1, .on_failure = compss::detail::OnFailure::fail, .replicated = true};
}  // namespace

namespace {
/// On three 1-core fake workers (no master cores): produce_one runs on one, which leaves
/// with x (the first of `fates`); then read_everywhere(x), replicated on the two left,
/// whose replicas' requests need x made again while they hold every live worker's core.
/// The call must end ok (a hang is bounded). Returns, over the workers, the requests of
/// produce_one and of read_everywhere, and how many workers got both. With `two_cores`:
/// 2-core workers and produce_two (2 cores), larger than a replica (1 core).
std::array<int, 3> replicas_after_a_loss(std::vector<std::string> fates_of_produce, bool two_cores = false) {
  std::uint16_t port = 0;
  MasterEnvironment master(listening_socket(port), 3);
  ScriptedWorker::Fates fates{std::move(fates_of_produce)};
  const std::string produce = two_cores ? produce_two_spec.signature : produce_one_spec.signature;
  const std::uint32_t cores = two_cores ? 2 : 1;
  ScriptedWorker a(port, {"done"}, cores, produce, &fates), b(port, {"done"}, cores, produce, &fates),
      c(port, {"done"}, cores, produce, &fates);
  int x = 1;
  if (two_cores) {
    compss::detail::call_task<produce_two_spec, &produce_two>(x);
  } else {
    compss::detail::call_task<produce_one_spec, &produce_one>(x);
  }
  // The replicated call is submitted once the loss is known: its replicas' requests then
  // need x made again.
  wait_for_a_lost_worker();
  EXPECT_TRUE(a_worker_was_lost()) << "the producer's worker did not leave";
  compss::detail::call_task<read_everywhere_spec, &read_everywhere>(x);
  auto ended = std::async(std::launch::async, [] {  // (no barrier: x is never fetched, the fakes serve no fetch)
    compss::rt::runtime().wait_all();
    compss::rt::runtime().throw_if_failed();
  });
  if (ended.wait_for(30s) != std::future_status::ready) {
    std::fprintf(stderr, "FAIL: the run hangs: the remake waits for the cores the replicas hold\n");
    std::_Exit(1);  // (the runtime cannot be shut down while it waits)
  }
  EXPECT_NO_THROW(ended.get());
  std::array<int, 3> counts{};
  for (ScriptedWorker* w : {&a, &b, &c}) {
    const int p = w->requests_of(produce), r = w->requests_of(read_everywhere_spec.signature);
    counts[0] += p;
    counts[1] += r;
    counts[2] += p > 0 && r > 0 ? 1 : 0;
  }
  compss::detail::shutdown_runtime();
  return counts;
}
}  // namespace

// The replica building its request lends its core to the remake, which runs on that
// replica's worker, and the call ends. Before (difftest bug 6), the remake waited for a
// free core for ever: here until the fakes' silence lost them (COMPSS_WORKER_TIMEOUT,
// 10 s) and the call failed.
TEST(ClusterRemake, AReplicaLendsItsCoresToTheRemakeItsRequestWaitsFor) {
  const auto [produced, replicas, both] = replicas_after_a_loss({"leave", "stay"});
  EXPECT_EQ(produced, 2);  // its run, then the remake
  EXPECT_EQ(replicas, 2);  // one on each live worker
  EXPECT_EQ(both, 1);      // the remake ran where a replica held the core
}

// The worker of the replica that lent its core dies with the remake (unanswered): that
// replica ends lost, one replica fewer, and the other makes x again on its own core. Before,
// the remake was lent to the dead worker again and again (each came back lost) until the
// build failed ("could not be made again") and with it the call.
TEST(ClusterRemake, AReplicaWhoseWorkerDiesWithTheRemakeItLentToEndsLost) {
  const auto [produced, replicas, both] = replicas_after_a_loss({"leave", "vanish", "stay"});
  EXPECT_EQ(produced, 3);  // its run, the remake that vanished, the other's
  EXPECT_EQ(replicas, 1);  // the live replica's
  EXPECT_EQ(both, 1);
}

// The producer needs 2 cores, a replica holds 1 of its worker's 2: it cannot lend them,
// so it gives its placement back while it waits (ClusterNode::give_back), and the remake
// is placed on its worker's 2 free cores; the replica's request then runs there without
// them. Before, the remake waited for the replicas' cores (the second core of each worker
// was free, never enough) until the fakes' silence lost them (10 s) and the call failed.
TEST(ClusterRemake, AReplicaGivesItsCoresBackToARemakeLargerThanItself) {
  const auto [produced, replicas, both] = replicas_after_a_loss({"leave", "stay"}, true);
  EXPECT_EQ(produced, 2);  // its run, then the remake
  EXPECT_EQ(replicas, 2);  // one on each live worker
  EXPECT_EQ(both, 1);      // the remake ran where a replica gave its core back
}

namespace {
void read_one(const int&) {}
constexpr compss::detail::TaskSpec read_one_spec{
    .name = "read_one", .signature = "void read_one(const int &)", .params = in_int, .param_count = 1,
    .on_failure = compss::detail::OnFailure::fail, .constraints = one_core, .constraint_count = 1};

/// Orders the threads of the test below through net/master/remake_order_hook.hpp (each
/// wait bounded: a run that does not reach a point ends, and fails, later).
struct RemakeOrder {
  std::mutex mutex;
  std::condition_variable cv;
  bool lost_seen = false, replicated_submitted = false, remake_waited = false;
  int replica_builds = 0;
  void at(std::string_view point) {
    std::unique_lock lock(mutex);
    if (point == "lost inputs") {  // read_one holds worker B's core: the replica waits for it
      lost_seen = true;
      cv.notify_all();
      cv.wait_for(lock, 20s, [&] { return replicated_submitted; });
    } else if (point == "replica builds") {  // after read_one's remake waits for its placement
      ++replica_builds;
      cv.wait_for(lock, 20s, [&] { return remake_waited; });
    } else if (point == "remake waits") {
      remake_waited = true;
      cv.notify_all();
    }
  }
};
}  // namespace

// A remake another thread started first (read_one gave its worker's node back, its input
// lost: AttemptDriver::remake_then_place) waits for its placement while the replica of a
// replicated call holds the only live worker's core, and that replica's request needs the
// same version: the replica runs the producer on its core (Cluster::lend_remake_worker),
// it does not give the core back, and the first remake, placed once the replica ended,
// runs nothing. Without lend_remake_worker the replica gave its core back instead
// (replica_waits; the run still ended): the hook orders the threads, the log shows which.
TEST(ClusterRemake, AReplicaRunsOnItsCoresARemakeAnotherThreadStartedThatWaitsForThem) {
  std::uint16_t port = 0;
  MasterEnvironment master(listening_socket(port), 2);
  ::setenv("COMPSS_LOG_LEVEL", "info", 1);
  RemakeOrder order;
  compss::net::remake_order_hook::hook = [&order](std::string_view point) { order.at(point); };
  ScriptedWorker::Fates fates{{"leave", "stay"}};
  ScriptedWorker a(port, {"done"}, 1, produce_one_spec.signature, &fates),
      b(port, {"done"}, 1, produce_one_spec.signature, &fates);
  testing::internal::CaptureStderr();
  int x = 1;
  compss::detail::call_task<produce_one_spec, &produce_one>(x);  // on one worker, which leaves with x
  wait_for_a_lost_worker();
  EXPECT_TRUE(a_worker_was_lost()) << "the producer's worker did not leave";
  // read_one is placed on the live worker and finds x lost (its thread waits in the hook,
  // holding the core, until the replicated call waits for that core).
  std::thread reader([&x] { compss::detail::call_task<read_one_spec, &read_one>(x); });
  {
    std::unique_lock lock(order.mutex);
    EXPECT_TRUE(order.cv.wait_for(lock, 20s, [&] { return order.lost_seen; }));
  }
  compss::detail::call_task<read_everywhere_spec, &read_everywhere>(x);
  {
    std::lock_guard lock(order.mutex);
    order.replicated_submitted = true;
  }
  order.cv.notify_all();
  reader.join();
  auto ended = std::async(std::launch::async, [] {  // (no barrier: the fakes serve no fetch)
    compss::rt::runtime().wait_all();
    compss::rt::runtime().throw_if_failed();
  });
  if (ended.wait_for(30s) != std::future_status::ready) {
    std::fprintf(stderr, "FAIL: the run hangs: the remake waits for the core the replica holds\n");
    std::_Exit(1);  // (the runtime cannot be shut down while it waits)
  }
  EXPECT_NO_THROW(ended.get());
  compss::detail::shutdown_runtime();
  const std::string log = testing::internal::GetCapturedStderr();
  compss::net::remake_order_hook::hook = nullptr;
  ::unsetenv("COMPSS_LOG_LEVEL");
  EXPECT_TRUE(order.remake_waited) << "read_one's remake was placed at once: the order was not the one tested";
  EXPECT_EQ(order.replica_builds, 1);
  ScriptedWorker& live = a.requests_of(read_everywhere_spec.signature) > 0 ? a : b;
  EXPECT_EQ(live.requests_of(produce_one_spec.signature), 1);  // the remake, once
  EXPECT_EQ(live.requests_of(read_everywhere_spec.signature), 1);
  EXPECT_EQ(live.requests_of(read_one_spec.signature), 1);
  EXPECT_EQ(log.find("gives its cores on worker"), std::string::npos) << log;  // it lent them
  EXPECT_NE(log.find("again on worker"), std::string::npos) << log;
}

namespace {
/// As until_a_worker_is_lost, then fails (on_failure fail: the run fails).
void fails_once_a_worker_is_lost(OnlyHere& y) {
  until_a_worker_is_lost(y);
  throw std::runtime_error("failed on purpose");
}
constexpr compss::detail::TaskSpec fails_once_lost_spec{
    .name = "fails_once_a_worker_is_lost", .signature = "void fails_once_a_worker_is_lost(OnlyHere &)",
    .params = out_int, .param_count = 1, .on_failure = compss::detail::OnFailure::fail};
}  // namespace

// The reader of a lost input becomes ready after another task failed the run (it read
// that task's output too): its input is not made again (the producer does not run again,
// for nothing), and it is skipped. Before, the remake ran on the master, and only then was
// the reader skipped.
TEST(ClusterRemake, NothingIsMadeAgainForATaskPlacedAfterTheRunFailed) {
  std::uint16_t port = 0;
  MasterEnvironment master(listening_socket(port), 2);
  ::setenv("COMPSS_MASTER_CORES", "2", 1);
  consumed = 0;
  produced_on_master = 0;
  ScriptedWorker two(port, {"done"}, 2, "void produce_two(int &)"), one(port, {"done"}, 1);
  producer_worker = &two;
  int x = 1;
  OnlyHere y;
  compss::detail::call_task<hold_master_spec, &hold_master>();
  compss::detail::call_task<produce_two_spec, &produce_two>(x);
  compss::detail::call_task<fails_once_lost_spec, &fails_once_a_worker_is_lost>(y);
  compss::detail::call_task<consume_one_spec, &consume_one>(x, y);
  auto ended = std::async(std::launch::async, [] { compss::barrier(); });
  if (ended.wait_for(30s) != std::future_status::ready) {
    std::fprintf(stderr, "FAIL: the run hangs\n");
    std::_Exit(1);  // (the runtime cannot be shut down while it waits)
  }
  EXPECT_ANY_THROW(ended.get());  // (the failure)
  EXPECT_EQ(two.requests(), 1);
  EXPECT_EQ(one.requests(), 0);
  EXPECT_EQ(produced_on_master.load(), 0);  // not made again
  EXPECT_EQ(consumed.load(), 0);            // skipped
  compss::detail::shutdown_runtime();
}

namespace {
std::atomic<ScriptedWorker::Fates*> chain_fates{nullptr};
/// On the master (outside the scheduler): once the remake of x's first lost version was
/// sent (the third produce_one request), fails the run (on_failure fail) while that
/// remake runs (its worker answers 2.5 s later).
void fails_while_made_again(OnlyHere& y) {
  y.v = 0;
  wait_until([] { return chain_fates.load()->next.load() >= 3; });
  throw std::runtime_error("failed on purpose");
}
constexpr compss::detail::TaskSpec fails_while_made_again_spec{
    .name = "fails_while_made_again", .signature = "void fails_while_made_again(OnlyHere &)",
    .params = out_int, .param_count = 1, .on_failure = compss::detail::OnFailure::fail};
}  // namespace

// The run fails while the lineage makes a chain of lost versions again: the walk stops
// there. x's versions 1 and 2 were made on one worker, which left; read_one(x), on the
// other, needs both made again, in turn; the run fails while version 1 is made (a task on
// the master). Version 2 is not made again: nothing more is sent to a worker once the run
// failed, and read_one is skipped. Before, the walk went on through the chain (here one
// more produce_one request, sent after the failure), and the run's end waited for it.
TEST(ClusterRemake, AFailureWhileATasksRemakesRunStopsThem) {
  std::uint16_t port = 0;
  MasterEnvironment master(listening_socket(port), 2);
  // produce_one's requests: x's versions 1 and 2 (on one worker, x's holder: locality),
  // which leaves after the second; then the remakes on the other: version 1, slowly.
  ScriptedWorker::Fates fates{{"stay", "leave", "slow", "stay"}};
  chain_fates = &fates;
  // (Kept on the workers: each version of x is read from its holder, so x's lineage is a
  // chain, version 2's producer reading version 1.)
  ScriptedWorker a(port, {"kept"}, 1, produce_one_spec.signature, &fates),
      b(port, {"kept"}, 1, produce_one_spec.signature, &fates);
  int x = 1;
  OnlyHere y;
  compss::detail::call_task<produce_one_spec, &produce_one>(x);
  compss::detail::call_task<produce_one_spec, &produce_one>(x);
  wait_for_a_lost_worker();
  ASSERT_TRUE(a_worker_was_lost()) << "the producer's worker did not leave";
  const ScriptedWorker& made = a.requests_of(produce_one_spec.signature) == 2 ? a : b;
  ASSERT_EQ(made.requests_of(produce_one_spec.signature), 2) << "x's versions were made on two workers";
  compss::detail::call_task<fails_while_made_again_spec, &fails_while_made_again>(y);
  compss::detail::call_task<read_one_spec, &read_one>(x);
  auto ended = std::async(std::launch::async, [] {  // (no barrier: the fakes serve no fetch)
    compss::rt::runtime().wait_all();
    compss::rt::runtime().throw_if_failed();
  });
  if (ended.wait_for(30s) != std::future_status::ready) {
    std::fprintf(stderr, "FAIL: the run hangs\n");
    std::_Exit(1);  // (the runtime cannot be shut down while it waits)
  }
  try {
    ended.get();
    ADD_FAILURE() << "the run did not fail";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("fails_while_made_again"), std::string::npos) << e.what();
  }
  // Its two runs and the remake of version 1 (sent before the failure), not version 2's.
  EXPECT_EQ(fates.next.load(), 3);
  EXPECT_EQ(a.requests_of(read_one_spec.signature) + b.requests_of(read_one_spec.signature), 0);
  // A wait for x (its version 2 lost, not made again) learns of the run's failure, not of
  // that consequence ("... is not made again: the run failed").
  try {
    compss::rt::runtime().wait_key(compss::detail::DataKey::of(&x));
    ADD_FAILURE() << "the wait for x did not throw";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("fails_while_made_again"), std::string::npos) << e.what();
  }
  EXPECT_EQ(fates.next.load(), 3);  // (nothing sent for it either)
  compss::detail::shutdown_runtime();
  chain_fates = nullptr;
}

namespace {
const Constraint two_cores_each[] = {{"computing_units", "2"}};
constexpr compss::detail::ParamSpec commutative_int[] = {
    {compss::detail::Direction::commutative, compss::detail::ParamKind::object, "x"}};
std::mutex turns_mutex;
std::vector<std::pair<unsigned, std::size_t>> turns;  // (computing_units(), cpus().size())
void take_turn(int& x) {
  std::this_thread::sleep_for(300ms);  // (the other one is placed meanwhile, and parks)
  ++x;
  std::lock_guard lock(turns_mutex);
  turns.emplace_back(compss::this_task::computing_units(), compss::this_task::cpus().size());
}
constexpr compss::detail::TaskSpec take_turn_spec{
    .name = "take_turn", .signature = "void take_turn(int &)", .params = commutative_int,
    .param_count = 1, .on_failure = compss::detail::OnFailure::fail, .constraints = two_cores_each,
    .constraint_count = 1};
}  // namespace

// Commutative tasks run on the master's node, placed through the scheduler when
// constrained. The one that waits for the other's exclusion token runs, once handed it,
// with its 2 cores reserved and bound (compss::this_task::computing_units(), cpus()), as
// the first does. Before, both were placed at once (4 cores), the second parked on the
// token holding its cores, and it was started later outside its placement: unbound
// (computing_units() 1, no cpus).
TEST(ClusterCommutative, ATaskThatWaitedForTheTokenRunsOnItsCoresBound) {
  std::uint16_t port = 0;
  MasterEnvironment master(listening_socket(port), 1);
  ::setenv("COMPSS_MASTER_CORES", "4", 1);
  {
    ScriptedWorker worker(port, {"done"});
    turns.clear();
    int x = 0;
    compss::detail::call_task<take_turn_spec, &take_turn>(x);
    compss::detail::call_task<take_turn_spec, &take_turn>(x);
    compss::barrier();
    EXPECT_EQ(x, 2);
    ASSERT_EQ(turns.size(), 2U);
    for (const auto& [units, cpus] : turns) {
      EXPECT_EQ(units, 2U);
      EXPECT_EQ(cpus, 2U);
    }
    compss::detail::shutdown_runtime();
    EXPECT_EQ(worker.requests(), 0);  // (they never travel)
  }
}
