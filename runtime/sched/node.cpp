#include "sched/node.hpp"

namespace compss::sched {

Node::Node(NodeId id, std::string name, Resources total)
    : id_(id), name_(std::move(name)), total_(std::move(total)), free_(total_.capacity()) {
  free_cpus_ = IdSet::first(free_.cpus());
  free_gpus_ = IdSet::first(free_.gpus());
}

void Node::take(IdSet& free, std::uint32_t count, std::vector<std::uint32_t>& out) {
  out.clear();
  out.reserve(count);
  for (std::uint32_t i = free.next(0); i != IdSet::npos && out.size() < count; i = free.next(i + 1)) {
    out.push_back(i);
  }
  for (std::uint32_t i : out) free.erase(i);
}

bool Node::try_reserve(const Capacity& demand, NodeShare& share) {
  if (!free_.covers(demand)) return false;
  free_ -= demand;
  share.node = id_;
  share.reserved = demand;
  take(free_cpus_, demand.cpus(), share.cpus);
  take(free_gpus_, demand.gpus(), share.gpus);
  ++running_;
  return true;
}

void Node::release(const NodeShare& share) {
  free_ += share.reserved;
  for (std::uint32_t i : share.cpus) free_cpus_.insert(i);
  for (std::uint32_t i : share.gpus) free_gpus_.insert(i);
  --running_;
}

}  // namespace compss::sched
