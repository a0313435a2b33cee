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

struct GlobalSnapshot;  // runtime/net/global_values.hpp

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

/// A submitted task: graph state shared by all tasks; the derived TaskNode holds the
/// arguments. One allocation per task.
class TaskBase {
 public:
  enum State : std::uint32_t { submitted = 0, finished = 2 };
  static constexpr std::uint32_t inline_successors = 4;

  TaskBase() = default;
  TaskBase(const TaskBase&) = delete;
  TaskBase& operator=(const TaskBase&) = delete;
  virtual ~TaskBase() { delete succ_overflow; }

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
  std::uint64_t id() const noexcept { return id_; }
  const ParamDescriptor* params() const noexcept { return params_; }
  std::size_t param_count() const noexcept { return param_count_; }

  // ---- runtime-owned state --------------------------------------------------------------
  const TaskSpec* spec_ = nullptr;
  ParamDescriptor* params_ = nullptr;
  std::uint32_t param_count_ = 0;
  std::uint64_t id_ = 0;
  std::atomic<std::int32_t> refs{1};     // execution reference + registry references
  std::atomic<std::int32_t> pending{1};  // unfinished predecessors + submission guard
  std::atomic<std::uint32_t> state{submitted};
  std::atomic<std::uint32_t> waiters{0};
  std::atomic<bool> succ_lock{false};
  bool done = false;  // under succ_lock: no more successors may be added
  std::uint32_t succ_count = 0;
  TaskBase* succ_inline[inline_successors] = {};
  std::vector<TaskBase*>* succ_overflow = nullptr;
  /// Tokens of the commutative data the task accesses (runtime/core/exclusion.hpp), or null.
  void* exclusive = nullptr;
  // Failure handling (runtime/core/failure_policy.cpp, groups.hpp): the innermost group the
  // task was submitted in (or null), its stop token, how often it started, and who
  // finishes a task with a time-out (its thread or the watchdog: the first to claim it).
  void* group = nullptr;
  std::atomic<bool> stop{false};
  std::atomic<bool> finish_claimed{false};
  std::uint8_t attempts = 0;
  /// The task has a stream parameter: it runs on a thread of its own, not on a core's
  /// (docs/streams.md, "Threads"), since it may wait for other tasks while it runs.
  bool stream_task = false;
  /// Master-worker runs: the node the scheduler placed the task on (0 = the master), or -1.
  /// Atomic: the watchdog reads it (on_time_out) while the cluster moves the task.
  std::atomic<std::int32_t> node{-1};
  /// Master-worker runs: the values of the globals it reads, taken at submission (a task
  /// that reads none, or runs on the master: null).
  std::shared_ptr<const GlobalSnapshot> globals;
  /// The implementation the scheduler chose for this attempt: 0 the task itself, i > 0
  /// its version spec().versions[i - 1] (`implement`). Set before the attempt starts, by
  /// the node executor the scheduler placed it on; read by run() and by the remote request.
  std::uint32_t implementation = 0;

  /// The TaskSpec of the implementation chosen (implementation_spec().name says what ran).
  const TaskSpec& implementation_spec() const noexcept {
    return implementation == 0 ? *spec_ : *spec_->versions[implementation - 1];
  }

  void add_ref() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
  void release_ref() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
};

}  // namespace compss::detail
