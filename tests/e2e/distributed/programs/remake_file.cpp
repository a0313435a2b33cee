// A lost object whose producer read a file that changed since (docs/distributed.md,
// "Files a remake reads"): `produce` reads f.txt and makes x; then, by <mode>, a later task
// rewrites f.txt ("task"), the program does, in place ("program"), or nobody does
// ("same"); or ("inout") `produce_inout` reads f.txt, makes x and rewrites f.txt itself.
// The program then SIGKILLs the worker the producer ran on (its pid is in produced.pid;
// none in the sequential build or on the master's node) and waits for x, whose only copy
// was there. Made again from the later file, x would be 99 * 3 (or 8 * 3) instead of 7 * 3:
// the run must print the sequential build's line or fail saying why x cannot be made again.
// usage: e2e_remake_file <directory> <task|program|same|inout>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>

// 2 cores: never on a master of 1 (remake_file.sh), so x lives on a worker only.
#pragma compss task file_in(path) out(x, done) constraint(computing_units=2)
void produce(const std::string& path, long& x, int& done, const std::string& pid_file) {
  if (std::getenv("COMPSS_WORKER") != nullptr) std::ofstream(pid_file) << getpid() << "\n";
  long v = 0;
  std::ifstream(path) >> v;
  x = v * 3;
  done = 1;
}

// The same, rewriting the file it read (7 becomes 8): lost, x is made again from the
// version it read, kept by a link (net/kept_files.hpp), not from the 8 it wrote.
#pragma compss task file_inout(path) out(x, done) constraint(computing_units=2)
void produce_inout(const std::string& path, long& x, int& done, const std::string& pid_file) {
  if (std::getenv("COMPSS_WORKER") != nullptr) std::ofstream(pid_file) << getpid() << "\n";
  long v = 0;
  std::ifstream(path) >> v;
  x = v * 3;
  std::ofstream(path, std::ios::trunc) << v + 1 << "\n";
  done = 1;
}

#pragma compss task file_inout(path)
void rewrite(const std::string& path) {
  std::ofstream(path, std::ios::trunc) << 99 << "\n";
}

// Whether process `pid` has ended (gone, or a zombie its parent has not reaped yet).
static bool ended(long pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string ignored, state;
  if (!(stat >> ignored >> ignored >> state)) return true;
  return state == "Z";
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <directory> <task|program|same|inout>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1], mode = argv[2];
  const std::string file = dir + "/f.txt", pid_file = dir + "/produced.pid";
  std::ofstream(file) << 7 << "\n";
  long x = 0;
  int done = 0;
  if (mode == "inout") {
    produce_inout(file, x, done, pid_file);
  } else {
    produce(file, x, done, pid_file);
  }
  if (mode == "task") rewrite(file);
#pragma compss wait_on(done)
  if (mode != "same") {
#pragma compss wait_on_file(file)
  }
  if (mode == "program") std::ofstream(file, std::ios::trunc) << 99 << "\n";  // (after its wait)
  long pid = 0;
  std::ifstream(pid_file) >> pid;
  if (pid > 0) {  // x's only copy goes with its worker
    kill(static_cast<pid_t>(pid), SIGKILL);
    for (int i = 0; i < 1000 && !ended(pid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
#pragma compss wait_on(x)
  long now = 0;
  std::ifstream(file) >> now;  // (a remake never writes it: 8 for inout, 99 after a rewrite)
  std::printf("x = %ld, f.txt = %ld\n", x, now);
  return 0;
}
