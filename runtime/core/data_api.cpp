// The data-management entry points declared in <compss/detail/data_api.hpp>.
#include "core/runtime.hpp"

#include <compss/detail/call_task.hpp>
#include <compss/detail/data_api.hpp>
#include <compss/detail/future_state.hpp>
#include <compss/detail/runtime_api.hpp>

#include <filesystem>
#include <string>
#include <system_error>

namespace compss::rt {

void Runtime::drop(const DataKey& key) {
  std::lock_guard lock(registry_mutex_);
  registry_.drop(key);
}

}  // namespace compss::rt

namespace compss::detail {

namespace {

void remove_file(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);  // a missing file is not an error
}

// The removal runs as a task that writes the file: after its pending accesses, before
// the later ones. It runs on the master: the path is the user's file there, and a worker
// that does not share the master's files (--shared-fs no) would remove only its own copy.
constexpr ParamSpec remove_params[] = {{Direction::out, ParamKind::file, "path"}};
constexpr TaskSpec remove_task{.name = "compss::delete_file",
                               .signature = "void remove_file(const std::string &)",
                               .params = remove_params,
                               .param_count = 1,
                               .master_only = true};

}  // namespace

void delete_object(const void* address) {
  if (in_task()) return;
  if (rt::Runtime* r = rt::current_runtime()) r->drop(DataKey::of(address));
}

void delete_future(FutureStateBase& state) { delete_object(&state); }

void delete_file(std::string_view path) {
  std::string key = normalize_path(path);
  rt::Runtime* r = rt::current_runtime();
  if (in_task() || r == nullptr) {
    remove_file(key);
    return;
  }
  call_task<remove_task, &remove_file>(key);
  r->drop(DataKey::of_file(key));
}

void wait_file_access(std::string_view path, bool writers_only) {
  if (in_task()) return;
  rt::Runtime* r = rt::current_runtime();
  if (r == nullptr) return;
  std::string key = normalize_path(path);
  r->wait_key(DataKey::of_file(key), writers_only);
  r->throw_if_failed();
}

}  // namespace compss::detail
