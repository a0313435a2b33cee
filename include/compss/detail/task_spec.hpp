// Static description of a task type, emitted by compss-cc into every translation unit
// that calls the task. See docs/architecture.md, "The generated-code contract".
#pragma once

#include <cstddef>
#include <cstdint>

namespace compss::detail {

/// How a task accesses one of its parameters.
enum class Direction : std::uint8_t { in, out, inout };

/// What a parameter denotes: the object itself, or a file named by a path value.
enum class ParamKind : std::uint8_t { object, file };

/// One parameter of a task, in declaration order.
struct ParamSpec {
  Direction direction;
  ParamKind kind;
  const char* name;
};

/// A task type. `signature` is the function's signature as Clang prints it: the stable
/// id that every translation unit, master and worker agree on.
///
///   static constexpr ::compss::detail::TaskSpec __compss_task_0{
///       "multiply", "void multiply(const Block &, Block &)", __compss_params_0, 2};
struct TaskSpec {
  const char* name;
  const char* signature;
  const ParamSpec* params;
  std::size_t param_count;
};

}  // namespace compss::detail
