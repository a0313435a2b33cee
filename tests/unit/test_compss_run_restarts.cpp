// WorkerRestartSocket (tools/compss-run/worker_restarts.hpp): compss-run's end of the
// socket on which the master asks for workers to be restarted.
#include "worker_restarts.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace {

using compss::run::WorkerRestartSocket;

void say(int fd, const std::string& text) {
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

TEST(WorkerRestartSocket, GivesTheNamesOfWholeRequestLines) {
  // The socket raises SIGIO in this process when written (compss-run blocks it and waits
  // for it): blocked here too, as block_supervised_signals does.
  sigset_t io;
  sigemptyset(&io);
  sigaddset(&io, SIGIO);
  ASSERT_EQ(sigprocmask(SIG_BLOCK, &io, nullptr), 0);
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

}  // namespace
