#include "observe/perfetto_writer.hpp"

#include "observe/trace_output.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace compss::rt::observe::perfetto {

namespace {

/// Transfers appear on threads of their own, after the node's threads: tid base + lane.
constexpr int transfer_tid_base = 1000;

int pid_of(int node_index) { return node_index + 1; }

/// The "traceEvents" array: each event starts with its separator.
class Events {
 public:
  explicit Events(TextBuffer& text) : text_(text) {}
  /// Starts the next event ("{" after its separator) and returns the text to add to.
  TextBuffer& next() {
    text_ << (first_ ? "\n{" : ",\n{");
    first_ = false;
    return text_;
  }
  /// Adds `"pid":..,"tid":..,"ts":..` of an event.
  TextBuffer& where(int pid, int tid, std::int64_t ts) {
    return text_ << "\"pid\":" << pid << ",\"tid\":" << tid << ",\"ts\":" << Micro{ts};
  }
  struct Micro {
    std::int64_t ns;
  };

 private:
  friend TextBuffer& operator<<(TextBuffer& t, Micro m) { return t.microseconds(m.ns); }
  TextBuffer& text_;
  bool first_ = true;
};

void name_event(Events& ev, const char* what, int pid, int tid, const std::string& name) {
  ev.next() << "\"ph\":\"M\",\"name\":\"" << what << "\",\"pid\":" << pid << ",\"tid\":" << tid
            << ",\"args\":{\"name\":" << json_string(name) << "}}";
}

/// The "dur" of a complete event from `begin` to `end` (ns). Viewers read "ts" and "dur" as
/// doubles of microseconds and take ts + dur as the end (Chrome DevTools' trace engine
/// does): the decimal (end - begin) / 1000 added to the parsed ts may land one ulp past the
/// parsed end, so a slice ending exactly where the next one on its thread begins (or where
/// its parent ends) would seem to overlap it, and DevTools leaves such a slice out of its
/// flame chart. So the decimal is kept when the sum gives the end exactly; otherwise the
/// duration is the double nearest to it whose sum does (or, failing that, the largest that
/// stays before it), in the shortest text that reads back as that double.
void write_duration(TextBuffer& t, std::int64_t begin, std::int64_t end) {
  // (ns / 1000.0 is the correctly rounded quotient: the double a reader parses from the
  // three-decimal text of `ts`, for times below 2^53 ns.)
  const double from = static_cast<double>(begin) / 1000.0;
  const double to = static_cast<double>(end) / 1000.0;
  if (from + static_cast<double>(end - begin) / 1000.0 == to) {
    t.microseconds(end - begin);
    return;
  }
  double dur = to - from;
  for (int i = 0; i < 8 && from + dur > to; ++i) dur = std::nextafter(dur, 0.0);
  for (int i = 0; i < 8 && from + dur < to; ++i) {
    const double longer = std::nextafter(dur, std::numeric_limits<double>::infinity());
    if (from + longer > to) break;
    dur = longer;
  }
  char text[32];
  t << std::string_view(text, static_cast<std::size_t>(std::to_chars(text, text + sizeof text, dur).ptr - text));
}

/// A complete event; `args` (may be empty) is written by `write_args`.
template <class Args>
void complete(Events& ev, std::string_view quoted_name, const char* category, int pid, int tid, std::int64_t begin,
              std::int64_t end, Args write_args) {
  TextBuffer& t = ev.next() << "\"ph\":\"X\",\"name\":" << quoted_name << ",\"cat\":\"" << category << "\",";
  ev.where(pid, tid, begin) << ",\"dur\":";
  write_duration(t, begin, end);
  t << ",\"args\":{";
  write_args(t);
  t << "}}";
}

/// A flow arrow from the slice that begins at (pid, tid, from) to the one that begins at
/// (pid, tid, to). Both ends are at a slice's begin and in its category: Perfetto binds a
/// flow to the slice enclosing its time, DevTools to the slice with exactly its time,
/// process, thread and category (so `category` is the slices').
void flow(Events& ev, std::uint64_t id, const char* category, std::uint64_t data_id, std::uint64_t version,
          int from_pid, int from_tid, std::int64_t from, int to_pid, int to_tid, std::int64_t to) {
  for (int end = 0; end < 2; ++end) {
    ev.next() << "\"name\":\"d" << data_id << 'v' << version << "\",\"cat\":\"" << category << "\",\"id\":" << id
              << (end == 0 ? ",\"ph\":\"s\"," : ",\"ph\":\"f\",\"bp\":\"e\",");
    (end == 0 ? ev.where(from_pid, from_tid, from) : ev.where(to_pid, to_tid, to)) << '}';
  }
}

void counter(Events& ev, const char* name, const char* series, const std::vector<CounterPoint>& points) {
  for (const CounterPoint& p : points) {
    ev.next() << "\"ph\":\"C\",\"name\":\"" << name << "\",";
    ev.where(1, 1, p.time) << ",\"args\":{\"" << series << "\":" << p.value << "}}";
  }
}

void add_tasks(const TraceModel& m, Events& ev) {
  std::vector<std::string> quoted;  // each type's name, quoted once
  for (const std::string& name : m.type_names) quoted.push_back(json_string(name));
  const std::string unknown = "\"task\"";
  for (const TaskSpan& s : m.tasks) {
    complete(ev, s.type < quoted.size() ? quoted[s.type] : unknown, "task", pid_of(s.node), s.thread, s.begin, s.end,
             [&](TextBuffer& t) {
               t << "\"task\":" << s.task_id << ",\"attempt\":" << s.attempt << ",\"outcome\":\""
                 << (s.unfinished ? "unknown (trace truncated)" : to_string(s.outcome)) << '"';
               if (s.type < m.type_requests.size()) {
                 const ResourceRequest& r = m.type_requests[s.type];
                 t << ",\"cpus\":" << r.cpus << ",\"gpus\":" << r.gpus << ",\"memory_mb\":" << r.memory_mb;
               }
             });
  }
  for (const ActivitySpan& a : m.activities) {
    complete(ev, json_string(to_string(a.kind)), "runtime", pid_of(0), 1, a.begin, a.end, [](TextBuffer&) {});
  }
  for (const PlacementPoint& p : m.placements) {  // the scheduler's decisions
    ev.next() << "\"ph\":\"i\",\"s\":\"t\",\"name\":\"placed\",\"cat\":\"scheduling\",";
    ev.where(pid_of(0), 1, p.time) << ",\"args\":{\"task\":" << p.task_id << ",\"node\":"
                                   << std::string_view(json_string(m.nodes[p.node].name))
                                   << ",\"computing_units\":" << p.computing_units << "}}";
  }
  // Each task's wait for the scheduler's decision: an async slice on the master's track
  // (they overlap; Perfetto lays async slices on rows of their own).
  std::uint64_t wait_id = 0;
  for (const SchedulerWait& w : m.scheduler_waits) {
    ++wait_id;
    for (int end = 0; end < 2; ++end) {
      ev.next() << "\"ph\":\"" << (end == 0 ? 'b' : 'e') << "\",\"name\":\"waiting for the scheduler\","
                << "\"cat\":\"scheduling\",\"id\":" << wait_id << ',';
      ev.where(pid_of(0), 1, end == 0 ? w.begin : w.end) << ",\"args\":{\"task\":" << w.task_id
                                                         << ",\"decision\":\"" << (w.placed ? "placed" : "started")
                                                         << "\"}}";
    }
  }
  for (const WorkSpan& w : m.work) {  // what workers' threads did besides task bodies
    complete(ev, json_string(to_string(w.kind)), "runtime", pid_of(w.node), w.thread, w.begin, w.end,
             [&](TextBuffer& t) {
               if (w.task_id != 0) t << "\"task\":" << w.task_id;
               else t << "\"bytes\":" << w.bytes;
             });
  }
}

std::uint64_t add_dependencies(const TraceModel& m, Events& ev) {
  // Arrows go from the last attempt of a producer to the first of the task that waited.
  std::unordered_map<std::uint64_t, const TaskSpan*> first, last;
  for (const TaskSpan& s : m.tasks) {
    first.try_emplace(s.task_id, &s);
    last[s.task_id] = &s;
  }
  std::uint64_t id = 0;
  for (const DependencyEdge& d : m.dependencies) {
    auto from = last.find(d.from_task);
    auto to = first.find(d.to_task);
    if (from == last.end() || to == first.end()) continue;
    const TaskSpan& a = *from->second;
    const TaskSpan& b = *to->second;
    flow(ev, ++id, "task", d.data_id, d.version, pid_of(a.node), a.thread, a.begin, pid_of(b.node), b.thread, b.begin);
  }
  return id;
}

void add_transfers(const TraceModel& m, Events& ev, std::uint64_t flow_id) {
  // Each node's sends and receives on lanes of their own.
  std::vector<std::vector<Interval>> ends(m.nodes.size());
  struct End {
    std::size_t transfer;
    bool receive;
  };
  std::vector<std::vector<End>> which(m.nodes.size());
  for (std::size_t i = 0; i < m.transfers.size(); ++i) {  // (sorted by begin)
    const TransferSpan& t = m.transfers[i];
    ends[t.from].push_back({t.begin, t.end, -1});
    which[t.from].push_back({i, false});
    ends[t.to].push_back({t.begin, t.end, -1});
    which[t.to].push_back({i, true});
  }
  std::vector<int> send_tid(m.transfers.size()), receive_tid(m.transfers.size());
  for (std::size_t n = 0; n < m.nodes.size(); ++n) {
    const std::vector<int> lanes = lay_on_lanes(ends[n]);
    int count = 0;
    for (std::size_t k = 0; k < lanes.size(); ++k) {
      (which[n][k].receive ? receive_tid : send_tid)[which[n][k].transfer] = transfer_tid_base + lanes[k] + 1;
      count = std::max(count, lanes[k] + 1);
    }
    for (int lane = 1; lane <= count; ++lane) {
      name_event(ev, "thread_name", pid_of(static_cast<int>(n)), transfer_tid_base + lane,
                 m.nodes[n].name + " transfers " + std::to_string(lane));
    }
  }
  for (std::size_t i = 0; i < m.transfers.size(); ++i) {
    const TransferSpan& t = m.transfers[i];
    const std::string name = "d" + std::to_string(t.data_id) + "v" + std::to_string(t.version) + "\"";
    auto args = [&](TextBuffer& out) {
      out << "\"bytes\":" << t.bytes << ",\"from\":" << json_string(m.nodes[t.from].name)
          << ",\"to\":" << json_string(m.nodes[t.to].name);
    };
    complete(ev, "\"send " + name, "transfer", pid_of(t.from), send_tid[i], t.begin, t.end, args);
    complete(ev, "\"receive " + name, "transfer", pid_of(t.to), receive_tid[i], t.begin, t.end, args);
    flow(ev, ++flow_id, "transfer", t.data_id, t.version, pid_of(t.from), send_tid[i], t.begin, pid_of(t.to),
         receive_tid[i], t.begin);
  }
}

}  // namespace

