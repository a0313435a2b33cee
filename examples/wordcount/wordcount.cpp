// wordcount: count the words of a set of text files with file tasks and a tree reduction.
//
//   generate_file  one task per input file (file_out): writes deterministic text
//   count_words    one task per input file (file_in): returns its word counts (a future)
//   merge          combines two partial counts (futures in, future out): a binary tree
//   write_counts   writes the final counts to a file (file_out)
// main waits for the output file only, then prints the most frequent words.
//
// usage: wordcount <work dir> [files] [words per file]     (defaults: 8 files, 50000 words)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

using Counts = std::map<std::string, long>;

// Writes `words` pseudo-random words drawn from a fixed vocabulary with a skewed
// (roughly Zipf-like) distribution; the text depends only on `seed` and `words`.
#pragma compss task file_out(path)
void generate_file(const std::string& path, unsigned seed, long words) {
  static const char* const vocabulary[] = {
      "the",   "of",    "and",    "to",       "in",      "task",   "data",    "graph",
      "node",  "core",  "future", "runtime",  "barrier", "file",   "block",   "matrix",
      "merge", "count", "word",   "parallel", "compss",  "worker", "master",  "pragma",
      "cpp",   "cloud", "grid",   "cluster",  "version", "object", "stream",  "thread"};
  constexpr std::uint64_t vocabulary_size = sizeof vocabulary / sizeof vocabulary[0];
  std::ofstream out(path);
  std::uint64_t state = 0x9E3779B97F4A7C15ull ^ seed;
  for (long w = 0; w < words; ++w) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;  // 64-bit LCG
    const std::uint64_t r = state >> 33;
    // Take the smaller of two uniform draws twice: low indices are far more frequent.
    std::uint64_t i = r % vocabulary_size;
    i = std::min(i, (r >> 8) % vocabulary_size);
    i = std::min(i, (r >> 16) % vocabulary_size);
    out << vocabulary[i] << (w % 12 == 11 ? '\n' : ' ');
  }
  out << '\n';
}

// The partial result of one file, returned by value: a future under compss-cc.
#pragma compss task file_in(path)
Counts count_words(const std::string& path) {
  Counts counts;
  std::ifstream in(path);
  std::string word;
  while (in >> word) ++counts[word];
  return counts;
}

#pragma compss task
Counts merge(const Counts& a, const Counts& b) {
  Counts result = a;
  for (const auto& [word, n] : b) result[word] += n;
  return result;
}

#pragma compss task in(counts) file_out(path)
void write_counts(const Counts& counts, const std::string& path) {
  std::ofstream out(path);
  for (const auto& [word, n] : counts) out << word << ' ' << n << '\n';
}

// Counts of paths[lo, hi): the leaves count files, the inner nodes merge two halves.
// Nothing here waits: under compss-cc the futures flow from task to task.
auto count_range(const std::vector<std::string>& paths, std::size_t lo, std::size_t hi) {
  if (hi - lo == 1) return count_words(paths[lo]);
  const std::size_t mid = lo + (hi - lo) / 2;
  auto left = count_range(paths, lo, mid);
  auto right = count_range(paths, mid, hi);
  return merge(left, right);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " <work dir> [files] [words per file]\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const long files = argc > 2 ? std::atol(argv[2]) : 8;
  const long words = argc > 3 ? std::atol(argv[3]) : 50000;
  if (files <= 0 || words < 0) {
    std::cerr << "files must be > 0 and words per file >= 0\n";
    return 2;
  }
  std::filesystem::create_directories(dir);

  std::vector<std::string> inputs;
  inputs.reserve(static_cast<std::size_t>(files));  // the paths stay where the tasks saw them
  for (long f = 0; f < files; ++f) {
    inputs.push_back((dir / ("input_" + std::to_string(f) + ".txt")).string());
    generate_file(inputs.back(), static_cast<unsigned>(f + 1), words);
  }
  const std::string output = (dir / "counts.txt").string();
  auto total = count_range(inputs, 0, inputs.size());
  write_counts(total, output);

#pragma compss wait_on_file(output)
  std::ifstream in(output);
  std::vector<std::pair<std::string, long>> counts;
  std::string word;
  long n = 0, sum = 0;
  while (in >> word >> n) {
    counts.emplace_back(word, n);
    sum += n;
  }
  // Most frequent first; ties by word, so the listing is the same in every run.
  std::sort(counts.begin(), counts.end(), [](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
  });
  std::cout << "files: " << files << ", words: " << sum << ", distinct: " << counts.size()
            << '\n';
  for (std::size_t i = 0; i < counts.size() && i < 10; ++i)
    std::cout << counts[i].first << ' ' << counts[i].second << '\n';
  return 0;
}
