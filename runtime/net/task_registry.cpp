// The process-wide registry of task types for worker mode (remote_invoke.hpp).
#include <compss/detail/remote_invoke.hpp>

#include <mutex>
#include <string>
#include <unordered_map>

namespace compss::detail {

namespace {
struct Registry {
  std::mutex mutex;
  std::unordered_map<std::string, RemoteTask> tasks;
};
// Constructed on first use: registrations run during static initialisation.
Registry& registry() {
  static Registry r;
  return r;
}
}  // namespace

bool register_task(const TaskSpec& spec, RemoteInvoker invoke, bool serializable,
                   const MakeValueSink* sinks) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto [it, added] =
      r.tasks.try_emplace(spec.signature, RemoteTask{&spec, invoke, serializable, sinks});
  // Translation units may disagree (one saw a type complete, another did not): a task one
  // of them found unable to travel stays on the master.
  if (!added && !serializable) it->second.serializable = false;
  return true;
}

const RemoteTask* find_remote_task(std::string_view signature) noexcept {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.tasks.find(std::string(signature));
  return it == r.tasks.end() ? nullptr : &it->second;
}

}  // namespace compss::detail
