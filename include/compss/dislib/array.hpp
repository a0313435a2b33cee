// dislib::Array: a 2-D array of doubles split into blocks, each block a datum of the task
// model (the result of a task, passed to the tasks that read it). Operations submit block
// tasks and return at once; only collect() (and the estimators' fitted attributes) wait.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dislib {

/// Rows and columns of an array or of its blocks.
///
///   dislib::Shape s{1000, 10};
struct Shape {
  std::size_t rows = 0;
  std::size_t cols = 0;
  friend bool operator==(const Shape&, const Shape&) = default;
};

/// A dense matrix on the master, row-major (what collect() returns, what array() takes).
using Matrix = std::vector<std::vector<double>>;

namespace detail {
struct BlockGrid;  // dislib/src/block_grid.hpp: the blocks (futures) and where they start
}

/// A blocked 2-D array of doubles (bsc-wdc/dislib's ds-array). Values are immutable: every
/// operation returns a new Array whose blocks are the results of tasks; blocks an
/// operation does not change are shared, not copied. Blocks need not be equal: a slice
/// keeps the boundaries of the blocks it does not cut (rechunk() makes them regular).
/// Copying an Array is cheap (it shares its blocks). Not thread-safe: use an Array from
/// the thread that submits tasks (main).
///
///   dislib::Array x = dislib::random_array({1000, 4}, {250, 4}, 7);
///   dislib::Array y = (x * 2.0 + x).transpose();
///   dislib::Matrix m = y.collect();   // waits for the blocks
class Array {
 public:
  /// An empty 0 x 0 array.
  Array();
  explicit Array(std::shared_ptr<const detail::BlockGrid> grid);

  Shape shape() const;
  std::size_t rows() const { return shape().rows; }
  std::size_t cols() const { return shape().cols; }
  /// The shape of the first block (the regular block shape of arrays made by the
  /// creation functions and by rechunk).
  Shape block_shape() const;
  /// Number of blocks along each axis.
  Shape n_blocks() const;

  /// Gathers the whole array on the master (waits for its blocks).
  ///
  ///   dislib::Matrix m = x.collect();
  Matrix collect() const;

  /// Rows [row_begin, row_end) and columns [col_begin, col_end). Blocks entirely inside
  /// the range are shared (no task); only a block the range cuts gets a slicing task.
  ///
  ///   dislib::Array top = x.slice(0, 100, 0, x.cols());
  Array slice(std::size_t row_begin, std::size_t row_end, std::size_t col_begin,
              std::size_t col_end) const;
  /// Rows [begin, end), all columns.
  Array slice_rows(std::size_t begin, std::size_t end) const;
  /// Columns [begin, end), all rows.
  Array slice_cols(std::size_t begin, std::size_t end) const;

  /// The same values in blocks of `block_shape` (the last block of each axis may be
  /// smaller). Blocks that already have the asked bounds are shared.
  Array rechunk(Shape block_shape) const;

  /// The transpose: block (i, j) becomes the transposed block (j, i).
  Array transpose() const;

  /// Sum, mean, minimum, maximum, Euclidean norm along `axis` (0: of each column, a
  /// 1 x cols array; 1: of each row, a rows x 1 array), as numpy's.
  Array sum(int axis) const;
  Array mean(int axis) const;
  Array min(int axis) const;
  Array max(int axis) const;
  Array norm(int axis) const;

  /// Element-wise arithmetic; both arrays must have the same shape (their blocks may
  /// differ: the right one is rechunked to the left one's).
  friend Array operator+(const Array& a, const Array& b);
  friend Array operator-(const Array& a, const Array& b);
  friend Array operator*(const Array& a, const Array& b);
  friend Array operator/(const Array& a, const Array& b);
  friend Array operator+(const Array& a, double s);
  friend Array operator-(const Array& a, double s);
  friend Array operator*(const Array& a, double s);
  friend Array operator/(const Array& a, double s);
  friend Array operator*(double s, const Array& a) { return a * s; }
  friend Array operator+(double s, const Array& a) { return a + s; }
  /// Element-wise power.
  Array pow(double exponent) const;

  /// The library's own access to the blocks (dislib/src).
  const detail::BlockGrid& grid() const { return *grid_; }

 private:
  std::shared_ptr<const detail::BlockGrid> grid_;
};

/// Matrix product a @ b: per output block, a chain of block GEMM tasks (cblas_dgemm) over
/// the inner blocks. a's column blocks and b's row blocks must match (b is rechunked to
/// a's column bounds when they do not).
///
///   dislib::Array c = dislib::matmul(a, b);
Array matmul(const Array& a, const Array& b);

/// An array of `shape` in blocks of `block_shape`, every element 0 / `value`.
Array zeros(Shape shape, Shape block_shape);
Array full(Shape shape, Shape block_shape, double value);
/// The n x n identity.
Array identity(std::size_t n, Shape block_shape);
/// Uniform [0, 1) values; the same seed and block shape give the same array in every run
/// and build (each block has its own generator, seeded from `seed` and its position).
Array random_array(Shape shape, Shape block_shape, unsigned long long seed);
/// An array holding `rows` (all of the same length), split into blocks of `block_shape`.
///
///   dislib::Array x = dislib::array({{1, 2}, {3, 4}}, {1, 2});
Array array(const Matrix& rows, Shape block_shape);

/// Text file of numbers, one row per line, separated by `delimiter` (a CSV file when
/// ','; any run of spaces/tabs when ' '). Lines starting with '#' and empty lines are
/// skipped. A malformed line throws compss::Error naming the file and line.
Array load_txt_file(const std::string& path, Shape block_shape, char delimiter = ',');
/// A numpy .npy file holding a 1-D or 2-D array of float64 (little-endian, C or Fortran
/// order); a 1-D array is one column.
Array load_npy_file(const std::string& path, Shape block_shape);
/// An svmlight/libsvm file ("label index:value ..." per line; indices 1-based, or 0-based
/// when one of them is 0, as scikit-learn's zero_based="auto"): returns
/// (x, y) with x of `n_features` columns (dense blocks) and y a column of the labels.
std::pair<Array, Array> load_svmlight_file(const std::string& path, Shape block_shape,
                                           std::size_t n_features);
/// Writes the array as a text file (one row per line, values with 17 significant digits).
void save_txt(const Array& a, const std::string& path, char delimiter = ',');

/// A function from one row (or column) to a row of values, for apply_along_axis. It must
/// be registered under a name in every process of a run (workers never run main):
/// register it at namespace scope.
///
///   static const bool reg = dislib::register_function("range",
///       [](const double* v, std::size_t n) { ... return std::vector<double>{...}; });
using AxisFunction = std::function<std::vector<double>(const double* values, std::size_t n)>;
bool register_function(const std::string& name, AxisFunction f);

/// numpy.apply_along_axis: the function registered as `name` applied to every column
/// (axis 0: a result of m values per column gives an m x cols array) or row (axis 1: a
/// rows x m array). Built in: "sum", "mean", "min", "max", "norm", "sort".
Array apply_along_axis(const std::string& name, int axis, const Array& a);

}  // namespace dislib
