// The run secret every connection must present (docs/distributed.md, "Transport").
#pragma once

#include <string>

namespace compss::run {

/// 32 bytes from /dev/urandom as 64 lower-case hex digits. Throws std::runtime_error
/// ("compss-run: cannot read /dev/urandom: ...") when the device cannot be read.
///
///   std::string s = make_secret();  // "3f9c...", s.size() == 64
std::string make_secret();

}  // namespace compss::run
