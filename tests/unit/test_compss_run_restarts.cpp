// WorkerRestartSocket (tools/compss-run/worker_restarts.hpp): compss-run's end of the
// socket on which the master asks for workers to be restarted; current_process
// (supervisor.hpp), which names the process such a request replaces.
#include "supervisor.hpp"
#include "worker_restarts.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace {

using compss::run::current_process;
using compss::run::WorkerProcess;
using compss::run::WorkerRestartSocket;

void say(int fd, const std::string& text) {
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

/// The socket raises SIGIO in this process when written (compss-run blocks it and waits
/// for it): blocked here too, as block_supervised_signals does.
void block_sigio() {
  sigset_t io;
  sigemptyset(&io);
  sigaddset(&io, SIGIO);
  ASSERT_EQ(sigprocmask(SIG_BLOCK, &io, nullptr), 0);
}

TEST(WorkerRestartSocket, GivesTheNamesOfWholeRequestLines) {
  block_sigio();
  WorkerRestartSocket restarts;
  EXPECT_TRUE(restarts.take_requests().empty());
  say(restarts.master_end(), "restart localhost-1\nrestart local");
  EXPECT_EQ(restarts.take_requests(), std::vector<std::string>{"localhost-1"});
  say(restarts.master_end(), "host-2\nnonsense\nrestart \nrestart n7\n");
  EXPECT_EQ(restarts.take_requests(), (std::vector<std::string>{"localhost-2", "n7"}));
  restarts.close_master_end();  // the master's copy ends: nothing more, no error
  EXPECT_TRUE(restarts.take_requests().empty());
  EXPECT_TRUE(restarts.take_requests().empty());
}

TEST(WorkerRestartSocket, SortsAdditionsFromRestarts) {
  // request_resources: "add <name>" lines, read from the same socket as restarts.
  block_sigio();
  WorkerRestartSocket restarts;
  say(restarts.master_end(), "add added-1\nrestart localhost-2\nadd \nadd added-2\nadd add");
  EXPECT_EQ(restarts.take_additions(), (std::vector<std::string>{"added-1", "added-2"}));
  EXPECT_EQ(restarts.take_requests(), std::vector<std::string>{"localhost-2"});
  say(restarts.master_end(), "ed-3\n");
  EXPECT_TRUE(restarts.take_requests().empty());
  EXPECT_EQ(restarts.take_additions(), std::vector<std::string>{"added-3"});
  EXPECT_TRUE(restarts.take_additions().empty());
}

TEST(CurrentProcess, IsTheLastNotReplacedProcessOfThatNameEvenOnceItHasExited) {
  // The master writes its restart request before it cuts the worker off; the worker may
  // exit, and be reaped (running false), before compss-run reads the request: CI once saw
  // such a request ignored, and the run went on without the worker.
  std::vector<WorkerProcess> workers{{1, "h", "w-1", 101, true, false},
                                     {2, "h", "w-2", 102, false, false}};
  ASSERT_NE(current_process(workers, "w-2"), nullptr);
  EXPECT_EQ(current_process(workers, "w-2")->pid, 102);  // exited, not replaced yet
  EXPECT_EQ(current_process(workers, "w-1")->pid, 101);
  EXPECT_EQ(current_process(workers, "w-3"), nullptr);
  workers[1].replaced = true;  // restarted once: its new process is the current one
  workers.push_back({2, "h", "w-2", 202, true, false});
  EXPECT_EQ(current_process(workers, "w-2")->pid, 202);
  workers[2].replaced = true;  // asked again and not started yet: nothing to replace
  EXPECT_EQ(current_process(workers, "w-2"), nullptr);
}

}  // namespace
