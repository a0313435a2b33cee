// Monitor under load (README.md): the events of a 20,000-task run (the stencil of
// graph_scale, every 500th attempt failed and retried) fed to the monitor's observers
// (TaskGraph, RunSummary, Monitor) from one thread at a steady pace, while this thread asks
// for the page's data as the page does (/api/state every 0.1 s, /api/graph.svg when the
// graph changed). Prints the slowest and median answer and the last counts; the page stays
// responsive when every answer comes well within its 1-second refresh.
//
// usage: monitor_load [tasks] [seconds]   (defaults: 20000 over 4 s)
#include "observe/monitor.hpp"
#include "observe/run_summary.hpp"
#include "observe/task_graph.hpp"
#include "stencil_events.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace compss;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const std::uint64_t tasks = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
  const double seconds = argc > 2 ? std::strtod(argv[2], nullptr) : 4.0;
  auto graph = std::make_shared<rt::observe::TaskGraph>();
  auto summary = std::make_shared<rt::observe::RunSummary>();
  auto monitor = std::make_shared<rt::observe::Monitor>(0, rt::observe::MonitorSources{graph, summary, {}, 3000});
  rt::Observers observers;
  observers.add(graph);
  observers.add(summary);
  observers.add(monitor);
  const std::string url = monitor->url();
  const std::string token = url.substr(url.find("token=") + 6);

  std::atomic<bool> fed{false};
  std::thread feeder([&] {
    constexpr std::uint64_t blocks = 100;
    std::vector<std::uint64_t> version(blocks + 1, 0);
    std::vector<rt::DataAccess> data;
    const auto start = Clock::now();
    for (std::uint64_t id = 1; id <= tasks; ++id) {
      bench::stencil_accesses(id, blocks, version, data);
      const rt::EventTime now = rt::event_now();
      observers.notify(&rt::TaskObserver::on_submitted, rt::TaskSubmitted{id, "stencil", {}, data, now, {}});
      observers.notify(&rt::TaskObserver::on_ready, rt::TaskReady{id, now});
      observers.notify(&rt::TaskObserver::on_started, rt::TaskStarted{id, 1, {static_cast<int>(id % 3), "node", 0}, now});
      rt::TaskEnded ended{id, rt::TaskOutcome::success, 1, false, rt::event_now()};
      ended.name = "stencil";
      if (id % 500 == 0) {  // a failure, retried
        rt::TaskEnded failed = ended;
        failed.outcome = rt::TaskOutcome::failed;
        failed.will_retry = true;
        failed.error_type = "std::runtime_error";
        failed.error_message = "injected by monitor_load";
        observers.notify(&rt::TaskObserver::on_ended, failed);
        observers.notify(&rt::TaskObserver::on_started, rt::TaskStarted{id, 2, {0, "node", 0}, now});
        ended.attempt = 2;
      }
      observers.notify(&rt::TaskObserver::on_ended, ended);
      // A steady pace: `tasks` over `seconds`.
      std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                                std::chrono::duration<double>(seconds * id / tasks)));
    }
    fed = true;
  });

  std::vector<double> state_ms, svg_ms;
  std::string last;
  std::string changes_seen;
  auto timed = [](auto&& f) {
    const auto t = Clock::now();
    f();
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  };
  while (!fed.load()) {
    state_ms.push_back(timed([&] { last = monitor->handle("/api/state?token=" + token).body; }));
    svg_ms.push_back(timed([&] { monitor->handle("/api/graph.svg?token=" + token); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  feeder.join();
  state_ms.push_back(timed([&] { last = monitor->handle("/api/state?token=" + token).body; }));
  auto report = [](const char* what, std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    std::printf("%s: %zu answers, median %.2f ms, slowest %.2f ms\n", what, ms.size(), ms[ms.size() / 2], ms.back());
  };
  std::printf("tasks: %llu fed over %.1f s\n", static_cast<unsigned long long>(tasks), seconds);
  report("/api/state", state_ms);
  report("/api/graph.svg", svg_ms);
  const auto counts = last.find("\"counts\":");
  std::printf("last state: %s\n", last.substr(counts, last.find('}', counts) - counts + 1).c_str());
  const auto failures = last.find("\"failures_total\":");
  std::printf("failures reported: %s\n", last.substr(failures + 17, last.find(',', failures) - failures - 17).c_str());
  return 0;
}
