// Finding the application compss-run is asked to start.
#pragma once

#include "options.hpp"

#include <string>

namespace compss::run {

/// The absolute path of `app`: as given when it contains a '/', else looked up in `path`
/// (a PATH value). Throws UsageError with exit code 127 when it does not exist and 126
/// when it is not an executable file.
///
///   resolve_app("./app", "/usr/bin:/bin") == "/home/me/proj/app"
std::string resolve_app(const std::string& app, const std::string& path);

}  // namespace compss::run
