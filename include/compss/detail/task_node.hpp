// Task nodes and parameter descriptors: what call_task hands to the runtime.
#pragma once

#include <compss/detail/array_section.hpp>
#include <compss/detail/value_sink.hpp>
#include <compss/detail/task_spec.hpp>
#include <compss/serialize.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

namespace compss::detail {

/// Identity of a datum: an object (or future) by address, or a file by normalised path.
struct DataKey {
  enum class Tag : std::uint8_t { none, address, file };
  Tag tag = Tag::none;
  std::uintptr_t address = 0;
  std::string_view path;  // points into the task node (Tag::file)

  static DataKey of(const void* p) noexcept {
    return p == nullptr ? DataKey{} : DataKey{Tag::address, reinterpret_cast<std::uintptr_t>(p), {}};
  }
  static DataKey of_file(std::string_view normalised) noexcept {
    return DataKey{Tag::file, 0, normalised};
  }
};

/// Serialization hooks for one parameter type: a static table per type, so building a
/// descriptor allocates nothing.
struct ParamVTable {
  void (*save)(const void* object, OutputArchive& out);
  void (*load)(void* object, InputArchive& in);
  /// For a contiguous type: a sink that receives a fetched value straight into the object
  /// (value_sink.hpp); null otherwise (the value is loaded from bytes).
  MakeSinkInto sink_into = nullptr;
  /// The object is a SectionRef (an array section: section_vtable<T>), not a T.
  bool section = false;
};

template <class T>
inline constexpr ParamVTable param_vtable{
    [](const void* o, OutputArchive& out) { out(*static_cast<const T*>(o)); },
    [](void* o, InputArchive& in) { in(*static_cast<T*>(o)); }, sink_into_maker<T>()};

/// The vtable for T, or nullptr when T cannot be serialized.
template <class T>
constexpr const ParamVTable* vtable_for() noexcept {
  using U = std::remove_cv_t<T>;
  if constexpr (!std::is_void_v<U> && !std::is_function_v<U> && is_serializable_v<U>) {
    return &param_vtable<U>;
  } else {
    return nullptr;
  }
}

/// A future's value slot (std::optional<U>) travels as a U, the type a task parameter or
/// result has on a worker; loading fills the slot.
template <class U>
inline constexpr ParamVTable optional_value_vtable{
    [](const void* o, OutputArchive& out) { out(**static_cast<const std::optional<U>*>(o)); },
    [](void* o, InputArchive& in) {
      auto& slot = *static_cast<std::optional<U>*>(o);
      if (!slot) slot.emplace();
      in(*slot);
    },
    optional_sink_into_maker<U>()};

/// The vtable of a future slot holding U, or nullptr when U cannot travel.
template <class U>
constexpr const ParamVTable* optional_vtable_for() noexcept {
  if constexpr (is_serializable_v<U> && std::is_default_constructible_v<U>) {
    return &optional_value_vtable<U>;
  } else {
    return nullptr;
  }
}

/// A by-value parameter of type V passed an object of type S != V: travels converted to V;
/// it is never loaded back (`load` is null: the master must send it inline).
template <class S, class V>
inline constexpr ParamVTable converting_vtable{
    [](const void* o, OutputArchive& out) {
      const V v(*static_cast<const S*>(o));
      out(v);
    },
    nullptr};

/// The vtable that sends an S as a by-value V parameter, or nullptr when V cannot travel.
template <class S, class V>
constexpr const ParamVTable* converting_vtable_for() noexcept {
  if constexpr (std::is_same_v<std::remove_cv_t<S>, V>) {
    return vtable_for<V>();
  } else if constexpr (is_serializable_v<V>) {
    return &converting_vtable<S, V>;
  } else {
    return nullptr;
  }
}

/// Type-erased view of one task parameter (or of the result, as an `out` access after the
/// declared parameters): its datum key, direction, kind, the object itself and how to
/// (de)serialize it. The registry fills data_id and version.
struct ParamDescriptor {
  DataKey key;
  Direction direction = Direction::in;
  ParamKind kind = ParamKind::object;
  /// By-value parameter passed an lvalue: depends on the object only while a task that
  /// writes it is pending (then `deferred` is set and the copy is taken when the task runs);
  /// otherwise the value is copied at submission.
  bool copy_in = false;
  bool deferred = false;
  /// The key is a Future's shared state (FutureStateBase): a task's result. A failure that
  /// marks it "never produced" flags the state, so the mark goes when the state does.
  bool future = false;
  void* object = nullptr;
  const ParamVTable* vtable = nullptr;
  std::uint64_t data_id = 0;
  std::uint64_t version = 0;
  /// ParamKind::collection: one descriptor per element (each its own datum, with this
  /// parameter's direction), registered after the container itself (an `in` access).
  ParamDescriptor* elements = nullptr;
  std::uint32_t element_count = 0;

