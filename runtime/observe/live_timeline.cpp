#include "observe/live_timeline.hpp"

#include "observe/json_text.hpp"

#include <cstdio>

namespace compss::rt::observe {

std::uint32_t LiveTimeline::type_named(std::string_view name) {
  if (last_type_ >= type_names_.size() || type_names_[last_type_] != name) {
    auto [it, added] = type_ids_.try_emplace(std::string(name), static_cast<std::uint32_t>(type_names_.size()));
    if (added) type_names_.emplace_back(name);
    last_type_ = it->second;
  }
  return last_type_;
}

void LiveTimeline::on_submitted(const rt::TaskSubmitted& e) {
  if (e.spec != nullptr) return;  // (its start or placement carries the spec: no lock, no map per task)
  std::lock_guard lock(*mutex_);
  on_submitted_locked(e);
}

void LiveTimeline::on_submitted_locked(const rt::TaskSubmitted& e) {
  if (e.spec == nullptr) type_of_.set(e.task_id, type_named(e.name));
}

unsigned LiveTimeline::take_lane(int node) {
  if (node < 0) node = 0;
  if (lanes_busy_.size() <= static_cast<std::size_t>(node)) lanes_busy_.resize(node + 1);
  std::vector<bool>& busy = lanes_busy_[node];
  unsigned lane = 0;
  while (lane < busy.size() && busy[lane]) ++lane;
  if (lane == busy.size()) busy.push_back(true);
  else busy[lane] = true;
  return lane;
}

void LiveTimeline::free_lane(const Span& span) {
  const auto node = static_cast<std::size_t>(span.node < 0 ? 0 : span.node);
  if (node < lanes_busy_.size() && span.lane < lanes_busy_[node].size()) lanes_busy_[node][span.lane] = false;
}

LiveTimeline::Span& LiveTimeline::open(std::uint64_t task, int node, rt::EventTime time,
                                       const detail::TaskSpec* spec) {
  Span span;
  span.task = task;
  span.node = node;
  span.lane = take_lane(node);
  span.begin = time;
  if (spec != nullptr) {
    if (spec != last_spec_) {
      last_spec_type_ = type_named(spec->name);
      last_spec_ = spec;
    }
    span.type = last_spec_type_;
  } else if (const std::uint32_t* type = type_of_.find(task)) {
    span.type = *type;
  }
  return open_.emplace_back(span);
}

void LiveTimeline::keep_ended(const Span& span) {
  if (ended_.size() < max_ended) {
    ended_.push_back(span);
    return;
  }
  ended_[ended_next_] = span;
  ended_next_ = (ended_next_ + 1) % max_ended;
}

void LiveTimeline::on_placed(const rt::TaskPlaced& e) {
  std::lock_guard lock(*mutex_);
  on_placed_locked(e);
}

void LiveTimeline::on_placed_locked(const rt::TaskPlaced& e) {
  open(e.task_id, e.node, e.time, e.spec).state = sent;
}

void LiveTimeline::on_started(const rt::TaskStarted& e) {
  std::lock_guard lock(*mutex_);
  on_started_locked(e);
}

void LiveTimeline::on_started_locked(const rt::TaskStarted& e) {
  Span* span = nullptr;
  // The placement's bar on that node (a replica has one per node) now runs.
  for (Span& s : open_)
    if (s.task == e.task_id && s.node == e.where.node && s.state == sent) span = &s;
  if (span == nullptr) span = &open(e.task_id, e.where.node, e.time, e.spec);
  span->state = running;
  span->attempt = e.attempt;
  span->begin = e.time;
}

void LiveTimeline::on_ended(const rt::TaskEnded& e) {
  std::lock_guard lock(*mutex_);
  on_ended_locked(e);
}

void LiveTimeline::on_ended_locked(const rt::TaskEnded& e) {
  State state = done;
  if (e.outcome == rt::TaskOutcome::failed) state = failed;
  else if (e.outcome == rt::TaskOutcome::timed_out) state = timed_out;
  else if (e.outcome == rt::TaskOutcome::cancelled) state = cancelled;
  for (std::size_t i = 0; i < open_.size();) {
    Span& span = open_[i];
    if (span.task != e.task_id) {
      ++i;
      continue;
    }
    free_lane(span);
    span.state = state;
    span.end = e.time < span.begin ? span.begin : e.time;
    if (span.attempt == 0) span.attempt = e.attempt;
    keep_ended(span);
    span = open_.back();  // (order among open bars does not matter)
    open_.pop_back();
  }
  if (!e.will_retry) type_of_.erase(e.task_id);
}

std::string LiveTimeline::json(rt::EventTime now) const {
  // Copied under the lock, written after it: attempts that start or end meanwhile wait
  // only for the copy, never for the text (nor for this thread being descheduled in it).
  std::vector<std::string> types;
  std::vector<Span> spans;
  std::size_t ended_count = 0;
  const rt::EventTime oldest = now - static_cast<rt::EventTime>(window_seconds * 1e9);
  {
    std::lock_guard lock(*mutex_);
    types = type_names_;
    spans.reserve(ended_.size() + open_.size());
    for (std::size_t i = 0; i < ended_.size(); ++i) {  // (oldest first)
      const Span& s = ended_[(ended_next_ + i) % ended_.size()];
      if (s.end >= oldest) spans.push_back(s);
    }
    ended_count = spans.size();
    spans.insert(spans.end(), open_.begin(), open_.end());
  }
  const auto seconds = [this](rt::EventTime t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", (t - start_) / 1e9);
    return std::string(buf);
  };
  std::string out = "{\"now_s\":" + seconds(now) + ",\"window_s\":" + std::to_string(window_seconds) + ",\"types\":[";
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, types[i]);
  }
  out += "],\"spans\":[";
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const Span& s = spans[i];
    const bool is_open = i >= ended_count;
    out += i ? ",[" : "[";
    out += std::to_string(s.node) + ',' + std::to_string(s.lane) + ',' + seconds(s.begin) + ',' +
           (is_open ? std::string("-1") : seconds(s.end)) + ',' + std::to_string(s.type) + ',' +
           std::to_string(s.task) + ',' + std::to_string(s.attempt) + ',' + std::to_string(int(s.state)) + ']';
  }
  return out + "]}";
}

}  // namespace compss::rt::observe
