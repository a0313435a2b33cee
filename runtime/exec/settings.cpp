#include "exec/settings.hpp"

#include <compss/error.hpp>

#include <charconv>
#include <string_view>

namespace compss::exec {

namespace {

std::string task_label(const detail::TaskSpec& spec) {
  return std::string(spec.kind == detail::TaskKind::mpi ? "MPI" : "binary") + " task '" +
         spec.name + "'";
}

bool read_bool(const detail::TaskSpec& spec, std::string_view key, std::string_view value) {
  if (value == "true") return true;
  if (value == "false") return false;
  throw Error("compss: " + task_label(spec) + ": " + std::string(key) + "=" +
              std::string(value) + " is not true or false");
}

long read_count(const detail::TaskSpec& spec, std::string_view key, std::string_view value) {
  long n = 0;
  auto r = std::from_chars(value.data(), value.data() + value.size(), n);
  if (r.ec != std::errc() || r.ptr != value.data() + value.size() || n < 1) {
    throw Error("compss: " + task_label(spec) + ": " + std::string(key) + "=" +
                std::string(value) + " is not a positive whole number");
  }
  return n;
}

}  // namespace

ProgramSettings read_settings(const detail::TaskSpec& spec) {
  ProgramSettings s;
  s.mpi = spec.kind == detail::TaskKind::mpi;
  s.fail_by_exit_value = false;
  for (std::size_t i = 0; i < spec.launch_count; ++i) {
    const std::string_view key = spec.launch[i].key;
    const std::string value = spec.launch[i].value;
    if (key == "binary") s.binary = value;
    else if (key == "args") s.args = value, s.has_args = true;
    else if (key == "working_dir") s.working_dir = value;
    else if (key == "stdin") s.stdin_file = value;
    else if (key == "stdout") s.stdout_file = value;
    else if (key == "stderr") s.stderr_file = value;
    else if (key == "fail_by_exit_value") s.fail_by_exit_value = read_bool(spec, key, value);
    else if (key == "runner") s.runner = value;
    else if (key == "flags") s.flags = value;
    else if (key == "processes") s.processes = read_count(spec, key, value);
    else if (key == "processes_per_node") s.processes_per_node = read_count(spec, key, value);
    else if (key == "scale_by_cu") s.scale_by_cu = read_bool(spec, key, value);
    else throw Error("compss: " + task_label(spec) + ": unknown key '" + std::string(key) + "'");
  }
  if (s.binary.empty()) throw Error("compss: " + task_label(spec) + " has no binary");
  if (s.mpi && s.runner.empty()) throw Error("compss: " + task_label(spec) + " has no runner");
  return s;
}

}  // namespace compss::exec
