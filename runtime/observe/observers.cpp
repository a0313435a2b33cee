#include "observe/observers.hpp"

#include "observe/graph_files.hpp"

#include <compss/detail/whole_number.hpp>
#include <compss/error.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace compss::rt::observe {

namespace {

bool switch_variable(const char* name, const char* value) {
  std::string_view v = value;
  if (v == "1") return true;
  if (v == "0" || v.empty()) return false;
  throw Error(std::string("compss: invalid ") + name + "='" + value + "': expected 1 or 0");
}

/// Writes the files of the observers when the run ends.
class ReportsAtEnd : public rt::TaskObserver {
 public:
  ReportsAtEnd(ObserverSet made, const ObserveSettings& settings, std::function<std::string()> dir)
      : made_(std::move(made)), settings_(settings), dir_(std::move(dir)) {}

  void on_run_ended(const rt::RunEnded&) override {
    if (!settings_.graph && !settings_.summary) return;
    const std::string dir = dir_();
    if (settings_.graph) {
      GraphFiles files = write_graph_files(made_.graph->snapshot(), dir, settings_.svg_max_tasks);
      std::fprintf(stderr, "%s\n", graph_files_message(files).c_str());
    }
    if (settings_.summary) {
      const SummaryReport report = made_.summary->report();
      std::string where = write_summary(report, dir);
      std::fprintf(stderr, "%s  (%s)\n", summary_text(report).c_str(), where.c_str());
    }
    std::fflush(stderr);
  }

 private:
  static std::string write_summary(const SummaryReport& report, const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const auto path = std::filesystem::path(dir) / "summary.json";
    std::ofstream out(path, std::ios::binary);
    if (!(out << summary_json(report) << std::flush))
      return "summary.json not written: " + path.string() + ": " + std::strerror(errno);
    return "written to " + path.string();
  }

  ObserverSet made_;
  ObserveSettings settings_;
  std::function<std::string()> dir_;
};

}  // namespace

ObserveSettings observe_settings_from_env(const std::function<const char*(const char*)>& env) {
  ObserveSettings s;
  if (const char* v = env("COMPSS_GRAPH")) s.graph = switch_variable("COMPSS_GRAPH", v);
  if (const char* v = env("COMPSS_SUMMARY")) s.summary = switch_variable("COMPSS_SUMMARY", v);
  if (const char* v = env("COMPSS_MONITOR"); v != nullptr && *v != '\0')
    s.monitor = static_cast<std::uint16_t>(detail::whole_number_variable("COMPSS_MONITOR", v, 0, 65535));
  if (const char* v = env("COMPSS_GRAPH_SVG_MAX"); v != nullptr && *v != '\0')
    s.svg_max_tasks = detail::whole_number_variable("COMPSS_GRAPH_SVG_MAX", v, 0, 10'000'000);
  s.trace = trace_settings_from_env(env);
  return s;
}

ObserverSet make_observers(const ObserveSettings& settings) {
  ObserverSet set;
  if (settings.graph || settings.monitor) set.graph = std::make_shared<TaskGraph>();
  if (settings.summary || settings.monitor) set.summary = std::make_shared<RunSummary>();
  if (settings.trace) set.trace = std::make_shared<TraceSession>(*settings.trace);
  if (settings.monitor) {
    set.monitor = std::make_shared<Monitor>(*settings.monitor,
                                            MonitorSources{set.graph, set.summary, {}, settings.svg_max_tasks});
    std::fprintf(stderr, "compss: monitor: %s\n", set.monitor->url().c_str());
    std::fflush(stderr);
  }
  return set;
}

void install_observers(rt::Observers& observers, const ObserverSet& set, const ObserveSettings& settings,
                       std::function<std::string()> log_dir) {
  if (set.trace) observers.add(set.trace);
  if (set.graph) observers.add(set.graph);
  if (set.summary) observers.add(set.summary);
  if (set.monitor) observers.add(set.monitor);
  if (set.graph || set.summary) observers.add(std::make_shared<ReportsAtEnd>(set, settings, std::move(log_dir)));
}

}  // namespace compss::rt::observe
