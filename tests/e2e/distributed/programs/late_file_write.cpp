// A late write to a file on workers sharing the master's files (docs/distributed.md,
// "Data", its "Files" item): `slow_append` times out after 1 s (ignore: its successor runs
// at once), then its body still appends to the file it was given, 2.5 s after it began
// (within the restart grace). Its successor's append must be the file's value: the late
// body wrote its attempt-private copy, which nobody reads (before, it appended to the
// master's file in place, after the successor). Run with every task on a worker
// (--master-cores 0): a body run on the master writes in place, as in a local run
// (docs/failures.md, "Hazard of late writes").
// The body also writes a marker file (not a parameter: in place) after its append; the
// program waits for it (bounded), checks it came after the successor, and that no
// attempt-private file is left: else it prints the reason instead of the file.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include <compss/compss.hpp>

namespace {
constexpr const char* marker = "late_file_write.late-body-done";

// Waits up to `seconds` for `done()`.
template <class Done>
bool within(int seconds, Done done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

bool attempt_file_left() {
  for (const auto& e : std::filesystem::directory_iterator(".")) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("late_file_write.") && name.find(".compss-attempt-") != std::string::npos) {
      return true;
    }
  }
  return false;
}
}  // namespace

#pragma compss task file_inout(path) time_out(1) on_failure(ignore)
void slow_append(const std::string& path) {
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  std::ofstream(path, std::ios::app) << "late|";
  std::ofstream(marker) << "done";
}

#pragma compss task file_inout(path)
void append(const std::string& path, int v) {
  std::ofstream(path, std::ios::app) << "value " << v << "|";
}

int main() {
  const std::string path = "late_file_write.txt";
  std::filesystem::remove(marker);
  std::ofstream(path) << "start|";
  slow_append(path);
  append(path, 1);
#pragma compss wait_on_file(path)
  if (std::filesystem::exists(marker)) {
    std::cerr << "late_file_write: the slow body wrote before its successor ended: nothing tested\n";
    return 1;
  }
  if (!within(20, [] { return std::filesystem::exists(marker); })) {
    std::cerr << "late_file_write: the slow body never wrote (within 20 s)\n";
    return 1;
  }
  // (The worker removes the late body's private file after the body returns.)
  if (!within(10, [] { return !attempt_file_left(); })) {
    std::cerr << "late_file_write: an attempt-private file was left beside " << path << "\n";
    return 1;
  }
  std::filesystem::remove(marker);
  std::cout << "late_file_write.txt: [" << std::ifstream(path).rdbuf() << "]" << std::endl;
  return 0;
}
