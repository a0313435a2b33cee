#include "observe/monitor.hpp"

#include "observe/graph_dot.hpp"
#include "observe/graph_files.hpp"
#include "observe/json_text.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace compss::rt::observe {

namespace {

std::string random_token() {
  std::random_device source;  // the system's random source
  std::string token;
  char buf[9];
  for (int i = 0; i < 4; ++i) {
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(source()));
    token += buf;
  }
  return token;
}

/// The value of `name` in the query of `target` ("/x?a=1&token=ab" -> "ab").
std::string query_value(std::string_view target, std::string_view name) {
  std::size_t q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=')
      return std::string(pair.substr(name.size() + 1));
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return {};
}

/// Compares in a time that does not depend on where they differ.
bool same_token(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

/// A small SVG that says something instead of a drawing.
std::string svg_message(const std::string& text) {
  std::string out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"40\"><text x=\"8\" y=\"24\" "
      "font-family=\"sans-serif\" font-size=\"14\">";
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out + "</text></svg>";
}

}  // namespace

Monitor::Monitor(std::uint16_t port, MonitorSources sources, std::chrono::milliseconds period)
    : sources_(std::move(sources)), token_(random_token()), start_(rt::event_now()), period_(period),
      timeline_(start_, sources_.events_mutex ? sources_.events_mutex : std::make_shared<std::mutex>()), nodes_(sources_.nodes) {
  server_ = std::make_unique<MonitorServer>("127.0.0.1", port,
                                            [this](std::string_view target) { return handle(target); });
  sampler_ = std::thread([this] { sample_loop(); });
}

Monitor::~Monitor() {
  drawing_.stop();
  server_->finish_streams(std::chrono::seconds(2));  // the pages get the last state (ended)
  server_->stop();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  sampler_.join();
}

std::string Monitor::url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port()) + "/?token=" + token_;
}

void Monitor::set_nodes(std::function<std::vector<MonitorNode>()> nodes) {
  std::lock_guard lock(nodes_mutex_);
  nodes_ = std::move(nodes);
}

void Monitor::on_run_ended(const rt::RunEnded&) {
  drawing_.stop();
  {
    // The backend is stopped and about to go: ask it one last time, then never again.
    std::lock_guard lock(nodes_mutex_);
    if (nodes_) last_nodes_ = nodes_();
    nodes_ = nullptr;
  }
  std::lock_guard lock(mutex_);
  ended_ = true;
}

Monitor::Now Monitor::now() {
  Now n{sources_.graph->counts(), {}};
  {
    std::lock_guard lock(nodes_mutex_);
    if (nodes_) last_nodes_ = nodes_();
    n.nodes = last_nodes_;
  }
  // Join the backend's nodes (slots, placed tasks) with the events' (names, ended) by number.
  const std::size_t count = std::max(n.nodes.size(), n.counts.nodes.size());
  n.nodes.resize(count);
  n.counts.nodes.resize(count);
  std::uint64_t placed = 0;
  bool backend_knows = false;
  for (std::size_t i = 0; i < count; ++i) {
    MonitorNode& node = n.nodes[i];
    node.id = static_cast<int>(i);
    if (node.name.empty()) node.name = n.counts.nodes[i].name;
    if (node.running < 0) {
      node.running = static_cast<long>(n.counts.nodes[i].running);
    } else {
      backend_knows = true;
    }
    if (node.resources.cores_used < 0) node.resources.cores_used = node.running;  // (a thread each)
    placed += static_cast<std::uint64_t>(node.running);
  }
  std::uint64_t* by = n.counts.by_state;
  auto& running = by[static_cast<int>(TaskState::running)];
  auto& ready = by[static_cast<int>(TaskState::ready)];
  if (backend_knows && placed > running) {
    const std::uint64_t moved = std::min(placed - running, ready);
    ready -= moved;
    running += moved;
  }
  return n;
}

