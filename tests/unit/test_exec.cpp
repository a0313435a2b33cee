// runtime/exec: the command line of binary/MPI tasks, the process group that a time-out
// kills, program paths and MPI host files (docs/external_programs.md).
#include "exec/binding_environment.hpp"
#include "exec/command_line.hpp"
#include "exec/mpi_command.hpp"
#include "exec/process.hpp"
#include "exec/program_path.hpp"

#include <compss/detail/external_call.hpp>
#include <compss/error.hpp>
#include <compss/stream.hpp>

#include <gtest/gtest.h>

#include <thread>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using compss::detail::ExternalArg;
using compss::detail::ParamSpec;
using compss::detail::TaskSpec;
using compss::exec::TaskArgs;
namespace fs = std::filesystem;

constexpr ParamSpec params[] = {
    {compss::detail::Direction::in, compss::detail::ParamKind::object, "name"},
    {compss::detail::Direction::in, compss::detail::ParamKind::collection, "xs"},
    {compss::detail::Direction::in, compss::detail::ParamKind::object, "n"}};
constexpr TaskSpec spec{"t", "void t()", params, 3};

std::vector<ExternalArg> args(std::string name, std::vector<std::string> xs, std::string n) {
  return {{{std::move(name)}, false}, {std::move(xs), true}, {{std::move(n)}, false}};
}

TEST(ExecCommandLine, AValueIsOneArgumentWhateverItHolds) {
  const auto a = args("a b; rm -rf / \"q\" 'r'", {}, "1");
  EXPECT_EQ(TaskArgs(spec, a).words("-x {{name}}"),
            (std::vector<std::string>{"-x", "a b; rm -rf / \"q\" 'r'"}));
  EXPECT_EQ(TaskArgs(spec, a).words("--n={{n}}"), (std::vector<std::string>{"--n=1"}));
}

TEST(ExecCommandLine, QuotesInThePragmaGroupWordsAndAreRemoved) {
  const auto a = args("v", {}, "2");
  EXPECT_EQ(TaskArgs(spec, a).words("'one word {{n}}' \"two\"  three \"\""),
            (std::vector<std::string>{"one word 2", "two", "three", ""}));
  EXPECT_THROW(TaskArgs(spec, a).words("'open"), compss::Error);
}

TEST(ExecCommandLine, ACollectionAloneGivesAnArgumentPerElement) {
  const auto a = args("v", {"1", "2 3", "4"}, "0");
  EXPECT_EQ(TaskArgs(spec, a).words("a {{xs}} b"),
            (std::vector<std::string>{"a", "1", "2 3", "4", "b"}));
  EXPECT_EQ(TaskArgs(spec, a).words("--xs={{xs}}"), (std::vector<std::string>{"--xs=1 2 3 4"}));
  const auto empty = args("v", {}, "0");
  EXPECT_EQ(TaskArgs(spec, empty).words("{{xs}}"), (std::vector<std::string>{}));
}

TEST(ExecCommandLine, UnknownPlaceholderIsAnError) {
  const auto a = args("v", {}, "0");
  try {
    TaskArgs(spec, a).words("{{nope}}");
    FAIL() << "no error";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("{{nope}} names no parameter"), std::string::npos);
  }
  EXPECT_THROW(TaskArgs(spec, a).text("{{name"), compss::Error);
}

TEST(ExecCommandLine, WithoutArgsEveryParameterInOrder) {
  const auto a = args("v w", {"1", "2"}, "3");
  EXPECT_EQ(TaskArgs(spec, a).all_values({false, false, false}),
            (std::vector<std::string>{"v w", "1", "2", "3"}));
  EXPECT_EQ(TaskArgs(spec, a).all_values({true, false, false}),
            (std::vector<std::string>{"1", "2", "3"}));
}

// A file stream (stream_out/stream_in of a binary or MPI task) is its directory on the
// node running the program: the program writes its files there (examples/streaming_sims).
TEST(ExecCommandLine, AFileStreamArgumentIsItsDirectory) {
  const fs::path root = fs::temp_directory_path() / ("compss-test-exec-" + std::to_string(::getpid()));
  const fs::path dir = root / "sub/../out";
  compss::FileStream outputs(dir);
  const ExternalArg a = compss::detail::external_arg(outputs);
  EXPECT_FALSE(a.list);
  EXPECT_EQ(a.values, (std::vector<std::string>{outputs.base_dir().string()}));
  EXPECT_EQ(outputs.base_dir(), fs::absolute(dir).lexically_normal());
  fs::remove_all(root);
}

compss::exec::ProcessSpec shell(const std::string& script) {
  return {"/bin/sh", {"sh", "-c", script}, "", {}, "", "", false, "", false};
}
const auto never = std::chrono::steady_clock::time_point::max();
const auto no_stop = [] { return false; };

