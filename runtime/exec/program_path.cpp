#include "exec/program_path.hpp"

#include <compss/error.hpp>

#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <unistd.h>

namespace compss::exec {

namespace fs = std::filesystem;

std::string application_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return fs::current_path().string();
  return exe.parent_path().string();
}

namespace {

enum class Found { no, not_executable, yes };

Found check(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return Found::no;
  if (fs::is_directory(p, ec) || ::access(p.c_str(), X_OK) != 0) return Found::not_executable;
  return Found::yes;
}

std::string not_executable(const std::string& task, const fs::path& p) {
  return "compss: " + task + ": program '" + p.string() +
         "' is not an executable file (check its permissions: chmod +x)";
}

}  // namespace

std::string resolve_program(const std::string& program, const std::string& base_dir,
                            const std::string& task) {
  if (program.empty()) throw Error("compss: " + task + ": the program's path is empty");
  fs::path p(program);
  if (p.is_relative()) p = fs::path(base_dir) / p;
  p = p.lexically_normal();
  switch (check(p)) {
    case Found::yes: return p.string();
    case Found::not_executable: throw Error(not_executable(task, p));
    case Found::no: break;
  }
  const bool bare = program.find('/') == std::string::npos;
  if (bare) {
    const char* path_var = std::getenv("PATH");
    std::string_view dirs = path_var != nullptr ? path_var : "/usr/bin:/bin";
    while (true) {
      const std::size_t colon = dirs.find(':');
      const std::string_view dir = dirs.substr(0, colon);
      const fs::path candidate = fs::path(dir.empty() ? "." : std::string(dir)) / program;
      if (check(candidate) == Found::yes) return candidate.string();
      if (colon == std::string_view::npos) break;
      dirs.remove_prefix(colon + 1);
    }
  }
  throw Error("compss: " + task + ": program '" + program + "' not found (looked for " +
              p.string() + (bare ? " and in PATH" : "") +
              "; a relative path is taken from working_dir, else from the application's "
              "directory)");
}

}  // namespace compss::exec
