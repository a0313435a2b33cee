// The one reader of configuration (runtime/settings/run_config.hpp): every setting's
// default, a good value of each, and a bad value of each with its message (the variable,
// the value, what is expected). The master's variables are also covered through
// test_cluster_config (cluster_config_from_env), the worker's through test_net_worker.
#include "settings/run_config.hpp"

#include <compss/error.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

using namespace compss::config;

namespace {

/// A fake environment: `vars` and nothing else.
struct FakeEnv {
  std::map<std::string, std::string> vars;
  Env env() const {
    return [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
  RunConfig read() const { return read_run_config(env()); }
  /// The error reading it gives, or "" when it reads.
  std::string error() const {
    try {
      read();
    } catch (const compss::Error& e) {
      return e.what();
    }
    return "";
  }
};

/// The configuration with only `name` set to `value`.
RunConfig with(const std::string& name, const std::string& value) { return FakeEnv{{{name, value}}}.read(); }
/// The error reading `env` gives, or "".
std::string error_of(std::map<std::string, std::string> vars) { return FakeEnv{std::move(vars)}.error(); }

}  // namespace

TEST(RunConfig, NothingSetGivesTheDefaults) {
  const RunConfig c = FakeEnv{}.read();
  EXPECT_EQ(c.threads, std::max(1u, std::thread::hardware_concurrency()));
  EXPECT_EQ(c.log_level, LogLevel::off);
  EXPECT_EQ(c.log_dir, "");
  EXPECT_FALSE(c.memory_gb);
  EXPECT_EQ(c.gpus, 0u);
  EXPECT_TRUE(c.cpu_affinity);
  EXPECT_TRUE(c.gpu_affinity);
  EXPECT_EQ(c.mpirun, MpiFlavour::openmpi);
  EXPECT_TRUE(c.shared_fs);
  EXPECT_EQ(c.stream_files_message_bytes, std::size_t{64} << 20);
  EXPECT_EQ(c.stream_inline_bytes, 512u);
  EXPECT_EQ(c.stream_window_delay_us, 1000u);
  EXPECT_EQ(c.test_pause_in_transfer_ms, 0u);
  EXPECT_FALSE(c.master.distributed);
  EXPECT_EQ(c.master.master_cores, c.threads);
  EXPECT_FALSE(c.master.progress);
  EXPECT_TRUE(c.master.keep_read_files);
  EXPECT_EQ(c.master.kept_dir, "");  // (the master's working directory)
  EXPECT_EQ(c.master.working_dir, std::filesystem::current_path().string());
  EXPECT_FALSE(c.master.kept_beside);
  EXPECT_FALSE(c.worker);
  EXPECT_FALSE(c.observe.graph);
  EXPECT_FALSE(c.observe.summary);
  EXPECT_FALSE(c.observe.monitor);
  EXPECT_EQ(c.observe.graph_svg_max, 3000u);
  EXPECT_EQ(c.observe.trace, "");
  EXPECT_EQ(c.observe.trace_max_events, 4'000'000u);
}

TEST(RunConfig, EverySettingIsRead) {
  const RunConfig c = FakeEnv{{{"COMPSS_THREADS", "3"},
                               {"COMPSS_LOG_LEVEL", "debug"},
                               {"COMPSS_LOG_DIR", "/tmp/logs"},
                               {"COMPSS_MEMORY", "0.5"},
                               {"COMPSS_GPUS", "2"},
                               {"COMPSS_CPU_AFFINITY", "disabled"},
                               {"COMPSS_GPU_AFFINITY", "disabled"},
                               {"COMPSS_MPIRUN_TYPE", "impi"},
                               {"COMPSS_SHARED_FS", "0"},
                               {"COMPSS_STREAM_FILES_MESSAGE_BYTES", "4000"},
                               {"COMPSS_STREAM_INLINE_BYTES", "0"},
                               {"COMPSS_STREAM_WINDOW_DELAY_US", "0"},
                               {"COMPSS_TEST_PAUSE_IN_TRANSFER", "250"},
                               {"COMPSS_PROGRESS", "1"},
                               {"COMPSS_KEEP_READ_FILES", "0"},
                               {"COMPSS_KEPT_DIR", "/tmp"},
                               {"COMPSS_LISTEN", "[::1]:4567"},
                               {"COMPSS_SECRET", "s"},
                               {"COMPSS_LOOKAHEAD", "5"},
                               {"COMPSS_SCHEDULER", "fifo"},
                               {"COMPSS_RESOURCES", "/x/r.xml"},
                               {"COMPSS_PROJECT", "/x/p.xml"},
                               {"COMPSS_GRAPH", "1"},
                               {"COMPSS_SUMMARY", "1"},
                               {"COMPSS_MONITOR", "0"},
                               {"COMPSS_GRAPH_SVG_MAX", "10"},
                               {"COMPSS_TRACE", "/tmp/trace-folder"},
                               {"COMPSS_TRACE_MAX_EVENTS", "5"}}}
                          .read();
  EXPECT_EQ(c.threads, 3u);
  EXPECT_EQ(c.log_level, LogLevel::debug);
  EXPECT_EQ(c.log_dir, "/tmp/logs");
  EXPECT_EQ(c.memory_gb, 0.5);
  EXPECT_EQ(c.gpus, 2u);
  EXPECT_FALSE(c.cpu_affinity);
  EXPECT_FALSE(c.gpu_affinity);
  EXPECT_EQ(c.mpirun, MpiFlavour::mpich);
  EXPECT_FALSE(c.shared_fs);
  EXPECT_EQ(c.stream_files_message_bytes, 4000u);
  EXPECT_EQ(c.stream_inline_bytes, 0u);
  EXPECT_EQ(c.stream_window_delay_us, 0u);
  EXPECT_EQ(c.test_pause_in_transfer_ms, 250u);
  EXPECT_TRUE(c.master.distributed);
  EXPECT_TRUE(c.master.progress);
  EXPECT_FALSE(c.master.keep_read_files);
  EXPECT_EQ(c.master.kept_dir, "/tmp");
  EXPECT_FALSE(c.master.kept_beside);
  EXPECT_EQ(c.master.listen_host, "::1");
  EXPECT_EQ(c.master.listen_port, 4567);
  EXPECT_EQ(c.master.master_cores, 3u);  // (COMPSS_THREADS when COMPSS_MASTER_CORES is unset)
  EXPECT_EQ(c.master.lookahead, 5);
  EXPECT_EQ(c.master.policy, SchedulerPolicy::fifo);
  EXPECT_EQ(c.master.resources_xml, "/x/r.xml");  // (read by the master's Cluster: config/)
  EXPECT_EQ(c.master.project_xml, "/x/p.xml");
  EXPECT_EQ(c.master.log_level, LogLevel::debug);
  EXPECT_FALSE(c.worker);
  EXPECT_TRUE(c.observe.graph);
  EXPECT_TRUE(c.observe.summary);
  EXPECT_EQ(c.observe.monitor, 0);
  EXPECT_EQ(c.observe.graph_svg_max, 10u);
  EXPECT_EQ(c.observe.trace, "/tmp/trace-folder");
  EXPECT_EQ(c.observe.trace_max_events, 5u);
}

TEST(RunConfig, AlternativeSpellingsAreAccepted) {
  EXPECT_EQ(with("COMPSS_MPIRUN_TYPE", "ompi").mpirun, MpiFlavour::openmpi);
  EXPECT_EQ(with("COMPSS_MPIRUN_TYPE", "mpich").mpirun, MpiFlavour::mpich);
  EXPECT_TRUE(with("COMPSS_CPU_AFFINITY", "automatic").cpu_affinity);
  EXPECT_TRUE(with("COMPSS_GPU_AFFINITY", "").gpu_affinity);
  EXPECT_FALSE(with("COMPSS_SHARED_FS", "no").shared_fs);
  EXPECT_TRUE(with("COMPSS_SHARED_FS", "yes").shared_fs);
  EXPECT_TRUE(with("COMPSS_KEPT_DIR", "beside").master.kept_beside);
  // Empty means unset where it did before the reader was one.
  EXPECT_FALSE(with("COMPSS_MEMORY", "").memory_gb);
  EXPECT_EQ(with("COMPSS_LOG_DIR", "").log_dir, "");
  EXPECT_EQ(with("COMPSS_TRACE", "0").observe.trace, "");
}

TEST(RunConfig, TheWorkersSettingsAreReadWhenItIsAWorker) {
  const RunConfig c = FakeEnv{{{"COMPSS_WORKER", "10.0.0.1:43000"},
                               {"COMPSS_SECRET", "s"},
                               {"COMPSS_WORKER_CORES", "2"},
                               {"COMPSS_WORKER_MEMORY", "1.5"},
                               {"COMPSS_WORKER_GPUS", "1"},
                               {"COMPSS_WORKER_NAME", "w1"},
                               {"COMPSS_WORKER_BIND", "0.0.0.0"},
                               {"COMPSS_SHARED_FS", "no"},
                               {"COMPSS_LOG_LEVEL", "info"},
                               {"COMPSS_WORKING_DIR", "/tmp/wd"}}}
                          .read();
  ASSERT_TRUE(c.worker);
  EXPECT_EQ(c.worker->host, "10.0.0.1");
  EXPECT_EQ(c.worker->port, 43000);
  EXPECT_EQ(c.worker->secret, "s");
  EXPECT_EQ(c.worker->cores, 2u);
  EXPECT_EQ(c.worker->memory_gb, 1.5);
  EXPECT_EQ(c.worker->gpus, 1u);
  EXPECT_EQ(c.worker->name, "w1");
  EXPECT_EQ(c.worker->bind, "0.0.0.0");
  EXPECT_FALSE(c.worker->shared_files);
  EXPECT_EQ(c.worker->log_level, LogLevel::info);
  EXPECT_EQ(c.worker->working_dir, "/tmp/wd");
  EXPECT_FALSE(c.master.distributed);
}

TEST(RunConfig, EachBadValueNamesTheVariableTheValueAndWhatIsExpected) {
  struct Case {
    std::string name, value, expected;
  };
  for (const Case& c : {
           Case{"COMPSS_THREADS", "0", "from 1 to 4096"},
           Case{"COMPSS_LOG_LEVEL", "loud", "expected off, info or debug"},
           Case{"COMPSS_MEMORY", "lots", "expected the node's memory in GB"},
           Case{"COMPSS_MEMORY", "inf", "a finite positive number"},
           Case{"COMPSS_MEMORY", "nan", "a finite positive number"},
           Case{"COMPSS_GPUS", "-1", "whole number"},
           Case{"COMPSS_CPU_AFFINITY", "sometimes", "expected 'automatic' (pin each task's thread"},
           Case{"COMPSS_GPU_AFFINITY", "sometimes", "expected 'automatic' (an external program"},
           Case{"COMPSS_MPIRUN_TYPE", "lam", "use openmpi (or ompi), mpich (or impi)"},
           Case{"COMPSS_SHARED_FS", "maybe", "expected yes, no, 1 or 0"},
           Case{"COMPSS_STREAM_FILES_MESSAGE_BYTES", "64MB", "whole number"},
           Case{"COMPSS_STREAM_FILES_MESSAGE_BYTES", "0", "whole number"},
           Case{"COMPSS_STREAM_INLINE_BYTES", "2000000", "whole number"},
           Case{"COMPSS_STREAM_WINDOW_DELAY_US", "1ms", "whole number"},
           Case{"COMPSS_TEST_PAUSE_IN_TRANSFER", "10ms", "expected a pause in milliseconds, from 1 to 600000"},
           Case{"COMPSS_LISTEN", "nohost", "(expected host:port)"},
           Case{"COMPSS_GRAPH", "yes", "expected 1 or 0"},
           Case{"COMPSS_KEEP_READ_FILES", "yes", "expected 1 or 0"},
           Case{"COMPSS_KEPT_DIR", "run/k", "expected an absolute directory or 'beside'"},
           Case{"COMPSS_SUMMARY", "2", "expected 1 or 0"},
           Case{"COMPSS_MONITOR", "70000", "from 0 to 65535"},
           Case{"COMPSS_GRAPH_SVG_MAX", "all", "whole number"},
       }) {
    const std::string error = error_of({{c.name, c.value}});
    EXPECT_EQ(error.rfind("compss: invalid " + c.name + "='" + c.value + "': ", 0), 0u) << error;
    EXPECT_NE(error.find(c.expected), std::string::npos) << error;
  }
  // The master's and the worker's values only in their runs (as before: a local run
  // never reads COMPSS_SCHEDULER, a master never reads COMPSS_WORKER_CORES).
  EXPECT_EQ(error_of({{"COMPSS_SCHEDULER", "random"}}), "");
  EXPECT_EQ(error_of({{"COMPSS_WORKER_CORES", "abc"}}), "");
  const std::string master = error_of({{"COMPSS_LISTEN_FD", "3"}, {"COMPSS_SECRET", "s"}, {"COMPSS_SCHEDULER", "random"}});
  EXPECT_EQ(master, "compss: invalid COMPSS_SCHEDULER='random': expected fifo, lifo or locality");
  const std::string worker = error_of({{"COMPSS_WORKER", "h:1"}, {"COMPSS_SECRET", "s"}, {"COMPSS_WORKER_CORES", "abc"}});
  EXPECT_EQ(worker.rfind("compss: invalid COMPSS_WORKER_CORES='abc': expected a whole number", 0), 0u) << worker;
  const std::string no_secret = error_of({{"COMPSS_WORKER", "h:1"}});
  EXPECT_NE(no_secret.find("COMPSS_SECRET is missing"), std::string::npos) << no_secret;
  const std::string master_no_secret = error_of({{"COMPSS_LISTEN_FD", "3"}});
  EXPECT_NE(master_no_secret.find("needs COMPSS_SECRET"), std::string::npos) << master_no_secret;
}

TEST(RunConfig, TheProcessConfigurationIsTheLastLoadedAndABadOneInstallsNothing) {
  ::setenv("COMPSS_GPUS", "3", 1);
  const RunConfig& first = load_run_config();
  EXPECT_EQ(&run_config(), &first);
  EXPECT_EQ(run_config().gpus, 3u);
  ::setenv("COMPSS_GPUS", "many", 1);
  EXPECT_THROW(load_run_config(), compss::Error);
  EXPECT_EQ(&run_config(), &first);  // the last good one stays
  ::unsetenv("COMPSS_GPUS");
  const RunConfig& second = load_run_config();
  EXPECT_EQ(run_config().gpus, 0u);
  EXPECT_EQ(first.gpus, 3u);  // (still valid: a thread may hold it)
  EXPECT_EQ(&run_config(), &second);
}

// COMPSS_KEPT_DIR on the master names a directory it makes links in: missing or not a
// directory fails the start with the variable, the value, what is wrong and what to do (it
// was taken for "beside" unseen). A worker or a local run makes no links: no check.
TEST(RunConfig, AKeptDirThatIsNoWritableDirectoryFailsTheStart) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("compss-run-config-kept-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream((dir / "file").string()) << "x";
  const std::string missing = (dir / "missing").string(), file = (dir / "file").string();
  const std::string what_to_do = "name an existing directory the master can write";
  auto master = [](const std::string& kept) {
    return error_of({{"COMPSS_LISTEN_FD", "3"}, {"COMPSS_SECRET", "s"}, {"COMPSS_KEPT_DIR", kept}});
  };
  const std::string gone = master(missing);
  EXPECT_EQ(gone.rfind("compss: invalid COMPSS_KEPT_DIR='" + missing + "': No such file or directory", 0), 0u) << gone;
  EXPECT_NE(gone.find(what_to_do), std::string::npos) << gone;
  const std::string not_dir = master(file);
  EXPECT_EQ(not_dir.rfind("compss: invalid COMPSS_KEPT_DIR='" + file + "': not a directory", 0), 0u) << not_dir;
  EXPECT_NE(not_dir.find(what_to_do), std::string::npos) << not_dir;
  EXPECT_EQ(master(dir.string()), "");
  EXPECT_EQ(error_of({{"COMPSS_KEPT_DIR", missing}}), "");  // (a local run)
  EXPECT_EQ(error_of({{"COMPSS_WORKER", "h:1"}, {"COMPSS_SECRET", "s"}, {"COMPSS_KEPT_DIR", missing}}), "");
  std::filesystem::remove_all(dir);
}

// The master's working directory as its user names it: $PWD when it is the same directory
// as getcwd() (a symlinked path, which workers may see where they do not see the physical
// one), else getcwd().
TEST(RunConfig, TheWorkingDirectoryIsPwdWhenItIsTheSameDirectory) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("compss-run-config-pwd-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::filesystem::path alias = dir / "alias";
  std::filesystem::create_directory_symlink(std::filesystem::current_path(), alias);
  EXPECT_EQ(with("PWD", alias.string()).master.working_dir, alias.string());
  EXPECT_EQ(with("PWD", dir.string()).master.working_dir, std::filesystem::current_path().string());  // (another)
  EXPECT_EQ(with("PWD", "relative").master.working_dir, std::filesystem::current_path().string());
  std::filesystem::remove_all(dir);
}
