// difftest: runs random COMPSs programs and prints a digest of what main observes in
// each. Built with compss-cc and with the plain compiler; the plain build's output is the
// oracle (tests/difftest/difftest.py compares them; docs/testing.md).
//
//   difftest --seed 7 --first 0 --graphs 250 [--features LIST] [--dir D] [--ops N]
//   difftest --seed 7 --graph 12 --print --verbose     (replay one graph, show it)
//   difftest --seed 7 --first 11 --graphs 2 --keep 12:0,3,4   (only these operations of 12)
// Environment: DIFFTEST_INJECT=G (misreport graph G), DIFFTEST_KILLS=N (feature kills).
#include "interpret.hpp"
#include "program.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

namespace {

int usage(const std::string& why) {
  std::fprintf(stderr,
               "difftest: %s\n"
               "usage: difftest [--seed S] [--first G] [--graphs N | --graph G] [--features LIST]\n"
               "                [--ops N] [--dir DIR] [--keep GRAPH:I,J,...]... [--print] [--verbose]\n",
               why.c_str());
  return 2;
}

bool number(const char* text, long& out) {
  char* end = nullptr;
  out = std::strtol(text, &end, 10);
  return end != text && *end == '\0';
}

}  // namespace

int main(int argc, char** argv) {
  long seed = 1, first = 0, graphs = 1, ops = 30;
  std::string features = "default", dir = "difftest-files";
  std::map<long, std::string> keep;  // graph -> the operations of it to run
  bool print = false, verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string opt = argv[i];
    const bool has_value = i + 1 < argc;
    long n = 0;
    if (opt == "--print") print = true;
    else if (opt == "--verbose") verbose = true;
    else if (!has_value) return usage("missing value after " + opt);
    else if (opt == "--features") features = argv[++i];
    else if (opt == "--dir") dir = argv[++i];
    else if (opt == "--keep") {
      const std::string spec = argv[++i];
      const std::size_t colon = spec.find(':');
      if (colon == std::string::npos || !number(spec.substr(0, colon).c_str(), n))
        return usage("--keep takes GRAPH:I,J,... (operation numbers of that graph)");
      keep[n] = spec.substr(colon + 1);
    }
    else if (!number(argv[++i], n) || n < 0) return usage("not a number: " + opt + " " + argv[i]);
    else if (opt == "--seed") seed = n;
    else if (opt == "--first") first = n;
    else if (opt == "--graphs") graphs = n;
    else if (opt == "--graph") first = n, graphs = 1;
    else if (opt == "--ops") ops = n;
    else return usage("unknown option " + opt);
  }
  unsigned mask = 0;
  try {
    mask = difftest::parse_features(features);
  } catch (const std::exception& e) {
    return usage(e.what());
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  dir = std::filesystem::absolute(dir).lexically_normal().string();
  // DIFFTEST_INJECT=G: the compss-cc build misreports graph G, so that a test can check
  // that difftest.py notices a wrong answer (the plain build ignores it).
  long inject = -1;
#ifdef __COMPSS__
  if (const char* g = std::getenv("DIFFTEST_INJECT"); g && !number(g, inject)) return usage("bad DIFFTEST_INJECT");
#endif
  // DIFFTEST_KILLS=N: the kill calls of this run kill at most N workers (default 1;
  // difftest.py gives a run of W workers W-1, so that one always remains).
  long kills = 1;
  if (const char* k = std::getenv("DIFFTEST_KILLS"); k && !number(k, kills)) return usage("bad DIFFTEST_KILLS");
  std::printf("difftest seed %ld graphs %ld..%ld features %s ops %ld\n", seed, first, first + graphs - 1,
              difftest::feature_names(mask).c_str(), ops);
  for (long g = first; g < first + graphs; ++g) {
    difftest::Program p = difftest::generate(static_cast<std::uint64_t>(seed), g, mask, static_cast<int>(ops));
    if (keep.count(g)) {
      std::vector<difftest::Op> kept;
      std::stringstream in(keep[g]);
      std::string item;
      long idx = 0;
      while (std::getline(in, item, ','))
        if (number(item.c_str(), idx) && idx >= 0 && idx < static_cast<long>(p.ops.size())) kept.push_back(p.ops[idx]);
      p.ops = kept;
    }
    if (print) {
      std::ostringstream text;
      difftest::print_program(p, text);
      std::fputs(text.str().c_str(), stdout);
    }
    difftest::Outcome o = difftest::interpret(p, dir, verbose, kills);
    if (g == inject) o.digest ^= 1;
    std::printf("graph %ld: %010llx after %ld reads\n", g, static_cast<unsigned long long>(o.digest), o.reads);
    std::fflush(stdout);
  }
  return 0;
}
