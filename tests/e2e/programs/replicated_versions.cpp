// A `replicated` task with a GPU version (`#pragma compss implement`): the call runs once
// on every node, and each node runs the version that fits it: the GPU version where GPUs
// are declared (a local run with COMPSS_GPUS, a worker with COMPSS_WORKER_GPUS; tried
// first, and nothing else runs), the task itself elsewhere. Each replica appends a line
// "<implementation> <GPUs where it ran>" to a log file; main checks the log: one line per
// node of the run (NODES), no GPU version off a GPU node, no CPU version on one. stdout is the
// sequential build's (one replica, the task itself); with VERSIONS_EXPECT_GPU=1 the GPU
// version must have run at least once, without it never.
#include <compss/compss.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {
/// GPUs declared where this body runs: a worker's, else the master's.
int gpus_here() {
  const char* v = std::getenv(std::getenv("COMPSS_WORKER_NAME") != nullptr ? "COMPSS_WORKER_GPUS"
                                                                            : "COMPSS_GPUS");
  return v == nullptr ? 0 : std::atoi(v);
}

/// One line, in one write: replicas on several processes append to the same file.
void append(const std::string& log, const char* implementation) {
  const std::string line = std::string(implementation) + " " + std::to_string(gpus_here()) + "\n";
  int fd = ::open(log.c_str(), O_WRONLY | O_APPEND);
  if (fd < 0 || ::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    std::perror(log.c_str());
    std::abort();
  }
  ::close(fd);
}
}  // namespace

#pragma compss task replicated
void note(std::string log) { append(log, "cpu"); }

#pragma compss task constraint(processor_type="GPU")
#pragma compss implement(note)
void note_gpu(std::string log) { append(log, "gpu"); }

int main() {
  char path[] = "/tmp/compss-replicated-versions-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) {
    std::perror("mkstemp");
    return 1;
  }
  ::close(fd);
  note(path);
  compss::barrier();

  std::ifstream in(path);
  std::string implementation;
  int gpus = 0, lines = 0, on_gpu = 0, failures = 0;
  while (in >> implementation >> gpus) {
    ++lines;
    on_gpu += implementation == "gpu" ? 1 : 0;
    if (implementation == "gpu" && gpus == 0) {
      std::fprintf(stderr, "FAIL: the GPU version ran on a node without GPUs\n");
      ++failures;
    }
#ifdef __COMPSS__  // (the sequential build runs the task itself, whatever it declares)
    if (implementation == "cpu" && gpus > 0) {
      std::fprintf(stderr, "FAIL: the task itself ran on a node with a free GPU\n");
      ++failures;
    }
#endif
  }
  ::unlink(path);
  std::fprintf(stderr, "%d replicas, %d of them the GPU version\n", lines, on_gpu);
#ifdef __COMPSS__
  const char* expect = std::getenv("VERSIONS_EXPECT_GPU");
  const bool expect_gpu = expect != nullptr && *expect == '1';
  // The run's nodes: NODES (3 in both compss-run layouts of the tests), else 1 (local).
  const int nodes = std::getenv("NODES") != nullptr ? std::atoi(std::getenv("NODES")) : 1;
  if (lines != nodes) {
    std::fprintf(stderr, "FAIL: %d replicas ran on a run of %d nodes\n", lines, nodes);
    ++failures;
  }
  if (expect_gpu != (on_gpu > 0)) {
    std::fprintf(stderr, "FAIL: the GPU version ran %d times, GPUs %s declared\n", on_gpu,
                 expect_gpu ? "are" : "are not");
    ++failures;
  }
#else
  if (lines != 1) ++failures;
#endif
  std::printf("replicated: %s\n", failures == 0 ? "each node ran a version that fits it" : "wrong");
  return failures == 0 ? 0 : 1;
}
