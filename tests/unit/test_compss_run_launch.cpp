// compss-run end to end with a fake application (tools/compss-run/test-fakes/fake_app.sh)
// that records its environment: local workers, ssh (fake ssh in PATH), Slurm (fake srun),
// XML files, exit codes, early worker failures, signal forwarding, option errors.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace {

const std::string fakes = COMPSS_RUN_FAKES_DIR;
const std::string fake_app = fakes + "/fake_app.sh";

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::map<std::string, std::string> read_record(const fs::path& p) {
  std::map<std::string, std::string> m;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) {
    std::size_t eq = line.find('=');
    if (eq != std::string::npos) m[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return m;
}

class CompssRunLaunch : public ::testing::Test {
 protected:
  fs::path dir;
  fs::path out;

  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "compss-run-launch-XXXXXX").string();
    dir = ::mkdtemp(tmpl.data());
    out = dir / "out";
    fs::create_directory(out);
  }
  void TearDown() override { fs::remove_all(dir); }

  /// Starts compss-run with `args` and extra variables; stdout/stderr go to files.
  pid_t start(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    pid_t pid = ::fork();
    if (pid == 0) {
      FILE* o = std::freopen((dir / "stdout").c_str(), "w", stdout);
      FILE* e = std::freopen((dir / "stderr").c_str(), "w", stderr);
      if (!o || !e) ::_exit(120);
      ::setenv("FAKE_OUT_DIR", out.c_str(), 1);
      for (const char* v : {"COMPSS_WORKERS", "COMPSS_HOSTS", "COMPSS_RESOURCES", "COMPSS_PROJECT",
                            "SLURM_JOB_ID", "COMPSS_PROGRESS", "COMPSS_LOG_LEVEL"})
        ::unsetenv(v);
      for (auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      std::vector<char*> argv = {const_cast<char*>(COMPSS_RUN_BINARY)};
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(COMPSS_RUN_BINARY, argv.data());
      ::_exit(121);
    }
    return pid;
  }

  /// Waits (at most 30 s, then kills it and fails) and returns the exit code.
  int finish(pid_t pid) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        ADD_FAILURE() << "compss-run did not finish within 30 s; stderr:\n" << err();
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  int run(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
    return finish(start(args, env));
  }

  std::string err() { return read_file(dir / "stderr"); }

  std::vector<std::map<std::string, std::string>> workers() {
    std::vector<std::map<std::string, std::string>> w;
    for (auto& e : fs::directory_iterator(out))
      if (std::regex_match(e.path().filename().string(), std::regex("worker\\.[0-9]+")))
        w.push_back(read_record(e.path()));
    std::sort(w.begin(), w.end(), [](auto& a, auto& b) { return a["name"] < b["name"]; });
    return w;
  }

  std::vector<std::string> files_starting(const std::string& prefix) {
    std::vector<std::string> texts;
    for (auto& e : fs::directory_iterator(out))
      if (e.path().filename().string().rfind(prefix, 0) == 0) texts.push_back(read_file(e.path()));
    return texts;
  }
};

std::string hostname() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

}  // namespace

TEST_F(CompssRunLaunch, LocalWorkersGetTheMasterPortAndTheSecret) {
  int code = run({"--workers", "2", "--log-level", "info", "--scheduler", "lifo", "--",
                  fake_app, "a", "b c"},
                 {{"FAKE_WAIT_WORKERS", "2"}});
  ASSERT_EQ(code, 0) << err();
  auto m = read_record(out / "master");
  EXPECT_TRUE(std::regex_match(m["secret"], std::regex("[0-9a-f]{64}"))) << m["secret"];
  ASSERT_FALSE(m["listen_port"].empty()) << "COMPSS_LISTEN_FD is not a listening socket";
  EXPECT_EQ(m["workers_expected"], "2");
  EXPECT_EQ(m["scheduler"], "lifo");
  EXPECT_EQ(m["worker_var"], "");
  EXPECT_EQ(m["progress"], "");  // stderr is not a terminal
  EXPECT_EQ(m["args"], "a b c");
  auto w = workers();
  ASSERT_EQ(w.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(w[i]["worker"], "127.0.0.1:" + m["listen_port"]);
    EXPECT_EQ(w[i]["secret"], m["secret"]);
    EXPECT_EQ(w[i]["name"], "localhost-" + std::to_string(i + 1));
    EXPECT_EQ(w[i]["listen_fd"], "");
    EXPECT_EQ(w[i]["sockets"], "0") << "a worker inherited the listening socket";
    EXPECT_EQ(w[i]["log_level"], "info");
    EXPECT_EQ(w[i]["args"], "a b c");
  }
  std::string e = err();
  EXPECT_NE(e.find("compss-run: master listening on 127.0.0.1:" + m["listen_port"] + "\n"),
            std::string::npos) << e;
  EXPECT_TRUE(std::regex_search(e, std::regex("compss-run: worker 1 \\(localhost-1, host localhost\\) started, pid [0-9]+")))
      << e;
}

