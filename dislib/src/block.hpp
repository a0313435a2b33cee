// One block of a dislib::Array as the task model sees it: a std::vector<double> holding
// [rows, cols, values in row-major order]. A plain vector (not a struct) on purpose: the
// runtime keeps a vector of doubles on a worker as the object itself and sends it from
// its own memory (docs/distributed.md, "Values on a worker"), so a block is never
// serialized or copied on its way between tasks; a struct would be serialized once per
// output and copied once per read. These helpers are the only code that knows the layout.
#pragma once

#include <cstddef>
#include <vector>

namespace dislib::detail {

using Block = std::vector<double>;

inline constexpr std::size_t kBlockHeader = 2;

/// A rows x cols block of zeros.
inline Block make_block(std::size_t rows, std::size_t cols) {
  Block b(kBlockHeader + rows * cols, 0.0);
  b[0] = static_cast<double>(rows);
  b[1] = static_cast<double>(cols);
  return b;
}

/// The 0 x 0 block: an unused input slot of a reduction task.
inline Block empty_block() { return make_block(0, 0); }

inline std::size_t block_rows(const Block& b) { return static_cast<std::size_t>(b[0]); }
inline std::size_t block_cols(const Block& b) { return static_cast<std::size_t>(b[1]); }
inline bool block_empty(const Block& b) { return b.size() <= kBlockHeader; }
inline double* values(Block& b) { return b.data() + kBlockHeader; }
inline const double* values(const Block& b) { return b.data() + kBlockHeader; }
inline double& at(Block& b, std::size_t r, std::size_t c) {
  return b[kBlockHeader + r * block_cols(b) + c];
}
inline const double& at(const Block& b, std::size_t r, std::size_t c) {
  return b[kBlockHeader + r * block_cols(b) + c];
}

}  // namespace dislib::detail
