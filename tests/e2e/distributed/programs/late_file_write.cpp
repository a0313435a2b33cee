// A late write to a file on workers sharing the master's files (docs/distributed.md,
// "Data", its "Files" item): `slow_append` times out after 1 s (ignore: its successor runs
// at once), then its body still appends to the file it was given, 2.5 s after it began
// (within the restart grace). Its successor's append must be the file's value: the late
// body wrote its attempt-private copy, which nobody reads (before, it appended to the
// master's file in place, after the successor). Run with every task on a worker
// (--master-cores 0): a body run on the master writes in place, as in a local run
// (docs/failures.md, "Hazard of late writes").
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include <compss/compss.hpp>

#pragma compss task file_inout(path) time_out(1) on_failure(ignore)
void slow_append(const std::string& path) {
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  std::ofstream(path, std::ios::app) << "late|";
}

#pragma compss task file_inout(path)
void append(const std::string& path, int v) {
  std::ofstream(path, std::ios::app) << "value " << v << "|";
}

int main() {
  const std::string path = "late_file_write.txt";
  std::ofstream(path) << "start|";
  slow_append(path);
  append(path, 1);
#pragma compss wait_on_file(path)
  // The late body writes meanwhile (if it is slower still, it changes nothing either).
  std::this_thread::sleep_for(std::chrono::seconds(4));
  std::cout << "late_file_write.txt: [" << std::ifstream(path).rdbuf() << "]" << std::endl;
  return 0;
}
