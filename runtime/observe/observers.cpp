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
