// A fresh directory for a unit test's files, and a file's first word: shared by the tests
// of files tasks write and read (test_data_plane, test_kept_files).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>

namespace compss::test {

/// A fresh directory for a test's files, removed with the object. Not thread-safe.
struct TestDir {
  std::filesystem::path dir;
  explicit TestDir(const char* name)
      : dir(std::filesystem::temp_directory_path() / (std::string(name) + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~TestDir() { std::filesystem::remove_all(dir); }
  std::string path(const char* name) const { return (dir / name).string(); }
  /// Its entries but a directory of kept links (net/kept_files.hpp), which lives with the
  /// lineage records of tasks that read files here (test_kept_files checks it goes).
  std::size_t entries() const {
    std::size_t n = 0;
    for (auto& e : std::filesystem::directory_iterator(dir)) {
      n += e.path().filename().string().rfind(".compss-kept-", 0) == 0 ? 0 : 1;
    }
    return n;
  }
};

/// The first word of the file at `path` ("" when none).
inline std::string contents(const std::string& path) {
  std::string s;
  std::ifstream(path) >> s;
  return s;
}

}  // namespace compss::test
