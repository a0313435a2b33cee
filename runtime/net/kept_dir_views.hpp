// Whether every worker sharing the master's files reaches the run's directory of kept
// links (net/kept_files.hpp), as each one told at its admission: the master asks each
// such worker to check it (access X_OK on its path, a Heartbeat naming it) before sending
// it any request, and puts a new link there only while no worker said it cannot and none
// has yet to answer; else beside the file, which those workers are promised to see. A
// worker that cannot is remembered for the rest of the run (started again, it would not
// see it either), so the links made after it answered are never where it cannot read them.
// A link to be made while answers are awaited waits for them, a little (answers_due): the
// first requests are built right after the workers' admission, before a round trip.
//
// Not thread-safe: its owner (the keeper) holds it under its own lock.
#pragma once

#include <chrono>
#include <map>
#include <optional>

namespace compss::net::kept_files {

class KeptDirViews {
 public:
  using Clock = std::chrono::steady_clock;
  /// How long after a question a link waits for its answer (then goes beside: a worker
  /// that does not answer, busy or hung, delays nothing after that).
  static constexpr std::chrono::milliseconds answer_wait{2000};

  /// Worker `node` was asked at `when` (its answer is awaited).
  void asked(int node, Clock::time_point when = Clock::now()) { pending_[node] = when; }
  /// Worker `node` answered: it reaches the directory, or not.
  void answered(int node, bool sees) {
    pending_.erase(node);
    if (!sees) blind_ = true;
  }
  /// Worker `node` is gone (lost before it answered: it never will).
  void gone(int node) { pending_.erase(node); }
  /// Whether a new link may go in the run's directory.
  bool usable() const { return !blind_ && pending_.empty(); }
  /// Until when a new link waits for the answers awaited: the last question's time plus
  /// answer_wait; none when none is awaited or one said it cannot.
  std::optional<Clock::time_point> answers_due() const {
    if (blind_ || pending_.empty()) return std::nullopt;
    Clock::time_point last{};
    for (const auto& [node, when] : pending_) last = std::max(last, when);
    return last + answer_wait;
  }
  /// Whether a worker said it cannot reach it.
  bool blind() const { return blind_; }

 private:
  std::map<int, Clock::time_point> pending_;  // by node: when it was asked
  bool blind_ = false;
};

}  // namespace compss::net::kept_files
