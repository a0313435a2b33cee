#include "core/event_ring.hpp"

#include <stdexcept>

namespace compss::rt {

EventRing::EventRing(std::uint32_t capacity)
    : mask_(capacity - 1), records_(new TraceRecord[capacity]()), seqs_(new std::atomic<std::uint64_t>[capacity]()),
      lengths_(new std::uint32_t[capacity]()) {
  if (capacity < 2 || (capacity & (capacity - 1)) != 0)
    throw std::invalid_argument("EventRing: the capacity must be a power of two, at least 2");
  scratch_.reserve(64);
}

}  // namespace compss::rt
