#include "observe/observers.hpp"

#include "observe/graph_files.hpp"
#include "observe/observer_group.hpp"

#include <compss/detail/whole_number.hpp>
#include <compss/error.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace compss::rt::observe {

namespace {

/// Writes the files of the observers when the run ends (the ObserverGroup calls it then:
/// not an observer of its own, which every task event would call for nothing).
class ReportsAtEnd {
 public:
  ReportsAtEnd(ObserverSet made, const ObserveSettings& settings, std::function<std::string()> dir)
      : made_(std::move(made)), settings_(settings), dir_(std::move(dir)) {}

  void write() {
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

ObserveSettings observe_settings(const config::ObserveVariables& v) {
  ObserveSettings s;
  s.graph = v.graph;
  s.summary = v.summary;
  s.monitor = v.monitor;
  s.svg_max_tasks = v.graph_svg_max;
  s.trace = trace_settings(v);
  return s;
}

ObserveSettings observe_settings_from_env(const config::Env& env) {
  return observe_settings(config::read_run_config(env).observe);
}

ObserverSet make_observers(const ObserveSettings& settings) {
  ObserverSet set;
  set.events_mutex = std::make_shared<std::mutex>();
  if (settings.graph || settings.monitor) set.graph = std::make_shared<TaskGraph>(set.events_mutex);
  if (settings.summary || settings.monitor) set.summary = std::make_shared<RunSummary>(set.events_mutex);
  if (settings.trace) set.trace = std::make_shared<TraceSession>(*settings.trace);
  if (settings.monitor) {
    set.monitor = std::make_shared<Monitor>(*settings.monitor,
                                            MonitorSources{set.graph, set.summary, {}, settings.svg_max_tasks, set.events_mutex});
    std::fprintf(stderr, "compss: monitor: %s\n", set.monitor->url().c_str());
    std::fflush(stderr);
  }
  return set;
}

void install_observers(rt::Observers& observers, const ObserverSet& set, const ObserveSettings& settings,
                       std::function<std::string()> log_dir) {
  if (set.trace) observers.add(set.trace);
  if (!set.graph && !set.summary && !set.monitor) return;
  std::function<void()> at_end;
  if (set.graph || set.summary)
    at_end = [reports = std::make_shared<ReportsAtEnd>(set, settings, std::move(log_dir))] { reports->write(); };
  observers.add(std::make_shared<ObserverGroup>(set.events_mutex, set.graph, set.summary, set.monitor, std::move(at_end)));
}

}  // namespace compss::rt::observe