TEST_F(CompssRunLaunch, ExitCodeIsTheMasters) {
  EXPECT_EQ(run({"--workers", "0", fake_app}, {{"FAKE_MASTER_EXIT", "7"}}), 7) << err();
  EXPECT_EQ(run({fake_app}), 0) << err();
}

TEST_F(CompssRunLaunch, AWorkerThatFailsEarlyIsReported) {
  int code = run({"--workers", "2", fake_app},
                 {{"FAKE_WAIT_WORKERS", "2"}, {"FAKE_WAIT_WORKERS_GONE", "1"}, {"FAKE_WORKER_EXIT", "1"}});
  EXPECT_EQ(code, 0);
  std::string e = err();
  EXPECT_NE(e.find("compss-run: worker 1 (localhost-1, host localhost) exited with code 1\n"), std::string::npos) << e;
  EXPECT_NE(e.find("compss-run: worker 2 (localhost-2, host localhost) exited with code 1\n"), std::string::npos) << e;
}

// The master learns from compss-run which workers ended or could not start (a pipe only
// it inherits), so it need not wait the connect time-out for them.
TEST_F(CompssRunLaunch, TheMasterIsToldWhichWorkersEnded) {
  int code = run({"--workers", "2", fake_app},
                 {{"FAKE_READ_EXITS", "2"}, {"FAKE_WORKER_EXIT", "3"}});
  EXPECT_EQ(code, 0) << err();
  auto m = read_record(out / "master");
  EXPECT_EQ(m["exits_pipe"].rfind("pipe:[", 0), 0u)
      << "COMPSS_WORKER_EXITS_FD='" << m["exits_fd"] << "' is " << m["exits_pipe"];
  EXPECT_EQ(m["require_workers"], "0");
  std::string exits = read_file(out / "exits");
  EXPECT_TRUE(exits == "ended localhost-1\nended localhost-2\n" ||
              exits == "ended localhost-2\nended localhost-1\n") << exits;
  for (auto& w : workers()) {
    EXPECT_EQ(w["exits_fd"], "");
    EXPECT_EQ(w["pipes"].find(m["exits_pipe"]), std::string::npos) << "a worker inherited the pipe";
  }

  // A worker that cannot be started (its AppDir does not exist) is reported too.
  std::ofstream(dir / "project.xml") << "<Project><ComputeNode Name=\"localhost\"><Application>"
                                        "<AppDir>/nonexistent-compss-dir</AppDir></Application>"
                                        "</ComputeNode></Project>";
  fs::remove(out / "exits");
  code = run({"--project", (dir / "project.xml").string(), "--require-workers", fake_app},
             {{"FAKE_READ_EXITS", "1"}});
  EXPECT_EQ(code, 0) << err();
  EXPECT_EQ(read_file(out / "exits"), "ended localhost\n");
  EXPECT_EQ(read_record(out / "master")["require_workers"], "1");
  EXPECT_NE(err().find("compss-run: cannot start worker 1 (localhost, host localhost): "
                       "/nonexistent-compss-dir/fake_app.sh: No such file or directory"),
            std::string::npos) << err();
}

TEST_F(CompssRunLaunch, WorkersStillRunningAfterTheMasterAreStopped) {
  // The worker sleeps 60 s; compss-run gives it 5 s after the master, then SIGTERM.
  int code = run({"--workers", "1", "--log-level", "info", fake_app},
                 {{"FAKE_WAIT_WORKERS", "1"}, {"FAKE_WORKER_SLEEP", "60"}, {"FAKE_MASTER_EXIT", "3"}});
  EXPECT_EQ(code, 3);
  std::string e = err();
  EXPECT_NE(e.find("compss-run: stopping 1 worker(s) still running after the master"), std::string::npos) << e;
  EXPECT_NE(e.find("compss-run: worker 1 (localhost-1, host localhost) was killed by signal 15"), std::string::npos) << e;
}

