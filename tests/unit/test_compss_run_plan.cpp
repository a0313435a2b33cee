// compss-run's worker list (--workers, --hosts, XML files, Slurm), the environment of the
// master and the workers, the ssh command, the secret, the socket and the app lookup.
#include "app_path.hpp"
#include "compss_run_test_support.hpp"
#include "environment.hpp"
#include "listen_socket.hpp"
#include "secret.hpp"
#include "slurm.hpp"
#include "worker_command.hpp"
#include "worker_plan.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

using namespace compss::run;
using compss::run::testing::env_of;
namespace fs = std::filesystem;

namespace {

LaunchPlan plan(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  args.push_back("./app");
  Options o = parse_options(args, env_of(env));
  return plan_workers(o, "/abs/app", env_of(env));
}

/// A scratch directory removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "compss-run-test-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

std::string value_of(const Variables& vars, const std::string& name) {
  for (auto& [n, v] : vars)
    if (n == name) return v;
  return "<unset>";
}

}  // namespace

TEST(CompssRunPlan, LocalWorkers) {
  LaunchPlan p = plan({"--workers", "2", "--worker-cores", "3"});
  ASSERT_EQ(p.workers.size(), 2u);
  EXPECT_TRUE(p.all_local());
  EXPECT_EQ(p.workers[1].index, 2u);
  EXPECT_EQ(p.workers[1].name, "localhost-2");
  EXPECT_EQ(p.workers[1].cores, 3u);
  EXPECT_EQ(p.workers[1].app, "/abs/app");
  EXPECT_TRUE(plan({}).workers.empty());  // no worker source, no Slurm: the master alone
}

TEST(CompssRunPlan, HostsGoOverSshExceptLocalhost) {
  LaunchPlan p = plan({"--hosts", "n1,alice@n2,localhost"});
  ASSERT_EQ(p.workers.size(), 3u);
  EXPECT_EQ(p.workers[0].via, Via::ssh);
  EXPECT_EQ(p.workers[1].user, "alice");
  EXPECT_EQ(p.workers[1].host, "n2");
  EXPECT_EQ(p.workers[2].via, Via::local);
  EXPECT_FALSE(p.all_local());
}

TEST(CompssRunPlan, XmlNodesMapToWorkers) {
  TempDir d;
  std::string r = d.write("resources.xml", R"(<ResourcesList>
  <ComputeNode Name="localhost"><Processor Name="P"><ComputingUnits>8</ComputingUnits></Processor>
    <Adaptors><Adaptor Name="nio"><Ports><MinPort>43100</MinPort><MaxPort>43200</MaxPort></Ports></Adaptor></Adaptors>
  </ComputeNode>
  <ComputeNode Name="n2"><Processor Name="P"><ComputingUnits>4</ComputingUnits></Processor></ComputeNode>
</ResourcesList>)");
  std::string p = d.write("project.xml", R"(<Project>
  <ComputeNode Name="localhost"><WorkingDir>/tmp/wd</WorkingDir><LimitOfTasks>2</LimitOfTasks></ComputeNode>
  <ComputeNode Name="n2"><InstallDir>/opt/COMPSs/</InstallDir><Application><AppDir>/opt/app/bin/</AppDir></Application><User>bob</User><LimitOfTasks>16</LimitOfTasks></ComputeNode>
</Project>)");
  LaunchPlan lp = plan({"--resources", r, "--project", p});
  ASSERT_EQ(lp.workers.size(), 2u);
  const WorkerSpec& a = lp.workers[0];
  EXPECT_EQ(a.via, Via::local);
  EXPECT_EQ(a.cores, 2u);  // the smaller of ComputingUnits 8 and LimitOfTasks 2
  EXPECT_EQ(a.working_dir, "/tmp/wd");
  EXPECT_EQ(a.app, "/abs/app");
  const WorkerSpec& b = lp.workers[1];
  EXPECT_EQ(b.via, Via::ssh);
  EXPECT_EQ(b.user, "bob");
  EXPECT_EQ(b.cores, 4u);
  EXPECT_EQ(b.app, "/opt/app/bin/app");  // AppDir: where the app is on that host
  EXPECT_EQ(lp.xml_port, 43100);
  Options o = parse_options({"--resources", r, "./app"}, env_of({}));
  EXPECT_EQ(effective_port(o, lp), 43100);
  // (n2 is not looked up: as if it did not resolve here.)
  EXPECT_EQ(effective_bind(o, lp, [](const std::string&) { return std::string(); }), "0.0.0.0");
  // Only one of the files: its nodes.
  EXPECT_EQ(plan({"--resources", r}).workers[0].cores, 8u);
  EXPECT_EQ(plan({"--project", p}).workers[1].cores, 16u);
  EXPECT_EQ(plan({"--resources", r, "--project", p, "--worker-cores", "1"}).workers[1].cores, 1u);
}

