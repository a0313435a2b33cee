#include "function_registry.hpp"

#include <compss/error.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>

namespace dislib {

namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, AxisFunction> functions;
};

std::vector<double> one(double v) { return {v}; }

// The built-in functions; a function-local static, so it exists before any static
// registration of the program runs, in every process.
Registry& registry() {
  static Registry* r = [] {
    auto* reg = new Registry;
    reg->functions["sum"] = [](const double* v, std::size_t n) {
      return one(std::accumulate(v, v + n, 0.0));
    };
    reg->functions["mean"] = [](const double* v, std::size_t n) {
      return one(n == 0 ? std::numeric_limits<double>::quiet_NaN()
                        : std::accumulate(v, v + n, 0.0) / static_cast<double>(n));
    };
    reg->functions["min"] = [](const double* v, std::size_t n) {
      return one(n == 0 ? std::numeric_limits<double>::infinity() : *std::min_element(v, v + n));
    };
    reg->functions["max"] = [](const double* v, std::size_t n) {
      return one(n == 0 ? -std::numeric_limits<double>::infinity() : *std::max_element(v, v + n));
    };
    reg->functions["norm"] = [](const double* v, std::size_t n) {
      return one(std::sqrt(std::inner_product(v, v + n, v, 0.0)));
    };
    reg->functions["sort"] = [](const double* v, std::size_t n) {
      std::vector<double> s(v, v + n);
      std::sort(s.begin(), s.end());
      return s;
    };
    return reg;
  }();
  return *r;
}

}  // namespace

bool register_function(const std::string& name, AxisFunction f) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.functions[name] = std::move(f);
  return true;
}

namespace detail {

const AxisFunction& find_function(const std::string& name) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.functions.find(name);
  if (it == r.functions.end())
    throw compss::Error("dislib: apply_along_axis: no function registered as '" + name +
                        "' in this process (register it with dislib::register_function at "
                        "namespace scope, so that workers register it too)");
  return it->second;
}

}  // namespace detail
}  // namespace dislib
