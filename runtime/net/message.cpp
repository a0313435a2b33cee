#include "net/message.hpp"

#include <compss/detail/task_spec.hpp>
#include <compss/error.hpp>
#include <compss/serialize.hpp>

namespace compss::net {

namespace {

template <class T>
void put_le(std::byte* at, T v) noexcept {
  for (std::size_t i = 0; i < sizeof(T); ++i) at[i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
}
template <class T>
T get_le(const std::byte* at) noexcept {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(std::to_integer<unsigned>(at[i])) << (8 * i);
  return v;
}

bool valid_param(const WireParam& p) noexcept {
  using detail::Direction;
  using detail::ParamKind;
  return p.direction <= static_cast<std::uint8_t>(Direction::in_delete) &&
         p.kind <= static_cast<std::uint8_t>(ParamKind::stream) && (p.has_value || p.value.empty());
}

/// Field checks the archive cannot do: enum ranges and flag consistency.
bool valid(const Message& m) noexcept {
  if (auto* r = std::get_if<TaskRequest>(&m)) {
    for (const auto& p : r->params) if (!valid_param(p)) return false;
  } else if (auto* d = std::get_if<TaskDone>(&m)) {
    for (const auto& p : d->outputs) if (!valid_param(p)) return false;
  } else if (auto* f = std::get_if<DataFetchReply>(&m)) {
    return f->found || f->value.empty();
  }
  return true;
}

template <class T>
std::error_code decode_as(std::span<const std::byte> payload, Message& out) noexcept {
  try {
    T value{};
    InputArchive in(payload);
    in(value);
    if (in.remaining() != 0) return NetError::trailing_bytes;
    out = std::move(value);
  } catch (const std::bad_alloc&) {
    return NetError::payload_too_large;
  } catch (...) {  // compss::Error from the archive: truncated or malformed
    return NetError::malformed_payload;
  }
  return valid(out) ? std::error_code{} : make_error_code(NetError::malformed_payload);
}

}  // namespace

MessageType type_of(const Message& m) noexcept {
  static constexpr MessageType by_index[] = {
      MessageType::hello,    MessageType::task_request,       MessageType::task_done,
      MessageType::task_failed, MessageType::data_fetch_request, MessageType::data_fetch_reply,
      MessageType::shutdown, MessageType::data_release};
  return by_index[m.index()];
}

std::vector<std::byte> encode(const Message& m) {
  OutputArchive out;
  std::byte header[header_size] = {};
  out.write_bytes(header, header_size);  // filled in below, once the length is known
  std::visit([&](const auto& v) { out(v); }, m);
  std::vector<std::byte> frame = out.take();
  put_le<std::uint32_t>(frame.data(), frame_magic);
  put_le<std::uint16_t>(frame.data() + 4, protocol_version);
  put_le<std::uint16_t>(frame.data() + 6, static_cast<std::uint16_t>(type_of(m)));
  put_le<std::uint64_t>(frame.data() + 8, frame.size() - header_size);
  return frame;
}

std::error_code decode_header(std::span<const std::byte> bytes, FrameHeader& out,
                              std::uint64_t max_payload) noexcept {
  if (bytes.size() < header_size) return NetError::truncated;
  if (get_le<std::uint32_t>(bytes.data()) != frame_magic) return NetError::bad_magic;
  if (get_le<std::uint16_t>(bytes.data() + 4) != protocol_version) return NetError::unsupported_version;
  std::uint16_t type = get_le<std::uint16_t>(bytes.data() + 6);
  if (type < static_cast<std::uint16_t>(MessageType::hello) ||
      type > static_cast<std::uint16_t>(MessageType::data_release)) {
    return NetError::unknown_type;
  }
  std::uint64_t size = get_le<std::uint64_t>(bytes.data() + 8);
  if (size > max_payload) return NetError::payload_too_large;
  out.type = static_cast<MessageType>(type);
  out.payload_size = size;
  return {};
}

std::error_code decode_payload(MessageType type, std::span<const std::byte> payload,
                               Message& out) noexcept {
  switch (type) {
    case MessageType::hello: return decode_as<Hello>(payload, out);
    case MessageType::task_request: return decode_as<TaskRequest>(payload, out);
    case MessageType::task_done: return decode_as<TaskDone>(payload, out);
    case MessageType::task_failed: return decode_as<TaskFailed>(payload, out);
    case MessageType::data_fetch_request: return decode_as<DataFetchRequest>(payload, out);
    case MessageType::data_fetch_reply: return decode_as<DataFetchReply>(payload, out);
    case MessageType::shutdown: return decode_as<Shutdown>(payload, out);
    case MessageType::data_release: return decode_as<DataRelease>(payload, out);
  }
  return NetError::unknown_type;
}

std::error_code decode_frame(std::span<const std::byte> bytes, Message& out,
                             std::uint64_t max_payload) noexcept {
  FrameHeader h;
  if (auto ec = decode_header(bytes, h, max_payload)) return ec;
  std::span<const std::byte> rest = bytes.subspan(header_size);
  if (rest.size() < h.payload_size) return NetError::truncated;
  if (rest.size() > h.payload_size) return NetError::trailing_bytes;
  return decode_payload(h.type, rest, out);
}

Message decode_frame_or_throw(std::span<const std::byte> bytes) {
  Message m;
  throw_if_error(decode_frame(bytes, m), "cannot decode message");
  return m;
}

}  // namespace compss::net