// COMPSs' InstallDir is the COMPSs installation, not the application's folder: it was
// taken as the latter, and a COMPSs-style project.xml started /opt/COMPSs/app.
TEST(CompssRunPlan, InstallDirIsNotTheApplicationsFolder) {
  TempDir d;
  std::string p = d.write("project.xml", R"(<Project><MasterNode/>
  <ComputeNode Name="localhost"><InstallDir>/opt/COMPSs</InstallDir><WorkingDir>/tmp/w</WorkingDir></ComputeNode>
</Project>)");
  EXPECT_EQ(plan({"--project", p}).workers.at(0).app, "/abs/app");
}

// The runtime's limits are checked before anything starts: the XML's cores and the
// number of workers.
TEST(CompssRunPlan, XmlValuesBeyondTheWorkersLimitsAreRefused) {
  TempDir d;
  std::string r = d.write("r.xml", R"(<ResourcesList><ComputeNode Name="big">
  <Processor Name="a"><ComputingUnits>40000</ComputingUnits></Processor>
  <Processor Name="b"><ComputingUnits>40000</ComputingUnits></Processor></ComputeNode></ResourcesList>)");
  try {
    plan({"--resources", r});
    FAIL() << "80000 task slots accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("ComputeNode 'big' has 80000 task slots"),
              std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("at most 65536"), std::string::npos) << e.what();
  }
  EXPECT_EQ(plan({"--resources", r, "--worker-cores", "8"}).workers.at(0).cores, 8u);
  std::string many = "<Project>";
  for (int i = 0; i < 1025; ++i) many += "<ComputeNode Name=\"localhost\"/>";
  many += "</Project>";
  std::string p = d.write("p.xml", many);
  try {
    plan({"--project", p});
    FAIL() << "1025 workers accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("1025 workers; a run has at most 1024"), std::string::npos)
        << e.what();
  }
}

// The master tells workers apart by name (messages, compss-run's reports of workers that
// ended): a host given twice gets a second name.
TEST(CompssRunPlan, EveryWorkerHasItsOwnName) {
  LaunchPlan p = plan({"--hosts", "n1,n2,n1,n1"});
  ASSERT_EQ(p.workers.size(), 4u);
  EXPECT_EQ(p.workers[0].name, "n1");
  EXPECT_EQ(p.workers[1].name, "n2");
  EXPECT_EQ(p.workers[2].name, "n1-3");
  EXPECT_EQ(p.workers[3].name, "n1-4");
  EXPECT_EQ(p.workers[2].host, "n1");
}

TEST(CompssRunPlan, XmlErrorsNameTheFile) {
  TempDir d;
  std::string bad = d.write("bad.xml", "<ResourcesList>\n<ComputeNode Name=\"a\">\n</ResourcesList>\n");
  try {
    plan({"--resources", bad});
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("compss-run: " + bad + ":", 0), 0u) << e.what();
    EXPECT_EQ(e.exit_code, 2);
  }
  std::string r = d.write("r.xml", "<ResourcesList><ComputeNode Name=\"a\"/></ResourcesList>");
  std::string p = d.write("p.xml", "<Project><ComputeNode Name=\"zz\"/></Project>");
  EXPECT_THROW(plan({"--resources", r, "--project", p}), UsageError);
  EXPECT_THROW(plan({"--resources", (d.path / "missing.xml").string()}), UsageError);
}

TEST(CompssRunPlan, SlurmAllocationGivesOneWorkerPerNode) {
  LaunchPlan p = plan({}, {{"SLURM_JOB_ID", "7"}, {"SLURM_JOB_NODELIST", "cn[08-10],gpu1"}});
  ASSERT_EQ(p.workers.size(), 4u);
  EXPECT_TRUE(p.slurm);
  EXPECT_EQ(p.workers[0].host, "cn08");
  EXPECT_EQ(p.workers[3].host, "gpu1");
  EXPECT_EQ(p.workers[0].via, Via::srun);
  // An explicit worker source wins over the allocation.
  EXPECT_EQ(plan({"--workers", "1"}, {{"SLURM_JOB_ID", "7"}, {"SLURM_JOB_NODELIST", "a"}}).workers[0].via,
            Via::local);
  EXPECT_THROW(plan({}, {{"SLURM_JOB_ID", "7"}}), UsageError);
}

