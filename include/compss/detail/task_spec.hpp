// Static description of a task type, emitted by compss-cc into every translation unit
// that calls the task. See docs/architecture.md, "The generated-code contract".
#pragma once

#include <cstddef>
#include <cstdint>

namespace compss::detail {

/// How a task accesses one of its parameters (SPEC section 2).
enum class Direction : std::uint8_t {
  in,           ///< reads it
  out,          ///< writes it; the old value is not needed
  inout,        ///< reads and writes it
  concurrent,   ///< tasks sharing it may run at once; the user owns coherence
  commutative,  ///< tasks sharing it run in any order, never at once
  in_delete,    ///< read once, then the runtime may drop its copies
};

/// What a parameter denotes.
enum class ParamKind : std::uint8_t {
  object,      ///< the object itself
  file,        ///< a file named by a path value
  directory,   ///< a directory named by a path value
  collection,  ///< a std::vector (or span) whose elements are separate data
  stream,      ///< a compss::ObjectStream<T>& or compss::FileStream&
};

/// One parameter of a task, in declaration order.
struct ParamSpec {
  Direction direction;
  ParamKind kind;
  const char* name;
  /// A pointer named with an extent (`inout(diag[n])`): an array section, which travels as
  /// its elements (compss-cc emits `true`; call sites pass `section(p, n)`).
  bool section = false;
};

/// What happens when a task fails (the `on_failure` clause; COMPSs meanings).
enum class OnFailure : std::uint8_t { retry, cancel_successors, fail, ignore };

/// What runs when the task runs: the function's body, an external program, an MPI program,
/// or the body of a task given several nodes (`multinode`).
enum class TaskKind : std::uint8_t { function, binary, mpi, multinode };

/// One `key=value` of a `constraint(...)` clause or pragma, values as written (strings
/// unquoted). Keys are canonical: aliases (`cores`, `memory`) are resolved by compss-cc.
struct Constraint {
  const char* key;
  const char* value;
};

/// A task type. `signature` is the function's signature as Clang prints it: the stable
/// id that every translation unit, master and worker agree on. Fields after
/// `param_count` have defaults; compss-cc emits them with designated initializers, in
/// declaration order, only where they differ from the default.
///
///   static constexpr ::compss::detail::TaskSpec __compss_task_0{
///       "multiply", "void multiply(const Block &, Block &)", __compss_params_0, 2};
///   static constexpr ::compss::detail::TaskSpec __compss_task_1{
///       .name = "train", .signature = "double train(int)", .params = __compss_params_1,
///       .param_count = 1, .on_failure = ::compss::detail::OnFailure::ignore,
///       .time_out = 30.0};
struct TaskSpec {
  const char* name;
  const char* signature;
  const ParamSpec* params;
  std::size_t param_count;
  bool priority = false;                    ///< `priority`: scheduled before others
  OnFailure on_failure = OnFailure::retry;  ///< `on_failure(...)`
  double time_out = 0.0;                    ///< `time_out(seconds)`; 0 is none
  bool replicated = false;                  ///< `replicated`: runs on every node
  bool distributed = false;                 ///< `distributed`: round-robin over nodes
  const Constraint* constraints = nullptr;  ///< `constraint(...)`, clause and pragma
  std::size_t constraint_count = 0;
  TaskKind kind = TaskKind::function;
  /// `#pragma compss implement(name)`: the signature of the task this is a version of.
  const char* implements = nullptr;
  /// binary(...) / mpi(...) / multinode(...) settings as written, as `key=value` pairs.
  const Constraint* launch = nullptr;
  std::size_t launch_count = 0;
  /// compss-cc found a parameter or result that cannot travel, which C++ alone may not
  /// see (a trivially copyable class with a pointer member): every call runs on the master.
  bool master_only = false;
  /// The versions of this task (functions with `implement(this task)`) that the calling
  /// translation unit declares, in declaration order. A call may run this task or any of
  /// them: the scheduler picks one whose constraints fit a free node. The call site passes
  /// their functions in the same order (call_task's `Version<...>` arguments).
  const TaskSpec* const* versions = nullptr;
  std::size_t version_count = 0;
};

/// True when the task has a stream_in / stream_out parameter.
constexpr bool has_stream_param(const TaskSpec& spec) {
  for (std::size_t i = 0; i < spec.param_count; ++i) {
    if (spec.params[i].kind == ParamKind::stream) return true;
  }
  return false;
}

}  // namespace compss::detail
