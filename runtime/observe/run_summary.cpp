#include "observe/run_summary.hpp"

#include "observe/json_text.hpp"

#include <compss/detail/access.hpp>

#include <algorithm>
#include <cstdio>

namespace compss::rt::observe {

void RunSummary::on_submitted(const rt::TaskSubmitted& e) {
  std::lock_guard lock(*mutex_);
  on_submitted_locked(e);
}

void RunSummary::on_submitted_locked(const rt::TaskSubmitted& e) {
  // (a task of the spec told last is of its type: no name compared)
  if (e.spec != nullptr && e.spec == last_spec_) {
  } else if (last_type_ >= report_.types.size() || report_.types[last_type_].name != e.name) {
    auto [it, fresh] = type_index_.try_emplace(std::string(e.name), 0);
    if (fresh) {
      it->second = static_cast<std::uint32_t>(report_.types.size());
      report_.types.push_back({std::string(e.name)});
    }
    last_type_ = it->second;
  }
  last_spec_ = e.spec;
  live_.set(e.task_id, {last_type_, 0});
  if (transfers_) {
    for (const rt::DataAccess& a : e.data)
      if (detail::writes(a.direction) || detail::shared_copy(a.direction))
        makers_.at_or_add(a.data_id, a.version) = last_type_ + 1;
  }
  if (first_ == 0) first_ = e.time;
}

void RunSummary::on_started(const rt::TaskStarted& e) {
  std::lock_guard lock(*mutex_);
  on_started_locked(e);
}

void RunSummary::on_started_locked(const rt::TaskStarted& e) {
  if (Live* live = live_.find(e.task_id)) live->started = e.time;
}

void RunSummary::on_ended(const rt::TaskEnded& e) {
  std::lock_guard lock(*mutex_);
  on_ended_locked(e);
}

void RunSummary::on_ended_locked(const rt::TaskEnded& e) {
  Live* live = live_.find(e.task_id);
  if (live == nullptr) return;
  TypeSummary& t = report_.types[live->type];
  if (live->started != 0) {
    const std::int64_t ns = std::max<std::int64_t>(0, e.time - live->started);
    t.min_ns = t.attempts == 0 ? ns : std::min(t.min_ns, ns);
    t.max_ns = std::max(t.max_ns, ns);
    t.total_ns += ns;
    ++t.attempts;
    live->started = 0;
  }
  last_ = std::max(last_, e.time);
  if (e.will_retry) {
    ++t.retries;
    return;
  }
  ++t.count;
  switch (e.outcome) {
    case rt::TaskOutcome::success: ++t.succeeded; break;
    case rt::TaskOutcome::cancelled: ++t.cancelled; break;
    case rt::TaskOutcome::failed:
    case rt::TaskOutcome::timed_out: ++t.failed; break;
  }
  live_.erase(e.task_id);
}

void RunSummary::on_transfer(const rt::DataTransferred& e) {
  std::lock_guard lock(*mutex_);
  const std::uint32_t* maker = makers_.find(e.data_id, e.version);
  if (maker == nullptr || *maker == 0) report_.bytes_from_main += e.bytes;
  else report_.types[*maker - 1].bytes_moved += e.bytes;
}

void RunSummary::without_transfers() {
  std::lock_guard lock(*mutex_);
  transfers_ = false;
}

std::size_t RunSummary::versions_kept() const {
  std::lock_guard lock(*mutex_);
  return makers_.size();
}

SummaryReport RunSummary::report() const {
  std::lock_guard lock(*mutex_);
  SummaryReport r = report_;
  r.elapsed_ns = first_ == 0 ? 0 : last_ - first_;
  return r;
}

namespace {

std::string seconds(std::int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", ns / 1e9);
  return buf;
}

}  // namespace

std::string summary_text(const SummaryReport& r) {
  std::uint64_t tasks = 0;
  for (const TypeSummary& t : r.types) tasks += t.count;
  std::string out = "compss: summary: " + std::to_string(tasks) + " task(s) in " +
                    seconds(r.elapsed_ns) + " s\n";
  char line[512];
  std::snprintf(line, sizeof line, "  %-24s %8s %7s %9s %7s %11s %11s %11s %11s %12s\n", "task type",
                "count", "failed", "cancelled", "retries", "mean s", "min s", "max s", "total s",
                "bytes moved");
  out += line;
  for (const TypeSummary& t : r.types) {
    std::snprintf(line, sizeof line,
                  "  %-24s %8llu %7llu %9llu %7llu %11.6f %11.6f %11.6f %11.6f %12llu\n",
                  t.name.c_str(), static_cast<unsigned long long>(t.count),
                  static_cast<unsigned long long>(t.failed),
                  static_cast<unsigned long long>(t.cancelled),
                  static_cast<unsigned long long>(t.retries), t.mean_seconds(), t.min_ns / 1e9,
                  t.max_ns / 1e9, t.total_ns / 1e9, static_cast<unsigned long long>(t.bytes_moved));
    out += line;
  }
  if (r.bytes_from_main != 0)
    out += "  (and " + std::to_string(r.bytes_from_main) + " bytes of the program's own data moved)\n";
  return out;
}

std::string summary_json(const SummaryReport& r) {
  std::string out = "{\n  \"elapsed_s\": " + seconds(r.elapsed_ns) +
                    ",\n  \"bytes_from_main\": " + std::to_string(r.bytes_from_main) +
                    ",\n  \"task_types\": [";
  bool first = true;
  for (const TypeSummary& t : r.types) {
    out += first ? "\n" : ",\n";
    first = false;
    out += "    {\"name\": " + json_string(t.name) + ", \"count\": " + std::to_string(t.count) +
           ", \"succeeded\": " + std::to_string(t.succeeded) +
           ", \"failed\": " + std::to_string(t.failed) +
           ", \"cancelled\": " + std::to_string(t.cancelled) +
           ", \"retries\": " + std::to_string(t.retries) +
           ", \"attempts\": " + std::to_string(t.attempts) +
           ", \"mean_s\": " + seconds(t.attempts == 0 ? 0 : t.total_ns / static_cast<std::int64_t>(t.attempts)) +
           ", \"min_s\": " + seconds(t.min_ns) + ", \"max_s\": " + seconds(t.max_ns) +
           ", \"total_s\": " + seconds(t.total_ns) +
           ", \"bytes_moved\": " + std::to_string(t.bytes_moved) + "}";
  }
  out += "\n  ]\n}\n";
  return out;
}

}  // namespace compss::rt::observe
