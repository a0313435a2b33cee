// The process-wide registry of task types for worker mode (remote_invoke.hpp).
#include <compss/detail/remote_invoke.hpp>

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace compss::detail {

namespace {
/// Looked up by string_view without making a std::string (a lookup per task submitted
/// and placed on the master: docs/performance.md, "The master's node").
struct SignatureHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
struct Registry {
  std::mutex mutex;
  std::unordered_map<std::string, RemoteTask, SignatureHash, std::equal_to<>> tasks;
};
// Constructed on first use: registrations run during static initialisation.
Registry& registry() {
  static Registry r;
  return r;
}
}  // namespace

// A task's entry is made by whichever registration runs first: register_task (from each
// translation unit calling it) or register_task_globals (from the one defining it); the
// order of static initialisation across translation units is unspecified.
bool register_task(const TaskSpec& spec, RemoteInvoker invoke, bool serializable,
                   const MakeValueSink* sinks) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  RemoteTask& t = r.tasks[spec.signature];
  if (t.invoke == nullptr) {
    t.spec = &spec;
    t.invoke = invoke;
    t.serializable = serializable;
    t.sinks = sinks;
  } else if (!serializable) {
    // Translation units may disagree (one saw a type complete, another did not): a task
    // one of them found unable to travel stays on the master.
    t.serializable = false;
  }
  return true;
}

bool register_task_globals(const char* signature, const GlobalVar* globals, std::size_t count,
                           const char* master_only) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  RemoteTask& t = r.tasks[signature];
  // An inline task defined in a header registers from every translation unit: the same.
  if (t.globals == nullptr && t.master_only == nullptr) {
    t.globals = globals;
    t.global_count = count;
    t.master_only = master_only;
  }
  return true;
}

const RemoteTask* find_remote_task(std::string_view signature) noexcept {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.tasks.find(signature);
  return it == r.tasks.end() || it->second.invoke == nullptr ? nullptr : &it->second;
}

}  // namespace compss::detail
