#include "core/groups.hpp"

#include "core/runtime.hpp"

#include <compss/detail/runtime_api.hpp>
#include <compss/error.hpp>
#include <compss/exception.hpp>
#include <compss/task_group.hpp>

namespace compss::rt {

namespace {
thread_local GroupState* tls_group = nullptr;

void wait_group(GroupState* g) noexcept {
  if (g->pending.load(std::memory_order_seq_cst) == 0) return;
  g->waiters.fetch_add(1, std::memory_order_seq_cst);
  for (;;) {
    std::uint32_t n = g->pending.load(std::memory_order_seq_cst);
    if (n == 0) break;
    g->pending.wait(n, std::memory_order_seq_cst);
  }
  g->waiters.fetch_sub(1, std::memory_order_relaxed);
}

/// Takes the group's exception (it is rethrown once) into `out`.
bool take_exception(GroupState* g, compss::Exception& out) {
  std::lock_guard lock(g->mutex);
  if (!g->has_exception) return false;
  out = compss::Exception(g->message, g->task, g->task_id);
  g->has_exception = false;
  return true;
}
}  // namespace

void GroupState::release() noexcept {
  if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    if (parent != nullptr) parent->release();
    delete this;
  }
}

GroupState* current_group() noexcept { return tls_group; }

void join_group(GroupState* g) noexcept {
  g->add_ref();
  for (GroupState* x = g; x != nullptr; x = x->parent) {
    x->pending.fetch_add(1, std::memory_order_relaxed);
  }
}

void leave_group(GroupState* g) noexcept {
  for (GroupState* x = g; x != nullptr; x = x->parent) {
    if (x->pending.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
        x->waiters.load(std::memory_order_seq_cst) != 0) {
      x->pending.notify_all();
    }
  }
  g->release();
}

bool group_cancelled(const GroupState* g) noexcept {
  for (; g != nullptr; g = g->parent) {
    if (g->cancelled.load(std::memory_order_acquire)) return true;
  }
  return false;
}

std::string group_cancel_reason(GroupState* g) {
  for (; g != nullptr; g = g->parent) {
    if (g->cancelled.load(std::memory_order_acquire)) {
      std::lock_guard lock(g->mutex);
      return g->cancel_reason;
    }
  }
  return {};
}

void cancel_group_state(GroupState* g, const std::string& reason) {
  {
    std::lock_guard lock(g->mutex);
    if (g->cancel_reason.empty()) g->cancel_reason = reason;
  }
  g->cancelled.store(true, std::memory_order_release);
}

void raise_in_group(GroupState* g, const std::string& message, const std::string& task,
                    std::uint64_t task_id) {
  {
    std::lock_guard lock(g->mutex);
    if (!g->has_exception) {
      g->has_exception = true;
      g->message = message;
      g->task = task;
      g->task_id = task_id;
    }
  }
  cancel_group_state(g, "group '" + g->name + "' cancelled: task '" + task + "' (id " +
                            std::to_string(task_id) + ") threw compss::Exception: " + message);
}

GroupTable::~GroupTable() {
  for (auto& [name, g] : table_) g->release();
}

GroupState* GroupTable::open(std::string_view name, GroupState* parent) {
  auto* g = new GroupState;
  g->name = std::string(name);
  g->parent = parent;
  if (parent != nullptr) parent->add_ref();
  std::lock_guard lock(mutex_);
  if (!table_.try_emplace(g->name, g).second) {
    g->release();
    throw Error("compss: task group '" + std::string(name) +
                "' is already open (wait for it with barrier_group before reusing its name)");
  }
  g->add_ref();  // the caller's
  return g;
}

GroupState* GroupTable::find(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = table_.find(std::string(name));
  if (it == table_.end()) return nullptr;
  it->second->add_ref();
  return it->second;
}

void GroupTable::close(GroupState* g) {
  std::lock_guard lock(mutex_);
  auto it = table_.find(g->name);
  if (it == table_.end() || it->second != g) return;
  table_.erase(it);
  g->release();
}

}  // namespace compss::rt

// ---- the compss::detail entry points of <compss/task_group.hpp> -------------------------

namespace compss::detail {

void* group_begin(std::string_view name, bool /*implicit_barrier*/) {
  if (in_task()) return nullptr;  // task calls inside a task run inline: nothing to group
  rt::GroupState* g = rt::runtime().groups().open(name, rt::tls_group);
  rt::tls_group = g;
  return g;
}

void group_end(void* handle, bool implicit_barrier, bool may_throw) {
  auto* g = static_cast<rt::GroupState*>(handle);
  if (g == nullptr) return;
  rt::tls_group = g->parent;
  {
    std::lock_guard lock(g->mutex);
    g->scope_open = false;
  }
  rt::Runtime* r = rt::current_runtime();
  if (!implicit_barrier) {
    g->release();
    return;
  }
  rt::wait_group(g);
  if (r != nullptr) r->groups().close(g);
  compss::Exception e("");
  bool thrown = rt::take_exception(g, e);
  g->release();
  if (!may_throw) return;
  if (thrown) throw e;
  if (r != nullptr) r->throw_if_failed();
}

void group_barrier(std::string_view name) {
  if (in_task()) return;
  rt::Runtime* r = rt::current_runtime();
  rt::GroupState* g = r != nullptr ? r->groups().find(name) : nullptr;
  if (g == nullptr) {
    throw Error("compss: barrier_group: no open task group named '" + std::string(name) + "'");
  }
  rt::wait_group(g);
  bool closed;
  {
    std::lock_guard lock(g->mutex);
    closed = !g->scope_open;
  }
  if (closed) r->groups().close(g);
  compss::Exception e("");
  bool thrown = rt::take_exception(g, e);
  g->release();
  if (thrown) throw e;
  r->throw_if_failed();
}

void group_cancel(std::string_view name) {
  if (in_task()) return;
  rt::Runtime* r = rt::current_runtime();
  rt::GroupState* g = r != nullptr ? r->groups().find(name) : nullptr;
  if (g == nullptr) {
    throw Error("compss: cancel_group: no open task group named '" + std::string(name) + "'");
  }
  rt::cancel_group_state(g, "group '" + g->name + "' cancelled by cancel_group");
  r->pay_attention();
  g->release();
}

}  // namespace compss::detail
