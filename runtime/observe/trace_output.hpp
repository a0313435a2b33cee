// What every trace writer needs to write its file: an output file whose errors (a full
// disk, a folder that cannot be written) become a compss::Error naming the file, and the
// quoting of strings inside JSON.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace compss::rt::observe {

/// Thread-safety: one writer at a time.
///
///   OutputFile out(dir + "/trace.json");
///   out.write("{...}");
///   out.close();  // throws when anything failed
class OutputFile {
 public:
  explicit OutputFile(std::string path);
  ~OutputFile();  // closes without reporting (call close() to know)
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view text);
  /// Writes `text` and closes.
  void write_all(std::string_view text) {
    write(text);
    close();
  }
  /// Flushes and closes; throws compss::Error naming the file when a write failed.
  void close();

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  bool failed_ = false;
};

/// `s` as a JSON string, quotes included.
std::string json_string(std::string_view s);

/// Nanoseconds as microseconds with three decimals ("12.345"), the unit of Chrome's JSON.
std::string microseconds(std::int64_t ns);

}  // namespace compss::rt::observe
