// dislib::MaxFeatures: scikit-learn's max_features rules for the forest's trees.
#include <compss/dislib/ensemble.hpp>

#include <compss/error.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace dislib {

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw compss::Error("dislib: RandomForestClassifier: max_features=" + what +
                      " (use \"sqrt\", \"log2\", a count 1..n_features, a fraction in (0, 1] "
                      "or std::nullopt for all)");
}

}  // namespace

std::size_t MaxFeatures::count(std::size_t d) const {
  const double features = static_cast<double>(d);
  if (rule_ == "sqrt") return std::max<std::size_t>(1, static_cast<std::size_t>(std::sqrt(features)));
  if (rule_ == "log2") return std::max<std::size_t>(1, static_cast<std::size_t>(std::log2(features)));
  if (rule_ == "none") return d;
  if (rule_ == "count") {
    if (value_ < 1 || value_ > features || value_ != std::floor(value_))
      bad(to_string() + " with " + std::to_string(d) + " features");
    return static_cast<std::size_t>(value_);
  }
  if (rule_ == "fraction") {
    if (!(value_ > 0 && value_ <= 1)) bad(to_string());
    return std::max<std::size_t>(1, static_cast<std::size_t>(value_ * features));
  }
  bad("\"" + rule_ + "\"");
}

std::string MaxFeatures::to_string() const {
  if (rule_ == "none") return "None";
  if (rule_ == "count") return std::to_string(static_cast<long long>(value_));
  if (rule_ == "fraction") {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value_);
    std::string s = text;
    return s.find_first_of(".e") == std::string::npos ? s + ".0" : s;
  }
  return rule_;
}

MaxFeatures MaxFeatures::parse(const std::string& text) {
  if (text == "None") return std::nullopt;
  if (text == "sqrt" || text == "log2") return text;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') bad("\"" + text + "\"");
  if (text.find_first_of(".e") != std::string::npos) return v;
  return static_cast<std::size_t>(v);
}

}  // namespace dislib