TEST(CompssRunPlan, SlurmHostLists) {
  EXPECT_EQ(expand_slurm_hostlist("n1"), std::vector<std::string>{"n1"});
  EXPECT_EQ(expand_slurm_hostlist("n[1-3,7]"), (std::vector<std::string>{"n1", "n2", "n3", "n7"}));
  EXPECT_EQ(expand_slurm_hostlist("r[1-2]-n[01-02]"),
            (std::vector<std::string>{"r1-n01", "r1-n02", "r2-n01", "r2-n02"}));
  EXPECT_EQ(expand_slurm_hostlist("a,b[9-10]"), (std::vector<std::string>{"a", "b9", "b10"}));
  EXPECT_THROW(expand_slurm_hostlist("n[1-3"), UsageError);
  EXPECT_THROW(expand_slurm_hostlist("n[3-1]"), UsageError);
  EXPECT_THROW(expand_slurm_hostlist("n[x]"), UsageError);
  EXPECT_THROW(expand_slurm_hostlist(""), UsageError);
}

TEST(CompssRunEnvironment, MasterGetsTheSocketTheSecretAndTheOptions) {
  Options o = parse_options({"--workers", "2", "--master-cores", "0", "--scheduler", "fifo",
                             "--connect-timeout", "4", "--worker-timeout", "3", "--log-level",
                             "info", "./app"},
                            env_of({}));
  LaunchPlan p = plan_workers(o, "/abs/app", env_of({}));
  EnvChanges c = master_environment(o, p, "s3cr3t", 5, 6, true);
  EXPECT_EQ(value_of(c.set, "COMPSS_SECRET"), "s3cr3t");
  EXPECT_EQ(value_of(c.set, "COMPSS_LISTEN_FD"), "5");
  EXPECT_EQ(value_of(c.set, "COMPSS_WORKERS_EXPECTED"), "2");
  EXPECT_EQ(value_of(c.set, "COMPSS_MASTER_CORES"), "0");
  EXPECT_EQ(value_of(c.set, "COMPSS_SCHEDULER"), "fifo");
  EXPECT_EQ(value_of(c.set, "COMPSS_CONNECT_TIMEOUT"), "4");
  EXPECT_EQ(value_of(c.set, "COMPSS_WORKER_TIMEOUT"), "3");
  EXPECT_EQ(value_of(c.set, "COMPSS_LOG_LEVEL"), "info");
  EXPECT_EQ(value_of(c.set, "COMPSS_PROGRESS"), "1");
  EXPECT_EQ(value_of(c.set, "COMPSS_WORKER_EXITS_FD"), "6");
  EXPECT_EQ(value_of(c.set, "COMPSS_REQUIRE_WORKERS"), "0");
  EnvChanges quiet = master_environment(o, p, "s", 5, -1, false);
  EXPECT_EQ(value_of(quiet.set, "COMPSS_PROGRESS"), "<unset>");
  EXPECT_EQ(value_of(quiet.set, "COMPSS_WORKER_EXITS_FD"), "<unset>");
  EXPECT_EQ(value_of(quiet.set, "COMPSS_TRACE"), "<unset>");
  Options traced = parse_options({"--workers", "2", "--trace=t", "./app"}, env_of({}));
  EXPECT_EQ(value_of(master_environment(traced, p, "s", 5, 6, false).set, "COMPSS_TRACE"), "t");
  Options strict = parse_options({"--workers", "2", "--require-workers", "./app"}, env_of({}));
  EXPECT_EQ(value_of(master_environment(strict, p, "s", 5, 6, false).set, "COMPSS_REQUIRE_WORKERS"),
            "1");
  EXPECT_EQ(value_of(c.set, "COMPSS_GRAPH"), "0");
  EXPECT_EQ(value_of(c.set, "COMPSS_SUMMARY"), "0");
  Options watched = parse_options({"--workers", "2", "--graph", "--summary", "./app"}, env_of({}));
  EXPECT_EQ(value_of(master_environment(watched, p, "s", 5, 6, false).set, "COMPSS_GRAPH"), "1");
  EXPECT_EQ(value_of(master_environment(watched, p, "s", 5, 6, false).set, "COMPSS_SUMMARY"), "1");

  // The XML files reach the master (absolute), which takes each worker's node over its
  // report; without them an inherited COMPSS_RESOURCES must not reach it.
  EXPECT_EQ(value_of(c.set, "COMPSS_RESOURCES"), "<unset>");
  EXPECT_NE(std::find(c.unset.begin(), c.unset.end(), "COMPSS_RESOURCES"), c.unset.end());
  EXPECT_NE(std::find(c.unset.begin(), c.unset.end(), "COMPSS_PROJECT"), c.unset.end());
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("compss_run_plan." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "r.xml") << "<ResourcesList/>\n";
  Options from_xml;
  from_xml.resources = (dir / "r.xml").string();
  from_xml.command = {"./app"};
  EXPECT_EQ(value_of(master_environment(from_xml, p, "s", 5, 6, false).set, "COMPSS_RESOURCES"),
            (dir / "r.xml").string());
  // A pipe (`--resources <(...)`) was drained by compss-run: the master cannot read it
  // again, so it keeps the workers' reports (before: it failed to start).
  ASSERT_EQ(::mkfifo((dir / "fifo.xml").c_str(), 0600), 0);
  from_xml.resources = (dir / "fifo.xml").string();
  EXPECT_EQ(value_of(master_environment(from_xml, p, "s", 5, 6, false).set, "COMPSS_RESOURCES"),
            "<unset>");
  std::filesystem::remove_all(dir);

  std::string a = "COMPSS_LISTEN=1.2.3.4:5", b = "COMPSS_WORKER=x:1", k = "KEEP=me",
              s = "COMPSS_PROGRESS=1";
  char* base[] = {a.data(), b.data(), k.data(), s.data(), nullptr};
  std::vector<std::string> env = apply_changes(base, quiet);
  EXPECT_NE(std::find(env.begin(), env.end(), "KEEP=me"), env.end());
  for (const std::string& e : env) {
    EXPECT_NE(e.rfind("COMPSS_LISTEN=", 0), 0u) << e;
    EXPECT_NE(e.rfind("COMPSS_WORKER=", 0), 0u) << e;
    EXPECT_NE(e.rfind("COMPSS_PROGRESS=", 0), 0u) << e;
  }
}

