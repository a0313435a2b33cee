// The live monitor (--monitor[=PORT], COMPSS_MONITOR=PORT): a web page served by the
// master while the program runs, showing the task graph coloured by state, the nodes with
// their slots and what runs on them, the task types with their counts and times, the
// failures (failed and timed-out attempts with their error, workers lost and why), the
// load over time and the live timeline of attempts per node, updated as they change
// (server-sent events; polling once a second when those cannot be had). Self-contained
// (its charts drawn by Chart.js, embedded at build time; no script, style or font from
// anywhere else), on loopback, behind a token printed at start. docs/tools.md, "The monitor".
#pragma once

#include "core/events.hpp"
#include "observe/graph_files.hpp"
#include "observe/live_timeline.hpp"
#include "observe/monitor_server.hpp"
#include "observe/run_summary.hpp"
#include "observe/task_graph.hpp"

#include <condition_variable>
#include <deque>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace compss::rt::observe {

/// One node's task slots and resources, from the backend (observers see no backend: launch.cpp gives a
/// function that asks it).
struct MonitorNode {
  int id = 0;
  std::string name;
  unsigned slots = 0;
  bool alive = true;
  /// Tasks placed there and not finished, when the backend knows (-1: it does not; the
  /// task events tell). A worker reports a task's start with its end, so while it runs,
  /// only the backend knows it runs there.
  long running = -1;
  /// Its resources, from the backend's node model (0: not declared), and what running
  /// tasks reserve of them. cores_used -1: the backend does not count them (a local run:
  /// each running task holds a thread, so `running` is shown).
  struct Resources {
    unsigned cores = 0;
    long cores_used = -1;
    unsigned gpus = 0, gpus_used = 0;
    std::uint64_t memory_mb = 0, memory_used_mb = 0;
  } resources;
};

/// What the monitor shows.
struct MonitorSources {
  std::shared_ptr<TaskGraph> graph;
  std::shared_ptr<RunSummary> summary;
  std::function<std::vector<MonitorNode>()> nodes;  ///< (see Monitor::set_nodes)
  std::size_t svg_max_tasks = 3000;  ///< beyond: the page shows counts, not the drawing
  /// The timeline's lock, when shared with the graph's and the summary's (the one of
  /// observe/observer_group.hpp); null: its own.
  std::shared_ptr<std::mutex> events_mutex;
};

/// Serves the page and its data from construction on (throws compss::Error when the port
/// cannot be had) and samples the load every `period`. Its events: on_run_ended marks the
/// run ended (the page says so and stops listening; the event streams end) and stops
/// asking the backend for its nodes (the last answer is kept); serving stops when it is
/// destroyed.
///
/// Thread-safety: the server's thread, the event streams' threads and the sampler's read
/// the graph and the summary (thread-safe), the nodes (nodes_mutex_, held across the call
/// into the backend) and the samples (mutex_, a leaf). Lock order: nodes_mutex_, then the
/// backend's locks; mutex_ alone (never held while another is taken); the server's stream
/// list lock is never held while a stream builds or writes its events.
///
///   auto monitor = std::make_shared<Monitor>(8080, sources);
///   std::fprintf(stderr, "compss: monitor: %s\n", monitor->url().c_str());
class Monitor : public rt::TaskObserver {
 public:
  Monitor(std::uint16_t port, MonitorSources sources,
          std::chrono::milliseconds period = std::chrono::milliseconds(250));
  ~Monitor() override;

  /// "http://127.0.0.1:PORT/?token=..." (the token: 32 hex digits from the system's
  /// random source).
  std::string url() const;
  std::uint16_t port() const noexcept { return server_->port(); }

  /// Where the nodes and their slots come from (the runtime exists after the monitor).
  void set_nodes(std::function<std::vector<MonitorNode>()> nodes);

  /// Also stops a drawing of the graph under way: the run's end does not wait for it (the
  /// page keeps the last drawing).
  void on_run_ended(const rt::RunEnded&) override;
  /// (for the timeline)
  void on_submitted(const rt::TaskSubmitted& e) override;
  void on_placed(const rt::TaskPlaced& e) override;
  void on_started(const rt::TaskStarted& e) override;
  /// A failed or timed-out attempt: kept for the page's failure reports (and every end
  /// closes its bar in the timeline).
  void on_ended(const rt::TaskEnded& e) override;
  void on_node_lost(const rt::NodeLost& e) override;

