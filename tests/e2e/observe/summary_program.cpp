// A program whose summary is known (tests/e2e/observe/check_summary.sh): 6 `work` tasks,
// one `flaky` task that fails its first attempt and is retried (on_failure(retry)), one
// `doomed` task whose failure is ignored. The marker file in argv[1] says whether flaky
// ran before.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#pragma compss task inout(x)
void work(long& x) {
  for (int i = 0; i < 1000; ++i) x = x * 3 % 1000003;
}

#pragma compss task inout(x) on_failure(retry)
void flaky(long& x, std::string marker) {
  int fd = ::open(marker.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
  if (fd >= 0) {
    ::close(fd);
    throw std::runtime_error("the first attempt fails");
  }
  ++x;
}

#pragma compss task inout(x) on_failure(ignore)
void doomed(long& x) {
  if (x >= 0) throw std::runtime_error("always fails");
}

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  long x[6] = {1, 2, 3, 4, 5, 6};
  for (long& v : x) work(v);
  long y = 7, z = 8;
  flaky(y, dir + "/flaky.marker");
  doomed(z);
#pragma compss barrier
  std::printf("done\n");
  return 0;
}
