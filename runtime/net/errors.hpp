// Error codes of the network layer: std::error_code inside, compss::Error at the edge.
#pragma once

#include <string>
#include <system_error>

namespace compss::net {

/// Why a message, a frame or a connection was rejected.
///
///   std::error_code ec = make_error_code(NetError::bad_magic);
///   log(ec.message());  // "not a COMPSs message (bad magic number)"
enum class NetError {
  ok = 0,
  bad_magic = 1,         ///< the first four bytes are not "CPSS"
  unsupported_version,   ///< a protocol version this build does not speak
  unknown_type,          ///< a message type this build does not know
  payload_too_large,     ///< the header announces more bytes than the limit allows
  truncated,             ///< fewer bytes than the header announces
  malformed_payload,     ///< the payload does not decode as its type
  trailing_bytes,        ///< bytes left over after the payload decoded
  bad_secret,            ///< the hello did not carry this run's secret
  expected_hello,        ///< the first message of a connection was not a hello
  hello_timeout,         ///< no hello arrived in time
  closed,                ///< the peer closed the connection
  timed_out,             ///< a bounded wait ended without a message
};

/// The category of NetError codes ("compss.net").
///
///   if (ec.category() == compss::net::net_category()) { ... }
const std::error_category& net_category() noexcept;

/// Makes NetError usable as a std::error_code.
///
///   std::error_code ec = NetError::truncated;
inline std::error_code make_error_code(NetError e) noexcept {
  return {static_cast<int>(e), net_category()};
}

/// Throws compss::Error("compss: <context>: <message>") when `ec` is set: the edge where
/// network errors become the public API's exception.
///
///   throw_if_error(ec, "cannot connect to master 10.0.0.1:4000");
void throw_if_error(const std::error_code& ec, const std::string& context);

}  // namespace compss::net

template <>
struct std::is_error_code_enum<compss::net::NetError> : std::true_type {};