// What resources.xml declares of a node's memory and GPUs reaches its worker, which reports
// it to the master instead of what it detects (net/resource_report.hpp).
TEST(CompssRunPlan, XmlMemoryAndGpusGoToTheWorker) {
  TempDir d;
  std::string r = d.write("resources.xml", R"(<ResourcesList>
  <ComputeNode Name="localhost"><Processor Name="P"><ComputingUnits>4</ComputingUnits></Processor>
    <Processor Name="G"><Type>GPU</Type><ComputingUnits>2</ComputingUnits></Processor>
    <Memory><Size>8</Size></Memory></ComputeNode>
  <ComputeNode Name="localhost"><Processor Name="P"><ComputingUnits>2</ComputingUnits></Processor></ComputeNode>
</ResourcesList>)");
  LaunchPlan lp = plan({"--resources", r});
  ASSERT_EQ(lp.workers.size(), 2u);
  EXPECT_EQ(lp.workers[0].memory_gb, 8.0);
  EXPECT_EQ(lp.workers[0].gpus, 2u);
  EXPECT_FALSE(lp.workers[1].memory_gb);  // not declared: detected by the worker
  EXPECT_FALSE(lp.workers[1].gpus);
  Options o = parse_options({"./app"}, env_of({}));
  Variables v = worker_variables(o, lp.workers[0], "a:1");
  EXPECT_EQ(std::stod(value_of(v, "COMPSS_WORKER_MEMORY")), 8.0);
  EXPECT_EQ(value_of(v, "COMPSS_WORKER_GPUS"), "2");
  EXPECT_EQ(value_of(worker_variables(o, lp.workers[1], "a:1"), "COMPSS_WORKER_MEMORY"), "<unset>");
}

