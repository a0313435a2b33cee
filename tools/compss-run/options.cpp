#include "options.hpp"

#include "settings/run_config.hpp"
#include "settings/value_names.hpp"

#include <compss/detail/config.hpp>

#include <arpa/inet.h>

#include <cstdlib>
#include <set>
#include <span>
#include <string_view>

namespace compss::run {

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

namespace {

/// Where a value came from, so its error names the option or the variable.
struct Source {
  std::string option;  ///< "--workers"
  std::string env;     ///< "COMPSS_WORKERS" when the value came from the environment
  std::string value;

  [[noreturn]] void fail(const std::string& why) const {
    if (!env.empty()) throw UsageError("compss-run: invalid " + env + "='" + value + "': " + why);
    throw UsageError("compss-run: invalid value '" + value + "' for " + option + ": " + why);
  }
};

unsigned whole(const Source& s, unsigned lo, unsigned hi) {
  auto n = detail::parse_whole_number(s.value, lo, hi);
  if (!n) s.fail(detail::whole_number_expected(lo, hi));
  return static_cast<unsigned>(*n);
}

/// A list of the values an option or variable takes (settings/value_names.hpp).
using Choices = std::span<const std::string_view>;

std::string choice_list(Choices choices) {
  std::string list;
  for (std::string_view c : choices) (list += list.empty() ? "" : "|") += c;
  return list;
}

std::string one_of(const Source& s, Choices choices) {
  for (std::string_view c : choices) {
    if (s.value == c) return s.value;
  }
  s.fail("expected " + choice_list(choices));
}

/// An on/off variable's value (COMPSS_GRAPH...): "1" or "0".
bool switched_on(const Source& s) { return *config::find_named(config::switch_names, one_of(s, config::names_of<config::switch_names>)); }

bool is_name_char(char c, bool host) {
  bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || c == '.' || c == '-' || c == '_' || (host && c == ':');
}

/// "a,b c" -> {"a","b","c"}; each entry is [user@]host with no shell or ssh-option syntax.
std::vector<std::string> host_list(const Source& s) {
  std::vector<std::string> hosts;
  std::string cur;
  auto flush = [&] {
    if (cur.empty()) return;
    std::size_t at = cur.find('@');
    std::string user = at == std::string::npos ? "" : cur.substr(0, at);
    std::string host = at == std::string::npos ? cur : cur.substr(at + 1);
    bool ok = !host.empty() && host.front() != '-' && (at == std::string::npos || !user.empty());
    for (char c : user) ok = ok && is_name_char(c, false);
    for (char c : host) ok = ok && is_name_char(c, true);
    if (!ok) s.fail("'" + cur + "' is not a host name or user@host");
    hosts.push_back(cur);
    cur.clear();
  };
  for (char c : s.value) {
    if (c == ',' || c == ' ' || c == '\t') flush();
    else cur += c;
  }
  flush();
  if (hosts.empty()) s.fail("expected a comma-separated list of hosts");
  return hosts;
}

[[noreturn]] void not_available(const std::string& option) {
  throw UsageError("compss-run: " + option + " is not available yet");
}

struct OptionDef {
  const char* name;   ///< "--workers"
  const char* value;  ///< placeholder of the value; nullptr for a flag; "" for `choices`
  bool value_optional;
  const char* env;  ///< the variable that gives the default; nullptr for none
  bool chooses_workers;
  const char* help;
  void (*apply)(Options&, const Source&);
  /// The values it takes (its placeholder in --help, what its parser accepts), from the
  /// runtime's lists; empty for other options.
  Choices choices = {};
  /// The runtime's default among `choices`, for --help ("" when the help says it).
  std::string_view default_choice = {};
  /// A flag's variable's values (1|0), for --help.
  Choices env_choices = {};
};

/// The placeholder of option `d`'s value: "N", or its choices "fifo|lifo|locality".
std::string placeholder(const OptionDef& d) {
  return d.choices.empty() ? std::string(d.value) : choice_list(d.choices);
}

constexpr Choices switch_choices = config::names_of<config::switch_names>;
const config::MasterSettings master_defaults{};

const OptionDef option_table[] = {
    {"--workers", "N", false, "COMPSS_WORKERS", true,
     "start N worker processes on this machine",
     [](Options& o, const Source& s) { o.workers = whole(s, 0, detail::max_workers); }},
    {"--hosts", "H1,H2", false, "COMPSS_HOSTS", true,
     "one worker per host, started with ssh -o BatchMode=yes ([user@]host)",
     [](Options& o, const Source& s) { o.hosts = host_list(s); }},
    {"--resources", "FILE", false, "COMPSS_RESOURCES", true,
     "worker nodes from a COMPSs resources.xml",
     [](Options& o, const Source& s) {
       if (s.value.empty()) s.fail("expected a file name");
       o.resources = s.value;
     }},
    {"--project", "FILE", false, "COMPSS_PROJECT", true,
     "worker nodes and their settings from a COMPSs project.xml",
     [](Options& o, const Source& s) {
       if (s.value.empty()) s.fail("expected a file name");
       o.project = s.value;
     }},
    {"--master-cores", "N", false, "COMPSS_MASTER_CORES", false,
     "task slots of the master (default: COMPSS_THREADS or all cores; 0 = only tasks "
     "that cannot travel)",
     [](Options& o, const Source& s) { o.master_cores = whole(s, 0, detail::max_threads); }},
    {"--worker-cores", "N", false, "COMPSS_WORKER_CORES", false,
     "task slots of every worker (default: its cores, or the XML's ComputingUnits/"
     "LimitOfTasks)",
     [](Options& o, const Source& s) { o.worker_cores = whole(s, 1, detail::max_worker_cores); }},
    {"--shared-fs", "", false, "COMPSS_SHARED_FS", false,
     "whether the workers see the master's files at the same paths (default yes; no: "
     "file parameters travel with their bytes)",
     [](Options& o, const Source& s) {
       const bool shared = *config::find_named(config::shared_fs_names,
                                               one_of(s, config::names_of<config::shared_fs_names>));
       o.shared_fs = shared ? "1" : "0";
     },
     config::names_of<config::shared_fs_names>},
    {"--scheduler", "", false, "COMPSS_SCHEDULER", false, "task scheduling policy",
     [](Options& o, const Source& s) { o.scheduler = one_of(s, config::names_of<config::scheduler_names>); },
     config::names_of<config::scheduler_names>,
     config::name_of(config::scheduler_names, master_defaults.policy)},
    {"--bind", "ADDR", false, "COMPSS_BIND", false,
     "IPv4 address the master listens on (default 127.0.0.1 when every worker is local, "
     "else the address this host reaches the workers' hosts from; 0.0.0.0 when they are "
     "reached from different ones)",
     [](Options& o, const Source& s) {
       in_addr a{};
       if (inet_pton(AF_INET, s.value.c_str(), &a) != 1)
         s.fail("expected an IPv4 address such as 127.0.0.1 or 0.0.0.0");
       o.bind = s.value;
     }},
    {"--port", "P", false, "COMPSS_PORT", false,
     "port the master listens on (default 0: any free port, or the XML's MinPort)",
     [](Options& o, const Source& s) {
       o.port = static_cast<std::uint16_t>(whole(s, 0, 65535));
       o.port_given = true;
     }},
    {"--connect-timeout", "S", false, "COMPSS_CONNECT_TIMEOUT", false,
     "seconds the master waits for the workers at start (default 30)",
     [](Options& o, const Source& s) { o.connect_timeout = whole(s, 1, detail::max_connect_timeout); }},
    {"--require-workers", nullptr, false, "COMPSS_REQUIRE_WORKERS", false,
     "stop with an error when a worker does not start or connect (default: the run goes "
     "on without it, with a warning)",
     [](Options& o, const Source& s) { o.require_workers = s.env.empty() || switched_on(s); },
     {}, {}, switch_choices},
    {"--worker-timeout", "S", false, "COMPSS_WORKER_TIMEOUT", false,
     "seconds without a word from a worker (it sends heartbeats while it works) after which "
     "the master declares it lost and runs its tasks elsewhere (default 10; 0: never)",
     [](Options& o, const Source& s) { o.worker_timeout = whole(s, 0, detail::max_worker_timeout); }},
    {"--timeout-grace", "S", false, "COMPSS_TIMEOUT_GRACE", false,
     "seconds a task that timed out on a worker may still take to return before that worker "
     "is killed and started again (its thread cannot be stopped; default 5)",
     [](Options& o, const Source& s) { o.timeout_grace = whole(s, 0, detail::max_timeout_grace); }},
    {"--log-level", "", false, "COMPSS_LOG_LEVEL", false,
     "what the runtime and compss-run report on stderr",
     [](Options& o, const Source& s) { o.log_level = one_of(s, config::names_of<config::log_level_names>); },
     config::names_of<config::log_level_names>,
     config::name_of(config::log_level_names, master_defaults.log_level)},
    {"--progress", nullptr, false, "COMPSS_PROGRESS", false,
     "print a progress line on stderr (default: when stderr is a terminal)",
     [](Options& o, const Source& s) {
       o.progress = s.env.empty() || switched_on(s) ? Progress::on : Progress::off;
     },
     {}, {}, switch_choices},
    {"--no-progress", nullptr, false, "COMPSS_PROGRESS", false, "no progress line",
     [](Options& o, const Source&) { o.progress = Progress::off; }},
    {"--graph", nullptr, false, "COMPSS_GRAPH", false,
     "write the task graph at the end: complete_graph.dot and, with Graphviz, .svg in the "
     "log folder (COMPSS_LOG_DIR)",
     [](Options& o, const Source& s) { o.graph = s.env.empty() || switched_on(s); },
     {}, {}, switch_choices},
    {"--summary", nullptr, false, "COMPSS_SUMMARY", false,
     "print per task type counts, times, failures, retries and bytes moved at the end, and "
     "write summary.json in the log folder",
     [](Options& o, const Source& s) { o.summary = s.env.empty() || switched_on(s); },
     {}, {}, switch_choices},
    {"--trace", "DIR", true, "COMPSS_TRACE", false,
     "write a trace of the run: Paraver .prv/.pcf/.row, Chrome/Perfetto JSON and trace.html, "
     "into DIR (default: the run's log folder, trace/; variable: 1|0|DIR)",
     [](Options& o, const Source& s) { o.trace = s.value.empty() ? "1" : s.value; }},
    {"--monitor", "PORT", true, "COMPSS_MONITOR", false,
     "serve a live web page of the run on 127.0.0.1:PORT (default and 0: any free port); "
     "the master prints its address with the token it asks for",
     [](Options& o, const Source& s) {
       o.monitor = s.value.empty() && s.env.empty() ? 0 : static_cast<std::uint16_t>(whole(s, 0, 65535));
     }},
    {"--help", nullptr, false, nullptr, false, "print this help and exit",
     [](Options& o, const Source&) { o.help = true; }},
    {"--version", nullptr, false, nullptr, false, "print the version and exit",
     [](Options& o, const Source&) { o.version = true; }},
};

const OptionDef* find_option(const std::string& name) {
  for (const OptionDef& d : option_table)
    if (name == d.name) return &d;
  return nullptr;
}

}  // namespace

Options parse_options(const std::vector<std::string>& args, const EnvLookup& env) {
  // Collect the command line first: it decides which variables still apply.
  std::vector<std::pair<const OptionDef*, std::string>> given;
  Options o;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;  // the application
    if (a == "-h") {
      o.help = true;
      continue;
    }
    std::string name = a;
    std::optional<std::string> inline_value;
    if (std::size_t eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
    }
    const OptionDef* d = find_option(name);
    if (!d) throw UsageError("compss-run: unknown option '" + a + "' (see compss-run --help)");
    std::string value;
    if (d->value && !d->value_optional) {
      if (inline_value) value = *inline_value;
      else if (i + 1 < args.size()) value = args[++i];
      else throw UsageError("compss-run: option " + name + " needs a value (" + placeholder(*d) + ")");
    } else if (inline_value) {
      if (!d->value_optional) throw UsageError("compss-run: option " + name + " takes no value");
      value = *inline_value;
    }
    given.emplace_back(d, value);
  }
  o.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  for (auto& [d, v] : given) {
    std::string n = d->name;
    if (n == "--help") o.help = true;
    if (n == "--version") o.version = true;
  }
  if (o.help || o.version) return o;

