#include "net/message.hpp"

#include <compss/detail/task_spec.hpp>
#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <cstring>
#include <limits>

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
    for (const auto& g : r->globals) if (!g.has_value && !g.value.empty()) return false;
  } else if (auto* d = std::get_if<TaskDone>(&m)) {
    for (const auto& p : d->outputs) if (!valid_param(p)) return false;
  } else if (auto* f = std::get_if<DataFetchReply>(&m)) {
    return f->found || (f->value.empty() && !f->shared_value);
  } else if (auto* w = std::get_if<WorkerEvents>(&m)) {
    for (const auto& e : w->events) {
      if (e.kind < static_cast<std::uint8_t>(WorkerEventKind::task) ||
          e.kind > static_cast<std::uint8_t>(WorkerEventKind::serve) || e.outcome > 1) return false;
    }
  } else if (auto* c = std::get_if<StreamCall>(&m)) {
    return c->op <= StreamCall::last;
  }
  return true;
}

/// The archive encode_parts writes with: fields go into a scratch archive, a byte vector
/// of at least `inline_limit` bytes is only referenced (its position in the scratch is
/// kept as an offset, since the scratch may still grow and move).
class GatherArchive {
 public:
  explicit GatherArchive(std::size_t inline_limit) : inline_limit_(inline_limit) {}

  template <class... Ts>
  GatherArchive& operator()(const Ts&... values) {
    (save(values), ...);
    return *this;
  }
  void write_size(std::uint64_t n) { scratch_.write_size(n); }
  /// A held value's archive form, preceded by its length like a byte vector.
  void write_held(const compss::detail::HeldValue& v) {
    std::vector<std::span<const std::byte>> parts;
    v.parts(parts);
    write_value(v.size(), parts);
  }
  void write_bytes(const void* data, std::size_t size) { scratch_.write_bytes(data, size); }

  /// The frame, its header filled in for a message of type `type`.
  EncodedFrame finish(MessageType type) {
    EncodedFrame f;
    f.scratch = scratch_.take();
    std::uint64_t total = f.scratch.size();
    std::size_t from = 0;
    auto scratch_part = [&](std::size_t to) {
      if (to > from) f.parts.emplace_back(f.scratch.data() + from, to - from);
      from = to;
    };
    for (const Reference& r : references_) {
      scratch_part(r.scratch_offset);
      f.parts.push_back(r.bytes);
      total += r.bytes.size();
    }
    scratch_part(f.scratch.size());
    put_le<std::uint32_t>(f.scratch.data(), frame_magic);
    put_le<std::uint16_t>(f.scratch.data() + 4, protocol_version);
    put_le<std::uint16_t>(f.scratch.data() + 6, static_cast<std::uint16_t>(type));
    put_le<std::uint64_t>(f.scratch.data() + 8, total - header_size);
    return f;
  }

 private:
  struct Reference {
    std::size_t scratch_offset;  // the value goes after this many scratch bytes
    std::span<const std::byte> bytes;
  };

  template <class T>
  void save(const T& v) {
    if constexpr (std::is_same_v<T, std::vector<std::byte>>) {
      const std::span<const std::byte> whole(v);
      write_value(v.size(), std::span(&whole, 1));
    } else if constexpr (compss::detail::HasMemberSerialize<T>) {
      const_cast<T&>(v).serialize(*this);  // the message structs' serialize is not const
    } else {
      scratch_(v);
    }
  }

  /// A value of `size` bytes in `parts`, preceded by its length: copied into the scratch
  /// when under the inline limit, else referenced.
  void write_value(std::uint64_t size, std::span<const std::span<const std::byte>> parts) {
    scratch_.write_size(size);
    for (std::span<const std::byte> p : parts) {
      if (size < inline_limit_) {
        scratch_.write_bytes(p.data(), p.size());
      } else if (!p.empty()) {
        references_.push_back({scratch_.bytes().size(), p});
      }
    }
  }

  std::size_t inline_limit_;
  OutputArchive scratch_;
  std::vector<Reference> references_;
};

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
      MessageType::shutdown, MessageType::data_release, MessageType::heartbeat,
      MessageType::clock_probe, MessageType::worker_events, MessageType::stream_call,
      MessageType::stream_reply, MessageType::data_evicted};
  return by_index[m.index()];
}

std::size_t EncodedFrame::size() const noexcept {
  std::size_t n = 0;
  for (auto part : parts) n += part.size();
  return n;
}

EncodedFrame encode_parts(const Message& m, std::size_t inline_limit) {
  GatherArchive out(inline_limit);
  std::byte header[header_size] = {};
  out.write_bytes(header, header_size);  // filled in by finish, once the length is known
  std::visit([&](const auto& v) { out(v); }, m);
  return out.finish(type_of(m));
}

std::vector<std::byte> encode(const Message& m) {
  // No value is referenced, so the scratch is the whole frame.
  return encode_parts(m, std::numeric_limits<std::size_t>::max()).scratch;
}

std::error_code decode_fetch_reply_prefix(std::span<const std::byte> prefix,
                                          std::uint64_t payload_size, DataFetchReply& out,
                                          std::uint64_t& value_size) noexcept {
  // Mirrors DataFetchReply::serialize: data_id, version, found, then the value's length
  // (native byte order, as the archive writes it).
  if (prefix.size() < fetch_reply_prefix_size || payload_size < fetch_reply_prefix_size) {
    return NetError::truncated;
  }
  std::uint8_t found = 0;
  std::uint64_t n = 0;
  std::memcpy(&out.data_id, prefix.data(), 8);
  std::memcpy(&out.version, prefix.data() + 8, 8);
  std::memcpy(&found, prefix.data() + 16, 1);
  std::memcpy(&n, prefix.data() + 17, 8);
  if (found > 1) return NetError::malformed_payload;
  std::uint64_t rest = payload_size - fetch_reply_prefix_size;
  if (n > rest) return NetError::malformed_payload;
  if (n < rest) return NetError::trailing_bytes;
  if (!found && n != 0) return NetError::malformed_payload;
  out.found = found != 0;
  out.shared_value.reset();
  value_size = n;
  return {};
}

std::error_code decode_header(std::span<const std::byte> bytes, FrameHeader& out,
                              std::uint64_t max_payload) noexcept {
  if (bytes.size() < header_size) return NetError::truncated;
  if (get_le<std::uint32_t>(bytes.data()) != frame_magic) return NetError::bad_magic;
  if (get_le<std::uint16_t>(bytes.data() + 4) != protocol_version) return NetError::unsupported_version;
  std::uint16_t type = get_le<std::uint16_t>(bytes.data() + 6);
  if (type < static_cast<std::uint16_t>(MessageType::hello) ||
      type > static_cast<std::uint16_t>(MessageType::data_evicted)) {
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
    case MessageType::heartbeat: return decode_as<Heartbeat>(payload, out);
    case MessageType::clock_probe: return decode_as<ClockProbe>(payload, out);
    case MessageType::worker_events: return decode_as<WorkerEvents>(payload, out);
    case MessageType::stream_call: return decode_as<StreamCall>(payload, out);
    case MessageType::stream_reply: return decode_as<StreamReply>(payload, out);
    case MessageType::data_evicted: return decode_as<DataEvicted>(payload, out);
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
