// What every trace writer needs to write its file: an output file whose errors (a full
// disk, a folder that cannot be written) become a compss::Error naming the file, and the
// quoting of strings inside JSON.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
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
  explicit TextBuffer(OutputFile& out) : out_(out), buffer_(new char[block]) {}
  TextBuffer& operator<<(std::string_view s) {
    if (used_ + s.size() > block) {
      flush();
      if (s.size() > block) {
        out_.write(s);
        return *this;
      }
    }
    std::memcpy(buffer_.get() + used_, s.data(), s.size());
    used_ += s.size();
    return *this;
  }
  TextBuffer& operator<<(char c) {
    if (used_ == block) flush();
    buffer_[used_++] = c;
    return *this;
  }
  template <class T>
    requires std::is_integral_v<T>
  TextBuffer& operator<<(T n) {
    if (used_ + 24 > block) flush();
    used_ = static_cast<std::size_t>(std::to_chars(buffer_.get() + used_, buffer_.get() + block, n).ptr - buffer_.get());
    return *this;
  }
  /// Nanoseconds as microseconds with three decimals ("12.345"), the unit of Chrome's JSON.
  TextBuffer& microseconds(std::int64_t ns);
  /// `s` as a JSON string, quotes included.
  TextBuffer& json(std::string_view s);
  void flush() {
    out_.write(std::string_view(buffer_.get(), used_));
    used_ = 0;
  }

 private:
  static constexpr std::size_t block = 1 << 20;
  OutputFile& out_;
  std::unique_ptr<char[]> buffer_;
  std::size_t used_ = 0;
};

/// `s` as a JSON string, quotes included.
std::string json_string(std::string_view s);


}  // namespace compss::rt::observe
