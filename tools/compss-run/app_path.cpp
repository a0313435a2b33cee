#include "app_path.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace compss::run {

std::string resolve_app(const std::string& app, const std::string& path) {
  std::string found;
  if (app.find('/') != std::string::npos) {
    found = app;
  } else {
    std::size_t start = 0;
    while (start <= path.size()) {
      std::size_t end = path.find(':', start);
      if (end == std::string::npos) end = path.size();
      std::string dir = path.substr(start, end - start);
      std::string candidate = (dir.empty() ? "." : dir) + "/" + app;
      if (::access(candidate.c_str(), X_OK) == 0) {
        found = candidate;
        break;
      }
      start = end + 1;
    }
    if (found.empty())
      throw UsageError("compss-run: " + app + ": application not found in PATH", 127);
  }
  struct stat st{};
  if (::stat(found.c_str(), &st) != 0)
    throw UsageError("compss-run: " + app + ": no such application file", 127);
  if (!S_ISREG(st.st_mode) || ::access(found.c_str(), X_OK) != 0)
    throw UsageError("compss-run: " + app + ": application is not an executable file", 126);
  return std::filesystem::absolute(found).lexically_normal().string();
}

}  // namespace compss::run