void Monitor::sample_loop() {
  std::unique_lock lock(mutex_);
  std::chrono::milliseconds period = period_;
  constexpr std::size_t max_samples = 1200;
  while (!stopping_) {
    lock.unlock();
    const GraphCounts c = now().counts;
    lock.lock();
    const auto state = [&](TaskState s) { return c.by_state[static_cast<int>(s)]; };
    samples_.push_back({(rt::event_now() - start_) / 1e9, state(TaskState::running),
                        state(TaskState::pending) + state(TaskState::ready), state(TaskState::done)});
    if (samples_.size() >= max_samples) {
      // Bounded: keep every other sample and sample half as often from now on.
      std::size_t kept = 0;
      for (std::size_t i = 0; i < samples_.size(); i += 2) samples_[kept++] = samples_[i];
      samples_.resize(kept);
      period *= 2;
    }
    wake_.wait_for(lock, period, [this] { return stopping_; });
  }
}

HttpReply Monitor::handle(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/favicon.ico") return {404, "text/plain; charset=utf-8", "none\n"};
  if (!same_token(query_value(target, "token"), token_))
    return {403, "text/plain; charset=utf-8",
            "compss monitor: wrong or missing token: open the address the program printed "
            "(compss: monitor: http://127.0.0.1:PORT/?token=...)\n"};
  if (path == "/" || path == "/index.html") return {200, "text/html; charset=utf-8", monitor_page()};
  if (path == "/api/state") return {200, "application/json", state_json()};
  if (path == "/api/events") {
    HttpReply reply{200, "text/event-stream", "", {}};
    reply.stream = [this](EventStreamWriter& out) { stream_events(out); };
    return reply;
  }
  if (path == "/api/graph.svg") return {200, "image/svg+xml", graph_svg()};
  return {404, "text/plain; charset=utf-8", "compss monitor: no such page\n"};
}

void Monitor::on_submitted(const rt::TaskSubmitted& e) { timeline_.on_submitted(e); }
void Monitor::on_placed(const rt::TaskPlaced& e) { timeline_.on_placed(e); }
void Monitor::on_started(const rt::TaskStarted& e) { timeline_.on_started(e); }

void Monitor::on_ended(const rt::TaskEnded& e) {
  timeline_.on_ended(e);
  note_failure(e);
}

void Monitor::note_failure(const rt::TaskEnded& e) {
  if (e.outcome != rt::TaskOutcome::failed && e.outcome != rt::TaskOutcome::timed_out) return;
  Failure f;
  f.seconds = (e.time - start_) / 1e9;
  f.task_id = e.task_id;
  f.attempt = e.attempt;
  f.what = e.name;
  f.outcome = std::string(rt::to_string(e.outcome)) + (e.will_retry ? " (retried)" : "");
  f.error = e.error_type.empty() ? std::string(e.error_message)
                                 : std::string(e.error_type) + ": " + std::string(e.error_message);
  f.where = e.error_where;
  std::lock_guard lock(mutex_);
  ++failures_total_;
  if (failures_.size() >= max_failures) failures_.pop_front();
  failures_.push_back(std::move(f));
}

