// Two tasks that run long (one per worker of one slot), each leaving a marker file
// `<dir>/started-<pid>` when it starts: kill_master.sh waits for both markers, then kills
// the master while the tasks run on the workers. A run that is not killed prints the
// tasks' results after <seconds>.
// usage: e2e_long_task <marker dir> [seconds (60)]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#pragma compss task
long hold(std::string dir, long seconds, long id) {
  std::ofstream(dir + "/started-" + std::to_string(getpid())) << id << "\n";
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  return id * 10;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <marker dir> [seconds (60)]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const long seconds = argc > 2 ? std::atol(argv[2]) : 60;
  auto first = hold(dir, seconds, 1);  // futures: both tasks are submitted before a wait
  auto second = hold(dir, seconds, 2);
  long a = first, b = second;
  std::printf("results: %ld %ld\n", a, b);
  return 0;
}
