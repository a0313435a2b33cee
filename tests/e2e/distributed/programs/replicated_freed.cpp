// A replicated task rewrites one datum every round on every node: only one replica's
// output is the call's (recorded); the other workers' must be released on them (else each
// round leaves a value behind there, unknown to the master, and a later read there could
// take it for the recorded one). Prints the datum's sum each round (compared with the
// sequential build); replicated_freed.sh checks what the workers held at their end.
// usage: e2e_replicated_freed [rounds (12)]
#include <cstdio>
#include <cstdlib>
#include <vector>

#pragma compss task replicated inout(v)
void step(std::vector<double>& v, int round) {
  for (double& x : v) x = x * 0.5 + round;
}

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 12;
  std::vector<double> v(1 << 12, 1.0);
  for (int round = 1; round <= rounds; ++round) {
    step(v, round);
    if (round % 4 == 0) {  // (read back now and then: the master's copy becomes the latest)
#pragma compss wait_on(v)
      double sum = 0;
      for (double x : v) sum += x;
      std::printf("round %d: sum %.3f\n", round, sum);
    }
  }
#pragma compss wait_on(v)
  double sum = 0;
  for (double x : v) sum += x;
  std::printf("end: sum %.3f\n", sum);
  return 0;
}
