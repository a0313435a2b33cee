// File parameters whose paths are `const char*` or `std::filesystem::path` (SPEC section
// 2): they go to workers like `std::string` paths, with the file's bytes when the workers
// do not see the master's files. Each task appends "<task> <node> <path it was given>" to
// <directory>/where.log (not a task parameter: path_params.sh reads it to check that the
// tasks ran on workers, and on staged copies without a shared file system).
// usage: e2e_path_params <directory>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

static void record(const std::string& dir, const char* task, const std::string& path) {
  const char* node = std::getenv("COMPSS_WORKER_NAME");
  std::ofstream(dir + "/where.log", std::ios::app)
      << task << " " << (node != nullptr ? node : "master") << " " << path << "\n";
}

static std::vector<long> read_numbers(const std::string& path) {
  std::vector<long> numbers;
  std::ifstream in(path);
  for (long x = 0; in >> x;) numbers.push_back(x);
  return numbers;
}

#pragma compss task file_out(path)
void write_numbers(const char* path, int from, int to, const std::string& dir) {
  record(dir, "write_numbers", path);
  std::ofstream out(path);
  for (int i = from; i <= to; ++i) out << i << "\n";
}

#pragma compss task file_inout(path)
void double_all(std::filesystem::path path, const std::string& dir) {
  record(dir, "double_all", path.string());
  std::vector<long> numbers = read_numbers(path.string());
  std::ofstream out(path, std::ios::trunc);
  for (long x : numbers) out << 2 * x << "\n";
}

#pragma compss task file_in(a, b) file_out(total)
long add_up(const std::filesystem::path& a, const char* b, const std::filesystem::path& total,
            const std::string& dir) {
  record(dir, "add_up", a.string() + " " + b + " " + total.string());
  long sum = 0;
  for (const std::string& path : {a.string(), std::string(b)}) {
    for (long x : read_numbers(path)) sum += x;
  }
  std::ofstream(total) << "sum " << sum << "\n";
  return sum;
}

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  const std::filesystem::path low = std::filesystem::path(dir) / "low.txt";
  const std::string high = dir + "/high.txt";
  const std::filesystem::path total = std::filesystem::path(dir) / "total.txt";
  write_numbers(low.c_str(), 1, 50, dir);
  write_numbers(high.c_str(), 51, 100, dir);
  double_all(high, dir);  // the same file as the std::string and as a path: one datum
  long sum = add_up(low, high.c_str(), total, dir);
  std::cout << "returned " << sum << "\n";
#pragma compss wait_on_file(total)
  std::cout << "total.txt: " << std::ifstream(total).rdbuf();
#pragma compss wait_on_file(high)
  std::vector<long> doubled = read_numbers(high);
  std::cout << "high.txt: " << doubled.size() << " numbers from " << doubled.front() << " to "
            << doubled.back() << "\n";
  return 0;
}
