// Peak counters of the constraint programs (constraints.cpp, distributed/programs/
// master_constraints.cpp): their stages count themselves while they run, in the process's
// globals, and the programs compare the peaks with the limits.
#pragma once

#include <atomic>
#include <cstdlib>

namespace stage_peaks {

/// Adds `by` to `now` and raises `peak` to it.
inline void raise_peak(std::atomic<int>& now, std::atomic<int>& peak, int by) {
  int n = now += by;
  int p = peak.load();
  while (n > p && !peak.compare_exchange_weak(p, n)) {
  }
}

/// The integer in variable `name` (GB), or 0.
inline int env_gb(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : 0;
}

}  // namespace stage_peaks
