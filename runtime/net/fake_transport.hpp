// An in-process transport for tests: two endpoints joined by memory queues. Every message
// is encoded and decoded on the way, so the codec is exercised as over TCP.
#pragma once

#include "net/endpoint.hpp"

#include <memory>
#include <utility>

namespace compss::net {

/// Two connected in-memory endpoints: what one sends, the other receives.
///
///   auto [master, worker] = make_fake_pair();
///   master->send(Shutdown{});
std::pair<std::shared_ptr<Endpoint>, std::shared_ptr<Endpoint>> make_fake_pair();

}  // namespace compss::net
