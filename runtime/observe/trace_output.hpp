// What every trace writer needs to write its file: an output file whose errors (a full
// disk, a folder that cannot be written) become a compss::Error naming the file, and the
// quoting of strings inside JSON.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>

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

/// Text made piece by piece and written to an OutputFile in large blocks: numbers are
/// formatted in place (std::to_chars), so writing a trace of many tasks allocates nothing
/// per record. Thread-safety: one writer at a time.
///
///   TextBuffer text(out);
///   text << "{\"ts\":" << microseconds_of(t) << "}";
///   text.flush();
class TextBuffer {
 public:
  explicit TextBuffer(OutputFile& out) : out_(out) { buffer_.reserve(block); }
  TextBuffer& operator<<(std::string_view s) {
    buffer_.append(s);
    if (buffer_.size() >= block) flush();
    return *this;
  }
  TextBuffer& operator<<(char c) {
    buffer_.push_back(c);
    return *this;
  }
  template <class T>
    requires std::is_integral_v<T>
  TextBuffer& operator<<(T n) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    return *this << std::string_view(digits, static_cast<std::size_t>(end - digits));
  }
  /// Nanoseconds as microseconds with three decimals ("12.345"), the unit of Chrome's JSON.
  TextBuffer& microseconds(std::int64_t ns);
  /// `s` as a JSON string, quotes included.
  TextBuffer& json(std::string_view s);
  void flush() {
    out_.write(buffer_);
    buffer_.clear();
  }

 private:
  static constexpr std::size_t block = 1 << 20;
  OutputFile& out_;
  std::string buffer_;
};

/// `s` as a JSON string, quotes included.
std::string json_string(std::string_view s);


}  // namespace compss::rt::observe