std::string metadata_json(const TraceModel& m, const std::string& date) {
  std::string nodes;
  for (const TraceNode& n : m.nodes) {
    nodes += (nodes.empty() ? "" : ",") + std::string("{\"node\":") + std::to_string(n.id) +
             ",\"name\":" + json_string(n.name) + ",\"threads\":" + std::to_string(n.threads);
    if (n.clock_known) {
      nodes += ",\"clock_offset_ns\":" + std::to_string(n.clock_offset) +
               ",\"clock_error_ns\":" + std::to_string(n.clock_error) +
               ",\"clock_probes\":" + std::to_string(n.clock_probes);
    }
    if (n.id != 0) {
      nodes += ",\"task_threads\":" + std::to_string(n.task_threads) +
               ",\"events_told\":" + std::to_string(n.events_told) +
               ",\"events_dropped\":" + std::to_string(n.events_dropped);
    }
    nodes += "}";
  }
  return "{\"producer\":\"compss-cc runtime\",\"date\":" + json_string(date) +
         ",\"duration_ns\":" + std::to_string(m.duration) + ",\"origin_steady_ns\":" + std::to_string(m.origin) +
         ",\"tasks_submitted\":" + std::to_string(m.submitted.size()) +
         ",\"attempts\":" + std::to_string(m.tasks.size()) + ",\"transfers\":" + std::to_string(m.transfers.size()) +
         ",\"max_clock_error_ns\":" + std::to_string(m.max_clock_error()) +
         ",\"truncated\":" + (m.dropped > 0 ? "true" : "false") +
         ",\"events_dropped\":" + std::to_string(m.dropped) + ",\"nodes\":[" + nodes + "]}";
}

void write(const TraceModel& m, const std::string& path, const std::string& date) {
  OutputFile out(path);
  TextBuffer text(out);
  text << "{\"displayTimeUnit\":\"ns\",\"metadata\":" << std::string_view(metadata_json(m, date))
       << ",\"traceEvents\":[";
  Events ev(text);
  for (std::size_t n = 0; n < m.nodes.size(); ++n) {
    const int pid = pid_of(static_cast<int>(n));
    name_event(ev, "process_name", pid, 0, m.nodes[n].name);
    ev.next() << "\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":" << pid
              << ",\"tid\":0,\"args\":{\"sort_index\":" << n << "}}";
    for (int t = 1; t <= m.nodes[n].threads; ++t) name_event(ev, "thread_name", pid, t, thread_name(m.nodes[n], t));
  }
  add_tasks(m, ev);
  const std::uint64_t flows = add_dependencies(m, ev);
  add_transfers(m, ev, flows);
  counter(ev, "ready tasks", "ready", m.ready_tasks);
  counter(ev, "bytes in flight", "bytes", m.bytes_in_flight);
  text << "\n]}\n";
  text.flush();
  out.close();
}

}  // namespace compss::rt::observe::perfetto
