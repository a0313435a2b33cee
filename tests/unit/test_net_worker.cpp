// A real worker process over TCP: the master side (Listener + RemoteExecutor) runs tasks
// of net_worker_program, which serves them because COMPSS_WORKER is set.
#include "net/io_thread.hpp"
#include "net/listener.hpp"
#include "net/remote_executor.hpp"

#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

extern char** environ;

using namespace compss::net;
using namespace std::chrono_literals;

namespace {

/// Starts net_worker_program with extra environment entries; returns its pid.
pid_t spawn_program(std::vector<std::string> extra_env) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  for (auto& x : extra_env) env.push_back(std::move(x));
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string path = COMPSS_NET_WORKER_PROGRAM;
  char* argv[] = {path.data(), nullptr};
  pid_t pid = -1;
  if (posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv, envp.data()) != 0) return -1;
  return pid;
}

/// Waits at most 30 s for `pid`; kills it if it is still running. Returns its exit code.
int wait_exit(pid_t pid) {
  for (int i = 0; i < 3000; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(10ms);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -2;
}

WireParam value(std::vector<std::byte> bytes) {
  WireParam p;
  p.has_value = true;
  p.value = std::move(bytes);
  return p;
}

}  // namespace

TEST(NetWorker, RealWorkerRunsTasksAndReportsFailures) {
  IoThread io;
  Listener listener(io.context(), {.secret = "run-secret"});
  pid_t pid = spawn_program({"COMPSS_WORKER=127.0.0.1:" + std::to_string(listener.port()),
                             "COMPSS_SECRET=run-secret"});
  ASSERT_GT(pid, 0);
  {
    auto conn = listener.accept(30s);
    ASSERT_TRUE(conn) << "the worker did not connect";
    RemoteExecutor worker(conn);
    EXPECT_EQ(worker.hello().pid, static_cast<std::uint32_t>(pid));

    TaskRequest square{1, "void square_all(std::vector<double> &)",
                       {value(compss::to_bytes(std::vector<double>{1, 2, 3}))}};
    TaskDone d = worker.run(square, 30s);
    ASSERT_EQ(d.outputs.size(), 1u);
    std::vector<double> v;
    compss::from_bytes(d.outputs[0].value, v);
    EXPECT_EQ(v, (std::vector<double>{1, 4, 9}));

    TaskRequest greet{2, "std::string greet(const std::string &)",
                      {value(compss::to_bytes(std::string("worker")))}};
    d = worker.run(greet, 30s);
    ASSERT_EQ(d.outputs.size(), 1u);
    std::string s;
    compss::from_bytes(d.outputs[0].value, s);
    EXPECT_EQ(s, "hello worker");

    TaskRequest fail{3, greet.signature, {value(compss::to_bytes(std::string()))}};
    try {
      worker.run(fail, 30s);
      ADD_FAILURE() << "the failure was not reported";
    } catch (const compss::Error& e) {
      EXPECT_NE(std::string(e.what()).find("failed on worker"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("std::runtime_error: nobody to greet"), std::string::npos)
          << e.what();
    }
    worker.shutdown();
  }
  EXPECT_EQ(wait_exit(pid), 0);
}

TEST(NetWorker, WorkerWithWrongSecretIsRejectedAndExits) {
  IoThread io;
  Listener listener(io.context(), {.secret = "right", .connection = {.log = nullptr}});
  pid_t pid = spawn_program({"COMPSS_WORKER=127.0.0.1:" + std::to_string(listener.port()),
                             "COMPSS_SECRET=wrong"});
  ASSERT_GT(pid, 0);
  EXPECT_EQ(wait_exit(pid), 1);  // closed by the master: the worker ends with an error
  EXPECT_EQ(listener.accept(10ms), nullptr);
  EXPECT_EQ(listener.rejected(), 1u);
}

TEST(NetWorker, MissingSecretIsAClearError) {
  pid_t pid = spawn_program({"COMPSS_WORKER=127.0.0.1:1"});
  ASSERT_GT(pid, 0);
  EXPECT_EQ(wait_exit(pid), 1);
}

TEST(NetWorker, WithoutWorkerVariableTheProgramRunsLocally) {
  pid_t pid = spawn_program({});
  ASSERT_GT(pid, 0);
  EXPECT_EQ(wait_exit(pid), 0);
}
