// A Guidance-like pipeline (GWAS imputation, as in the COMPSs Guidance workflow) in the COMPSs
// model for C++: each chunk of a genome goes through stages of differing memory and core
// needs, and per-task memory_size constraints decide how many run at once on a node: on a
// node of 8 GB, two `phase` tasks (6 GB each) never run together, while `load` and
// `associate` (1 GB) fill the rest. The stages stand in for Guidance's external programs
// (shapeit, impute, snptest), written as C++ tasks for now.
//
// Every task counts itself on its node while it runs (a file per node, under a lock, in the
// log directory): the program then prints, per node, the peak number of tasks at once and
// the peak sum of their declared memory against the node's memory (stderr), and on stdout
// the results, which equal the sequential build's, and whether every node kept its limit.
//
//   ./guidance <log dir> [chunks]          (default 12 chunks)
#include <compss/compss.hpp>

#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

// Declared memory of each stage, in GB (the constraints below say the same).
constexpr int load_gb = 1;
constexpr int phase_gb = 6;
constexpr int impute_gb = 3;
constexpr int associate_gb = 1;

/// The node this task runs on: the worker's name under compss-run, else "master".
std::string node_name() {
  const char* w = std::getenv("COMPSS_WORKER_NAME");
  return w != nullptr && *w != '\0' ? w : "master";
}

/// The node's memory in MB as declared to the runtime (0: not declared).
long node_limit_mb() {
  const char* v = std::getenv(std::getenv("COMPSS_WORKER_NAME") ? "COMPSS_WORKER_MEMORY" : "COMPSS_MEMORY");
  return v != nullptr ? std::lround(std::atof(v) * 1024) : 0;
}

/// Counts one running task and its declared memory on this node for its lifetime, in
/// `<dir>/node-<name>.txt` ("now_tasks now_mb peak_tasks peak_mb limit_mb"), under an
/// exclusive lock: tasks of every process of the node (a worker, the master) count in one
/// place, measured by the tasks themselves.
class NodeUsage {
 public:
  NodeUsage(const std::string& dir, int gb) : path_(dir + "/node-" + node_name() + ".txt"), mb_(gb * 1024) {
    update(+1, +mb_);
  }
  ~NodeUsage() { update(-1, -mb_); }
  NodeUsage(const NodeUsage&) = delete;
  NodeUsage& operator=(const NodeUsage&) = delete;

 private:
  void update(int tasks, long mb) {
    int fd = ::open(path_.c_str(), O_RDWR | O_CREAT, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
      std::perror(path_.c_str());
      std::exit(2);
    }
    long v[5] = {0, 0, 0, 0, 0};
    char text[128] = {};
    ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    if (n > 0) std::sscanf(text, "%ld %ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3], &v[4]);
    v[0] += tasks;
    v[1] += mb;
    if (v[0] > v[2]) v[2] = v[0];
    if (v[1] > v[3]) v[3] = v[1];
    v[4] = node_limit_mb();
    int len = std::snprintf(text, sizeof text, "%ld %ld %ld %ld %ld\n", v[0], v[1], v[2], v[3], v[4]);
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text, static_cast<std::size_t>(len), 0) != len) {
      std::perror(path_.c_str());
      std::exit(2);
    }
    ::flock(fd, LOCK_UN);
    ::close(fd);
  }

  std::string path_;
  long mb_;
};

/// Stands for the external program's run time: long enough that tasks allowed to overlap do.
void busy(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

using Block = std::vector<double>;

/// Reads a chunk's genotypes (here: made up from the chunk number).
#pragma compss task out(block) constraint(memory_size=1)
void load(int chunk, Block& block, std::string log_dir) {
  NodeUsage usage(log_dir, load_gb);
  busy(10);
  block.resize(256);
  for (std::size_t i = 0; i < block.size(); ++i) {
    block[i] = std::sin(0.01 * static_cast<double>((chunk + 1) * (i + 3)));
  }
}

/// Phasing (shapeit in Guidance): the memory-hungry stage.
#pragma compss task inout(block) constraint(memory_size=6)
void phase(Block& block, std::string log_dir) {
  NodeUsage usage(log_dir, phase_gb);
  busy(60);
  for (std::size_t i = 1; i < block.size(); ++i) block[i] = 0.5 * (block[i] + block[i - 1]);
}

/// Imputation against a reference panel (impute2 in Guidance): two cores and 3 GB.
#pragma compss task in(block) out(imputed) constraint(memory_size=3, computing_units=2)
void impute(const Block& block, Block& imputed, std::string log_dir) {
  NodeUsage usage(log_dir, impute_gb);
  busy(30);
  imputed.resize(block.size() * 2);
  for (std::size_t i = 0; i < block.size(); ++i) {
    imputed[2 * i] = block[i];
    imputed[2 * i + 1] = i + 1 < block.size() ? 0.5 * (block[i] + block[i + 1]) : block[i];
  }
}

/// Association test (snptest in Guidance): a score per chunk.
#pragma compss task in(imputed) constraint(memory_size=1)
double associate(const Block& imputed, std::string log_dir) {
  NodeUsage usage(log_dir, associate_gb);
  busy(10);
  double score = 0;
  for (std::size_t i = 0; i < imputed.size(); ++i) score += imputed[i] * imputed[i] / static_cast<double>(i + 1);
  return score;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <log dir> [chunks]\n", argv[0]);
    return 2;
  }
  const std::string log_dir = std::filesystem::absolute(argv[1]).string();
  const int chunks = argc > 2 ? std::atoi(argv[2]) : 12;
  std::filesystem::create_directories(log_dir);
  for (const auto& e : std::filesystem::directory_iterator(log_dir)) {
    if (e.path().filename().string().rfind("node-", 0) == 0) std::filesystem::remove(e.path());
  }

  std::vector<Block> blocks(static_cast<std::size_t>(chunks)), imputed(blocks.size());
  std::vector<compss::Future<double>> scores;
  for (int c = 0; c < chunks; ++c) {
    auto i = static_cast<std::size_t>(c);
    load(c, blocks[i], log_dir);
    phase(blocks[i], log_dir);
    impute(blocks[i], imputed[i], log_dir);
    scores.push_back(associate(imputed[i], log_dir));
  }
  double total = 0;
  for (auto& s : scores) total += compss::wait_on(s);
  compss::barrier();

  // Per node: the peaks the tasks measured, against the node's declared memory.
  bool kept = true;
  for (const auto& e : std::filesystem::directory_iterator(log_dir)) {
    std::string name = e.path().filename().string();
    if (name.rfind("node-", 0) != 0) continue;
    long v[5] = {0, 0, 0, 0, 0};
    if (FILE* f = std::fopen(e.path().c_str(), "r")) {
      if (std::fscanf(f, "%ld %ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3], &v[4]) != 5) kept = false;
      std::fclose(f);
    }
    const bool ok = v[4] == 0 || v[3] <= v[4];
    kept = kept && ok && v[0] == 0;
    std::fprintf(stderr, "guidance: %s: peak %ld tasks at once, peak %ld MB declared of %s%s\n",
                 name.substr(5, name.size() - 9).c_str(), v[2], v[3],
                 v[4] == 0 ? "undeclared memory" : (std::to_string(v[4]) + " MB").c_str(),
                 ok ? "" : "  <-- OVER THE LIMIT");
  }
  std::printf("chunks: %d\n", chunks);
  std::printf("association score sum: %.6f\n", total);
  std::printf("every node kept its memory limit: %s\n", kept ? "yes" : "no");
  return kept ? 0 : 1;
}
