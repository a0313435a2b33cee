#include "net/master/worker_data_links.hpp"

#include "core/runtime.hpp"
#include "net/peer_fetch.hpp"
#include "net/remote_events.hpp"
#include "net/worker_link.hpp"

namespace compss::net {

std::string WorkerDataLinks::data_address(int node) const { return link(node).data_address(); }

bool WorkerDataLinks::shares_files(int node) const { return link(node).hello().shared_files; }

void WorkerDataLinks::release(int node, std::uint64_t id, std::uint64_t version,
                              bool only_this) noexcept {
  const auto n = static_cast<std::size_t>(node);
  if (node > 0 && n < links_.size() && links_[n]) links_[n]->release(id, version, only_this);
}

bool WorkerDataLinks::fetch(int node, std::uint64_t id, std::uint64_t version,
                            const detail::SinkFactory& make_sink,
                            std::shared_ptr<const detail::HeldValue>& out, std::string& why) {
  const rt::EventTime began = runtime_.events().any() ? rt::event_now() : 0;  // task events
  const bool fetched = fetcher_.fetch(link(node).data_address(), id, version, make_sink, out, why);
  if (fetched && began != 0 && out) events_.fetched(id, version, out->size(), node, began);
  return fetched;
}

void WorkerDataLinks::fetch_many(
    int node, std::span<const std::pair<std::uint64_t, std::uint64_t>> versions,
    const std::function<void(std::size_t, const detail::HeldValue*)>& each) {
  // Task events: each value's transfer runs from the previous one's arrival.
  rt::EventTime began = runtime_.events().any() ? rt::event_now() : 0;
  fetcher_.fetch_many(link(node).data_address(), versions,
                      [&](std::size_t i, const detail::HeldValue* value) {
                        if (began != 0 && value != nullptr) {
                          events_.fetched(versions[i].first, versions[i].second,
                                          value->size(), node, began);
                          began = rt::event_now();
                        }
                        each(i, value);
                      });
}

bool WorkerDataLinks::run_failed() const { return runtime_.failed(); }

CallResult WorkerDataLinks::call(int node, TaskRequest& request) {
  if (node == 0) return run_on_master_(request);
  return link(node).call(request);
}

}  // namespace compss::net
