// File parameters: a task writes a file, others append to it in order, a task reads it
// into another file, and the main program waits on the file before reading it; then
// compss::delete_file removes a file that tasks wrote and read (on workers too).
#include <compss/compss.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#pragma compss task file_out(path)
void write_header(const std::string& path, int id) {
  std::ofstream(path) << "log " << id << "\n";
}

#pragma compss task file_inout(path)
void append_line(const std::string& path, int value) {
  std::ofstream(path, std::ios::app) << "value " << value << "\n";
}

#pragma compss task file_in(src) file_out(dst)
void count_lines(const std::string& src, const std::string& dst) {
  std::ifstream in(src);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) ++n;
  std::ofstream(dst) << src.substr(src.rfind('/') + 1) << " has " << n << " lines\n";
}

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : ".";
  std::string log = dir + "/e2e_files_log.txt";
  std::string summary = dir + "/e2e_files_summary.txt";
  write_header(log, 42);
  for (int i = 0; i < 25; ++i) append_line(log, i * i);
  count_lines(log, summary);
#pragma compss wait_on_file(summary)
  std::cout << std::ifstream(summary).rdbuf();
#pragma compss wait_on_file(log)
  std::cout << std::ifstream(log).rdbuf();

  // delete_file removes the user's file at its path: with workers that do not share the
  // master's files (--shared-fs no) the removal must not happen in a worker's copy only.
  compss::delete_file(log);
  std::cout << "after delete_file: file_exists " << compss::file_exists(log) << ", on disk "
            << std::filesystem::exists(log) << "\n";
  return 0;
}
