// Entry points of libcompss used by the inline parts of the public headers and by tests.
// Only meaningful when the program is built with compss-cc (`__COMPSS__` defined).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace compss::detail {

class TaskBase;
struct FutureStateBase;

/// Registers a fully built task node (dependencies, descriptors) and schedules it. The
/// runtime takes ownership of the node. Starts the runtime if needed.
void submit(TaskBase* task);

/// True on a thread that is currently executing a task body (nested calls run inline).
bool in_task() noexcept;

/// Blocks until no submitted task accesses the future's value; throws compss::Error when a
/// task has failed.
void wait_future(FutureStateBase& state);

/// Blocks until every submitted task that accesses the object at `address` has finished;
/// throws compss::Error when a task has failed.
void wait_object(const void* address);

/// Like wait_object for `count` objects starting at `begin`, `stride` bytes apart.
void wait_objects(const void* begin, std::size_t count, std::size_t stride);

/// Blocks until every submitted task that accesses the file has finished.
void wait_file(std::string_view path);

/// Blocks until every submitted task has finished; throws compss::Error when one failed.
void barrier(bool no_more_tasks);

/// Throws compss::Error if a task has failed.
void throw_if_failed();

/// Number of nodes tasks run on (compss::number_of_resources): 1 in a local run; in a
/// master-worker run, the live workers plus the master when it has cores.
unsigned runtime_nodes();

/// compss::request_resources / free_resources / snapshot (compss/resources.hpp).
void request_resources(unsigned n);
void free_resources(unsigned n);
void snapshot();

/// Absolute, lexically normalised form of a path: the datum key of a file.
std::string normalize_path(std::string_view path);

/// Implementation of run_main: exactly one of the two function pointers is set.
int run_main_impl(int argc, char** argv, int (*main_args)(int, char**), int (*main_noargs)());

// ---- for tests ------------------------------------------------------------------------

/// Starts the runtime now (it also starts lazily on the first task). Throws compss::Error
/// on a bad COMPSS_THREADS.
void start_runtime();

/// Waits for every task (ignoring failures), stops the executor and forgets all state,
/// including a recorded failure. The next task starts a fresh runtime.
void shutdown_runtime() noexcept;

/// Called for every submitted task after its dependencies are registered (tests only).
using SubmitHook = void (*)(const TaskBase& task);
void set_submit_hook(SubmitHook hook) noexcept;

/// Number of data the registry currently tracks (to check pruning).
std::size_t registry_size();

}  // namespace compss::detail
