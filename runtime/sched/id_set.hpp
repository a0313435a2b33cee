// A set of small dense ids (nodes of a run, cores or GPUs of a node) as a growable bitset:
// no fixed cap (a run may have thousands of nodes), and a scan skips 64 absent ids at a
// time. Not thread-safe: its owner's lock guards it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace compss::sched {

/// Ids from 0 up, stored one bit each.
///
///   IdSet s;
///   s.insert(1000);
///   for (std::uint32_t id = s.next(0); id != IdSet::npos; id = s.next(id + 1)) use(id);
class IdSet {
 public:
  static constexpr std::uint32_t npos = UINT32_MAX;

  IdSet() = default;
  /// The set {0, ..., count-1}.
  static IdSet first(std::uint32_t count) {
    IdSet s;
    for (std::uint32_t i = 0; i < count; ++i) s.insert(i);
    return s;
  }

  void insert(std::uint32_t id) {
    std::size_t w = id / 64;
    if (w >= words_.size()) words_.resize(w + 1, 0);
    words_[w] |= std::uint64_t{1} << (id % 64);
  }
  void erase(std::uint32_t id) noexcept {
    std::size_t w = id / 64;
    if (w < words_.size()) words_[w] &= ~(std::uint64_t{1} << (id % 64));
  }
  bool contains(std::uint32_t id) const noexcept {
    std::size_t w = id / 64;
    return w < words_.size() && ((words_[w] >> (id % 64)) & 1U) != 0;
  }
  bool empty() const noexcept {
    for (std::uint64_t w : words_) {
      if (w != 0) return false;
    }
    return true;
  }
  std::size_t count() const noexcept {
    std::size_t n = 0;
    for (std::uint64_t w : words_) n += static_cast<std::size_t>(std::popcount(w));
    return n;
  }
  void clear() noexcept { words_.clear(); }

  /// The smallest id >= `from` in the set, or npos.
  std::uint32_t next(std::uint32_t from) const noexcept { return next_in_both(from, nullptr); }

  /// The smallest id >= `from` in this set and in `other` (no temporary set), or npos.
  std::uint32_t next_in_both(std::uint32_t from, const IdSet* other) const noexcept {
    std::size_t w = from / 64;
    if (w >= words_.size()) return npos;
    std::uint64_t bits = word(w, other) & (~std::uint64_t{0} << (from % 64));
    while (true) {
      if (bits != 0) return static_cast<std::uint32_t>(w * 64 + std::countr_zero(bits));
      if (++w >= words_.size()) return npos;
      bits = word(w, other);
    }
  }

  friend bool operator==(const IdSet& a, const IdSet& b) noexcept {
    std::size_t n = a.words_.size() > b.words_.size() ? a.words_.size() : b.words_.size();
    for (std::size_t i = 0; i < n; ++i) {
      std::uint64_t x = i < a.words_.size() ? a.words_[i] : 0;
      std::uint64_t y = i < b.words_.size() ? b.words_[i] : 0;
      if (x != y) return false;
    }
    return true;
  }

 private:
  std::uint64_t word(std::size_t w, const IdSet* other) const noexcept {
    std::uint64_t bits = words_[w];
    if (other != nullptr) bits &= w < other->words_.size() ? other->words_[w] : 0;
    return bits;
  }

  std::vector<std::uint64_t> words_;
};

}  // namespace compss::sched
