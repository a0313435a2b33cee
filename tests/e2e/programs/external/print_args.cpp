// Helper program of the binary-task tests (not a COMPSs program): prints each argument in
// brackets, one per line, so a test sees exactly how the argv was cut. With
// `--hang <marker>` it starts two children and all three wait forever (the time-out test
// counts the processes whose command line holds the marker).
#include <cstdio>
#include <cstring>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "--hang") == 0) {
    for (int i = 0; i < 2; ++i) {
      if (fork() == 0) break;  // the children do not fork again
    }
    for (;;) pause();
  }
  for (int i = 1; i < argc; ++i) std::printf("[%s]\n", argv[i]);
  return 0;
}