TEST(ExecProcess, ExitCodeAndEnvironment) {
  auto p = shell("test \"$COMPSS_X\" = yes && exit 7; exit 1");
  p.env = {"COMPSS_X=yes"};
  const auto end = compss::exec::run_process(p, "task 't'", never, no_stop);
  EXPECT_EQ(end.how, compss::exec::ProcessEnd::How::exited);
  EXPECT_EQ(end.code, 7);
}

TEST(ExecProcess, StandardStreamsAndWorkingDirectory) {
  const fs::path dir = fs::temp_directory_path() / ("compss-exec-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "in.txt") << "b\na\n";
  auto p = shell("sort; pwd >&2");
  p.working_dir = dir.string();
  p.stdin_file = "in.txt";  // relative to the working directory
  p.stdout_file = (dir / "out.txt").string();
  p.stderr_file = (dir / "err.txt").string();
  compss::exec::run_process(p, "task 't'", never, no_stop);
  p.stdout_append = true;
  compss::exec::run_process(p, "task 't'", never, no_stop);
  std::ifstream out(dir / "out.txt"), err(dir / "err.txt");
  std::string o((std::istreambuf_iterator<char>(out)), {});
  std::string e((std::istreambuf_iterator<char>(err)), {});
  EXPECT_EQ(o, "a\nb\na\nb\n");
  EXPECT_EQ(e, dir.string() + "\n");
  fs::remove_all(dir);
}

// The group leader and two children it started: a time-out must leave none of them.
TEST(ExecProcess, ADeadlineKillsTheWholeProcessGroup) {
  const fs::path pid_file = fs::temp_directory_path() / ("compss-exec-pg-" + std::to_string(::getpid()));
  auto p = shell("echo $$ > " + pid_file.string() +
                 "; trap '' TERM; sleep 300 & sleep 300 & wait");
  const auto start = std::chrono::steady_clock::now();
  const auto end = compss::exec::run_process(p, "task 't'", start + std::chrono::milliseconds(300),
                                             no_stop, std::chrono::milliseconds(20),
                                             std::chrono::milliseconds(200));
  EXPECT_EQ(end.how, compss::exec::ProcessEnd::How::timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  pid_t group = 0;
  std::ifstream(pid_file) >> group;
  fs::remove(pid_file);
  ASSERT_GT(group, 0);
  EXPECT_EQ(compss::exec::living_group_members(group).size(), 0u)
      << "processes of the group are still alive";
}

// The program gets the three standard streams and nothing else of ours (a worker's
// sockets must not live on in it).
TEST(ExecProcess, OnlyTheStandardStreamsAreInherited) {
  const int fd = ::open("/dev/null", O_RDONLY);  // (no O_CLOEXEC, like a socket of Asio's)
  ASSERT_GE(fd, 3);
  const auto end = compss::exec::run_process(
      shell("test -e /proc/self/fd/" + std::to_string(fd) + " && exit 1; exit 0"), "task 't'",
      never, no_stop);
  ::close(fd);
  EXPECT_EQ(end.code, 0) << "descriptor " << fd << " was inherited";
}

TEST(ExecProcess, AStopRequestKillsIt) {
  int polls = 0;
  const auto end = compss::exec::run_process(shell("sleep 300"), "task 't'", never,
                                             [&] { return ++polls > 3; },
                                             std::chrono::milliseconds(10));
  EXPECT_EQ(end.how, compss::exec::ProcessEnd::How::stopped);
}

// The master stops the program of one task (a gang that lost a node): only that task's
// programs end, as stopped; another task's keeps running.
TEST(ExecProcess, KillingOneOwnersGroupsLeavesTheOthers) {
  int mine = 0, other = 0;
  auto run_as = [](const void* owner, compss::exec::ProcessEnd& end) {
    compss::exec::GroupOwnerScope scope(owner);
    end = compss::exec::run_process(shell("sleep 300"), "task 't'",
                                    std::chrono::steady_clock::now() + std::chrono::seconds(60),
                                    no_stop, std::chrono::milliseconds(10),
                                    std::chrono::milliseconds(200));
  };
  compss::exec::ProcessEnd mine_end, other_end;
  std::thread a(run_as, &mine, std::ref(mine_end));
  std::thread b(run_as, &other, std::ref(other_end));
  // (Polled: the programs register once they started.)
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (compss::exec::kill_groups_of(&mine) == 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  a.join();
  EXPECT_EQ(mine_end.how, compss::exec::ProcessEnd::How::stopped);
  EXPECT_EQ(compss::exec::kill_groups_of(&mine), 0u);  // ended, not registered any more
  EXPECT_EQ(compss::exec::kill_groups_of(&other), 1u);  // still running until now
  b.join();
  EXPECT_EQ(other_end.how, compss::exec::ProcessEnd::How::stopped);
}

TEST(ExecProcess, AProgramThatCannotStartNamesTaskAndPath) {
  try {
    compss::exec::run_process({"/nonexistent/prog", {"prog"}, "", {}, "", "", false, "", false},
                              "binary task 'x'", never, no_stop);
    FAIL() << "no error";
  } catch (const compss::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("binary task 'x'"), std::string::npos) << what;
    EXPECT_NE(what.find("/nonexistent/prog"), std::string::npos) << what;
  }
}

TEST(ExecProgramPath, RelativeToTheBaseThenPath) {
  const fs::path dir = fs::temp_directory_path() / ("compss-exec-path-" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "sub" / "tool") << "#!/bin/sh\n";
  fs::permissions(dir / "sub" / "tool", fs::perms::owner_all);
  std::ofstream(dir / "plain") << "data";
  EXPECT_EQ(compss::exec::resolve_program("sub/tool", dir.string(), "t"), (dir / "sub/tool").string());
  EXPECT_EQ(compss::exec::resolve_program("./sub/../sub/tool", dir.string(), "t"),
            (dir / "sub/tool").string());
  EXPECT_EQ(compss::exec::resolve_program("sh", dir.string(), "t").substr(0, 1), "/");
  try {
    compss::exec::resolve_program("plain", dir.string(), "binary task 'p'");
    FAIL() << "no error";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("is not an executable file"), std::string::npos);
  }
  try {
    compss::exec::resolve_program("missing/tool", dir.string(), "binary task 'm'");
    FAIL() << "no error";
  } catch (const compss::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("binary task 'm': program 'missing/tool' not found"), std::string::npos) << what;
    EXPECT_NE(what.find((dir / "missing/tool").string()), std::string::npos) << what;
  }
  fs::remove_all(dir);
}

