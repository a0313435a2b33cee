#include "observe/graph_files.hpp"

#include "observe/graph_dot.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

extern char** environ;

namespace compss::rt::observe {

namespace fs = std::filesystem;

void StoppableChild::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

void StoppableChild::set(int pid) {
  std::lock_guard lock(mutex_);
  pid_ = pid;
  if (stopped_ && pid_ > 0) ::kill(pid_, SIGKILL);
}

bool StoppableChild::stopped() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

bool render_with_graphviz(const std::string& dot_file, const std::string& out_file,
                          std::string& why, const char* format, int niceness, StoppableChild* child) {
  const std::string type = std::string("-T") + format;
  const std::string nice_value = std::to_string(niceness);
  const char* plain[] = {"dot", type.c_str(), "-o", out_file.c_str(), dot_file.c_str(), nullptr};
  // (nice sets the priority before dot starts: no moment at the run's priority)
  const char* niced[] = {"nice", "-n", nice_value.c_str(), "dot", type.c_str(), "-o", out_file.c_str(),
                         dot_file.c_str(), nullptr};
  const char* const* argv = niceness > 0 ? niced : plain;
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, const_cast<char* const*>(argv), environ);
  const char* not_installed = "Graphviz's dot is not installed (Debian: apt-get install graphviz)";
  if (rc != 0) {
    why = rc == ENOENT && niceness <= 0 ? not_installed
                                        : std::string("cannot start ") + argv[0] + ": " + std::strerror(rc);
    return false;
  }
  int status = 0;
  if (child != nullptr) {
    child->set(pid);
    // Wait for its end without reaping it (its pid stays its own while the killer may
    // still use it), then forget it, then reap it.
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
    }
    child->set(0);
  }
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (child != nullptr && child->stopped() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    why = "the drawing was stopped (the run ended)";
    return false;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  // (nice exits 127 when it finds no dot)
  why = niceness > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127 ? not_installed
                                                                        : "Graphviz's dot failed on " + dot_file;
  return false;
}

GraphFiles write_graph_files(const GraphSnapshot& graph, const std::string& dir, std::size_t svg_max_tasks) {
  GraphFiles files;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path dot = fs::path(dir) / "complete_graph.dot";
  const fs::path tmp = fs::path(dir) / "complete_graph.dot.tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    const std::string text = dot_text(graph);
    if (!(out << text << std::flush)) {
      files.error = "cannot write " + tmp.string() + ": " + std::strerror(errno);
      return files;
    }
  }
  fs::rename(tmp, dot, ec);
  if (ec) {
    files.error = "cannot write " + dot.string() + ": " + ec.message();
    return files;
  }
  files.dot = dot.string();
  if (graph.tasks.size() > svg_max_tasks) {
    files.why_no_svg = std::to_string(graph.tasks.size()) + " tasks are more than " +
                       std::to_string(svg_max_tasks) +
                       " (COMPSS_GRAPH_SVG_MAX); render it with: dot -Tsvg -O " + files.dot;
    return files;
  }
  const fs::path svg = fs::path(dir) / "complete_graph.svg";
  if (render_with_graphviz(files.dot, svg.string(), files.why_no_svg)) files.svg = svg.string();
  return files;
}

std::string graph_files_message(const GraphFiles& files) {
  if (!files.error.empty()) return "compss: task graph not written: " + files.error;
  std::string m = "compss: task graph: " + files.dot;
  if (!files.svg.empty()) m += " and " + files.svg;
  else m += " (no SVG: " + files.why_no_svg + ")";
  return m;
}

}  // namespace compss::rt::observe