TEST(CompssRunEnvironment, WorkersGetTheMasterAddressAndTheirSettings) {
  WorkerSpec local;
  local.name = "localhost-1";
  local.cores = 2;
  local.working_dir = "/tmp/wd";
  WorkerSpec remote = local;
  remote.via = Via::ssh;
  remote.host = "n1";
  EXPECT_EQ(master_address_for(local, "0.0.0.0", 4000, "me"), "127.0.0.1:4000");
  EXPECT_EQ(master_address_for(remote, "0.0.0.0", 4000, "me"), "me:4000");
  EXPECT_EQ(master_address_for(remote, "10.1.1.1", 4000, "me"), "10.1.1.1:4000");
  Options o = parse_options({"./app"}, env_of({}));
  EnvChanges c = worker_environment(o, local, "127.0.0.1:4000", "s3cr3t");
  EXPECT_EQ(value_of(c.set, "COMPSS_WORKER"), "127.0.0.1:4000");
  EXPECT_EQ(value_of(c.set, "COMPSS_SECRET"), "s3cr3t");
  EXPECT_EQ(value_of(c.set, "COMPSS_WORKER_NAME"), "localhost-1");
  EXPECT_EQ(value_of(c.set, "COMPSS_WORKER_CORES"), "2");
  EXPECT_EQ(value_of(c.set, "COMPSS_WORKING_DIR"), "/tmp/wd");
  EXPECT_NE(std::find(c.unset.begin(), c.unset.end(), "COMPSS_LISTEN_FD"), c.unset.end());
  EXPECT_EQ(value_of(worker_variables(o, local, "a:1"), "COMPSS_SECRET"), "<unset>");
  // Local workers share the machine's CPUs: not pinned unless the user says so.
  EXPECT_EQ(value_of(c.set, "COMPSS_CPU_AFFINITY"), "disabled");
  EXPECT_EQ(value_of(worker_environment(o, remote, "a:1", "s").set, "COMPSS_CPU_AFFINITY"), "<unset>");
  ::setenv("COMPSS_CPU_AFFINITY", "automatic", 1);  // (then inherited as it is)
  EXPECT_EQ(value_of(worker_environment(o, local, "a:1", "s").set, "COMPSS_CPU_AFFINITY"), "<unset>");
  ::unsetenv("COMPSS_CPU_AFFINITY");
  // Settings each worker reads, passed on to ssh and srun workers too (their environment
  // is not the master's).
  for (const char* name : {"COMPSS_WORKER_DATA_MEMORY", "COMPSS_STREAM_INLINE_BYTES",
                           "COMPSS_STREAM_WINDOW_DELAY_US"}) {
    EXPECT_EQ(value_of(worker_variables(o, remote, "a:1"), name), "<unset>") << name;
    ::setenv(name, "7", 1);
    EXPECT_EQ(value_of(worker_variables(o, remote, "a:1"), name), "7") << name;
    ::unsetenv(name);
  }

  LaunchPlan p;
  p.workers = {local, remote};
  EXPECT_THROW(check_bind_reachable("127.0.0.1", p), UsageError);
  EXPECT_NO_THROW(check_bind_reachable("0.0.0.0", p));
}

// With workers on other hosts the master listens only on the interface it reaches them
// from (they are told that address); on every interface only when there is no one such.
TEST(CompssRunPlan, TheMasterListensOnTheInterfaceItReachesTheWorkersFrom) {
  Options o = parse_options({"--hosts", "n1,n2,localhost", "./app"}, env_of({}));
  LaunchPlan p = plan_workers(o, "/abs/app", env_of({}));
  std::map<std::string, std::string> routes = {{"n1", "10.0.0.5"}, {"n2", "10.0.0.5"}};
  auto towards = [&](const std::string& h) { return routes.count(h) ? routes[h] : std::string(); };
  std::string why;
  EXPECT_EQ(effective_bind(o, p, towards, &why), "10.0.0.5");
  EXPECT_EQ(why, "");
  EXPECT_EQ(master_address_for(p.workers[0], "10.0.0.5", 4000, "me"), "10.0.0.5:4000");
  EXPECT_EQ(master_address_for(p.workers[2], "10.0.0.5", 4000, "me"), "10.0.0.5:4000");  // local
  routes["n2"] = "192.168.1.5";  // another network
  EXPECT_EQ(effective_bind(o, p, towards, &why), "0.0.0.0");
  EXPECT_NE(why.find("different interfaces (10.0.0.5, 192.168.1.5)"), std::string::npos) << why;
  routes.erase("n2");
  EXPECT_EQ(effective_bind(o, p, towards, &why), "0.0.0.0");
  EXPECT_NE(why.find("host n2 does not resolve"), std::string::npos) << why;
  // --bind wins; every worker local: loopback.
  Options given = parse_options({"--hosts", "n1", "--bind", "0.0.0.0", "./app"}, env_of({}));
  EXPECT_EQ(effective_bind(given, plan_workers(given, "/abs/app", env_of({})), towards), "0.0.0.0");
  Options local = parse_options({"--workers", "2", "./app"}, env_of({}));
  EXPECT_EQ(effective_bind(local, plan_workers(local, "/abs/app", env_of({})), towards), "127.0.0.1");
  // The real lookup, on an address that needs no name service.
  EXPECT_EQ(local_address_towards("127.0.0.1"), "127.0.0.1");
}

