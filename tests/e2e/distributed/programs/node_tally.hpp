// What the tasks of a distributed e2e program measure about where they ran, themselves:
// per node (the worker's COMPSS_WORKER_NAME, else "master") and per counter name, a file
// `<dir>/<counter>@<node>` holding "calls running peak", updated under an exclusive file
// lock, so tasks in every worker process and in the master count in one place. The
// program reads the tallies back at its end (a barrier first).
#pragma once

#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

namespace tally {

/// The node this code runs on under compss-run.
inline std::string node_name() {
  const char* w = std::getenv("COMPSS_WORKER_NAME");
  return w != nullptr && *w != '\0' ? w : "master";
}

struct Tally {
  long calls = 0;    ///< tasks that began here
  long running = 0;  ///< tasks running here now
  long peak = 0;     ///< most running here at once
};

/// Adds `began` to the calls and `delta` to the running count of `counter` on this node.
inline void update(const std::string& dir, const std::string& counter, long began, long delta) {
  std::string path = dir + "/" + counter + "@" + node_name();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
  if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
    std::perror(path.c_str());
    std::exit(2);
  }
  Tally t;
  char text[96] = {};
  if (::pread(fd, text, sizeof text - 1, 0) > 0) std::sscanf(text, "%ld %ld %ld", &t.calls, &t.running, &t.peak);
  t.calls += began;
  t.running += delta;
  if (t.running > t.peak) t.peak = t.running;
  int len = std::snprintf(text, sizeof text, "%ld %ld %ld\n", t.calls, t.running, t.peak);
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text, static_cast<std::size_t>(len), 0) != len) {
    std::perror(path.c_str());
    std::exit(2);
  }
  ::close(fd);  // (releases the lock)
}

/// Counts a task on its node while it lives.
class Running {
 public:
  Running(std::string dir, std::string counter) : dir_(std::move(dir)), counter_(std::move(counter)) {
    update(dir_, counter_, 1, 1);
  }
  ~Running() { update(dir_, counter_, 0, -1); }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;

 private:
  std::string dir_, counter_;
};

/// The tallies of `counter` by node.
inline std::map<std::string, Tally> read(const std::string& dir, const std::string& counter) {
  std::map<std::string, Tally> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.rfind(counter + "@", 0) != 0) continue;
    Tally t;
    if (FILE* f = std::fopen(e.path().c_str(), "r")) {
      if (std::fscanf(f, "%ld %ld %ld", &t.calls, &t.running, &t.peak) != 3) t.calls = -1;
      std::fclose(f);
    }
    out[name.substr(counter.size() + 1)] = t;
  }
  return out;
}

/// Prints the tallies of `counter` on stderr, one line per node (for the test's log).
inline void print(const std::string& counter, const std::map<std::string, Tally>& tallies) {
  for (const auto& [node, t] : tallies) {
    std::fprintf(stderr, "%s on %s: %ld calls, at most %ld at once\n", counter.c_str(), node.c_str(),
                 t.calls, t.peak);
  }
}

/// The number in variable `name` (NODES: the nodes of the run; COMPSS_WORKERS_EXPECTED,
/// set by compss-run: its workers), or 0: unchecked (the sequential build).
inline std::size_t expected(const char* name) {
#ifdef __COMPSS__
  const char* v = std::getenv(name);
  return v != nullptr ? static_cast<std::size_t>(std::atol(v)) : 0;
#else
  (void)name;
  return 0;
#endif
}

}  // namespace tally
