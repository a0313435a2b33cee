// File loaders (text/CSV, .npy, svmlight) and save_txt. Files are read on the master,
// which makes each block a ready datum (what the tasks reading it are sent). Every parse
// error names the file and the line (or, for .npy, the header field) and what was wrong.
#include "block_grid.hpp"
#include "grid_builder.hpp"

#include <compss/dislib/array.hpp>
#include <compss/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace dislib {

namespace {

[[noreturn]] void fail(const std::string& path, std::size_t line, const std::string& what) {
  throw compss::Error("dislib: " + path + ":" + std::to_string(line) + ": " + what);
}

std::ifstream open_input(const std::string& path, std::ios::openmode mode = std::ios::in) {
  std::ifstream in(path, mode);
  if (!in) throw compss::Error("dislib: cannot open '" + path + "': " + std::strerror(errno));
  return in;
}

// One number from [p, end) (leading spaces allowed); advances p past it.
bool parse_number(const char*& p, const char* end, double& value) {
  while (p < end && (*p == ' ' || *p == '\t')) ++p;
  if (p == end) return false;
  std::string token;
  const char* q = p;
  while (q < end && *q != ' ' && *q != '\t' && *q != ',' && *q != ';' && *q != ':') ++q;
  token.assign(p, q);
  char* stop = nullptr;
  errno = 0;
  value = std::strtod(token.c_str(), &stop);
  if (token.empty() || *stop != '\0' || errno == ERANGE) return false;
  p = q;
  return true;
}

bool blank_or_comment(const std::string& line) {
  const auto first = line.find_first_not_of(" \t\r");
  return first == std::string::npos || line[first] == '#';
}

// Values of one text line split by `delimiter` (' ': runs of spaces/tabs).
std::vector<double> parse_text_line(const std::string& path, std::size_t number,
                                    std::string line, char delimiter) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<double> row;
  const char* p = line.data();
  const char* end = p + line.size();
  while (true) {
    double v = 0;
    const char* start = p;
    if (!parse_number(p, end, v)) {
      const char* q = start;
      while (q < end && (*q == ' ' || *q == '\t')) ++q;
      const char* e = q;
      while (e < end && *e != delimiter) ++e;
      fail(path, number, "field " + std::to_string(row.size() + 1) + " '" + std::string(q, e) +
                             "' is not a number");
    }
    row.push_back(v);
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    if (p == end) break;
    if (delimiter != ' ') {
      if (*p != delimiter)
        fail(path, number, std::string("expected the delimiter '") + delimiter + "' after field " +
                               std::to_string(row.size()) + ", found '" + *p + "'");
      ++p;
    }
  }
  return row;
}

}  // namespace

Array load_txt_file(const std::string& path, Shape block_shape, char delimiter) {
  std::ifstream in = open_input(path);
  std::string line;
  std::size_t number = 0, cols = 0;
  std::unique_ptr<detail::GridBuilder> builder;
  while (std::getline(in, line)) {
    ++number;
    if (blank_or_comment(line)) continue;
    std::vector<double> row = parse_text_line(path, number, line, delimiter);
    if (!builder) {
      cols = row.size();
      builder = std::make_unique<detail::GridBuilder>(cols, block_shape);
    } else if (row.size() != cols) {
      fail(path, number, "has " + std::to_string(row.size()) + " values, the first row has " +
                             std::to_string(cols));
    }
    builder->add_row(row.data());
  }
  if (in.bad()) throw compss::Error("dislib: error reading '" + path + "'");
  return builder ? builder->finish() : Array();
}

namespace {

// The value of `key` in a .npy header dict ("{'descr': '<f8', 'fortran_order': False,
// 'shape': (3, 4), }"), as written.
std::string header_field(const std::string& path, const std::string& header,
                         const std::string& key) {
  const auto k = header.find("'" + key + "'");
  if (k == std::string::npos) fail(path, 1, "the .npy header has no '" + key + "'");
  auto v = header.find(':', k);
  if (v == std::string::npos) fail(path, 1, "the .npy header's '" + key + "' has no value");
  ++v;
  while (v < header.size() && header[v] == ' ') ++v;
  std::size_t e = v;
  if (e < header.size() && header[e] == '(') {
    e = header.find(')', v);
    if (e == std::string::npos) fail(path, 1, "the .npy header's shape is not closed");
    return header.substr(v, e + 1 - v);
  }
  while (e < header.size() && header[e] != ',' && header[e] != '}') ++e;
  return header.substr(v, e - v);
}

}  // namespace