TEST(ExecMpi, HostFilesAndRunnerArguments) {
  using compss::exec::MpiFlavour;
  EXPECT_EQ(compss::exec::host_file_text(MpiFlavour::openmpi, {{"n1", 2}, {"n2", 1}}),
            "n1\nn1\nn2\n");  // a line per slot (Open MPI), nodes in allocation order
  EXPECT_EQ(compss::exec::host_file_text(MpiFlavour::mpich, {{"n1", 2}, {"n2", 1}, {"n1", 1}}),
            "n1:3\nn2:1\n");  // same name merged (MPICH)
  EXPECT_EQ(compss::exec::host_file_text(MpiFlavour::mpich, {{"n1", 2}}), "n1:2\n");
  EXPECT_EQ(compss::exec::mpi_runner_args(MpiFlavour::openmpi, "/h", 4),
            (std::vector<std::string>{"--hostfile", "/h", "-n", "4"}));
  EXPECT_EQ(compss::exec::mpi_runner_args(MpiFlavour::mpich, "/h", 4),
            (std::vector<std::string>{"-f", "/h", "-n", "4"}));
  EXPECT_EQ(compss::exec::mpi_environment(MpiFlavour::openmpi, true).size(), 2u);
  EXPECT_TRUE(compss::exec::mpi_environment(MpiFlavour::openmpi, false).empty());
  // The run's configuration, read again after the variable changes (at start in a run).
  ::setenv("COMPSS_MPIRUN_TYPE", "mpich", 1);
  compss::config::load_run_config();
  EXPECT_EQ(compss::exec::mpi_flavour_from_env(), MpiFlavour::mpich);
  ::setenv("COMPSS_MPIRUN_TYPE", "lam", 1);
  EXPECT_THROW(compss::config::load_run_config(), compss::Error);
  EXPECT_EQ(compss::exec::mpi_flavour_from_env(), MpiFlavour::mpich);  // (nothing installed)
  ::unsetenv("COMPSS_MPIRUN_TYPE");
  compss::config::load_run_config();
  EXPECT_EQ(compss::exec::mpi_flavour_from_env(), MpiFlavour::openmpi);
}

TEST(ExecBindingEnvironment, TheProgramIsToldItsCoresAndGpus) {
  using V = std::vector<std::string>;
  EXPECT_EQ(compss::exec::binding_environment({2, 3}, {1}, true),
            (V{"COMPSS_BINDED_CPUS=2,3", "COMPSS_BINDED_GPUS=1", "CUDA_VISIBLE_DEVICES=1",
               "ROCR_VISIBLE_DEVICES=1", "GPU_DEVICE_ORDINAL=1"}));
  // No GPU held: the device variables are left as this process has them.
  EXPECT_EQ(compss::exec::binding_environment({0}, {}, true),
            (V{"COMPSS_BINDED_CPUS=0", "COMPSS_BINDED_GPUS="}));
  // COMPSS_GPU_AFFINITY=disabled: the ids are told, the devices not restricted.
  EXPECT_EQ(compss::exec::binding_environment({0}, {0, 1}, false),
            (V{"COMPSS_BINDED_CPUS=0", "COMPSS_BINDED_GPUS=0,1"}));
  // (COMPSS_GPU_AFFINITY's values: tests/unit/test_run_config.cpp.)
}

}  // namespace
