// A run that ends while bodies the master gave up on still run (time_out, ignore): the
// master exits without their answers (docs/distributed.md, "Data", its "Files" item).
// Each of `tasks` tasks (argv[1]) appends to a file of its own after 4 s, long after its
// 1 s time-out; the program waits for each file (its task ended at its time-out) and
// ends. A body on a worker sharing the master's files writes an attempt-private copy
// (the master made it when it built the request): run_end_files.sh checks that none is
// left once compss-run returns and the bodies' time has passed, and that no late append
// reached a file (each body marks its begin and end: body.<pid>.<n>.began/.ended, so
// the script waits for those still running). Prints whether private files existed while the bodies ran (else the
// tasks ran where none is made, and nothing was tested).
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <thread>

#include <unistd.h>

#include <compss/compss.hpp>

namespace {
bool attempt_file_present() {
  for (const auto& e : std::filesystem::directory_iterator(".")) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("run_end_files.") && name.find(".compss-attempt-") != std::string::npos) return true;
  }
  return false;
}
}  // namespace

#pragma compss task file_inout(path) time_out(1) on_failure(ignore)
void slow_append(const std::string& path) {
  // Markers beside the file (the run's directory), named by its process and the path it
  // was given (each attempt's own), when the body began and when it ended, for
  // run_end_files.sh to wait for bodies still running.
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const std::string marker = (dir / ("body." + std::to_string(::getpid()) + "." +
                                     std::to_string(std::hash<std::string>{}(path)))).string();
  std::ofstream(marker + ".began").flush();
  std::this_thread::sleep_for(std::chrono::milliseconds(4000));
  std::ofstream(path, std::ios::app) << "late|";
  std::ofstream(marker + ".ended").flush();
}

int main(int argc, char** argv) {
  const int tasks = argc > 1 ? std::atoi(argv[1]) : 3;
  for (int i = 0; i < tasks; ++i) {
    const std::string path = "run_end_files." + std::to_string(i) + ".txt";
    std::ofstream(path) << "start|";
    slow_append(path);
  }
  for (int i = 0; i < tasks; ++i) {
    const std::string path = "run_end_files." + std::to_string(i) + ".txt";
#pragma compss wait_on_file(path)
  }
  std::cout << "attempt files while the bodies ran: " << (attempt_file_present() ? "yes" : "no") << std::endl;
  return 0;
}
