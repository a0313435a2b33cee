// Running a Program (program.hpp) as a COMPSs program: the task calls are written in
// interpret.cpp, so compss-cc makes them tasks and the plain compiler plain calls.
#pragma once

#include "program.hpp"

#include <cstdint>
#include <string>

namespace difftest {

struct Outcome {
  std::uint64_t digest = 0;  // of every value main observed, in order
  long reads = 0;
};

// Runs `p`, its files in `dir`. With `verbose`, prints every value main observes.
// `kills`: how many worker processes the run's kill calls may kill in all (feature kills).
Outcome interpret(const Program& p, const std::string& dir, bool verbose, long kills);

}  // namespace difftest