  /// The live timeline (observe/observer_group.hpp tells it events under its lock).
  LiveTimeline& timeline() noexcept { return timeline_; }
  /// Keeps a failed or timed-out attempt for the page's failure reports (on_ended's part
  /// beyond the timeline; nothing for other ends). Takes mutex_ (call it with no lock held).
  void note_failure(const rt::TaskEnded& e);

  /// The failure reports kept at most (the newest; the page says how many there were).
  static constexpr std::size_t max_failures = 100;
  /// The graph is drawn again at most once a second, and never sooner than this many times
  /// the last drawing took after it (dot then takes at most a twentieth of a core), at this
  /// niceness: the drawing gives way to the run's tasks.
  static constexpr int graph_pause_factor = 20;
  static constexpr int graph_niceness = 10;
  /// How many times the graph was drawn (tests).
  std::uint64_t graph_drawings() const;

  /// The answer to a request for `target` (what the server calls; tests call it too).
  HttpReply handle(std::string_view target);

  /// /api/events: the state is looked at this often, and sent (as /api/state's JSON) when
  /// it changed; a comment line keeps a quiet connection open this often otherwise.
  static constexpr std::chrono::milliseconds events_period{500};
  static constexpr std::chrono::seconds events_heartbeat{15};

 private:
  struct Sample {
    double seconds;
    std::uint64_t running, waiting, done;
  };
  /// One failed attempt, or one lost worker (task_id 0).
  struct Failure {
    double seconds = 0;
    std::uint64_t task_id = 0;
    unsigned attempt = 0;
    std::string what;      ///< the task type, or the worker's name
    std::string outcome;   ///< "failed", "failed (retried)", "timed_out", or "lost"
    std::string error;     ///< "type: message", or why the worker was lost
    std::string where;
  };
  /// The graph's counts and the nodes, with tasks the backend placed on a node counted as
  /// running there (and no longer as ready).
  struct Now {
    GraphCounts counts;
    std::vector<MonitorNode> nodes;
  };
  Now now();
  std::string state_json();
  /// What tells that the state changed: the graph's version, the failures, the workers
  /// lost, the nodes' slots and tasks, and the run's end (not the clock).
  std::string change_mark();
  /// Writes the events of one /api/events client until the run ended or the client went
  /// (on the stream's own thread; takes the locks state_json takes, in the same order).
  void stream_events(EventStreamWriter& out);
  std::string graph_svg();
  void sample_loop();

  MonitorSources sources_;
  std::string token_;
  rt::EventTime start_;
  std::chrono::milliseconds period_;
  LiveTimeline timeline_;  // (thread-safe by itself)

  /// Held while the nodes function runs and while on_run_ended drops it: after the run
  /// ended no call into the backend (about to be destroyed) is in flight. Taken before
  /// the backend's own locks, never while mutex_ is held.
  std::mutex nodes_mutex_;
  std::function<std::vector<MonitorNode>()> nodes_;  ///< (nodes_mutex_)
  std::vector<MonitorNode> last_nodes_;              ///< what it said last (nodes_mutex_)

  mutable std::mutex mutex_;  // guards the members below
  std::condition_variable wake_;
  bool stopping_ = false;
  bool ended_ = false;
  std::vector<Sample> samples_;
  std::deque<Failure> failures_;      ///< the newest max_failures failed attempts
  std::uint64_t failures_total_ = 0;  ///< all of them
  std::vector<Failure> lost_;         ///< every worker lost (few)
  std::uint64_t svg_changes_ = ~0ull;  ///< graph version the cached SVG shows
  std::chrono::steady_clock::time_point svg_time_{};  ///< when the last drawing ended
  std::chrono::steady_clock::duration svg_pause_ = std::chrono::seconds(1);  ///< before the next one
  std::uint64_t svg_drawings_ = 0;
  std::string svg_;
  StoppableChild drawing_;  ///< dot, while it draws (stopped when the run ends)

  std::thread sampler_;
  std::unique_ptr<MonitorServer> server_;  // last: stops before the rest goes
};

/// The page (HTML with its script, style and charting library inline).
const char* monitor_page();
/// The charting library the page inlines (Chart.js' minified UMD build, embedded at build
/// time from runtime/observe/web: monitor_chart_library.cpp is generated), and its name,
/// version and licence; both empty when the build had none (the page then says its charts
/// are unavailable).
const char* monitor_chart_library();
const char* monitor_chart_library_name();

}  // namespace compss::rt::observe