Array load_npy_file(const std::string& path, Shape block_shape) {
  std::ifstream in = open_input(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    fail(path, 1, "not a .npy file (no \\x93NUMPY magic)");
  const int major = static_cast<unsigned char>(magic[6]);
  std::uint32_t header_len = 0;
  if (major == 1) {
    unsigned char l[2];
    in.read(reinterpret_cast<char*>(l), 2);
    header_len = l[0] | (l[1] << 8);
  } else if (major == 2 || major == 3) {
    unsigned char l[4];
    in.read(reinterpret_cast<char*>(l), 4);
    header_len = l[0] | (l[1] << 8) | (l[2] << 16) | (static_cast<std::uint32_t>(l[3]) << 24);
  } else {
    fail(path, 1, ".npy format version " + std::to_string(major) + " is not supported");
  }
  std::string header(header_len, '\0');
  in.read(header.data(), header_len);
  if (!in) fail(path, 1, "the .npy header is truncated");
  const std::string descr = header_field(path, header, "descr");
  if (descr != "'<f8'" && descr != "'float64'")
    fail(path, 1, "dtype " + descr + " is not supported (save float64: x.astype('<f8'))");
  const bool fortran = header_field(path, header, "fortran_order") == "True";
  const std::string shape_text = header_field(path, header, "shape");
  std::vector<std::size_t> dims;
  for (const char* p = shape_text.c_str(); *p;) {
    if (*p >= '0' && *p <= '9') {
      char* end = nullptr;
      dims.push_back(std::strtoull(p, &end, 10));
      p = end;
    } else {
      ++p;
    }
  }
  if (dims.empty() || dims.size() > 2)
    fail(path, 1, "shape " + shape_text + " is not 1-D or 2-D");
  const std::size_t rows = dims[0], cols = dims.size() == 2 ? dims[1] : 1;
  detail::GridBuilder builder(cols, block_shape);
  std::vector<double> row(cols);
  auto truncated = [&](std::size_t values_read) {
    fail(path, 1, "holds " + std::to_string(values_read) + " values, its shape " + shape_text +
                      " says " + std::to_string(rows * cols));
  };
  if (!fortran || cols == 1) {
    // C order: rows in file order, read one at a time (the file is never held whole).
    for (std::size_t r = 0; r < rows; ++r) {
      in.read(reinterpret_cast<char*>(row.data()), static_cast<std::streamsize>(cols * 8));
      if (static_cast<std::size_t>(in.gcount()) != cols * 8)
        truncated(r * cols + static_cast<std::size_t>(in.gcount()) / 8);
      builder.add_row(row.data());
    }
    return builder.finish();
  }
  // Fortran order: columns in file order; read whole, then rows.
  std::vector<double> data(rows * cols);
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size() * 8));
  if (static_cast<std::size_t>(in.gcount()) != data.size() * 8)
    truncated(static_cast<std::size_t>(in.gcount()) / 8);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) row[c] = data[c * rows + r];
    builder.add_row(row.data());
  }
  return builder.finish();
}

std::pair<Array, Array> load_svmlight_file(const std::string& path, Shape block_shape,
                                           std::size_t n_features) {
  std::ifstream in = open_input(path);
  struct Entry {
    long index;
    double value;
  };
  struct Row {
    std::size_t line;
    double label;
    std::vector<Entry> entries;
  };
  std::vector<Row> rows;
  long lowest = 1;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    if (blank_or_comment(line)) continue;
    const char* p = line.data();
    const char* end = p + line.size();
    Row row{number, 0.0, {}};
    if (!parse_number(p, end, row.label)) fail(path, number, "the line does not start with a label");
    while (true) {
      while (p < end && (*p == ' ' || *p == '\t' || *p == '\r')) ++p;
      if (p == end) break;
      char* stop = nullptr;
      const long index = std::strtol(p, &stop, 10);
      if (stop == p || *stop != ':')
        fail(path, number, "expected index:value, found '" +
                               std::string(p, std::find(p, end, ' ')) + "'");
      if (index < 0) fail(path, number, "negative feature index " + std::to_string(index));
      if (!row.entries.empty() && index <= row.entries.back().index)
        fail(path, number, "feature indices must increase (" + std::to_string(index) +
                               " after " + std::to_string(row.entries.back().index) + ")");
      p = stop + 1;
      double v = 0;
      if (!parse_number(p, end, v))
        fail(path, number, "feature " + std::to_string(index) + " has no numeric value");
      row.entries.push_back({index, v});
      lowest = std::min(lowest, index);
    }
    rows.push_back(std::move(row));
  }
  // Indices are 1-based unless one of them is 0 (scikit-learn's zero_based="auto").
  const long first = lowest == 0 ? 0 : 1;
  detail::GridBuilder xs(n_features, block_shape);
  detail::GridBuilder ys(1, {block_shape.rows, 1});
  std::vector<double> dense(n_features);
  for (const Row& row : rows) {
    std::fill(dense.begin(), dense.end(), 0.0);
    for (const Entry& e : row.entries) {
      if (static_cast<std::size_t>(e.index - first) >= n_features)
        fail(path, row.line, "feature index " + std::to_string(e.index) + " outside " +
                                 std::to_string(first) + ".." +
                                 std::to_string(n_features - 1 + first) + " (n_features = " +
                                 std::to_string(n_features) + ")");
      dense[static_cast<std::size_t>(e.index - first)] = e.value;
    }
    xs.add_row(dense.data());
    ys.add_row(&row.label);
  }
  return {xs.finish(), ys.finish()};
}

void save_txt(const Array& a, const std::string& path, char delimiter) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) throw compss::Error("dislib: cannot write '" + path + "': " + std::strerror(errno));
  for (const auto& row : a.collect()) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) std::fputc(delimiter, f);
      std::fprintf(f, "%.17g", row[c]);
    }
    std::fputc('\n', f);
  }
  if (std::fclose(f) != 0) throw compss::Error("dislib: error writing '" + path + "'");
}

}  // namespace dislib
