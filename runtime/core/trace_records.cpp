#include "core/trace_records.hpp"

namespace compss::rt {

namespace {
std::atomic<std::uint64_t> next_serial{1};
}  // namespace

TraceRecords::TraceRecords(std::uint64_t max_records, bool counter_stamps)
    : serial_(next_serial.fetch_add(1, std::memory_order_relaxed)),
      counter_stamps_(counter_stamps && tsc_stamps_usable()),
      begin_(counter_stamps_ ? read_stamp_pair() : StampPair{}),
      budget_(max_records) {}

TraceRecords::ThreadLog* TraceRecords::attach() noexcept {
  try {
    const std::thread::id self = std::this_thread::get_id();
    std::lock_guard lock(logs_mutex_);
    ThreadLog* found = nullptr;
    for (auto& l : logs_) {
      if (l->thread == self) found = l.get();  // (an id is reused only once its thread ended)
    }
    if (found == nullptr) found = logs_.emplace_back(std::make_unique<ThreadLog>(budget_, self)).get();
    trace_detail::cached_log = {serial_, found};
    return found;
  } catch (...) {
    return nullptr;  // (no memory for a log: this event is lost, not counted)
  }
}

void TraceRecords::name_node(ThreadLog& log, std::size_t node, std::string_view name) noexcept {
  try {
    if (node >= log.node_names.size()) log.node_names.resize(node + 1);
    log.node_names[node] = name;
    if (node == 0) log.node0_named = !name.empty();
  } catch (...) {  // (out of memory: the node keeps its default name)
  }
}

std::uint64_t TraceRecords::memory_bytes() {
  std::lock_guard lock(logs_mutex_);
  std::uint64_t bytes = 0;
  for (const auto& l : logs_) bytes += l->records.bytes();
  return bytes;
}

}  // namespace compss::rt
