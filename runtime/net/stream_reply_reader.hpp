// StreamReplyReader: reads a large StreamReply off a connection with each element's bytes
// received straight into that element's vector (docs/streams.md, "Elements travel from
// producer to consumer"), instead of into a frame buffer they are then copied out of.
#pragma once

#include "net/message.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

namespace compss::net {

/// Decodes a StreamReply payload of a known size piece by piece: next() names where the
/// next bytes of the payload go (a small field, the error text, an element's bytes or
/// host), the reader of the connection fills that place from the socket and asks again.
/// The result is the StreamReply decode_payload() would give for the same bytes, with the
/// same checks (a length past the payload's end, trailing bytes: an error). One reader per
/// frame; not thread-safe (the connection's reading thread owns it). Never moved while in
/// use: the places point into it.
///
///   StreamReplyReader r(h.payload_size);
///   std::error_code bad;
///   for (auto place = r.next(bad); !place.empty(); place = r.next(bad)) fill(place);
///   if (!bad) out = r.take();
class StreamReplyReader {
 public:
  explicit StreamReplyReader(std::uint64_t payload_size) noexcept : left_(payload_size) {}
  StreamReplyReader(const StreamReplyReader&) = delete;
  StreamReplyReader& operator=(const StreamReplyReader&) = delete;

  /// Where the next bytes go, the place returned before being filled now; empty once the
  /// reply is complete or when the payload is malformed (`bad` set). Allocation failures
  /// are reported as NetError::payload_too_large.
  std::span<std::byte> next(std::error_code& bad) noexcept;
  /// The reply, once next() returned empty without an error.
  StreamReply take() noexcept { return std::move(reply_); }

 private:
  enum class Step : std::uint8_t {
    start, error_size, error_text, counts, element, bytes_size, bytes, key_host_size, host,
    port_size, done
  };
  /// The next `n` payload bytes go into the scratch (the caller makes sure they fit).
  std::span<std::byte> small(std::size_t n, Step then, std::error_code& bad) noexcept;
  /// The next `n` payload bytes go to `at` (nothing to read when n is 0: the step after).
  std::span<std::byte> into(std::byte* at, std::uint64_t n, Step then, std::error_code& bad) noexcept;
  std::uint64_t u64(std::size_t at) const noexcept;
  std::span<std::byte> finish(std::error_code& bad) noexcept;
  std::span<std::byte> start_element(std::error_code& bad) noexcept;

  StreamReply reply_;
  std::uint64_t left_;          // payload bytes not yet given a place
  Step step_ = Step::start;     // what the last place returned holds
  std::uint64_t count_ = 0;     // elements announced
  std::size_t index_ = 0;       // the element being read
  std::array<std::byte, 16> scratch_{};
};

}  // namespace compss::net
