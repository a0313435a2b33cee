// JSON text for observe/'s files and the monitor: strings escaped, numbers in C locale.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace compss::rt::observe {

/// Appends `s` as a JSON string (quotes, backslashes and control characters escaped).
///
///   append_json_string(out, "a\"b");  // out += "\"a\\\"b\""
inline void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

/// `s` as a JSON string.
inline std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

}  // namespace compss::rt::observe
