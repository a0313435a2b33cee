#include "exec/command_line.hpp"

#include <compss/error.hpp>

namespace compss::exec {

namespace {

std::string joined(const detail::ExternalArg& a) {
  std::string out;
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    if (i != 0) out += ' ';
    out += a.values[i];
  }
  return out;
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

}  // namespace

int TaskArgs::placeholder_param(std::string_view text) const {
  if (text.size() < 5 || !text.starts_with("{{") || !text.ends_with("}}")) return -1;
  const std::string_view name = text.substr(2, text.size() - 4);
  for (std::size_t i = 0; i < spec_.param_count && i < args_.size(); ++i) {
    if (name == spec_.params[i].name) return static_cast<int>(i);
  }
  return -1;
}

const detail::ExternalArg& TaskArgs::arg(std::string_view name) const {
  for (std::size_t i = 0; i < spec_.param_count && i < args_.size(); ++i) {
    if (name == spec_.params[i].name) return args_[i];
  }
  throw Error("compss: task '" + std::string(spec_.name) + "': {{" + std::string(name) +
              "}} names no parameter");
}

std::string TaskArgs::replace(std::string_view text) const {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      throw Error("compss: task '" + std::string(spec_.name) + "': '{{' without '}}' in \"" +
                  std::string(text) + "\"");
    }
    out.append(text, at, open - at);
    out += joined(arg(text.substr(open + 2, close - open - 2)));
    at = close + 2;
  }
  out.append(text, at);
  return out;
}

std::string TaskArgs::text(std::string_view text) const { return replace(text); }

std::vector<std::string> TaskArgs::words(std::string_view text) const {
  // First the words of the template (quotes group and are removed), then each word's
  // placeholders: values are inserted after the cut, so nothing in them is interpreted.
  std::vector<std::string> templates;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : text) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      else word += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (blank(c)) {
      if (in_word) templates.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) {
    throw Error("compss: task '" + std::string(spec_.name) + "': unclosed " + quote +
                " in \"" + std::string(text) + "\"");
  }
  if (in_word) templates.push_back(std::move(word));

  std::vector<std::string> out;
  for (const std::string& t : templates) {
    const int whole = placeholder_param(t);
    if (whole >= 0 && args_[static_cast<std::size_t>(whole)].list) {
      const auto& values = args_[static_cast<std::size_t>(whole)].values;
      out.insert(out.end(), values.begin(), values.end());
    } else {
      out.push_back(replace(t));
    }
  }
  return out;
}

std::vector<std::string> TaskArgs::all_values(const std::vector<bool>& skip) const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args_.size(); ++i) {
    if (i < skip.size() && skip[i]) continue;
    out.insert(out.end(), args_[i].values.begin(), args_[i].values.end());
  }
  return out;
}

}  // namespace compss::exec