// request_resources: the master writes "add <name>" on COMPSS_WORKER_RESTART_FD; compss-run
// starts a worker of that name as it started the run's local workers.
TEST_F(CompssRunLaunch, RequestedWorkersStartLikeTheLocalOnes) {
  int code = run({"--workers", "1", "--log-level", "info", fake_app, "x"},
                 {{"FAKE_ADD_WORKERS", "added-1"}, {"FAKE_WAIT_WORKERS", "2"}});
  ASSERT_EQ(code, 0) << err();
  auto w = workers();
  ASSERT_EQ(w.size(), 2u) << err();
  EXPECT_EQ(w[0]["name"], "added-1");
  EXPECT_EQ(w[1]["name"], "localhost-1");
  for (const char* key : {"worker", "secret", "cores", "args"}) EXPECT_EQ(w[0][key], w[1][key]) << key;
  const std::string e = err();
  EXPECT_NE(e.find("compss-run: starting worker 2 (added-1) at the program's request "
                   "(request_resources)\n"), std::string::npos) << e;
  EXPECT_NE(e.find("compss-run: worker 2 (added-1, host localhost) started, pid "), std::string::npos) << e;
}

// With --hosts every listed host runs a worker already: nothing is added, and compss-run
// says why.
TEST_F(CompssRunLaunch, RequestedWorkersAreNotAddedToRunsOnOtherHosts) {
  std::string path = fakes + "/bin:" + std::string(std::getenv("PATH"));
  int code = run({"--hosts", "nodeA", fake_app},
                 {{"PATH", path}, {"FAKE_ADD_WORKERS", "added-1"}, {"FAKE_WAIT_WORKERS", "1"}});
  ASSERT_EQ(code, 0) << err();
  EXPECT_EQ(workers().size(), 1u);
  EXPECT_NE(err().find("compss-run: WARNING: request_resources: no worker added: this run's "
                       "workers are listed hosts"), std::string::npos) << err();
}

// Listed hosts that all name this machine run locally, but each listed host runs its one
// worker already: only a --workers N run grows (docs/distributed.md).
TEST_F(CompssRunLaunch, RequestedWorkersAreNotAddedToListedLocalHosts) {
  int code = run({"--hosts", "localhost,localhost", fake_app},
                 {{"FAKE_ADD_WORKERS", "added-1"}, {"FAKE_WAIT_WORKERS", "2"}});
  ASSERT_EQ(code, 0) << err();
  EXPECT_EQ(workers().size(), 2u) << err();
  EXPECT_EQ(err().find("(request_resources)"), std::string::npos) << err();
  EXPECT_NE(err().find("compss-run: WARNING: request_resources: no worker added: this run's "
                       "workers are listed hosts"), std::string::npos) << err();
}

TEST_F(CompssRunLaunch, HostsOverSshGetTheSecretOnStdin) {
  std::string path = fakes + "/bin:" + std::string(std::getenv("PATH"));
  int code = run({"--hosts", "nodeA,alice@nodeB", "--worker-cores", "3", fake_app, "x"},
                 {{"PATH", path}, {"FAKE_WAIT_WORKERS", "2"}});
  ASSERT_EQ(code, 0) << err();
  auto m = read_record(out / "master");
  auto w = workers();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0]["name"], "nodeA");
  EXPECT_EQ(w[1]["name"], "nodeB");
  for (auto& rec : w) {
    EXPECT_EQ(rec["worker"], hostname() + ":" + m["listen_port"]);  // bound to 0.0.0.0
    EXPECT_EQ(rec["secret"], m["secret"]);  // came through stdin: fake ssh unsets it
    EXPECT_EQ(rec["cores"], "3");
    EXPECT_EQ(rec["args"], "x");
  }
  EXPECT_TRUE(files_starting("ssh-env.").empty()) << "COMPSS_SECRET was in ssh's environment";
  auto ssh_args = files_starting("ssh.");
  ASSERT_EQ(ssh_args.size(), 2u);
  for (const std::string& a : ssh_args) {
    EXPECT_EQ(a.find(m["secret"]), std::string::npos) << "the secret is on ssh's command line";
    EXPECT_EQ(a.rfind("-o\nBatchMode=yes\n", 0), 0u) << a;
  }
  EXPECT_NE((ssh_args[0] + ssh_args[1]).find("\nalice@nodeB\n"), std::string::npos);
}