  std::set<std::string> covered;  // variables whose options are on the command line
  bool workers_on_command_line = false;
  for (auto& [d, v] : given) {
    if (d->env) covered.insert(d->env);
    workers_on_command_line = workers_on_command_line || d->chooses_workers;
  }
  for (const OptionDef& d : option_table) {
    if (!d.env || covered.count(d.env) || (d.chooses_workers && workers_on_command_line))
      continue;
    if (std::string(d.name) == "--no-progress") continue;  // COMPSS_PROGRESS is --progress's
    // An empty variable is unset, as the runtime reads it (settings/run_config.cpp).
    if (auto v = env(d.env); v && !v->empty()) {
      covered.insert(d.env);
      d.apply(o, Source{d.name, d.env, *v});
    }
  }
  for (auto& [d, v] : given) d->apply(o, Source{d->name, "", v});

  int sources = (o.workers ? 1 : 0) + (o.hosts.empty() ? 0 : 1) +
                (o.resources.empty() && o.project.empty() ? 0 : 1);
  if (sources > 1)
    throw UsageError(
        "compss-run: choose the workers with only one of --workers, --hosts or "
        "--resources/--project (or their COMPSS_* variables)");
  if (o.command.empty())
    throw UsageError("compss-run: no application given (usage: compss-run [options] -- ./app args)");
  return o;
}

