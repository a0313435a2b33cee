#include "observe/trace_session.hpp"

#include "core/failure_log.hpp"
#include "observe/paraver_writer.hpp"
#include "observe/perfetto_writer.hpp"
#include "observe/trace_html.hpp"
#include "observe/trace_output.hpp"

#include <compss/detail/whole_number.hpp>
#include <compss/error.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string_view>

namespace compss::rt::observe {

std::optional<TraceSettings> trace_settings(const config::ObserveVariables& v) {
  if (v.trace.empty()) return std::nullopt;
  TraceSettings s;
  s.folder = v.trace == "1" ? log_dir() + "/trace" : v.trace;
  s.max_events = v.trace_max_events;
  std::error_code ec;
  std::filesystem::create_directories(s.folder, ec);
  if (ec || !std::filesystem::is_directory(s.folder)) {
    throw Error("COMPSS_TRACE: cannot make the trace folder '" + s.folder + "'" + (ec ? ": " + ec.message() : "") +
                " (set COMPSS_TRACE to 1 or to a folder you can write)");
  }
  OutputFile probe(s.folder + "/trace.prv");  // throws when the folder cannot be written
  probe.close();
  return s;
}

namespace {
/// "dd/mm/yy at hh:mm", Paraver's header date, of now.
std::string paraver_date() {
  char buf[32];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%d/%m/%y at %H:%M", &tm);
  return buf;
}
}  // namespace

void write_trace_files(const TraceModel& model, const std::string& folder) {
  const std::string date = paraver_date();
  paraver::write(model, folder + "/trace", date);
  perfetto::write(model, folder + "/trace.json", date);
  html::write(model, folder + "/trace.html", date);
}

void TraceSession::on_run_ended(const RunEnded& e) {
  TraceRecorder::on_run_ended(e);
  try {
    TraceModel model = build_trace_model(take());
    write_trace_files(model, settings_.folder);
    std::uint64_t workers_dropped = 0;  // (events workers could not keep: their buffer was full)
    for (const TraceNode& n : model.nodes) workers_dropped += n.events_dropped;
    const char* truncated = model.dropped == 0         ? ""
                            : model.dropped > workers_dropped ? "; TRUNCATED: COMPSS_TRACE_MAX_EVENTS reached"
                                                              : "; TRUNCATED: a worker could not keep all its events";
    std::fprintf(stderr, "compss: trace written to %s (trace.prv/.pcf/.row for Paraver, trace.json for Perfetto, trace.html)%s\n",
                 settings_.folder.c_str(), truncated);
  } catch (const std::exception& x) {
    std::fprintf(stderr, "compss: no trace: %s\n", x.what());
  }
  std::fflush(stderr);
}

}  // namespace compss::rt::observe