// A host reached over loopback (by ssh: a user is given): the master listens on 127.0.0.1
// only (not on every interface), and the worker is told that address.
TEST_F(CompssRunLaunch, HostsListenOnlyOnTheInterfaceTheyAreReachedFrom) {
  std::string path = fakes + "/bin:" + std::string(std::getenv("PATH"));
  int code = run({"--hosts", "alice@127.0.0.1", "--log-level", "info", fake_app},
                 {{"PATH", path}, {"FAKE_WAIT_WORKERS", "1"}});
  ASSERT_EQ(code, 0) << err();
  auto m = read_record(out / "master");
  auto w = workers();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0]["worker"], "127.0.0.1:" + m["listen_port"]);
  EXPECT_NE(err().find("compss-run: master listening on 127.0.0.1:" + m["listen_port"] + "\n"),
            std::string::npos) << err();
}

TEST_F(CompssRunLaunch, SlurmStartsOneWorkerPerNodeWithSrun) {
  std::string path = fakes + "/bin:" + std::string(std::getenv("PATH"));
  int code = run({fake_app},
                 {{"PATH", path}, {"SLURM_JOB_ID", "42"}, {"SLURM_JOB_NODELIST", "cn[1-2]"},
                  {"FAKE_WAIT_WORKERS", "2"}});
  ASSERT_EQ(code, 0) << err();
  auto m = read_record(out / "master");
  EXPECT_EQ(m["workers_expected"], "2");
  auto w = workers();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0]["name"], "cn1");
  EXPECT_EQ(w[1]["name"], "cn2");
  EXPECT_EQ(w[0]["secret"], m["secret"]);
  EXPECT_EQ(w[0]["worker"], hostname() + ":" + m["listen_port"]);
  auto srun_args = files_starting("srun.");
  ASSERT_EQ(srun_args.size(), 2u);
  EXPECT_NE((srun_args[0] + srun_args[1]).find("--nodelist=cn2\n"), std::string::npos);
}

TEST_F(CompssRunLaunch, XmlFilesSetCoresAndWorkingDir) {
  std::ofstream(dir / "r.xml") << "<ResourcesList><ComputeNode Name=\"localhost\"><Processor Name=\"P\">"
                                  "<ComputingUnits>4</ComputingUnits></Processor></ComputeNode></ResourcesList>";
  std::ofstream(dir / "p.xml") << "<Project><ComputeNode Name=\"localhost\"><WorkingDir>/tmp/compss-wd</WorkingDir>"
                                  "<LimitOfTasks>2</LimitOfTasks></ComputeNode></Project>";
  int code = run({"--resources", (dir / "r.xml").string(), "--project", (dir / "p.xml").string(),
                  "--log-level", "info", fake_app},
                 {{"FAKE_WAIT_WORKERS", "1"}});
  ASSERT_EQ(code, 0) << err();
  auto w = workers();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0]["cores"], "2");
  EXPECT_EQ(w[0]["workdir"], "/tmp/compss-wd");
  EXPECT_EQ(w[0]["worker"].rfind("127.0.0.1:", 0), 0u);  // only local nodes: loopback
  EXPECT_NE(err().find("master listening on 127.0.0.1:"), std::string::npos);
}

TEST_F(CompssRunLaunch, SigtermIsForwardedToTheMaster) {
  pid_t pid = start({"--workers", "0", fake_app}, {{"FAKE_TRAP", "1"}});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!fs::exists(out / "master.trapping") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(fs::exists(out / "master.trapping"));
  ::kill(pid, SIGTERM);
  EXPECT_EQ(finish(pid), 143) << err();
  EXPECT_TRUE(fs::exists(out / "master.term"));
}

TEST_F(CompssRunLaunch, ProgressVariable) {
  ASSERT_EQ(run({"--progress", fake_app}), 0) << err();
  EXPECT_EQ(read_record(out / "master")["progress"], "1");
  ASSERT_EQ(run({"--no-progress", fake_app}, {{"COMPSS_PROGRESS", "1"}}), 0) << err();
  EXPECT_EQ(read_record(out / "master")["progress"], "");
}