std::vector<std::pair<std::string, std::string>> documented_options() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const OptionDef& d : option_table) out.emplace_back(d.name, d.env ? d.env : "");
  return out;
}

std::vector<OptionChoices> option_choices() {
  std::vector<OptionChoices> out;
  for (const OptionDef& d : option_table) {
    const bool flag = d.choices.empty();
    const Choices values = flag ? d.env_choices : d.choices;
    if (values.empty()) continue;
    out.push_back({d.name, d.env ? d.env : "", {values.begin(), values.end()},
                   std::string(d.default_choice), flag});
  }
  return out;
}

std::string help_text() {
  std::string t =
      "usage: compss-run [options] [--] ./app [args...]\n"
      "\n"
      "Runs a program built with compss-cc as one master (the program itself) and its\n"
      "workers (the same program and arguments, serving tasks). Without --workers, --hosts\n"
      "or --resources/--project it starts one worker per node of a Slurm allocation\n"
      "(SLURM_JOB_ID set, with srun), else the master alone. Each option's variable gives\n"
      "its default; the command line wins.\n"
      "\n"
      "options:\n";
  for (const OptionDef& d : option_table) {
    std::string head = std::string("  ") + d.name;
    if (std::string(d.name) == "--help") head = "  -h, --help";
    if (d.value) head += d.value_optional ? "[=" + placeholder(d) + "]" : " " + placeholder(d);
    t += head + "\n      " + d.help;
    if (!d.default_choice.empty()) t += " (default " + std::string(d.default_choice) + ")";
    if (!d.env_choices.empty()) t += " (variable: " + choice_list(d.env_choices) + ")";
    if (d.env) t += std::string(" [") + d.env + "]";
    t += "\n";
  }
  t +=
      "\n"
      "exit status: the master's (128+N when it is killed by signal N); 2 for a bad command\n"
      "line or variable; 126/127 when the application is not executable / not found.\n";
  return t;
}

}  // namespace compss::run
