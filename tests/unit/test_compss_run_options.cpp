// compss-run's command line: options, their COMPSS_* variables, bad values, --help.
#include "options.hpp"
#include "compss_run_test_support.hpp"
#include "settings/run_config.hpp"

#include <compss/error.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>

using namespace compss::run;
using compss::run::testing::env_of;

namespace {

Options parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return parse_options(args, env_of(std::move(env)));
}

std::string usage_error(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  try {
    parse(std::move(args), std::move(env));
  } catch (const UsageError& e) {
    EXPECT_EQ(e.exit_code, 2);
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(CompssRunOptions, EveryOptionOnTheCommandLine) {
  Options o = parse({"--workers", "3", "--master-cores=0", "--worker-cores", "4", "--scheduler",
                     "fifo", "--bind", "10.0.0.5", "--port", "4500", "--connect-timeout", "9",
                     "--worker-timeout", "3", "--log-level", "debug", "--no-progress", "--", "./app", "--workers", "x"});
  EXPECT_EQ(o.workers, 3u);
  EXPECT_EQ(o.master_cores, 0u);
  EXPECT_EQ(o.worker_cores, 4u);
  EXPECT_EQ(o.scheduler, "fifo");
  EXPECT_EQ(o.bind, "10.0.0.5");
  EXPECT_EQ(o.port, 4500);
  EXPECT_TRUE(o.port_given);
  EXPECT_EQ(o.connect_timeout, 9u);
  EXPECT_EQ(o.worker_timeout, 3u);
  EXPECT_EQ(o.log_level, "debug");
  EXPECT_EQ(o.progress, Progress::off);
  // Everything after -- belongs to the application, even what looks like an option.
  EXPECT_EQ(o.command, (std::vector<std::string>{"./app", "--workers", "x"}));
}

TEST(CompssRunOptions, RequireWorkersOptionAndVariable) {
  EXPECT_FALSE(parse({"./app"}).require_workers);
  EXPECT_TRUE(parse({"--require-workers", "./app"}).require_workers);
  EXPECT_TRUE(parse({"./app"}, {{"COMPSS_REQUIRE_WORKERS", "1"}}).require_workers);
  EXPECT_FALSE(parse({"./app"}, {{"COMPSS_REQUIRE_WORKERS", "0"}}).require_workers);
  EXPECT_EQ(usage_error({"./app"}, {{"COMPSS_REQUIRE_WORKERS", "yes"}}),
            "compss-run: invalid COMPSS_REQUIRE_WORKERS='yes': expected 1|0");
}

TEST(CompssRunOptions, TheApplicationStartsAtTheFirstNonOption) {
  Options o = parse({"--hosts", "a,alice@b", "./app", "-v"});
  EXPECT_EQ(o.hosts, (std::vector<std::string>{"a", "alice@b"}));
  EXPECT_EQ(o.command, (std::vector<std::string>{"./app", "-v"}));
}

TEST(CompssRunOptions, VariablesGiveDefaultsAndTheCommandLineWins) {
  std::map<std::string, std::string> env = {
      {"COMPSS_WORKERS", "2"},        {"COMPSS_SCHEDULER", "lifo"}, {"COMPSS_PORT", "4000"},
      {"COMPSS_LOG_LEVEL", "info"},   {"COMPSS_PROGRESS", "1"},     {"COMPSS_BIND", "0.0.0.0"},
      {"COMPSS_CONNECT_TIMEOUT", "5"}, {"COMPSS_MASTER_CORES", "1"}, {"COMPSS_WORKER_CORES", "6"},
      {"COMPSS_WORKER_TIMEOUT", "0"}};
  Options o = parse({"./app"}, env);
  EXPECT_EQ(o.workers, 2u);
  EXPECT_EQ(o.scheduler, "lifo");
  EXPECT_EQ(o.port, 4000);
  EXPECT_EQ(o.log_level, "info");
  EXPECT_EQ(o.progress, Progress::on);
  EXPECT_EQ(o.bind, "0.0.0.0");
  EXPECT_EQ(o.connect_timeout, 5u);
  EXPECT_EQ(o.worker_timeout, 0u);
  EXPECT_EQ(o.master_cores, 1u);
  EXPECT_EQ(o.worker_cores, 6u);
  Options c = parse({"--scheduler", "locality", "--no-progress", "./app"}, env);
  EXPECT_EQ(c.scheduler, "locality");
  EXPECT_EQ(c.progress, Progress::off);
}

// An empty variable is unset, as the runtime reads it: COMPSS_TRACE= traced a run started
// by compss-run (its --trace with no folder) and not one started by hand.
TEST(CompssRunOptions, EmptyVariablesAreUnset) {
  Options o = parse({"./app"}, {{"COMPSS_TRACE", ""}, {"COMPSS_LOG_LEVEL", ""}, {"COMPSS_MONITOR", ""},
                                {"COMPSS_WORKERS", ""}});
  EXPECT_EQ(o.trace, "");
  EXPECT_EQ(o.log_level, "");
  EXPECT_FALSE(o.monitor);
  EXPECT_FALSE(o.workers);
}

TEST(CompssRunOptions, AWorkerChoiceOnTheCommandLineHidesTheOtherVariables) {
  Options o = parse({"--hosts", "n1", "./app"}, {{"COMPSS_WORKERS", "4"}, {"COMPSS_RESOURCES", "r.xml"}});
  EXPECT_FALSE(o.workers);
  EXPECT_TRUE(o.resources.empty());
  EXPECT_EQ(o.hosts, std::vector<std::string>{"n1"});
}

TEST(CompssRunOptions, BadValuesNameTheOptionOrTheVariable) {
  EXPECT_EQ(usage_error({"--workers", "two", "./app"}),
            "compss-run: invalid value 'two' for --workers: expected a whole number from 0 to 1024");
  EXPECT_EQ(usage_error({"./app"}, {{"COMPSS_WORKERS", "-1"}}),
            "compss-run: invalid COMPSS_WORKERS='-1': expected a whole number from 0 to 1024");
  EXPECT_EQ(usage_error({"--scheduler=random", "./app"}),
            "compss-run: invalid value 'random' for --scheduler: expected fifo|lifo|locality");
  EXPECT_EQ(usage_error({"./app"}, {{"COMPSS_LOG_LEVEL", "loud"}}),
            "compss-run: invalid COMPSS_LOG_LEVEL='loud': expected off|info|debug");
  EXPECT_NE(usage_error({"--port", "70000", "./app"}).find("from 0 to 65535"), std::string::npos);
  EXPECT_NE(usage_error({"--worker-cores", "0", "./app"}).find("from 1 to"), std::string::npos);
  EXPECT_NE(usage_error({"--connect-timeout", "1.5", "./app"}).find("--connect-timeout"),
            std::string::npos);
  EXPECT_NE(usage_error({"--worker-timeout", "2.5", "./app"}).find("--worker-timeout"),
            std::string::npos);
  EXPECT_NE(usage_error({"--bind", "my-host", "./app"}).find("expected an IPv4 address"),
            std::string::npos);
  EXPECT_NE(usage_error({"--hosts", "-oProxyCommand=x", "./app"}).find("not a host name"),
            std::string::npos);
  EXPECT_NE(usage_error({"--hosts", "a;rm", "./app"}).find("not a host name"), std::string::npos);
  EXPECT_NE(usage_error({"--hosts", ",", "./app"}).find("comma-separated"), std::string::npos);
  EXPECT_EQ(usage_error({"./app"}, {{"COMPSS_PROGRESS", "yes"}}),
            "compss-run: invalid COMPSS_PROGRESS='yes': expected 1|0");
}

// The limits are the runtime's (include/compss/detail/config.hpp): what compss-run accepts,
// the master and the workers accept too, so a bad value stops the run before it starts.
TEST(CompssRunOptions, LimitsAreTheOnesTheMasterAndTheWorkersAccept) {
  EXPECT_EQ(parse({"--worker-cores", "65536", "./app"}).worker_cores, 65536u);
  EXPECT_EQ(usage_error({"--worker-cores", "70000", "./app"}),
            "compss-run: invalid value '70000' for --worker-cores: expected a whole number from "
            "1 to 65536");
  EXPECT_EQ(usage_error({"./app"}, {{"COMPSS_WORKER_CORES", "65537"}}),
            "compss-run: invalid COMPSS_WORKER_CORES='65537': expected a whole number from 1 to "
            "65536");
  EXPECT_EQ(parse({"--workers", "1024", "./app"}).workers, 1024u);
  EXPECT_NE(usage_error({"--workers", "1025", "./app"}).find("from 0 to 1024"), std::string::npos);
  EXPECT_EQ(parse({"--master-cores", "4096", "./app"}).master_cores, 4096u);
  EXPECT_NE(usage_error({"--master-cores", "4097", "./app"}).find("from 0 to 4096"),
            std::string::npos);
}

TEST(CompssRunOptions, UnknownOptionsMissingValuesAndNoApplication) {
  EXPECT_EQ(usage_error({"--wokers", "2", "./app"}),
            "compss-run: unknown option '--wokers' (see compss-run --help)");
  EXPECT_EQ(usage_error({"--workers"}), "compss-run: option --workers needs a value (N)");
  EXPECT_EQ(usage_error({"--progress=1", "./app"}), "compss-run: option --progress takes no value");
  EXPECT_NE(usage_error({"--workers", "2"}).find("no application given"), std::string::npos);
  EXPECT_NE(usage_error({"--workers", "2", "--"}).find("no application given"), std::string::npos);
}

TEST(CompssRunOptions, WorkerSourcesAreExclusive) {
  EXPECT_NE(usage_error({"--workers", "2", "--hosts", "a", "./app"}).find("only one of"),
            std::string::npos);
  EXPECT_NE(usage_error({"--hosts", "a", "--project", "p.xml", "./app"}).find("only one of"),
            std::string::npos);
  EXPECT_NE(usage_error({"./app"}, {{"COMPSS_WORKERS", "1"}, {"COMPSS_HOSTS", "a"}}).find("only one of"),
            std::string::npos);
}

TEST(CompssRunOptions, GraphAndSummaryFromTheCommandLineOrTheirVariables) {
  Options none = parse({"./app"});
  EXPECT_FALSE(none.graph);
  EXPECT_FALSE(none.summary);
  Options both = parse({"--graph", "--summary", "./app"});
  EXPECT_TRUE(both.graph);
  EXPECT_TRUE(both.summary);
  Options env = parse({"./app"}, {{"COMPSS_GRAPH", "1"}, {"COMPSS_SUMMARY", "0"}});
  EXPECT_TRUE(env.graph);
  EXPECT_FALSE(env.summary);
  EXPECT_EQ(usage_error({"./app"}, {{"COMPSS_GRAPH", "yes"}}),
            "compss-run: invalid COMPSS_GRAPH='yes': expected 1|0");
  EXPECT_EQ(usage_error({"--graph=1", "./app"}), "compss-run: option --graph takes no value");
}

TEST(CompssRunOptions, MonitorPortFromTheCommandLineOrItsVariable) {
  EXPECT_FALSE(parse({"./app"}).monitor);
  EXPECT_EQ(parse({"--monitor", "./app"}).monitor, 0);
  EXPECT_EQ(parse({"--monitor=8080", "./app"}).monitor, 8080);
  EXPECT_EQ(parse({"./app"}, {{"COMPSS_MONITOR", "9000"}}).monitor, 9000);
  EXPECT_EQ(parse({"--monitor=8081", "./app"}, {{"COMPSS_MONITOR", "9000"}}).monitor, 8081);
  EXPECT_EQ(usage_error({"--monitor=http", "./app"}),
            "compss-run: invalid value 'http' for --monitor: expected a whole number from 0 to 65535");
  EXPECT_EQ(usage_error({"--monitor=70000", "./app"}),
            "compss-run: invalid value '70000' for --monitor: expected a whole number from 0 to 65535");
  EXPECT_EQ(usage_error({"./app"}, {{"COMPSS_MONITOR", "x"}}),
            "compss-run: invalid COMPSS_MONITOR='x': expected a whole number from 0 to 65535");
}

TEST(CompssRunOptions, TraceTakesAnOptionalFolderOrItsVariable) {
  EXPECT_EQ(parse({"./app"}).trace, "");
  EXPECT_EQ(parse({"--trace", "./app"}).trace, "1");  // (the application is not its value)
  EXPECT_EQ(parse({"--trace=out/t", "./app"}).trace, "out/t");
  EXPECT_EQ(parse({"./app"}, {{"COMPSS_TRACE", "runs/t"}}).trace, "runs/t");
  EXPECT_EQ(parse({"--trace=a", "./app"}, {{"COMPSS_TRACE", "b"}}).trace, "a");
}

TEST(CompssRunOptions, HelpAndVersionNeedNoApplication) {
  EXPECT_TRUE(parse({"-h"}).help);
  EXPECT_TRUE(parse({"--workers", "2", "--help"}).help);
  EXPECT_TRUE(parse({"--version"}).version);
}

TEST(CompssRunOptions, HelpDocumentsEveryOptionAndItsVariable) {
  std::string help = help_text();
  auto documented = documented_options();
  EXPECT_GE(documented.size(), 18u);
  for (auto& [option, variable] : documented) {
    EXPECT_NE(help.find(option), std::string::npos) << option;
    if (!variable.empty()) EXPECT_NE(help.find("[" + variable + "]"), std::string::npos) << variable;
  }
  for (const char* v : {"COMPSS_WORKERS", "COMPSS_HOSTS", "COMPSS_RESOURCES", "COMPSS_PROJECT",
                        "COMPSS_MASTER_CORES", "COMPSS_WORKER_CORES", "COMPSS_SCHEDULER",
                        "COMPSS_BIND", "COMPSS_PORT", "COMPSS_CONNECT_TIMEOUT", "COMPSS_LOG_LEVEL",
                        "COMPSS_PROGRESS"})
    EXPECT_NE(help.find(v), std::string::npos) << v;
}

// The values of --scheduler, --log-level, --shared-fs and the 1|0 of the flags' variables are
// written once (runtime/settings/value_names.hpp): --help shows them, compss-run and the
// runtime accept exactly them (the runtime took any COMPSS_PROGRESS but 1 as off), a bad
// value's errors list them, and docs/tools.md's option table shows the same (it said
// `--shared-fs yes|no`).
TEST(CompssRunOptions, ValueListsAreTheRuntimesAndTheDocsShowThem) {
  const std::string help = help_text();
  std::ifstream docs_file(COMPSS_SOURCE_DIR "/docs/tools.md");
  const std::string docs{std::istreambuf_iterator<char>(docs_file), {}};
  ASSERT_FALSE(docs.empty());
  // What the runtime makes of one variable (a master-worker master's and any process's).
  auto runtime_error = [](const std::string& variable, const std::string& value) -> std::string {
    std::map<std::string, std::string> vars{
        {variable, value}, {"COMPSS_LISTEN", "127.0.0.1:1"}, {"COMPSS_SECRET", "s"}};
    compss::config::Env env = [&](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
    try {
      compss::config::read_master_settings(env, 1);
      compss::config::read_run_config(env);
    } catch (const compss::Error& e) {
      return e.what();
    }
    return "";
  };
  const std::vector<OptionChoices> choices = option_choices();
  ASSERT_EQ(choices.size(), 7u);  // scheduler, log level, shared fs; 4 flags' variables
  for (const OptionChoices& c : choices) {
    std::string bars, doc_bars, slashes, words;
    for (std::size_t i = 0; i < c.values.size(); ++i) {
      const char* sep = i == 0 ? "" : "|";
      bars += sep + c.values[i];
      doc_bars += (i == 0 ? "" : "\\|") + c.values[i];
      slashes += (i == 0 ? "" : "/") + c.values[i];
      words += (i == 0 ? "" : i + 1 == c.values.size() ? " or " : ", ") + c.values[i];
    }
    if (c.flag) {
      EXPECT_NE(help.find("(variable: " + bars + ") [" + c.variable + "]"), std::string::npos) << c.option;
      EXPECT_NE(docs.find("| `" + c.variable + "` (" + slashes + ") |"), std::string::npos) << c.option;
    } else {
      EXPECT_NE(help.find("  " + c.option + " " + bars + "\n"), std::string::npos) << c.option;
      const std::size_t row = docs.find("| `" + c.option + " " + doc_bars + "` | `" + c.variable + "` |");
      EXPECT_NE(row, std::string::npos) << c.option << " " << doc_bars;
      if (!c.default_value.empty()) {
        EXPECT_NE(help.find("(default " + c.default_value + ") [" + c.variable + "]"), std::string::npos)
            << c.option;
        const std::string docs_row = row == std::string::npos ? "" : docs.substr(row, docs.find('\n', row) - row);
        EXPECT_NE(docs_row.find("(default " + c.default_value + ")"), std::string::npos) << docs_row;
      }
    }
    for (const std::string& v : c.values) {
      EXPECT_NO_THROW(parse({"./app"}, {{c.variable, v}})) << c.variable << "=" << v;
      EXPECT_EQ(runtime_error(c.variable, v), "") << c.variable << "=" << v;
    }
    EXPECT_EQ(usage_error({"./app"}, {{c.variable, "maybe"}}),
              "compss-run: invalid " + c.variable + "='maybe': expected " + bars);
    EXPECT_EQ(runtime_error(c.variable, "maybe"),
              "compss: invalid " + c.variable + "='maybe': expected " + words);
  }
}
