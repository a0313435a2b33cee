// Files on workers that do not see the master's files (compss-run --shared-fs no): a file
// a task writes stays on that worker until the program waits for it, and a task on
// another worker reads it from there (peer to peer). The program prints whether the
// master has the files before waiting for them: a sequential build (tasks run in place)
// says yes, such a distributed run says no. The sums are the same either way.
// usage: e2e_files_stay <directory>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#pragma compss task file_out(path)
void write_numbers(const std::string& path, int from, int to, const std::string& where) {
  // Holds its worker's only slot a while, so the two writers run on different workers.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::ofstream out(path);
  for (int i = from; i <= to; ++i) out << i << "\n";
  // Which worker wrote it, straight to the master's directory (not a task parameter: the
  // test reads it to check that the two files were made on different workers).
  const char* node = std::getenv("COMPSS_WORKER_NAME");
  std::ofstream(where) << (node != nullptr ? node : "here") << "\n";
}

#pragma compss task file_in(a, b) file_out(total)
long add_up(const std::string& a, const std::string& b, const std::string& total) {
  long sum = 0;
  for (const std::string& path : {a, b}) {
    std::ifstream in(path);
    for (long x = 0; in >> x;) sum += x;
  }
  std::ofstream(total) << "sum " << sum << "\n";
  return sum;
}

static const char* on_master(const std::string& path) {
  return std::filesystem::exists(path) ? "yes" : "no";
}

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  const std::string a = dir + "/low.txt", b = dir + "/high.txt", total = dir + "/total.txt";
  write_numbers(a, 1, 50, dir + "/low.where");
  write_numbers(b, 51, 100, dir + "/high.where");
  long sum = add_up(a, b, total);
  std::cout << "returned " << sum << "\n";  // waits for add_up's result, not for its files
  std::cout << "on the master before waiting: " << on_master(a) << " " << on_master(b) << " "
            << on_master(total) << "\n";
#pragma compss wait_on_file(total)
  std::cout << "after wait_on_file: " << std::ifstream(total).rdbuf();
  return 0;  // the end of main brings low.txt and high.txt to the master too
}