void Monitor::on_node_lost(const rt::NodeLost& e) {
  Failure f;
  f.seconds = (e.time - start_) / 1e9;
  f.what = e.name;
  f.outcome = "lost";
  f.error = e.why;
  f.where = "worker " + std::to_string(e.node);
  std::lock_guard lock(mutex_);
  if (lost_.size() < 10'000) lost_.push_back(std::move(f));
}

namespace {
void append_failures(std::string& out, const char* key, const auto& list) {
  out += std::string(",\"") + key + "\":[";
  bool first = true;
  for (const auto& f : list) {
    out += first ? "{" : ",{";
    first = false;
    out += "\"time_s\":" + std::to_string(f.seconds) + ",\"task\":" + std::to_string(f.task_id) +
           ",\"attempt\":" + std::to_string(f.attempt) + ",\"what\":";
    append_json_string(out, f.what);
    out += ",\"outcome\":";
    append_json_string(out, f.outcome);
    out += ",\"error\":";
    append_json_string(out, f.error);
    out += ",\"where\":";
    append_json_string(out, f.where);
    out += "}";
  }
  out += "]";
}
}  // namespace

std::string Monitor::state_json() {
  const Now n = now();
  const GraphCounts& c = n.counts;
  const SummaryReport report = sources_.summary->report();
  std::string out = "{";
  {
    // (the samples copied under the lock, written after it)
    std::unique_lock lock(mutex_);
    const std::vector<Sample> samples = samples_;
    const bool ended = ended_;
    lock.unlock();
    out += "\"ended\":" + std::string(ended ? "true" : "false");
    out += ",\"elapsed_s\":" + number((rt::event_now() - start_) / 1e9);
    out += ",\"load\":[";
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const Sample& s = samples[i];
      out += (i ? ",[" : "[") + number(s.seconds) + "," + std::to_string(s.running) + "," +
             std::to_string(s.waiting) + "," + std::to_string(s.done) + "]";
    }
    out += "]";
    lock.lock();
    out += ",\"failures_total\":" + std::to_string(failures_total_);
    append_failures(out, "failures", failures_);
    append_failures(out, "lost", lost_);
  }
  out += ",\"graph_changes\":" + std::to_string(c.changes);
  out += ",\"counts\":{\"total\":" + std::to_string(c.total);
  for (TaskState s : {TaskState::pending, TaskState::ready, TaskState::running, TaskState::done,
                      TaskState::failed, TaskState::cancelled})
    out += ",\"" + std::string(to_string(s)) + "\":" + std::to_string(c.by_state[static_cast<int>(s)]);
  out += "},\"colours\":{";
  for (TaskState s : {TaskState::pending, TaskState::ready, TaskState::running, TaskState::done,
                      TaskState::failed, TaskState::cancelled}) {
    if (s != TaskState::pending) out += ",";
    out += "\"" + std::string(to_string(s)) + "\":\"" + state_colour(s) + "\"";
  }
  out += "},\"nodes\":[";
  for (std::size_t i = 0; i < n.nodes.size(); ++i) {
    const MonitorNode& node = n.nodes[i];
    out += i ? ",{" : "{";
    out += "\"id\":" + std::to_string(node.id) + ",\"name\":";
    append_json_string(out, node.name);
    out += ",\"slots\":" + std::to_string(node.slots) + ",\"alive\":" + (node.alive ? "true" : "false") +
           ",\"running\":" + std::to_string(node.running) + ",\"ended\":" + std::to_string(c.nodes[i].ended);
    const MonitorNode::Resources& r = node.resources;
    out += ",\"cores\":" + std::to_string(r.cores) + ",\"cores_used\":" + std::to_string(r.cores_used) +
           ",\"memory_mb\":" + std::to_string(r.memory_mb) + ",\"memory_used_mb\":" + std::to_string(r.memory_used_mb) +
           ",\"gpus\":" + std::to_string(r.gpus) + ",\"gpus_used\":" + std::to_string(r.gpus_used) + "}";
  }
  out += "],\"types\":[";
  for (std::size_t i = 0; i < report.types.size(); ++i) {
    const TypeSummary& t = report.types[i];
    out += i ? ",{" : "{";
    out += "\"name\":";
    append_json_string(out, t.name);
    out += ",\"count\":" + std::to_string(t.count) + ",\"failed\":" + std::to_string(t.failed) +
           ",\"cancelled\":" + std::to_string(t.cancelled) + ",\"retries\":" + std::to_string(t.retries) +
           ",\"mean_s\":" + number(t.mean_seconds()) + ",\"min_s\":" + number(t.min_ns / 1e9) +
           ",\"max_s\":" + number(t.max_ns / 1e9) + ",\"bytes_moved\":" + std::to_string(t.bytes_moved) + "}";
  }
  out += "],\"timeline\":" + timeline_.json(rt::event_now()) + "}";
  return out;
}

