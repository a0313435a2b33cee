// The data registry: for every datum (object address, future state, file path) its id,
// version, the task that wrote the latest version and the tasks that read it since.
// Touched only under the runtime's registry mutex.
#pragma once

#include <compss/detail/task_node.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace compss::rt {

using detail::DataKey;
using detail::ParamDescriptor;
using detail::TaskBase;

/// Registry state of one datum. Holds a reference on each task it names.
struct Datum {
  std::uint64_t id = 0;
  std::uint64_t version = 0;
  TaskBase* writer = nullptr;
  std::vector<TaskBase*> readers;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry() { clear(); }

  /// Records the access of task `t` described by `d` and adds the dependency edges it
  /// implies (RAW for in; WAW and WAR for out/inout). Fills d.data_id and d.version.
  void access(TaskBase* t, ParamDescriptor& d);

  /// Appends (with a reference) every unfinished task that accesses the datum.
  void collect(const DataKey& key, std::vector<TaskBase*>& out);

  /// Like collect for `count` addresses `stride` bytes apart from `begin`.
  void collect_range(std::uintptr_t begin, std::size_t count, std::size_t stride,
                     std::vector<TaskBase*>& out);

  /// Drops data whose tasks have all finished, if the registry has grown enough.
  void maybe_prune() {
    if (objects_.size() + files_.size() >= prune_at_) prune();
  }
  void prune();

  /// Forgets everything (releasing task references).
  void clear();

  std::size_t size() const noexcept { return objects_.size() + files_.size(); }

 private:
  Datum* find(const DataKey& key);
  Datum& find_or_create(const DataKey& key);
  void add_reader(Datum& d, TaskBase* t);
  static void collect_datum(Datum& d, std::vector<TaskBase*>& out);
  static bool idle(Datum& d);
  static void release_all(Datum& d);

  std::unordered_map<std::uintptr_t, Datum> objects_;
  std::unordered_map<std::string, Datum, StringHash, std::equal_to<>> files_;
  std::uint64_t next_id_ = 1;
  std::size_t prune_at_ = min_prune;
  static constexpr std::size_t min_prune = 4096;
};

}  // namespace compss::rt
