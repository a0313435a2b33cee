// Paraver's text trace of a run: `<base>.prv` (the records), `<base>.pcf` (what the states,
// event types and values mean) and `<base>.row` (the names of CPUs, nodes and threads).
// One Paraver application; each node of the run is one of its tasks (Paraver's word), with
// thread 1 its runtime and the others its task threads and lanes (observe/trace_model.hpp). The resource
// model has one CPU per thread. Times in ns. docs/traces.md lists every event type.
#pragma once

#include "observe/trace_model.hpp"

#include <cstdint>
#include <string>

namespace compss::rt::observe::paraver {

// COMPSs' event types (the values COMPSs' own traces use), and ours after them.
inline constexpr std::uint32_t task_type = 8000000;       // task type (1..), 0 = end
inline constexpr std::uint32_t task_id = 8000002;         // task id, 0 = end
inline constexpr std::uint32_t transfer = 8000003;        // datum id in transfer, 0 = end
inline constexpr std::uint32_t transfer_size = 8000004;   // its bytes, 0 = end
inline constexpr std::uint32_t ready_count = 8000006;     // tasks ready, not started
inline constexpr std::uint32_t task_kind = 8000007;       // 1 = method, 0 = end
inline constexpr std::uint32_t cpus_requested = 8000008;  // CPUs the task asks for, 0 = end
inline constexpr std::uint32_t gpus_requested = 8000009;  // GPUs the task asks for, 0 = end
inline constexpr std::uint32_t memory_requested = 8000010;  // memory (MB) the task asks for, 0 = end
inline constexpr std::uint32_t api = 8001001;             // the program's calls into the runtime
inline constexpr std::uint32_t runtime_event = 8001002;   // the runtime's own work
inline constexpr std::uint32_t thread_type = 8001003;     // what a thread is (at time 0)
inline constexpr std::uint32_t task_outcome = 8001010;    // compss-cc: how an attempt ended
inline constexpr std::uint32_t clock_error = 8001011;     // compss-cc: a node's clock error bound (ns)
inline constexpr std::uint32_t placed_node = 8001012;     // compss-cc: the scheduler placed a task on node (1..)
inline constexpr std::uint32_t placed_task = 8001013;     // compss-cc: ... that task's id (also with 8001014)
inline constexpr std::uint32_t scheduler_wait = 8001014;  // compss-cc: ns a task waited for the scheduler's decision

// States.
inline constexpr int state_idle = 0;
inline constexpr int state_running = 1;
inline constexpr int state_waiting_message = 3;  // a worker takes a task's inputs
inline constexpr int state_blocking_send = 4;     // a worker answers, or serves data
inline constexpr int state_synchronization = 5;
inline constexpr int state_scheduling = 7;

/// Writes `<base>.prv`, `.pcf` and `.row`; `date` is the header's "dd/mm/yy at hh:mm".
/// Throws compss::Error when a file cannot be written.
void write(const TraceModel& model, const std::string& base, const std::string& date);

}  // namespace compss::rt::observe::paraver
