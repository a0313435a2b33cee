// make_runtime: a Runtime whose tasks run on a LocalExecutor of `threads` threads, with the
// backend `make_backend` builds over that executor. core/ knows only the TaskExecutor
// interface (core/task_executor.hpp); this is where the oneTBB executor is chosen for it.
#pragma once

#include "core/runtime.hpp"
#include "local/executor.hpp"

#include <functional>
#include <memory>

namespace compss::rt {

/// Builds the backend over the LocalExecutor made for the runtime (runtime/launch.cpp
/// chooses LocalBackend or net::Cluster).
using LocalBackendFactory = std::function<std::unique_ptr<Backend>(Runtime&, LocalExecutor&)>;

/// The Runtime with a LocalExecutor of `threads` threads (its task slots) and the backend
/// `make_backend` makes over it; `progress`: the progress line (COMPSS_PROGRESS). Throws
/// what `make_backend` throws.
///
///   auto rt = make_runtime(threads, false, [](Runtime&, LocalExecutor& e) -> std::unique_ptr<Backend> {
///     return std::make_unique<LocalBackend>(e);
///   });
std::unique_ptr<Runtime> make_runtime(unsigned threads, bool progress, const LocalBackendFactory& make_backend);

}  // namespace compss::rt
