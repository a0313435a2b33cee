#include "observe/perfetto_writer.hpp"

#include "observe/trace_output.hpp"

#include <algorithm>
#include <unordered_map>

namespace compss::rt::observe::perfetto {

namespace {

/// Transfers appear on threads of their own, after the node's threads: tid base + lane.
constexpr int transfer_tid_base = 1000;

int pid_of(int node_index) { return node_index + 1; }

class Events {
 public:
  void add(const std::string& event) {
    out_ += first_ ? "\n" : ",\n";
    out_ += event;
    first_ = false;
  }
  std::string& text() { return out_; }

 private:
  std::string out_;
  bool first_ = true;
};

std::string where(int pid, int tid, std::int64_t ts) {
  return "\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid) + ",\"ts\":" + microseconds(ts);
}

std::string name_event(const char* what, int pid, int tid, const std::string& name) {
  return std::string("{\"ph\":\"M\",\"name\":\"") + what + "\",\"pid\":" + std::to_string(pid) +
         ",\"tid\":" + std::to_string(tid) + ",\"args\":{\"name\":" + json_string(name) + "}}";
}

std::string complete(const std::string& name, const char* category, int pid, int tid, std::int64_t begin,
                     std::int64_t end, const std::string& args) {
  return "{\"ph\":\"X\",\"name\":" + json_string(name) + ",\"cat\":\"" + category + "\"," + where(pid, tid, begin) +
         ",\"dur\":" + microseconds(end - begin) + ",\"args\":{" + args + "}}";
}

/// A flow arrow from the slice that begins at (pid, tid, from) to the one that begins at
/// (pid, tid, to). Both ends are at a slice's begin and in its category: Perfetto binds a
/// flow to the slice enclosing its time, DevTools to the slice with exactly its time,
/// process, thread and category (so `category` is the slices').
void flow(Events& ev, std::uint64_t id, const char* category, const std::string& name, int from_pid, int from_tid,
          std::int64_t from, int to_pid, int to_tid, std::int64_t to) {
  const std::string head = "{\"name\":" + json_string(name) + ",\"cat\":\"" + category + "\",\"id\":" + std::to_string(id);
  ev.add(head + ",\"ph\":\"s\"," + where(from_pid, from_tid, from) + "}");
  ev.add(head + ",\"ph\":\"f\",\"bp\":\"e\"," + where(to_pid, to_tid, to) + "}");
}

void counter(Events& ev, const char* name, const char* series, const std::vector<CounterPoint>& points) {
  for (const CounterPoint& p : points) {
    ev.add(std::string("{\"ph\":\"C\",\"name\":\"") + name + "\"," + where(1, 1, p.time) + ",\"args\":{\"" + series +
           "\":" + std::to_string(p.value) + "}}");
  }
}

std::string data_name(std::uint64_t data_id, std::uint64_t version) {
  return "d" + std::to_string(data_id) + "v" + std::to_string(version);
}

void add_tasks(const TraceModel& m, Events& ev) {
  for (const TaskSpan& s : m.tasks) {
    const std::string& type = s.type < m.type_names.size() ? m.type_names[s.type] : "task";
    std::string args = "\"task\":" + std::to_string(s.task_id) + ",\"attempt\":" + std::to_string(s.attempt) +
                       ",\"outcome\":\"" + (s.unfinished ? "unknown (trace truncated)" : to_string(s.outcome)) + "\"";
    ev.add(complete(type, "task", pid_of(s.node), s.thread, s.begin, s.end, args));
  }
  for (const ActivitySpan& a : m.activities) {
    ev.add(complete(to_string(a.kind), "runtime", pid_of(0), 1, a.begin, a.end, ""));
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
    flow(ev, ++id, "task", data_name(d.data_id, d.version), pid_of(a.node), a.thread, a.begin, pid_of(b.node),
         b.thread, b.begin);
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
      ev.add(name_event("thread_name", pid_of(static_cast<int>(n)), transfer_tid_base + lane,
                        m.nodes[n].name + " transfers " + std::to_string(lane)));
    }
  }
  for (std::size_t i = 0; i < m.transfers.size(); ++i) {
    const TransferSpan& t = m.transfers[i];
    const std::string name = data_name(t.data_id, t.version);
    const std::string args = "\"bytes\":" + std::to_string(t.bytes) + ",\"from\":" + json_string(m.nodes[t.from].name) +
                             ",\"to\":" + json_string(m.nodes[t.to].name);
    ev.add(complete("send " + name, "transfer", pid_of(t.from), send_tid[i], t.begin, t.end, args));
    ev.add(complete("receive " + name, "transfer", pid_of(t.to), receive_tid[i], t.begin, t.end, args));
    flow(ev, ++flow_id, "transfer", name, pid_of(t.from), send_tid[i], t.begin, pid_of(t.to), receive_tid[i], t.begin);
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
               ",\"clock_error_ns\":" + std::to_string(n.clock_error);
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

std::string to_json(const TraceModel& m, const std::string& date) {
  Events ev;
  for (std::size_t n = 0; n < m.nodes.size(); ++n) {
    const int pid = pid_of(static_cast<int>(n));
    ev.add(name_event("process_name", pid, 0, m.nodes[n].name));
    ev.add("{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":" + std::to_string(pid) +
           ",\"tid\":0,\"args\":{\"sort_index\":" + std::to_string(n) + "}}");
    for (int t = 1; t <= m.nodes[n].threads; ++t) ev.add(name_event("thread_name", pid, t, thread_name(m.nodes[n], t)));
  }
  add_tasks(m, ev);
  const std::uint64_t flows = add_dependencies(m, ev);
  add_transfers(m, ev, flows);
  counter(ev, "ready tasks", "ready", m.ready_tasks);
  counter(ev, "bytes in flight", "bytes", m.bytes_in_flight);
  return "{\"displayTimeUnit\":\"ns\",\"metadata\":" + metadata_json(m, date) + ",\"traceEvents\":[" + ev.text() +
         "\n]}\n";
}

void write(const TraceModel& m, const std::string& path, const std::string& date) {
  OutputFile(path).write_all(to_json(m, date));
}

}  // namespace compss::rt::observe::perfetto
