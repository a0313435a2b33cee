#include "core/failure_log.hpp"
#include "core/task_state.hpp"

#include "core/access.hpp"
#include "settings/run_config.hpp"

#include <compss/detail/future_state.hpp>
#include <compss/error.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace compss::rt {

using detail::Direction;
using detail::ParamDescriptor;

const char* policy_name(detail::OnFailure p) noexcept {
  switch (p) {
    case detail::OnFailure::retry: return "retry";
    case detail::OnFailure::cancel_successors: return "cancel_successors";
    case detail::OnFailure::fail: return "fail";
    case detail::OnFailure::ignore: return "ignore";
  }
  return "?";
}

namespace {
const char* direction_name(Direction d) noexcept {
  switch (d) {
    case Direction::in: return "in";
    case Direction::out: return "out";
    case Direction::inout: return "inout";
    case Direction::concurrent: return "concurrent";
    case Direction::commutative: return "commutative";
    case Direction::in_delete: return "in_delete";
  }
  return "?";
}

std::string describe_params(const TaskBase& t) {
  std::string s;
  const auto& spec = t.spec();
  for (std::size_t i = 0; i < t.param_count(); ++i) {
    if (!s.empty()) s += ", ";
    if (i < spec.param_count) {
      s += direction_name(spec.params[i].direction);
      s += ' ';
      s += spec.params[i].name != nullptr ? spec.params[i].name : "?";
    } else {
      s += "out <result>";
    }
  }
  return s.empty() ? "(none)" : s;
}
}  // namespace

std::string where_running() {
  static std::atomic<unsigned> next{1};
  thread_local unsigned number = next.fetch_add(1, std::memory_order_relaxed);
  return "localhost, thread " + std::to_string(number);
}

std::string log_dir() {
  if (const std::string& d = config::run_config().log_dir; !d.empty()) return d;
  static const std::string dir = [] {
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    std::string program = program_invocation_short_name;
    return "compss-logs/" + program + "-" + stamp + "-" + std::to_string(::getpid());
  }();
  return dir;
}

void FailureLog::record(const TaskBase& t, std::string status, const TaskError& e,
                        bool control_flow) {
  FailureRecord r{t.spec().name, t.id(), describe_params(t), task_state(t).attempts, std::move(status),
                  policy_name(t.spec().on_failure), e.where, e.type, e.message, control_flow};
  std::lock_guard lock(mutex_);
  records_.push_back(std::move(r));
}

template <class F>
void FailureLog::for_each_access(const TaskBase& t, F&& f) {
  for (std::size_t i = 0; i < t.param_count(); ++i) {
    const ParamDescriptor& p = t.params()[i];
    bool result = i >= t.spec().param_count;
    if (p.key.tag != DataKey::Tag::none) f(p, result);  // (a collection: its container)
    if (p.kind != detail::ParamKind::collection) continue;
    for_each_datum(p, [&](const ParamDescriptor& e) {
      if (e.key.tag != DataKey::Tag::none) f(e, false);
    });
  }
}

FailureLog::Poison* FailureLog::find(const DataKey& key) {
  if (key.tag == DataKey::Tag::address) {
    auto it = objects_.find(key.address);
    return it == objects_.end() ? nullptr : &it->second;
  }
  if (key.tag == DataKey::Tag::file) {
    auto it = files_.find(std::string(key.path));
    return it == files_.end() ? nullptr : &it->second;
  }
  return nullptr;
}

void FailureLog::poison_outputs(const TaskBase& t, const std::string& reason, bool result_only) {
  std::lock_guard lock(mutex_);
  for_each_access(t, [&](const ParamDescriptor& p, bool result) {
    if (!writes(p.direction) || (result_only && !result)) return;
    Poison entry{reason};
    if (p.key.tag == DataKey::Tag::address) {
      if (p.future) {  // removed with the state (forget): its address may be reused
        reinterpret_cast<detail::FutureStateBase*>(p.key.address)
            ->unproduced.store(true, std::memory_order_release);
      }
      objects_.insert_or_assign(p.key.address, std::move(entry));
    } else {
      files_.insert_or_assign(std::string(p.key.path), std::move(entry));
    }
  });
}

