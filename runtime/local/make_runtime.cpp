#include "local/make_runtime.hpp"

namespace compss::rt {

std::unique_ptr<Runtime> make_runtime(unsigned threads, bool progress, const LocalBackendFactory& make_backend) {
  // The Runtime calls the executor's factory first, then the backend's, in its
  // constructor: the backend gets the executor as the concrete type it was made with.
  LocalExecutor* local = nullptr;
  return std::make_unique<Runtime>(
      progress,
      [threads, &local](Runtime& runtime) {
        auto executor = std::make_unique<LocalExecutor>(threads, runtime);
        local = executor.get();
        return executor;
      },
      [&local, &make_backend](Runtime& runtime, TaskExecutor&) { return make_backend(runtime, *local); });
}

}  // namespace compss::rt
