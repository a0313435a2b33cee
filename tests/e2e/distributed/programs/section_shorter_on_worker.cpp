// A shorter section at the start of an array whose latest version is still on a worker:
// the shorter task runs on the master, where the datum's latest version could only be
// loaded with its own (longer) length, past what the task passes (the program may have
// a shorter array there now). compss-run stops with a clear error instead of writing
// more than the task's section; waiting for the array first (compss::wait_on) is the fix.
// The local run is correct: only the distributed run is checked (expect_failure.sh).
#include <compss/compss.hpp>

#include <cstdio>
#include <vector>

#pragma compss task inout(v[n])
void scale(double* v, int n) {
  for (int i = 0; i < n; ++i) v[i] *= 3;
}

int main() {
  std::vector<double> buf(8, 1.0);
  scale(buf.data(), 8);  // travels: its latest version stays on the worker
  scale(buf.data(), 4);  // another length: on the master, whose copy is stale
#pragma compss barrier
  std::printf("%.1f %.1f\n", buf[0], buf[7]);
  return 0;
}