bool FailureLog::reads_poisoned(const TaskBase& t, std::string& reason) {
  std::lock_guard lock(mutex_);
  if (objects_.empty() && files_.empty()) return false;
  bool hit = false;
  for_each_access(t, [&](const ParamDescriptor& p, bool) {
    if (hit || !reads(p.direction) || (p.copy_in && !p.deferred)) return;
    // Checked when the task is about to start, after every earlier writer of the datum
    // has finished: a successful one erased the entry, a failed one set it.
    if (Poison* e = find(p.key)) {
      hit = true;
      reason = e->reason;
    }
  });
  return hit;
}

void FailureLog::clear_overwritten(const TaskBase& t) {
  std::lock_guard lock(mutex_);
  if (objects_.empty() && files_.empty()) return;
  for_each_access(t, [&](const ParamDescriptor& p, bool) {
    if (!writes(p.direction)) return;
    if (find(p.key) == nullptr) return;
    if (p.key.tag == DataKey::Tag::address) {
      objects_.erase(p.key.address);
    } else {
      files_.erase(std::string(p.key.path));
    }
  });
}

void FailureLog::forget(std::uintptr_t address) {
  std::lock_guard lock(mutex_);
  objects_.erase(address);
}

void FailureLog::throw_if_poisoned(const DataKey& key) {
  std::lock_guard lock(mutex_);
  if (Poison* e = find(key)) {
    throw Error("compss: the value waited for was never produced: " + e->reason);
  }
}

void FailureLog::throw_if_poisoned(std::uintptr_t begin, std::size_t count, std::size_t stride) {
  std::lock_guard lock(mutex_);
  std::uintptr_t end = begin + count * stride;
  for (auto& [addr, e] : objects_) {
    if (addr >= begin && addr < end && (addr - begin) % stride == 0) {
      throw Error("compss: a value waited for was never produced: " + e.reason);
    }
  }
}

std::vector<FailureRecord> FailureLog::records() {
  std::lock_guard lock(mutex_);
  return records_;
}

namespace {
std::string entry_text(const FailureRecord& r) {
  std::ostringstream text;
  text << "task '" << r.task << "' (id " << r.id << ") " << r.status << " [on_failure "
       << r.policy << ", " << r.attempts << (r.attempts == 1 ? " attempt" : " attempts") << ", "
       << r.where << "]\n  parameters: " << r.params << "\n  ";
  if (!r.type.empty()) text << r.type << ": ";
  text << r.message << '\n';
  return text.str();
}
}  // namespace

std::string FailureLog::publish() {
  std::vector<FailureRecord> all = records();
  if (all.empty()) return {};
  std::string text;
  for (const FailureRecord& r : all) text += entry_text(r);
  std::string path;
  std::error_code ec;
  std::filesystem::path dir = log_dir();
  std::filesystem::create_directories(dir, ec);
  std::ofstream out(dir / "failures.txt");
  if (out << text << std::flush) path = (dir / "failures.txt").string();

  // stderr: the first entries that are not control flow; the file has them all.
  std::size_t control = 0;
  std::vector<const FailureRecord*> failures;
  for (const FailureRecord& r : all) {
    if (r.control_flow) ++control;
    else failures.push_back(&r);
  }
  if (failures.empty()) return path;  // a compss::Exception the program handles: logged only
  constexpr std::size_t shown = 10;
  std::string head;
  for (std::size_t n = 0; n < failures.size() && n < shown; ++n) head += entry_text(*failures[n]);
  std::fprintf(stderr, "compss: failure report: %zu task(s) failed or were cancelled%s%s\n%s",
               failures.size(), path.empty() ? "" : "; written to ", path.c_str(), head.c_str());
  if (failures.size() > shown)
    std::fprintf(stderr, "  ... %zu more in the file\n", failures.size() - shown);
  if (control > 0)
    std::fprintf(stderr, "  (and %zu task(s) of groups a compss::Exception ended: in the file)\n",
                 control);
  std::fflush(stderr);
  return path;
}

}  // namespace compss::rt
