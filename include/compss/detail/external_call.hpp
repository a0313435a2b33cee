// Binary and MPI tasks (`#pragma compss binary(...)` / `mpi(...)`): the function has no
// body; calling it runs an external program whose command line is made from the pragma's
// settings and the arguments as text (docs/external_programs.md). This header turns the
// arguments into text; libcompss (runtime/exec/) builds the command and runs it.
#pragma once

#include <compss/detail/task_spec.hpp>

#include <charconv>
#include <concepts>
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace compss {
class FileStream;
template <class T>
class ObjectStream;
}  // namespace compss

namespace compss::detail {

/// One argument of an external task as text: one value, or a collection's elements (a
/// `{{p}}` standing alone in `args` becomes one argument per element).
struct ExternalArg {
  std::vector<std::string> values;
  bool list = false;
};

/// Runs the external program of `spec` (kind binary or mpi) with `args` (one per declared
/// parameter) and returns its exit code. Throws compss::Error when it cannot start (the
/// program is missing or not executable), when it is killed (time_out, cancelled group),
/// or, with fail_by_exit_value, when it exits non-zero. Defined in libcompss.
int run_external(const TaskSpec& spec, std::span<const ExternalArg> args);

/// Kills (SIGKILL) the process groups of the external programs running now: called by a
/// process that ends without waiting for its timed-out tasks, so that none outlives it.
void kill_external_programs() noexcept;

/// Enters a multinode task's body on this thread: checks that its allocation has the nodes
/// it asks for (throws compss::Error naming the task when it cannot have them) and makes
/// them what compss::this_task::nodes() returns. Defined in libcompss.
void begin_multinode(const TaskSpec& spec);
/// Leaves it (nodes() is empty again).
void end_multinode() noexcept;

/// begin_multinode / end_multinode around a multinode task's body.
struct MultinodeScope {
  explicit MultinodeScope(const TaskSpec& spec) { begin_multinode(spec); }
  ~MultinodeScope() { end_multinode(); }
  MultinodeScope(const MultinodeScope&) = delete;
  MultinodeScope& operator=(const MultinodeScope&) = delete;
};

template <class T>
concept ExternalStreamable = requires(std::ostream& os, const T& v) { os << v; };

template <class T>
struct is_object_stream : std::false_type {};
template <class T>
struct is_object_stream<ObjectStream<T>> : std::true_type {};

template <class T>
struct is_external_list : std::false_type {};
template <class T, class A>
struct is_external_list<std::vector<T, A>> : std::true_type {};
template <class T, std::size_t N>
struct is_external_list<std::span<T, N>> : std::true_type {};

/// One value as the program sees it: strings and paths as they are, numbers in their
/// shortest exact form, bool as true/false, a file stream as its directory on the node that
/// runs the program (the program writes its files there: docs/external_programs.md), anything
/// else through operator<<.
template <class T>
std::string external_text(const T& v) {
  using U = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<U, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_same_v<U, char>) {
    return std::string(1, v);
  } else if constexpr (std::is_arithmetic_v<U>) {
    char buffer[64];
    auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, r.ptr);
  } else if constexpr (std::is_same_v<U, std::filesystem::path>) {
    return v.string();
  } else if constexpr (std::is_same_v<U, FileStream>) {
    return v.base_dir().string();
  } else if constexpr (is_object_stream<U>::value) {
    static_assert(!is_object_stream<U>::value,
                  "compss: an ObjectStream cannot be an argument of a binary or MPI task (a "
                  "program cannot publish into it): use a compss::FileStream, whose argument "
                  "is its directory");
    return {};
  } else if constexpr (std::is_convertible_v<const U&, std::string_view>) {
    return std::string(std::string_view(v));
  } else if constexpr (std::is_pointer_v<U>) {
    static_assert(!std::is_pointer_v<U>,
                  "compss: a pointer cannot be an argument of a binary or MPI task");
    return {};
  } else {
    static_assert(ExternalStreamable<U>,
                  "compss: an argument of a binary or MPI task must be a string, a path, a "
                  "number, a std::vector of those, or a type with operator<<");
    std::ostringstream out;
    out << v;
    return out.str();
  }
}

/// The ExternalArg of one argument: a vector or span gives its elements (nested vectors
/// flattened), anything else one value.
template <class T>
void append_external(const T& v, ExternalArg& out) {
  using U = std::remove_cvref_t<T>;
  if constexpr (is_external_list<U>::value) {
    out.list = true;
    for (const auto& e : v) append_external(e, out);
  } else {
    out.values.push_back(external_text(v));
  }
}

template <class T>
ExternalArg external_arg(const T& v) {
  ExternalArg a;
  append_external(v, a);
  return a;
}

/// What a binary/MPI task call returns: nothing, or its exit code as an integer type.
template <class R>
inline constexpr bool external_result_ok_v = std::is_void_v<R> || std::is_integral_v<R>;

/// Runs task `Fn` with `args`: its body (a multinode task's knowing its nodes), or for a
/// binary/MPI task (which has none: `Fn` is
/// a null pointer of the function's type) the external program. The one place where the
/// local executor, a worker and a nested call run a task.
template <const TaskSpec& Spec, auto Fn, class... A>
decltype(auto) invoke_task_fn(A&&... args) {
  if constexpr (Spec.kind == TaskKind::function) {
    return Fn(std::forward<A>(args)...);
  } else if constexpr (Spec.kind == TaskKind::multinode) {
    const MultinodeScope nodes(Spec);
    return Fn(std::forward<A>(args)...);
  } else {
    using R = std::remove_cv_t<decltype(Fn(std::forward<A>(args)...))>;
    static_assert(external_result_ok_v<R>,
                  "compss: a binary or MPI task returns void or an integer (its exit code)");
    const ExternalArg list[] = {external_arg(args)..., ExternalArg{}};
    const int code = run_external(Spec, std::span<const ExternalArg>(list, sizeof...(A)));
    if constexpr (!std::is_void_v<R>) return static_cast<R>(code);
  }
}

}  // namespace compss::detail
