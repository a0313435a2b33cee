// Streams across machines (docs/streams.md, "Streams across workers"): what a stream task
// sent to a worker takes with it, and the runtime functions behind it (defined in
// libcompss: runtime/net/stream_service.cpp and stream_client.cpp, runtime/stream/).
//
// The master owns every stream's StreamChannel. A task with a stream parameter that runs on
// a worker gets a StreamTicket (the stream, the producer slot or consumer place the task
// took at submission, where the master's stream service listens); its handle there is a
// port that sends each operation to that service, which applies it to the channel.
#pragma once

#include <compss/detail/stream_channel.hpp>
#include <compss/serialize.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace compss::detail {

/// A stream parameter as it travels to a worker (the WireParam's value).
///
///   StreamTicket t{.stream = 3, .consumer = 7, .attempt = 12, .port = 41000};
struct StreamTicket {
  std::uint64_t stream = 0;    ///< the master's stream id
  std::uint64_t producer = 0;  ///< the task's producer slot (stream_out), else 0
  std::uint64_t consumer = 0;  ///< the task's consumer place (stream_in), else 0
  /// Grows with every request built for a task (so with each attempt): the service
  /// rewinds an at_least_once consumer at a newer attempt and refuses an older one.
  std::uint64_t attempt = 0;
  std::uint8_t mode = 0;       ///< compss::ConsumerMode
  std::string alias;
  std::string base_dir;        ///< FileStream: its directory (as the master names it)
  std::uint16_t port = 0;      ///< the master's stream service (its host: the worker's master)
  template <class A> void serialize(A& ar) {
    ar(stream, producer, consumer, attempt, mode, alias, base_dir, port);
  }
};

/// The codec of elements of type T, or null when T cannot travel.
template <class T>
const ElementCodec* codec_for() noexcept {
  if constexpr (is_serializable_v<T> && std::is_default_constructible_v<T>) {
    static const ElementCodec codec{
        [](const void* e) { return to_bytes(*static_cast<const T*>(e)); },
        [](std::span<const std::byte> b) -> std::shared_ptr<void> {
          auto value = std::make_shared<T>();
          from_bytes(b, *value);
          return value;
        }};
    return &codec;
  } else {
    return nullptr;
  }
}

/// File streams' elements: absolute paths, travelling as strings.
template <>
inline const ElementCodec* codec_for<std::filesystem::path>() noexcept {
  static const ElementCodec codec{
      [](const void* e) { return to_bytes(static_cast<const std::filesystem::path*>(e)->string()); },
      [](std::span<const std::byte> b) -> std::shared_ptr<void> {
        std::string s;
        from_bytes(b, s);
        return std::make_shared<std::filesystem::path>(std::move(s));
      }};
  return &codec;
}

// ---- defined in libcompss --------------------------------------------------------------

/// Lists a channel so the stream service can find it by id (open_channel calls it).
void register_stream_channel(const std::shared_ptr<StreamChannel>& channel);
/// The channel with this id, or null once it is gone.
std::shared_ptr<StreamChannel> find_stream_channel(std::uint64_t id);
/// The port of this process's stream service (0: none, not a master of a cluster run).
std::uint16_t stream_service_port() noexcept;
/// A new number for a task attempt's ticket (StreamTicket::attempt).
std::uint64_t next_stream_attempt() noexcept;
/// On the master: replaces each reference among `items` (an element a worker holds,
/// runtime/net/stream_elements.hpp) by the element, fetched from its holder (taken from it
/// when `mode` is at_most_once). Elements that are lost are removed from `items` (the
/// others stay, in order); returns why the first was lost ("" when none was).
std::string resolve_stream_elements(std::vector<std::shared_ptr<void>>& items, ConsumerMode mode);
/// On a worker: a port onto the master's stream `ticket` names, over a connection of its
/// own. Throws compss::Error when the service cannot be reached.
std::shared_ptr<StreamPort> open_remote_port(const StreamTicket& ticket, const ElementCodec* codec);

}  // namespace compss::detail
