// Comparing a run's secret in constant time.
#pragma once

#include <string_view>

namespace compss::net {

/// True when `offered` equals `expected`. The time it takes depends on the length of
/// `expected` only, never on where the first differing byte is, so a peer that times the
/// listener's answers learns nothing about the secret's bytes (only, at most, whether its
/// guess has the right length: compss-run's secrets all have the same length anyway).
///
///   if (!same_secret(hello.secret, options.secret)) reject();
bool same_secret(std::string_view offered, std::string_view expected) noexcept;

}  // namespace compss::net