std::string Monitor::change_mark() {
  const Now n = now();
  std::string mark = std::to_string(n.counts.changes);
  for (const MonitorNode& node : n.nodes)
    mark += "," + std::to_string(node.slots) + (node.alive ? "+" : "-") + std::to_string(node.running) + "/" +
            std::to_string(node.resources.cores_used) + "/" + std::to_string(node.resources.gpus_used) + "/" +
            std::to_string(node.resources.memory_used_mb);
  std::lock_guard lock(mutex_);
  return mark + "," + std::to_string(failures_total_) + "," + std::to_string(lost_.size()) + (ended_ ? ",end" : "");
}

void Monitor::stream_events(EventStreamWriter& out) {
  std::string sent;  // the change mark of the last event
  auto last_write = std::chrono::steady_clock::now();
  bool more = true;
  for (;;) {  // (the server's stop ends it: out.wait() and out.write() say so)
    std::string mark = change_mark();
    const bool ended = mark.ends_with(",end");
    if (mark != sent) {
      // The JSON is built from copies, outside the locks, as for /api/state.
      if (!out.write("data: " + state_json() + "\n\n")) return;
      sent = std::move(mark);
      last_write = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_write >= events_heartbeat) {
      if (!out.write(":\n\n")) return;
      last_write = std::chrono::steady_clock::now();
    }
    if (ended || !more) return;  // (ended: the last state was sent, the page closes its stream)
    more = out.wait(events_period);  // false: one last look, then the end
  }
}

std::string Monitor::graph_svg() {
  const GraphCounts c = sources_.graph->counts();
  if (c.total > sources_.svg_max_tasks)
    return svg_message(std::to_string(c.total) + " tasks: more than " + std::to_string(sources_.svg_max_tasks) +
                       " (COMPSS_GRAPH_SVG_MAX) to draw live; the counts above are current.");
  {
    // Not again before the pause after the last drawing: dot takes a while on large graphs,
    // and the run's tasks come first.
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (c.changes == svg_changes_ || (!svg_.empty() && now - svg_time_ < svg_pause_)) return svg_;
  }
  const auto began = std::chrono::steady_clock::now();
  const std::string dot = dot_text(sources_.graph->snapshot(), GraphColouring::by_state);
  std::string base = (std::filesystem::temp_directory_path() / "compss-monitor-XXXXXX").string();
  int fd = ::mkstemp(base.data());
  if (fd < 0) return svg_message("cannot make a temporary file to draw the graph");
  ::close(fd);
  const std::string dot_file = base + ".dot", svg_file = base + ".svg";
  std::filesystem::rename(base, dot_file);
  std::ofstream(dot_file, std::ios::binary) << dot;
  std::string why, svg;
  const bool drawn = render_with_graphviz(dot_file, svg_file, why, "svg", graph_niceness, &drawing_);
  if (!drawn && drawing_.stopped()) {  // the run ended: keep the last drawing
    std::error_code ec;
    std::filesystem::remove(dot_file, ec);
    std::filesystem::remove(svg_file, ec);
    std::lock_guard lock(mutex_);
    return svg_.empty() ? svg_message("the run ended before the graph was drawn") : svg_;
  }
  if (drawn) {
    std::ifstream in(svg_file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    svg = text.str();
  } else {
    svg = svg_message("no drawing: " + why);
  }
  std::error_code ec;
  std::filesystem::remove(dot_file, ec);
  std::filesystem::remove(svg_file, ec);
  std::lock_guard lock(mutex_);
  svg_ = svg;
  svg_changes_ = c.changes;
  svg_time_ = std::chrono::steady_clock::now();
  svg_pause_ = std::max<std::chrono::steady_clock::duration>(std::chrono::seconds(1),
                                                             (svg_time_ - began) * graph_pause_factor);
  ++svg_drawings_;
  return svg_;
}

std::uint64_t Monitor::graph_drawings() const {
  std::lock_guard lock(mutex_);
  return svg_drawings_;
}

}  // namespace compss::rt::observe
