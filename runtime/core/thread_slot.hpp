// thread_slot: the calling thread's slot in a local executor's arena, kept by that
// executor (local/executor.cpp's SlotKeeper) in a thread_local core can read, so the
// trace's attempt records read it with one compare instead of a virtual call per task.
#pragma once

#include <cstdint>

namespace compss::rt {

/// `slot` is valid while `of` is the keeping executor's key (TaskExecutor::slot_key());
/// 0: kept by none. A key, not an address: a later executor may get the address.
struct ThreadSlot {
  std::uint64_t of = 0;
  unsigned slot = 0;
};

/// Written only by the thread itself (no lock). Initial-exec: a plain load (libcompss is
/// never dlopen()ed).
[[gnu::tls_model("initial-exec")]] inline constinit thread_local ThreadSlot thread_slot{};

}  // namespace compss::rt
