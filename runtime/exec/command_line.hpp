// The command line of an external task: the pragma's text with `{{p}}` replaced by the
// arguments, cut into words without any shell (docs/external_programs.md, "Arguments").
#pragma once

#include <compss/detail/external_call.hpp>
#include <compss/detail/task_spec.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace compss::exec {

/// The arguments of one call, by parameter name (for `{{name}}`).
///
///   TaskArgs a{spec, args};
///   std::vector<std::string> argv = a.words("{{in}} -o {{out}}");
class TaskArgs {
 public:
  TaskArgs(const detail::TaskSpec& spec, std::span<const detail::ExternalArg> args)
      : spec_(spec), args_(args) {}

  /// `text` cut at unquoted blanks into words, each word's `{{p}}` replaced by p's value
  /// (a collection's elements joined by spaces); a word that is exactly `{{p}}` of a
  /// collection gives one word per element (none for an empty collection). Single or
  /// double quotes in `text` group blanks into a word and are removed; values are never
  /// cut or unquoted: a value holding blanks or quotes stays one word. Throws compss::Error
  /// on `{{name}}` naming no parameter or an unclosed quote or `{{`.
  std::vector<std::string> words(std::string_view text) const;

  /// `text` with its `{{p}}` replaced, as one string (a path: `binary`, `working_dir`).
  std::string text(std::string_view text) const;

  /// Every parameter's value(s) in declaration order, skipping those at `skip` (the
  /// command line of a task without `args`).
  std::vector<std::string> all_values(const std::vector<bool>& skip) const;

  /// The parameter `text` names when it is exactly `{{p}}`, or -1.
  int placeholder_param(std::string_view text) const;

 private:
  const detail::ExternalArg& arg(std::string_view name) const;
  std::string replace(std::string_view text) const;

  const detail::TaskSpec& spec_;
  std::span<const detail::ExternalArg> args_;
};

}  // namespace compss::exec
