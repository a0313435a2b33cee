// The values the differential tester's tasks compute with, and how main digests them.
// Every value is a whole number below 2^40 (also when stored in a double), so sums of a
// few thousand of them are exact whatever order concurrent and commutative tasks add
// them in: a distributed run must then print bit for bit what the sequential build does.
#pragma once

#include <cstdint>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace difftest {

using Vec = std::vector<double>;

// A class that travels by its serialize member (not trivially copyable).
struct Rec {
  long id = 0;
  std::vector<long> xs;
  std::string tag;
  template <class A>
  void serialize(A& ar) {
    ar(id, xs, tag);
  }
};

// A well-spread function of two values, below 2^40.
inline long mix(long a, long b) {
  std::uint64_t z = static_cast<std::uint64_t>(a) * 0x9E3779B97F4A7C15ull +
                    static_cast<std::uint64_t>(b) + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<long>(z >> 24);
}

// Order-sensitive hashes of the composite values, below 2^40 like mix.
inline long hash_of(const Vec& v) {
  long h = mix(static_cast<long>(v.size()), 11);
  for (double d : v) h = mix(h, static_cast<long>(d));
  return h;
}
inline long hash_of(const std::vector<long>& v) {
  long h = mix(static_cast<long>(v.size()), 13);
  for (long x : v) h = mix(h, x);
  return h;
}
inline long hash_of(const Rec& r) {
  long h = mix(r.id, hash_of(r.xs));
  for (char c : r.tag) h = mix(h, c);
  return h;
}

// A file variable holds one number as text (written by tasks and by main).
inline long read_number(const std::string& path) {
  std::ifstream in(path);
  long x = 0;
  if (!(in >> x)) throw std::runtime_error("difftest: cannot read a number from " + path);
  return x;
}
inline void write_number(const std::string& path, long x) {
  std::ofstream out(path, std::ios::trunc);
  out << x << '\n';
  if (!out) throw std::runtime_error("difftest: cannot write " + path);
}
// A directory variable holds 1-4 files, each one number; its value is a hash of their
// names and numbers in name order.
inline long read_directory(const std::string& path) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(path)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  long h = static_cast<long>(names.size());
  for (const std::string& n : names) {
    for (char c : n) h = mix(h, c);
    h = mix(h, read_number(path + "/" + n));
  }
  return h;
}
// Replaces the directory's files by `count` files made from `v`.
inline void write_directory(const std::string& path, long count, long v) {
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  for (long i = 0; i < count; ++i) write_number(path + "/n" + std::to_string(i) + ".txt", mix(v, i + 40));
}

}  // namespace difftest
