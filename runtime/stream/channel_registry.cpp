// The process's streams by id, for the stream service (docs/streams.md, "Streams across
// workers"): a worker's task names the stream by the id the master gave it.
#include <compss/detail/stream_remote.hpp>

#include <atomic>
#include <map>
#include <mutex>

namespace compss::detail {

namespace {

std::mutex registry_mutex;
std::map<std::uint64_t, std::weak_ptr<StreamChannel>> channels;  // under registry_mutex
std::atomic<std::uint64_t> last_attempt{0};

}  // namespace

void register_stream_channel(const std::shared_ptr<StreamChannel>& channel) {
  std::lock_guard lock(registry_mutex);
  std::erase_if(channels, [](const auto& entry) { return entry.second.expired(); });
  channels[channel->id()] = channel;
}

std::shared_ptr<StreamChannel> find_stream_channel(std::uint64_t id) {
  std::lock_guard lock(registry_mutex);
  auto it = channels.find(id);
  return it == channels.end() ? nullptr : it->second.lock();
}

std::uint64_t next_stream_attempt() noexcept { return ++last_attempt; }

}  // namespace compss::detail
