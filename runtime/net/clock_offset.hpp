// ClockOffset: how to read a worker's steady clock on the master's, learnt from the calls
// themselves (no message of its own). A call sent at master time `sent` and answered at
// `answered` saw the worker measure its times in between, so for the offset
// (master = worker + offset):  sent - first <= offset <= answered - last, where first and
// last are the earliest and latest worker times of that call. Every call narrows the
// interval; the estimate is its middle and the error at most half its width. Clocks that
// drift apart make the interval empty: it then restarts from the latest call.
#pragma once

#include <cstdint>
#include <mutex>

namespace compss::net {

/// Thread-safety: every member locks; calls from many receiver threads are fine.
///
///   ClockOffset offset;
///   offset.add(sent, times.received_ns, times.ended_ns, answered);
///   std::int64_t began = offset.to_master(times.began_ns, sent, answered);
class ClockOffset {
 public:
  /// Narrows the offset with one call (master times `sent`, `answered`; worker times
  /// `first` <= `last`).
  void add(std::int64_t sent, std::int64_t first, std::int64_t last, std::int64_t answered);
  /// The estimated offset (0 before any call).
  std::int64_t estimate() const;
  /// Half the width of the interval: the most the estimate can be wrong by (0 before any call).
  std::int64_t error_bound() const;
  /// Worker time `t` on the master's clock, kept within the call's [sent, answered] (the
  /// conversion keeps the order of a call's times).
  std::int64_t to_master(std::int64_t t, std::int64_t sent, std::int64_t answered) const;

 private:
  mutable std::mutex mutex_;
  bool any_ = false;
  std::int64_t low_ = 0;
  std::int64_t high_ = 0;
};

}  // namespace compss::net
