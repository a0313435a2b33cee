// Attempt-private files (net/attempt_files.hpp).
#include "net/attempt_files.hpp"

#include <compss/detail/task_node.hpp>
#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include <unistd.h>

namespace compss::net::attempt_files {

namespace {
constexpr std::string_view marker = ".compss-attempt-";

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}
}  // namespace

std::string private_path(std::string_view path) {
  static std::atomic<std::uint64_t> counter{0};
  std::string p(path);
  p += marker;
  p += std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
  return p;
}

bool is_private(std::string_view path) {
  const std::size_t at = path.rfind(marker);
  if (at == std::string_view::npos || at == 0 || path[at - 1] == '/') return false;
  const std::string_view tail = path.substr(at + marker.size());
  const std::size_t dash = tail.find('-');
  return dash != std::string_view::npos && all_digits(tail.substr(0, dash)) &&
         all_digits(tail.substr(dash + 1));
}

std::string master_path_of(std::string_view path) {
  return std::string(is_private(path) ? path.substr(0, path.rfind(marker)) : path);
}

std::string private_path_of(const WireParam& w) {
  if (w.kind != static_cast<std::uint8_t>(detail::ParamKind::file) || w.data_id != 0 ||
      !w.has_value || !gets_private_path(static_cast<detail::Direction>(w.direction))) {
    return {};
  }
  std::string path;
  try {
    from_bytes(w.value, path);
  } catch (...) {
    return {};  // (not a path: a file the worker stages, COMPSS_SHARED_FS=0)
  }
  return is_private(path) ? path : std::string{};
}

void copy_current(const std::string& from, const std::string& to) {
  std::error_code ec;
  if (!std::filesystem::exists(from, ec)) return;
  if (!std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec) ||
      ec) {
    std::filesystem::remove(to, ec);
    throw Error("compss: cannot copy file '" + from + "' to '" + to +
                "' (the task's attempt-private copy of it, docs/distributed.md \"Data\"): " +
                (ec ? ec.message() : std::string("not copied")));
  }
}

bool move_into_place(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) == 0) return true;
  const int error = errno;
  if (error == ENOENT) {
    std::error_code ec;
    if (!std::filesystem::exists(from, ec)) return false;
  }
  throw Error("compss: cannot move the file a task wrote, '" + from + "', into place as '" + to +
              "': " + std::generic_category().message(error) + "; '" + to +
              "' was left as it was");
}

std::vector<std::string> private_paths_of(const TaskRequest& request) {
  std::vector<std::string> paths;
  for (const WireParam& w : request.params) {
    std::string path = private_path_of(w);
    if (!path.empty()) paths.push_back(std::move(path));
  }
  return paths;
}

void remove_private_files(const TaskRequest& record) noexcept {
  try {
    for (const std::string& path : private_paths_of(record)) ::unlink(path.c_str());
  } catch (...) {  // (out of memory: the file stays, named as an attempt's)
  }
}

}  // namespace compss::net::attempt_files
