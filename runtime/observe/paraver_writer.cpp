#include "observe/paraver_writer.hpp"

#include "observe/trace_output.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

namespace compss::rt::observe::paraver {

namespace {

/// Where a thread is: Paraver's "cpu:application:task:thread".
struct Place {
  int cpu = 0;
  int task = 0;
  int thread = 0;
};

TextBuffer& operator<<(TextBuffer& t, Place p) { return t << p.cpu << ":1:" << p.task << ':' << p.thread; }

/// One record of the .prv, kept compact until every record is made and sorted by time
/// (records of one time keep the order they were made in: an end before the next begin).
struct Record {
  std::int64_t time = 0;
  std::uint8_t kind = 0;   // 1 state, 2 events, 3 communication
  std::uint8_t count = 0;  // event pairs used
  Place at, to;            // to: the receiver of a communication
  std::int64_t end = 0;    // a state's end, a communication's receive
  std::uint64_t size = 0;  // a state's value, a communication's bytes
  std::uint64_t tag = 0;
  std::array<std::pair<std::uint32_t, std::uint64_t>, 4> values{};
};

class Records {
 public:
  explicit Records(const TraceModel& m) {
    int cpu = 1;
    for (const TraceNode& n : m.nodes) {
      first_cpu_.push_back(cpu);
      cpu += n.threads;
    }
  }
  Place at(int node, int thread) const { return {first_cpu_[node] + thread - 1, node + 1, thread}; }

