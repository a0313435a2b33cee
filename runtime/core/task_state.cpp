// The public TaskHeader's storage holds the runtime's TaskState (core/task_state.hpp).
#include "core/task_state.hpp"

namespace compss::detail {

TaskHeader::TaskHeader() noexcept { ::new (static_cast<void*>(bytes_)) rt::TaskState(); }

TaskHeader::~TaskHeader() { std::launder(reinterpret_cast<rt::TaskState*>(bytes_))->~TaskState(); }

std::uint64_t TaskBase::id() const noexcept { return rt::task_state(*this).id; }

}  // namespace compss::detail
