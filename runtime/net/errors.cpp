#include "net/errors.hpp"

#include <compss/error.hpp>

namespace compss::net {

namespace {
class NetCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "compss.net"; }
  std::string message(int code) const override {
    switch (static_cast<NetError>(code)) {
      case NetError::ok: return "success";
      case NetError::bad_magic: return "not a COMPSs message (bad magic number)";
      case NetError::unsupported_version: return "unsupported protocol version";
      case NetError::unknown_type: return "unknown message type";
      case NetError::payload_too_large: return "message payload larger than the limit";
      case NetError::truncated: return "truncated message";
      case NetError::malformed_payload: return "malformed message payload";
      case NetError::trailing_bytes: return "trailing bytes after the message payload";
      case NetError::bad_secret: return "wrong or missing run secret";
      case NetError::expected_hello: return "the first message was not a hello";
      case NetError::hello_timeout: return "no hello within the time limit";
      case NetError::closed: return "connection closed";
      case NetError::timed_out: return "timed out";
    }
    return "unknown compss.net error";
  }
};
}  // namespace

const std::error_category& net_category() noexcept {
  static const NetCategory category;
  return category;
}

void throw_if_error(const std::error_code& ec, const std::string& context) {
  if (ec) throw Error("compss: " + context + ": " + ec.message());
}

}  // namespace compss::net