TEST_F(CompssRunLaunch, CommandLineErrors) {
  EXPECT_EQ(run({"--workers", "x", fake_app}), 2);
  EXPECT_NE(err().find("compss-run: invalid value 'x' for --workers"), std::string::npos);
  EXPECT_EQ(run({"--frobnicate", fake_app}), 2);
  EXPECT_NE(err().find("compss-run: unknown option '--frobnicate'"), std::string::npos);
  EXPECT_EQ(run({"--workers", "1", (dir / "missing-app").string()}), 127);
  EXPECT_NE(err().find("missing-app: no such application file"), std::string::npos) << err();
  std::ofstream(dir / "not-exec") << "x";
  EXPECT_EQ(run({(dir / "not-exec").string()}), 126);
  EXPECT_NE(err().find("not-exec: application is not an executable file"), std::string::npos);
  EXPECT_EQ(run({"--hosts", "n1", "--bind", "127.0.0.1", fake_app}), 2);
  EXPECT_NE(err().find("cannot reach it"), std::string::npos) << err();
  EXPECT_FALSE(fs::exists(out / "master"));  // nothing was started
}

// Bad XML files: the file, the line of the bad value, what is expected; exit 2, nothing started.
TEST_F(CompssRunLaunch, XmlErrorsNameTheFileAndLine) {
  std::ofstream(dir / "r.xml") << "<ResourcesList>\n<ComputeNode Name=\"localhost\">\n<Processor Name=\"P\">\n"
                                  "<ComputingUnits>four</ComputingUnits></Processor></ComputeNode></ResourcesList>\n";
  EXPECT_EQ(run({"--resources", (dir / "r.xml").string(), fake_app}), 2);
  EXPECT_NE(err().find("compss-run: " + (dir / "r.xml").string() + ":4: ComputeNode 'localhost': "
                       "Processor/ComputingUnits: expected a whole number from 1 to 65536, got 'four'"),
            std::string::npos) << err();
  std::ofstream(dir / "p.xml") << "<Project>\n<ComputeNode Name=\"localhost\">\n<User =>\n</ComputeNode></Project>\n";
  EXPECT_EQ(run({"--project", (dir / "p.xml").string(), fake_app}), 2);
  EXPECT_NE(err().find("compss-run: " + (dir / "p.xml").string() + ":3: malformed XML"), std::string::npos) << err();
  EXPECT_FALSE(fs::exists(out / "master"));
}

// The variables compss-run passes on are read by the runtime's own reader before anything
// starts: a bad one is exit 2 (not workers failing at their start and a master running
// alone), and an empty one is unset, as the runtime reads it.
TEST_F(CompssRunLaunch, VariablesAreCheckedAsTheRuntimeReadsThem) {
  EXPECT_EQ(run({"--workers", "2", fake_app}, {{"COMPSS_WORKER_DATA_MEMORY", "lots"}}), 2);
  EXPECT_NE(err().find("compss-run: invalid COMPSS_WORKER_DATA_MEMORY='lots': "), std::string::npos) << err();
  EXPECT_NE(err().find("(in the environment of worker 1 (localhost-1))"), std::string::npos) << err();
  EXPECT_EQ(run({"--workers", "0", fake_app}, {{"COMPSS_MEMORY", "-2"}}), 2);
  EXPECT_NE(err().find("invalid COMPSS_MEMORY='-2'"), std::string::npos) << err();
  EXPECT_NE(err().find("(in the environment of the master)"), std::string::npos) << err();
  EXPECT_FALSE(fs::exists(out / "master"));  // nothing was started
  EXPECT_EQ(run({"--workers", "0", fake_app}, {{"COMPSS_LOG_LEVEL", ""}}), 0) << err();
}

TEST_F(CompssRunLaunch, HelpAndVersion) {
  EXPECT_EQ(run({"--help"}), 0);
  std::string help = read_file(dir / "stdout");
  EXPECT_NE(help.find("--workers N"), std::string::npos);
  EXPECT_NE(help.find("[COMPSS_WORKERS]"), std::string::npos);
  EXPECT_EQ(run({"--version"}), 0);
  EXPECT_EQ(read_file(dir / "stdout").rfind("compss-run (COMPSs-CXX) ", 0), 0u);
}
