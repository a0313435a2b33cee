#include "observe/trace_output.hpp"

#include <compss/error.hpp>

#include <cerrno>
#include <cstring>

namespace compss::rt::observe {

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  file_ = std::fopen(path_.c_str(), "w");
  if (file_ == nullptr) {
    throw Error("cannot write the trace file " + path_ + ": " + std::strerror(errno) +
                " (choose a writable folder with COMPSS_TRACE=<folder> or compss-run --trace=<folder>)");
  }
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void OutputFile::write(std::string_view text) {
  if (file_ != nullptr && !failed_ && std::fwrite(text.data(), 1, text.size(), file_) != text.size()) failed_ = true;
}

void OutputFile::close() {
  if (file_ == nullptr) return;
  const int err = std::ferror(file_) != 0 || failed_ ? errno : 0;
  const bool bad = std::fclose(file_) != 0 || failed_ || err != 0;
  file_ = nullptr;
  if (bad) throw Error("cannot write the trace file " + path_ + ": " + std::strerror(err != 0 ? err : EIO));
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '<': out += "\\u003c"; break;  // safe inside an HTML <script>
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

TextBuffer& TextBuffer::microseconds(std::int64_t ns) {
  if (ns < 0) {
    *this << '-';
    ns = -ns;
  }
  *this << ns / 1000 << '.';
  const auto rest = static_cast<int>(ns % 1000);
  const char decimals[3] = {static_cast<char>('0' + rest / 100), static_cast<char>('0' + rest / 10 % 10),
                            static_cast<char>('0' + rest % 10)};
  return *this << std::string_view(decimals, 3);
}

TextBuffer& TextBuffer::json(std::string_view s) { return *this << std::string_view(json_string(s)); }

}  // namespace compss::rt::observe
