// same_secret: the listener's constant-time comparison of a hello's secret (its timing is
// not asserted here; what is checked is that it accepts exactly the equal strings).
#include "net/secret_compare.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using compss::net::same_secret;

TEST(SameSecret, AcceptsOnlyTheEqualString) {
  const std::string secret = "0123456789abcdef0123456789abcdef";
  EXPECT_TRUE(same_secret(secret, secret));
  EXPECT_TRUE(same_secret(std::string(secret), secret));  // equal bytes, another buffer
  std::string last = secret;
  last.back() = 'g';
  EXPECT_FALSE(same_secret(last, secret));
  std::string first = secret;
  first.front() = '1';
  EXPECT_FALSE(same_secret(first, secret));
  std::string flipped = secret;
  flipped[7] = static_cast<char>(flipped[7] ^ 0x80);  // a high bit only
  EXPECT_FALSE(same_secret(flipped, secret));
}

TEST(SameSecret, RejectsOtherLengths) {
  const std::string secret = "s3cret";
  EXPECT_FALSE(same_secret("", secret));
  EXPECT_FALSE(same_secret("s3cre", secret));           // a prefix
  EXPECT_FALSE(same_secret("s3crets3cret", secret));    // the secret repeated
  EXPECT_FALSE(same_secret("s3cret\0", secret + '\0' + 'x'));
  EXPECT_FALSE(same_secret(secret, ""));
  EXPECT_TRUE(same_secret("", ""));
}

TEST(SameSecret, ComparesEmbeddedZeroBytes) {
  const std::string secret("a\0b", 3);
  EXPECT_TRUE(same_secret(std::string("a\0b", 3), secret));
  EXPECT_FALSE(same_secret(std::string("a\0c", 3), secret));
  EXPECT_FALSE(same_secret("a", secret));
}

}  // namespace
