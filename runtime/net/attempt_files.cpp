// Attempt-private files (net/attempt_files.hpp).
#include "net/attempt_files.hpp"

#include "net/kept_files.hpp"

#include <compss/detail/task_node.hpp>
#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <random>
#include <utility>
#include <system_error>

#include <unistd.h>

namespace compss::net::attempt_files {

namespace {
constexpr std::string_view marker = ".compss-attempt-";

// The length of the run of characters of `s` from `at` that `in_set` accepts.
template <class InSet>
std::size_t run_of(std::string_view s, std::size_t at, InSet in_set) {
  std::size_t n = 0;
  while (at + n < s.size() && in_set(s[at + n])) ++n;
  return n;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

// Where the extension of the file name `name` begins (its first dot after any leading
// ones, so "a.tar.gz" keeps ".tar.gz"), or its size when it has none.
std::size_t extension_at(std::string_view name) {
  const std::size_t dots = run_of(name, 0, [](char c) { return c == '.'; });
  const std::size_t at = name.find('.', dots);
  return at == std::string_view::npos ? name.size() : at;
}

// In the file name `name`: where the marker begins and where the extension after the
// tail begins, when `name` has private_path's form; else {npos, npos}.
std::pair<std::size_t, std::size_t> private_parts(std::string_view name) {
  constexpr auto none = std::pair{std::string_view::npos, std::string_view::npos};
  const std::size_t at = name.find(marker);
  if (at == std::string_view::npos || at == 0) return none;
  std::size_t i = at + marker.size();
  bool (*const parts[])(char) = {is_digit, is_hex, is_digit};  // <pid>-<nonce>-<n>
  for (std::size_t k = 0; k < 3; ++k) {
    if (k > 0) {
      if (i == name.size() || name[i] != '-') return none;
      ++i;
    }
    const std::size_t n = run_of(name, i, parts[k]);
    if (n == 0) return none;
    i += n;
  }
  if (i < name.size() && name[i] != '.') return none;
  return {at, i};
}

}  // namespace

const std::string& run_nonce() {
  static const std::string nonce = [] {
    std::random_device device;
    const std::uint64_t r = (std::uint64_t{device()} << 32) ^ device();
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(r));
    return std::string(text);
  }();
  return nonce;
}

std::string private_path(std::string_view path) {
  static std::atomic<std::uint64_t> counter{0};
  const std::size_t slash = path.rfind('/');
  const std::size_t name_at = slash == std::string_view::npos ? 0 : slash + 1;
  const std::size_t ext_at = name_at + extension_at(path.substr(name_at));
  std::string p(path.substr(0, ext_at));
  p += marker;
  p += std::to_string(::getpid()) + "-" + run_nonce() + "-" +
       std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
  p += path.substr(ext_at);
  return p;
}

bool is_private(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return private_parts(path.substr(slash == std::string_view::npos ? 0 : slash + 1)).first !=
         std::string_view::npos;
}

std::string master_path_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::size_t name_at = slash == std::string_view::npos ? 0 : slash + 1;
  const auto [at, ext_at] = private_parts(path.substr(name_at));
  if (at == std::string_view::npos) return std::string(path);
  return std::string(path.substr(0, name_at + at)) + std::string(path.substr(name_at + ext_at));
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

void prepare(const std::string& from, const std::string& to, bool reads) {
  std::error_code ec;
  std::filesystem::remove(to, ec);  // (a leftover of a killed run: never moved into place)
  if (!reads || !std::filesystem::exists(from, ec)) return;
  if (!std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec) ||
      ec) {
    std::filesystem::remove(to, ec);
    throw Error("compss: cannot copy file '" + from + "' to '" + to +
                "' (the task's attempt-private copy of it, docs/distributed.md \"Data\"): " +
                (ec ? ec.message() : std::string("not copied")));
  }
}

bool move_into_place(const std::string& from, const std::string& to) {
  const int error = kept_files::rename_over(from, to);  // (a version a remake reads stays kept)
  if (error == 0) return true;
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

std::vector<std::string> keep_writes_of_group_exception(const TaskRequest& record) {
  std::vector<std::string> errors;
  for (const std::string& path : private_paths_of(record)) {
    try {
      move_into_place(path, master_path_of(path));
    } catch (const std::exception& e) {
      errors.emplace_back(e.what());
    }
  }
  return errors;
}

}  // namespace compss::net::attempt_files
