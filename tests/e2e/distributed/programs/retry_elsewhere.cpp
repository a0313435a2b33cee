// A task that always fails on one worker (named localhost-1 by compss-run) and works
// everywhere else: with the default on_failure(retry) its next attempt must go to another
// worker, so the run ends with the sequential build's output. (Retried on the same worker,
// every attempt there fails and the run stops.)
#include <compss/compss.hpp>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#pragma compss task
long square(long x) {
  const char* node = std::getenv("COMPSS_WORKER_NAME");
  if (node != nullptr && std::string(node) == "localhost-1") {
    throw std::runtime_error("this node is broken");
  }
  return x * x;
}

int main() {
  long sum = 0;
  for (long i = 0; i < 12; ++i) {
    long s = square(i);
    sum += s;
  }
  std::printf("sum of squares: %ld\n", sum);
  return 0;
}