  void state(Place p, std::int64_t begin, std::int64_t end, int state) {
    Record& r = add(1, p, begin);
    r.end = end;
    r.size = static_cast<std::uint64_t>(state);
  }
  void event(Place p, std::int64_t time, std::initializer_list<std::pair<std::uint32_t, std::uint64_t>> values) {
    Record& r = add(2, p, time);
    for (const auto& v : values) r.values[r.count++] = v;  // (at most 4: the calls below)
  }
  void communication(Place from, std::int64_t send, Place to, std::int64_t receive, std::uint64_t bytes,
                     std::uint64_t tag) {
    Record& r = add(3, from, send);
    r.to = to;
    r.end = receive;
    r.size = bytes;
    r.tag = tag;
  }
  /// The records' indices sorted by time, ties in the order made: a stable radix sort
  /// (16 bits a pass) of the times from the earliest, a tenth of a comparison sort's work
  /// on the hundreds of thousands of records of a large run.
  std::vector<std::size_t> time_order() const {
    std::int64_t earliest = 0;
    std::uint64_t span = 0;
    for (const Record& r : records_) earliest = std::min(earliest, r.time);
    for (const Record& r : records_) span = std::max(span, static_cast<std::uint64_t>(r.time - earliest));
    std::vector<std::size_t> order(records_.size()), next(records_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::vector<std::size_t> count(1 << 16);
    for (int shift = 0; shift < 64 && (shift == 0 || (span >> shift) != 0); shift += 16) {
      auto digit = [&](std::size_t i) {
        return static_cast<std::size_t>((static_cast<std::uint64_t>(records_[i].time - earliest) >> shift) & 0xffff);
      };
      std::fill(count.begin(), count.end(), 0);
      for (std::size_t i : order) ++count[digit(i)];
      std::size_t sum = 0;
      for (std::size_t& c : count) sum += std::exchange(c, sum);  // (counts become first positions)
      for (std::size_t i : order) next[count[digit(i)]++] = i;
      order.swap(next);
    }
    return order;
  }

  /// Writes the records in time order.
  void write(TextBuffer& t) {
    for (std::size_t index : time_order()) {
      const Record& r = records_[index];
      t << static_cast<int>(r.kind) << ':' << r.at << ':' << r.time;
      if (r.kind == 1) t << ':' << r.end << ':' << r.size;
      for (std::size_t i = 0; i < r.count; ++i) t << ':' << r.values[i].first << ':' << r.values[i].second;
      if (r.kind == 3) t << ':' << r.time << ':' << r.to << ':' << r.end << ':' << r.end << ':' << r.size << ':' << r.tag;
      t << '\n';
    }
  }

 private:
  Record& add(std::uint8_t kind, Place p, std::int64_t time) {
    Record& r = records_.emplace_back();
    r.kind = kind;
    r.at = p;
    r.time = time;
    return r;
  }
  std::vector<int> first_cpu_;  // by node index
  std::vector<Record> records_;
};

std::uint64_t outcome_value(const TaskSpan& s) {
  return s.unfinished ? 5 : static_cast<std::uint64_t>(s.outcome) + 1;
}

std::uint64_t api_value(Activity a) {
  switch (a) {
    case Activity::submission: return 1;
    case Activity::wait_on: return 2;
    case Activity::barrier: return 3;
    case Activity::dependency_analysis: return 0;
  }
  return 0;
}

void add_tasks(const TraceModel& m, Records& r) {
  const ResourceRequest unknown;
  for (const TaskSpan& s : m.tasks) {
    Place p = r.at(s.node, s.thread);
    const ResourceRequest& asked = s.type < m.type_requests.size() ? m.type_requests[s.type] : unknown;
    r.state(p, s.begin, s.end, state_running);
    r.event(p, s.begin, {{task_type, s.type + 1}, {task_id, s.task_id}, {task_kind, 1}});
    r.event(p, s.begin, {{cpus_requested, asked.cpus}, {gpus_requested, asked.gpus}, {memory_requested, asked.memory_mb}});
    r.event(p, s.end, {{task_type, 0}, {task_id, 0}, {task_kind, 0}, {task_outcome, outcome_value(s)}});
    r.event(p, s.end, {{cpus_requested, 0}, {gpus_requested, 0}, {memory_requested, 0}});
  }
}

/// The scheduler's decisions, on the master's thread 1: which node each task went to.
void add_placements(const TraceModel& m, Records& r) {
  Place main = r.at(0, 1);
  for (const PlacementPoint& p : m.placements) {
    r.event(main, p.time, {{placed_node, static_cast<std::uint64_t>(p.node) + 1}, {placed_task, p.task_id}});
  }
  // How long each waited for that decision (a local run's decision is the start: the task id
  // comes with it there).
  for (const SchedulerWait& w : m.scheduler_waits) {
    const auto waited = static_cast<std::uint64_t>(std::max<std::int64_t>(1, w.end - w.begin));
    if (w.placed) r.event(main, w.end, {{scheduler_wait, waited}});
    else r.event(main, w.end, {{scheduler_wait, waited}, {placed_task, w.task_id}});
  }
}

/// The value of event 8001002 (runtime events) for a worker's own work.
std::uint64_t work_value(NodeWork w) {
  switch (w) {
    case NodeWork::inputs: return 2;
    case NodeWork::outputs: return 3;
    case NodeWork::serve: return 4;
    case NodeWork::task: return 0;
  }
  return 0;
}

/// What workers' threads did besides task bodies: a state and a runtime event each.
void add_work(const TraceModel& m, Records& r) {
  for (const WorkSpan& w : m.work) {
    if (w.end <= w.begin) continue;
    Place p = r.at(w.node, w.thread);
    r.state(p, w.begin, w.end, w.kind == NodeWork::inputs ? state_waiting_message : state_blocking_send);
    r.event(p, w.begin, {{runtime_event, work_value(w.kind)}});
    r.event(p, w.end, {{runtime_event, 0}});
  }
}

/// The program's activities on the master's thread 1: events for each, and states that
/// never overlap (a later one starts where the one before ended).
void add_activities(const TraceModel& m, Records& r) {
  Place main = r.at(0, 1);
  std::int64_t busy_until = 0;
  for (const ActivitySpan& a : m.activities) {
    if (a.kind == Activity::dependency_analysis) {
      r.event(main, a.begin, {{runtime_event, 1}});
      r.event(main, a.end, {{runtime_event, 0}});
      continue;
    }
    r.event(main, a.begin, {{api, api_value(a.kind)}});
    r.event(main, a.end, {{api, 0}});
    const std::int64_t begin = std::max(a.begin, busy_until);
    if (a.end > begin) {
      r.state(main, begin, a.end, a.kind == Activity::submission ? state_scheduling : state_synchronization);
      busy_until = a.end;
    }
  }
  for (const CounterPoint& c : m.ready_tasks) r.event(main, c.time, {{ready_count, static_cast<std::uint64_t>(c.value)}});
}

void add_transfers(const TraceModel& m, Records& r) {
  for (const TransferSpan& t : m.transfers) {
    Place from = r.at(t.from, 1);
    Place to = r.at(t.to, 1);
    r.communication(from, t.begin, to, t.end, t.bytes, t.data_id);
    r.event(to, t.begin, {{transfer, t.data_id}, {transfer_size, t.bytes}});
    r.event(to, t.end, {{transfer, 0}, {transfer_size, 0}});
  }
}

void add_thread_types(const TraceModel& m, Records& r) {
  for (std::size_t n = 0; n < m.nodes.size(); ++n) {
    for (int t = 1; t <= m.nodes[n].threads; ++t) {
      std::uint64_t type = t > 1 ? 2 : (m.nodes[n].id == 0 ? 1 : 3);
      r.event(r.at(static_cast<int>(n), t), 0, {{thread_type, type}});
    }
    if (m.nodes[n].clock_known) {
      r.event(r.at(static_cast<int>(n), 1), 0, {{clock_error, static_cast<std::uint64_t>(m.nodes[n].clock_error)}});
    }
  }
}

std::string header(const TraceModel& m, const std::string& date) {
  std::string cpus, threads;
  for (std::size_t n = 0; n < m.nodes.size(); ++n) {
    const std::string sep = n == 0 ? "" : ",";
    cpus += sep + std::to_string(m.nodes[n].threads);
    threads += sep + std::to_string(m.nodes[n].threads) + ":" + std::to_string(n + 1);
  }
  const std::string count = std::to_string(m.nodes.size());
  return "#Paraver (" + date + "):" + std::to_string(m.duration) + "_ns:" + count + "(" + cpus + "):1:" + count +
         "(" + threads + ")\n";
}

std::string pcf(const TraceModel& m) {
  std::string s =
      "DEFAULT_OPTIONS\n\nLEVEL               THREAD\nUNITS               NANOSEC\nLOOK_BACK           100\n"
      "SPEED               1\nFLAG_ICONS          ENABLED\nNUM_OF_STATE_COLORS 1000\nYMAX_SCALE          37\n\n\n"
      "DEFAULT_SEMANTIC\n\nTHREAD_FUNC          State As Is\n\n\n"
      "STATES\n0    Idle\n1    Running\n3    Waiting a message\n4    Blocking Send\n5    Synchronization\n"
      "7    Scheduling and Fork/Join\n\n\n"
      "STATES_COLOR\n0    {117,195,255}\n1    {0,0,255}\n3    {255,255,0}\n4    {235,0,0}\n5    {255,0,0}\n"
      "7    {192,0,192}\n\n\n";
  auto type = [&](std::uint32_t id, const char* label, std::vector<std::pair<std::uint64_t, std::string>> values) {
    s += "EVENT_TYPE\n0    " + std::to_string(id) + "    " + label + "\n";
    if (!values.empty()) {
      s += "VALUES\n";
      for (const auto& [v, l] : values) s += std::to_string(v) + "      " + l + "\n";
    }
    s += "\n\n";
  };
  std::vector<std::pair<std::uint64_t, std::string>> types{{0, "End"}};
  for (std::size_t i = 0; i < m.type_names.size(); ++i) types.emplace_back(i + 1, m.type_names[i]);
  type(task_type, "Task", types);
  type(task_id, "Task id", {});
  type(transfer, "Data transfer (datum id)", {});
  type(transfer_size, "Data transfer size (bytes)", {});
  type(ready_count, "Ready tasks", {});
  type(task_kind, "Kind of task", {{0, "End"}, {1, "Method"}});
  type(api, "Runtime API", {{0, "End"}, {1, "Task submission"}, {2, "Wait on"}, {3, "Barrier"}});
  type(runtime_event, "Runtime events",
       {{0, "End"}, {1, "Dependency analysis"}, {2, "Taking a task's inputs (worker)"},
        {3, "Storing outputs and answering (worker)"}, {4, "Serving data to a node (worker)"}});
  type(thread_type, "Thread type", {{1, "Main (program)"}, {2, "Executor"}, {3, "Worker runtime"}});
  type(task_outcome, "Task outcome",
       {{1, "Success"}, {2, "Failed"}, {3, "Cancelled"}, {4, "Timed out"}, {5, "Unknown (trace truncated)"}});
  type(clock_error, "Clock error bound (ns)", {});
  type(cpus_requested, "Requested CPUs", {});
  type(gpus_requested, "Requested GPUs", {});
  type(memory_requested, "Requested memory (MB)", {});
  std::vector<std::pair<std::uint64_t, std::string>> nodes;
  for (std::size_t n = 0; n < m.nodes.size(); ++n) nodes.emplace_back(n + 1, m.nodes[n].name);
  type(placed_node, "Scheduler: task placed on node", nodes);
  type(placed_task, "Scheduler: task id (placed, or waited)", {});
  type(scheduler_wait, "Scheduler: time the task waited for its placement or start (ns)", {});
  return s;
}

std::string row(const TraceModel& m) {
  int total = 0;
  for (const TraceNode& n : m.nodes) total += n.threads;
  std::string cpus = "LEVEL CPU SIZE " + std::to_string(total) + "\n";
  std::string threads = "LEVEL THREAD SIZE " + std::to_string(total) + "\n";
  std::string nodes = "LEVEL NODE SIZE " + std::to_string(m.nodes.size()) + "\n";
  // (Each node is also a Paraver task of the one application: named too, so that a window
  // at Task level names its rows.)
  std::string tasks = "LEVEL TASK SIZE " + std::to_string(m.nodes.size()) + "\n";
  for (const TraceNode& n : m.nodes) {
    nodes += n.name + "\n";
    tasks += n.name + "\n";
    for (int t = 1; t <= n.threads; ++t) {
      cpus += thread_name(n, t) + "\n";
      threads += thread_name(n, t) + "\n";
    }
  }
  return cpus + "\n" + nodes + "\n" + tasks + "\n" + threads;
}

}  // namespace

void write(const TraceModel& model, const std::string& base, const std::string& date) {
  Records records(model);
  add_thread_types(model, records);
  add_tasks(model, records);
  add_activities(model, records);
  add_placements(model, records);
  add_work(model, records);
  add_transfers(model, records);
  OutputFile prv(base + ".prv");
  TextBuffer text(prv);
  text << std::string_view(header(model, date));
  records.write(text);
  text.flush();
  prv.close();
  OutputFile(base + ".pcf").write_all(pcf(model));
  OutputFile(base + ".row").write_all(row(model));
}

}  // namespace compss::rt::observe::paraver
