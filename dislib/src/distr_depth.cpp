// dislib::DistrDepth: the forest's distr_depth, a depth or dislib's "auto" rule.
#include <compss/dislib/ensemble.hpp>

#include <compss/error.hpp>

#include <algorithm>
#include <cstdlib>

namespace dislib {

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw compss::Error("dislib: RandomForestClassifier: distr_depth=" + what +
                      " (use a depth >= 0 or \"auto\")");
}

}  // namespace

DistrDepth::DistrDepth(int depth) : depth_(static_cast<std::size_t>(depth)) {
  if (depth < 0) bad(std::to_string(depth));
}

DistrDepth::DistrDepth(const std::string& rule) : auto_(true) {
  if (rule != "auto") bad("\"" + rule + "\"");
}

std::size_t DistrDepth::levels(std::size_t n_samples, std::optional<std::size_t> max_depth) const {
  if (!auto_) return depth_;
  std::size_t digits_after_first = 0;  // floor(log10 n), in integers: exact at 10^k
  for (std::size_t m = n_samples; m >= 10; m /= 10) ++digits_after_first;
  const std::size_t levels = digits_after_first > 4 ? digits_after_first - 4 : 0;
  return max_depth ? std::min(levels, *max_depth) : levels;
}

std::string DistrDepth::to_string() const { return auto_ ? "auto" : std::to_string(depth_); }

DistrDepth DistrDepth::parse(const std::string& text) {
  if (text == "auto") return text;
  char* end = nullptr;
  const unsigned long long depth = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || text[0] == '-' || end == text.c_str() || *end != '\0') bad("\"" + text + "\"");
  return static_cast<std::size_t>(depth);
}

}  // namespace dislib
