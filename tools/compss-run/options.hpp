// compss-run's command line and the COMPSS_* variables that give its defaults.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace compss::run {

/// Looks up an environment variable (std::nullopt when unset). Tests pass a map.
///
///   EnvLookup env = [](const std::string& n) { return process_env(n); };
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// The real environment of this process.
///
///   std::optional<std::string> home = process_env("HOME");
std::optional<std::string> process_env(const std::string& name);

/// A bad command line or a bad COMPSS_* value: the message is complete ("compss-run: ...")
/// and compss-run exits with `exit_code` (2 for usage errors).
///
///   throw UsageError("compss-run: unknown option '--wokers'");
class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& message, int exit_code = 2)
      : std::runtime_error(message), exit_code(exit_code) {}
  int exit_code;
};

/// Whether the master prints its progress line.
enum class Progress { automatic, on, off };

/// Everything compss-run was asked to do. Unset optionals mean "the runtime's default".
///
///   Options o = parse_options({"--workers", "2", "--", "./app", "x"}, process_env);
///   // o.workers == 2, o.command == {"./app", "x"}
struct Options {
  std::optional<unsigned> workers;       ///< --workers N: N local worker processes
  std::vector<std::string> hosts;        ///< --hosts a,b: one worker per host over ssh
  std::string resources;                 ///< --resources F (resources.xml)
  std::string project;                   ///< --project F (project.xml)
  std::optional<unsigned> master_cores;  ///< --master-cores N
  std::optional<unsigned> worker_cores;  ///< --worker-cores N (overrides the XML)
  std::string scheduler;                 ///< fifo|lifo|locality; empty = default
  std::string shared_fs;                 ///< "1"/"0" (--shared-fs); empty = default (shared)
  std::string bind;                      ///< address the master listens on; empty = default
  std::uint16_t port = 0;                ///< 0 = any free port (or the XML's MinPort)
  bool port_given = false;
  std::optional<unsigned> connect_timeout;  ///< seconds
  bool require_workers = false;             ///< --require-workers: a missing worker is an error
  std::optional<unsigned> worker_timeout;   ///< seconds; 0 = never declare a worker lost
  std::optional<unsigned> timeout_grace;    ///< seconds before a stuck worker is restarted
  std::string log_level;                    ///< off|info|debug; empty = default (off)
  Progress progress = Progress::automatic;
  std::string trace;  ///< --trace[=DIR]: "1" (default folder), "0" (none) or DIR; empty = not asked
  bool graph = false;    ///< --graph: the task graph at the end (COMPSS_GRAPH)
  bool summary = false;  ///< --summary: per task type figures at the end (COMPSS_SUMMARY)
  std::optional<std::uint16_t> monitor;  ///< --monitor[=PORT]: the live page (COMPSS_MONITOR)
  bool help = false;
  bool version = false;
  std::vector<std::string> command;  ///< the application and its arguments
};

/// Parses compss-run's arguments (without argv[0]). A COMPSS_* variable gives an
/// option's value when the command line does not; an option on the command line that
/// chooses the workers (--workers, --hosts, --resources, --project) hides the variables
/// of the others. Throws UsageError for unknown options, bad values, options that are not
/// available yet, and a missing application.
///
///   Options o = parse_options({"--hosts", "n1,alice@n2", "./app"}, process_env);
Options parse_options(const std::vector<std::string>& args, const EnvLookup& env);

/// The --help text: every option, its variable and its default.
///
///   std::fputs(help_text().c_str(), stdout);
std::string help_text();

/// The option names and variables --help documents (tests check the text lists them).
///
///   for (auto& [option, variable] : documented_options()) ...
std::vector<std::pair<std::string, std::string>> documented_options();

/// An option whose value is one of a fixed list (the runtime's, settings/value_names.hpp),
/// or a flag whose variable is: the option, its variable, the values (as --help lists
/// them) and the runtime's default among them ("" when --help says it in words).
struct OptionChoices {
  std::string option;
  std::string variable;
  std::vector<std::string> values;
  std::string default_value;
  bool flag = false;  ///< `values` are its variable's (1|0): the option takes none
};

/// Every option with such a list (tests check --help, the parser, the runtime and the docs
/// against them).
///
///   for (const OptionChoices& c : option_choices()) ...
std::vector<OptionChoices> option_choices();

}  // namespace compss::run
