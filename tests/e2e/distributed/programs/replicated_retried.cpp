// A `replicated` call (inout) one of whose worker replicas throws once: the call is
// retried (on_failure retry, the default), and the retry must read the call's inputs,
// never the output a replica that succeeded in the failed attempt made (its body would be
// applied twice: 1 + 10 + 10). Prints x after each call (compared with the sequential
// build). The first worker replica to create the marker file (O_EXCL, once per call)
// throws; the sequential build and the master's replica never throw.
#include <compss/compss.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#pragma compss task replicated inout(x)
void add_ten(long& x, std::string marker) {
  if (std::getenv("COMPSS_WORKER_NAME") != nullptr) {
    const int fd = ::open(marker.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
    if (fd >= 0) {
      ::close(fd);
      throw std::runtime_error("this replica fails once");
    }
  }
  x += 10;
}

int main() {
  char dir[] = "/tmp/compss-replicated-retried-XXXXXX";
  if (::mkdtemp(dir) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  long x = 1;
  for (int call = 0; call < 3; ++call) {
    const std::string marker = std::string(dir) + "/failed-" + std::to_string(call);
    add_ten(x, marker);
#pragma compss wait_on(x)
    std::printf("call %d: x = %ld\n", call, x);
    ::unlink(marker.c_str());
  }
  ::rmdir(dir);
  return 0;
}