  /// True if the parameter can travel through an archive.
  bool serializable() const noexcept { return vtable != nullptr && object != nullptr; }
  /// The array's memory when the parameter is an array section, else nullptr.
  const SectionRef* section() const noexcept {
    return vtable != nullptr && vtable->section ? static_cast<const SectionRef*>(object) : nullptr;
  }
  /// Writes the parameter's current value.
  void save(OutputArchive& out) const { vtable->save(object, out); }
  /// Overwrites the parameter's value from `in`.
  void load(InputArchive& in) const { vtable->load(object, in); }
};

/// Storage inside every task that the runtime owns (runtime/core/task_state.hpp: reference
/// counts, successors, completion, failure handling, placement). Opaque here: generated
/// code never reads it. Its size is fixed so that a task stays one allocation (no second
/// one for the runtime's state: the local per-task cost is a few hundred ns); the runtime
/// checks at compile time that its state fits. libcompss constructs and destroys it, so
/// only a program linked with the runtime (built with compss-cc) makes tasks.
class TaskHeader {
 public:
  static constexpr std::size_t size = 128;
  static constexpr std::size_t alignment = 8;

  TaskHeader() noexcept;  // runtime/core/task_state.cpp
  ~TaskHeader();
  TaskHeader(const TaskHeader&) = delete;
  TaskHeader& operator=(const TaskHeader&) = delete;

  void* storage() noexcept { return bytes_; }
  const void* storage() const noexcept { return bytes_; }

 private:
  alignas(alignment) std::byte bytes_[size];
};

/// A submitted task as generated code builds it: the hooks the runtime calls, the task's
/// spec and parameter descriptors, and the implementation the runtime chose for an
/// attempt. The derived TaskNode (call_task.hpp) holds the arguments; one allocation per
/// task. Everything else about the task is the runtime's (TaskHeader).
class TaskBase {
 public:
  TaskBase() = default;
  TaskBase(const TaskBase&) = delete;
  TaskBase& operator=(const TaskBase&) = delete;
  virtual ~TaskBase() = default;

  /// Runs the task body (may throw).
  virtual void run() = 0;
  /// Called once dependencies are registered, before the task can start.
  virtual void prepare() noexcept {}
  /// Called after the body ran or was skipped.
  virtual void complete() noexcept {}
  /// How an attempt ended (null: it returned; else the failure's message). Stream
  /// parameters need it (a failed producer closes with the error): the task calls it
  /// itself when it runs here; a master learns it from the worker's answer.
  virtual void attempt_ended(const char* failure) noexcept { (void)failure; }
  /// `on_failure(ignore, returns=...)`: stores the default as the task's result after a
  /// failure; false when the task has no default (or computing it threw).
  virtual bool set_default_result() noexcept { return false; }

  const TaskSpec& spec() const noexcept { return *spec_; }
  const ParamDescriptor* params() const noexcept { return params_; }
  std::size_t param_count() const noexcept { return param_count_; }
  /// The task's number, assigned by the runtime at submission (0 before).
  std::uint64_t id() const noexcept;  // runtime/core/task_state.cpp

  /// The TaskSpec of the implementation chosen (implementation_spec().name says what ran).
  const TaskSpec& implementation_spec() const noexcept {
    return implementation == 0 ? *spec_ : *spec_->versions[implementation - 1];
  }

  /// The runtime's state of this task (runtime/core/task_state.hpp, rt::task_state).
  TaskHeader& runtime_header() noexcept { return header_; }
  const TaskHeader& runtime_header() const noexcept { return header_; }

  // ---- set by the generated constructor (TaskNode) -------------------------------------
  const TaskSpec* spec_ = nullptr;
  ParamDescriptor* params_ = nullptr;  // the runtime fills each one's data_id and version
  std::uint32_t param_count_ = 0;
  /// The implementation the scheduler chose for this attempt: 0 the task itself, i > 0
  /// its version spec().versions[i - 1] (`implement`). Set before the attempt starts, by
  /// the node executor the scheduler placed it on; read by run() and by the remote request.
  std::uint32_t implementation = 0;

 private:
  TaskHeader header_;
};

}  // namespace compss::detail
