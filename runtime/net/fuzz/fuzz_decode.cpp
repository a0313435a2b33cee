// libFuzzer target: every decoder of the wire protocol must reject any input without
// crashing, leaking or reading out of bounds (built with ASan and UBSan).
#include "net/message.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  compss::net::Message m;
  if (!compss::net::decode_frame(bytes, m)) {
    // A frame that decodes must encode back to the same bytes.
    if (compss::net::encode(m).size() != size) __builtin_trap();
    // The gathered encoding (values referenced) is the same frame.
    if (compss::net::encode_parts(m, 1).size() != size) __builtin_trap();
  }
  // The in-place reader's DataFetchReply prefix decoder, with the input as the payload.
  compss::net::DataFetchReply reply;
  std::uint64_t value_size = 0;
  (void)compss::net::decode_fetch_reply_prefix(bytes, size, reply, value_size);
  // Each payload decoder on the raw bytes, whatever the header says.
  for (std::uint16_t t = 1; t <= 8; ++t) {
    compss::net::Message out;
    (void)compss::net::decode_payload(static_cast<compss::net::MessageType>(t), bytes, out);
  }
  return 0;
}
