#include "slurm.hpp"

#include "options.hpp"

#include <compss/detail/whole_number.hpp>

namespace compss::run {

namespace {

[[noreturn]] void bad(const std::string& list, const std::string& why) {
  throw UsageError("compss-run: invalid SLURM_JOB_NODELIST='" + list + "': " + why);
}

/// Splits at the commas that are outside brackets.
std::vector<std::string> split_top(const std::string& s, const std::string& list) {
  std::vector<std::string> parts;
  std::string cur;
  int depth = 0;
  for (char c : s) {
    if (c == '[') ++depth;
    if (c == ']' && --depth < 0) bad(list, "unbalanced ']'");
    if (c == ',' && depth == 0) {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (depth != 0) bad(list, "unbalanced '['");
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

unsigned long number(const std::string& s, const std::string& list) {
  auto n = compss::detail::parse_whole_number(s, 0, 999999999);
  if (!n) bad(list, "'" + s + "' is not a node number");
  return static_cast<unsigned long>(*n);
}

void expand(const std::string& entry, const std::string& list, std::vector<std::string>& out) {
  std::size_t open = entry.find('[');
  if (open == std::string::npos) {
    out.push_back(entry);
    return;
  }
  std::size_t close = entry.find(']', open);
  std::string prefix = entry.substr(0, open);
  std::string rest = entry.substr(close + 1);
  for (const std::string& range : split_top(entry.substr(open + 1, close - open - 1), list)) {
    std::size_t dash = range.find('-');
    std::string lo_text = range.substr(0, dash);
    std::string hi_text = dash == std::string::npos ? lo_text : range.substr(dash + 1);
    unsigned long lo = number(lo_text, list), hi = number(hi_text, list);
    if (hi < lo || hi - lo > 100000) bad(list, "bad range '" + range + "'");
    for (unsigned long n = lo; n <= hi; ++n) {
      std::string digits = std::to_string(n);
      if (digits.size() < lo_text.size()) digits.insert(0, lo_text.size() - digits.size(), '0');
      expand(prefix + digits + rest, list, out);
    }
  }
}

}  // namespace

std::vector<std::string> expand_slurm_hostlist(const std::string& list) {
  std::vector<std::string> hosts;
  for (const std::string& entry : split_top(list, list)) expand(entry, list, hosts);
  if (hosts.empty()) bad(list, "no host");
  return hosts;
}

}  // namespace compss::run
