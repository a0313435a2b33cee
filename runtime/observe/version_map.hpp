// A hash map from a datum version (data id, version) to a value, for the observers of
// observe/ that remember who made each version (the task graph's edges, the summary's
// bytes moved): open addressing in one array, so adding a version allocates nothing
// (the array doubles now and then) where a node-based map allocated a node per version.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace compss::rt::observe {

/// Inserts and finds; never removes (the observers keep every version made). A value
/// added starts value-initialised (zero for a trivial V).
/// Thread-safety: none (its owner's lock guards it).
///
///   VersionMap<std::uint32_t> makers;
///   makers.at_or_add(data, version) = type;
///   if (const std::uint32_t* t = makers.find(data, version)) ...
template <class V>
class VersionMap {
 public:
  V* find(std::uint64_t data, std::uint64_t version) {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = home(data, version);; i = (i + 1) & mask()) {
      Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.data == data && s.version == version) return &s.value;
    }
  }
  /// The value of (data, version), added (value-initialised) when it had none.
  V& at_or_add(std::uint64_t data, std::uint64_t version) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    for (std::size_t i = home(data, version);; i = (i + 1) & mask()) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = Slot{data, version, V{}, true};
        ++size_;
        return s.value;
      }
      if (s.data == data && s.version == version) return s.value;
    }
  }
  std::size_t size() const noexcept { return size_; }

 private:
  /// Trivial when V is (no member initialisers): a new array is then zeroed in one go
  /// (value-initialised: not used) instead of constructed slot by slot.
  struct Slot {
    std::uint64_t data;
    std::uint64_t version;
    V value;
    bool used;
  };
  std::size_t mask() const noexcept { return slots_.size() - 1; }
  std::size_t home(std::uint64_t data, std::uint64_t version) const noexcept {
    std::uint64_t h = (data * 0x9E3779B97F4A7C15ull) ^ (version + 0x632BE59BD9B4E019ull + (data << 6));
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return static_cast<std::size_t>(h) & mask();
  }
  /// Doubles the array (at most half full: probes stay short) and places every slot again.
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_ = std::vector<Slot>(old.empty() ? 64 : old.size() * 2);  // (value-initialised: none used)
    size_ = 0;
    for (Slot& s : old)
      if (s.used) at_or_add(s.data, s.version) = std::move(s.value);
  }

  std::vector<Slot> slots_;  ///< a power of two long
  std::size_t size_ = 0;
};

}  // namespace compss::rt::observe
