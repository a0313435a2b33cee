#include "net/secret_compare.hpp"

#include <cstddef>

namespace compss::net {

bool same_secret(std::string_view offered, std::string_view expected) noexcept {
  // Every byte of `expected` is visited whatever the input: the differences are OR-ed
  // together, never tested one by one. The accumulator is volatile so the compiler cannot
  // turn the loop into an early-exit comparison (memcmp). An offered string of another
  // length is compared against itself cyclically (same amount of work) and then rejected.
  volatile unsigned char diff = offered.size() == expected.size() ? 0 : 1;
  const std::size_t n = offered.size();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const unsigned char o = n == 0 ? 0 : static_cast<unsigned char>(offered[i % n]);
    diff = diff | static_cast<unsigned char>(o ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

}  // namespace compss::net