TEST(CompssRunCommand, SshReadsTheSecretFromStdinAndQuotesEveryWord) {
  WorkerSpec w;
  w.via = Via::ssh;
  w.host = "n1";
  w.user = "alice";
  w.app = "/bin/sh";
  Variables vars = {{"COMPSS_WORKER", "me:4000"}, {"COMPSS_WORKER_NAME", "it's"}};
  std::vector<std::string> args = {"-c", "echo \"$COMPSS_SECRET|$COMPSS_WORKER|$COMPSS_WORKER_NAME|$1\"",
                                   "sh", "a \"b\" $c `d`"};
  std::vector<std::string> argv = worker_argv(w, vars, args);
  ASSERT_EQ(argv.size(), 6u);
  EXPECT_EQ(argv[0], "ssh");
  EXPECT_EQ(argv[2], "BatchMode=yes");
  EXPECT_EQ(argv[4], "alice@n1");
  EXPECT_EQ(argv[5].find("s3cr3t"), std::string::npos);
  // Run the remote command as the remote shell would, with the secret on stdin.
  TempDir d;
  std::string script = d.write("remote.sh", argv[5]);
  std::string cmd = "printf 's3cr3t\\n' | env -u COMPSS_SECRET sh " + script;
  FILE* f = ::popen(cmd.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[512] = {};
  std::string out = std::fgets(buf, sizeof buf, f) ? buf : "";
  ::pclose(f);
  EXPECT_EQ(out, "s3cr3t|me:4000|it's|a \"b\" $c `d`\n");
}

TEST(CompssRunCommand, LocalAndSrunWorkers) {
  WorkerSpec w;
  w.app = "/abs/app";
  EXPECT_EQ(worker_argv(w, {}, {"x"}), (std::vector<std::string>{"/abs/app", "x"}));
  w.via = Via::srun;
  w.host = "cn1";
  EXPECT_EQ(worker_argv(w, {}, {"x"}),
            (std::vector<std::string>{"srun", "--nodes=1", "--ntasks=1", "--nodelist=cn1",
                                      "--overlap", "/abs/app", "x"}));
}

TEST(CompssRunSecret, SixtyFourHexDigitsEachTime) {
  std::string a = make_secret(), b = make_secret();
  EXPECT_TRUE(std::regex_match(a, std::regex("[0-9a-f]{64}"))) << a;
  EXPECT_NE(a, b);
}

TEST(CompssRunSocket, ListensAndIsInheritable) {
  ListenSocket s = open_listen_socket("127.0.0.1", 0);
  ASSERT_GE(s.fd, 0);
  EXPECT_NE(s.port, 0);
  EXPECT_EQ(::fcntl(s.fd, F_GETFD) & FD_CLOEXEC, 0);
  int listening = 0;
  socklen_t len = sizeof listening;
  ASSERT_EQ(::getsockopt(s.fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len), 0);
  EXPECT_EQ(listening, 1);
  try {
    open_listen_socket("127.0.0.1", s.port);
    ADD_FAILURE() << "bound the same port twice";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(s.port)),
              std::string::npos);
  }
  ::close(s.fd);
}

TEST(CompssRunApp, FoundByPathOrInPathAndMustBeExecutable) {
  TempDir d;
  std::string app = d.write("app", "#!/bin/sh\n");
  fs::permissions(app, fs::perms::owner_all);
  EXPECT_EQ(resolve_app(app, ""), app);
  EXPECT_EQ(resolve_app("app", "/nonexistent:" + d.path.string()), app);
  try {
    resolve_app("no-such-app-here", d.path.string());
    ADD_FAILURE();
  } catch (const UsageError& e) {
    EXPECT_EQ(e.exit_code, 127);
    EXPECT_NE(std::string(e.what()).find("not found in PATH"), std::string::npos);
  }
  try {
    resolve_app((d.path / "missing").string(), "");
    ADD_FAILURE();
  } catch (const UsageError& e) {
    EXPECT_EQ(e.exit_code, 127);
  }
  std::string data = d.write("data", "x");
  try {
    resolve_app(data, "");
    ADD_FAILURE();
  } catch (const UsageError& e) {
    EXPECT_EQ(e.exit_code, 126);
    EXPECT_NE(std::string(e.what()).find("not an executable file"), std::string::npos);
  }
  EXPECT_THROW(resolve_app(d.path.string(), ""), UsageError);  // a directory
}
