// cancellation: the task-group cancellation sample of the PyCOMPSs documentation, in C++.
//
// Inside the group "failedGroup", long tasks run beside a task that throws
// compss::Exception. The runtime cancels the group's tasks that have not started, asks the
// long ones that are running to stop, and rethrows the exception in main at the end of
// the group, where a handler task writes to the file. Tasks that depend on the thrower
// through the file never run. Compiled with any C++ compiler the program runs
// sequentially and prints the same thing.
#include <compss/compss.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

static void append(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::app) << text;
}

// A long computation that gives up when asked to stop (at most 50 x 10 ms).
#pragma compss task file_out(log)
void long_task(int id, const std::string& log) {
  int steps = 0;
  while (steps < 50 && !compss::this_task::stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ++steps;
  }
  std::ofstream(log) << "long task " << id << ": " << steps << " steps\n";
}

// Writes to the shared file, then raises the exception that cancels the group.
#pragma compss task file_inout(path)
void throw_exception(const std::string& path) {
  append(path, " EXCEPTION");
  throw compss::Exception("exception raised in failedGroup");
}

// Would append after the thrower: in the group, so it is cancelled and never runs.
#pragma compss task file_inout(path)
void never_runs(const std::string& path) { append(path, " NEVER"); }

// The handler: runs after the group, on the file the thrower left.
#pragma compss task file_inout(path)
void write_handled(const std::string& path) { append(path, " HANDLED"); }

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  const std::string path = dir + "/cancellation.txt";
  std::ofstream(path) << "OUT";
  try {
    // As in PyCOMPSs' `with TaskGroup('failedGroup'):` (implicit barrier at the block's end).
#pragma compss group("failedGroup")
    {
      throw_exception(path);
      long_task(1, dir + "/long1.txt");
      long_task(2, dir + "/long2.txt");
      never_runs(path);
    }
  } catch (const compss::Exception& e) {
    std::cout << "compss::Exception caught: " << e.what() << '\n';
    write_handled(path);
  }
  compss::wait_on_file(path);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::cout << "file: " << text.str() << '\n';
  return 0;
}
