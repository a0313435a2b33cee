// compss::detail::run_external: a binary or MPI task's call, from its settings and
// arguments to the program's exit code (docs/external_programs.md).
#include "exec/binding_environment.hpp"
#include "exec/command_line.hpp"
#include "exec/mpi_command.hpp"
#include "exec/process.hpp"
#include "exec/program_path.hpp"
#include "exec/settings.hpp"
#include "exec/task_hosts.hpp"

#include <compss/detail/external_call.hpp>
#include <compss/error.hpp>
#include <compss/this_task.hpp>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <unistd.h>

namespace compss::exec {

namespace {

namespace fs = std::filesystem;

/// A host file that lives as long as the MPI program runs.
class HostFile {
 public:
  explicit HostFile(const std::string& text) {
    std::string pattern = (fs::temp_directory_path() / "compss-hosts-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw Error("compss: cannot create an MPI host file in " + pattern + ": " +
                            std::strerror(errno));
    path_ = pattern;
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) throw Error("compss: cannot write the MPI host file " + path_);
  }
  ~HostFile() { ::unlink(path_.c_str()); }
  HostFile(const HostFile&) = delete;
  HostFile& operator=(const HostFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Binds a `stdin`/`stdout`/`stderr` setting: the path, and whether it appends (a
/// `file_inout` parameter). Marks the parameter as not an argument.
std::string bind_stdio(const TaskArgs& a, const detail::TaskSpec& spec, const std::string& value,
                       std::vector<bool>& skip, bool& append) {
  if (value.empty()) return {};
  const int p = a.placeholder_param(value);
  if (p >= 0) {
    skip[static_cast<std::size_t>(p)] = true;
    append = spec.params[p].direction == detail::Direction::inout;
  }
  return a.text(value);
}

/// The cores the task has: those reserved for it, or, where nothing reserved them (on a
/// worker, until distributed placement reserves cores), its computing_units constraint, so
/// that scale_by_cu starts as many processes wherever the task runs.
unsigned task_cores(const detail::TaskSpec& spec) {
  unsigned cores = compss::this_task::computing_units();
  for (std::size_t i = 0; i < spec.constraint_count; ++i) {
    if (std::string_view(spec.constraints[i].key) != "computing_units") continue;
    const std::string_view v = spec.constraints[i].value;
    unsigned declared = 0;
    auto r = std::from_chars(v.data(), v.data() + v.size(), declared);
    if (r.ec == std::errc() && r.ptr == v.data() + v.size() && declared > cores) cores = declared;
  }
  return cores;
}

}  // namespace

}  // namespace compss::exec

namespace compss::detail {

void kill_external_programs() noexcept { compss::exec::kill_running_groups(); }

int run_external(const TaskSpec& spec, std::span<const ExternalArg> args) {
  using namespace compss::exec;
  const ProgramSettings s = read_settings(spec);
  const std::string label = std::string(s.mpi ? "MPI" : "binary") + " task '" + spec.name + "'";
  const TaskArgs a(spec, args);

  ProcessSpec p;
  if (!s.working_dir.empty()) {
    p.working_dir = std::filesystem::absolute(a.text(s.working_dir)).lexically_normal().string();
    std::error_code ec;
    std::filesystem::create_directories(p.working_dir, ec);
    if (ec) throw Error("compss: " + label + ": cannot create its working_dir '" +
                        p.working_dir + "': " + ec.message());
  }
  const std::string base = p.working_dir.empty() ? application_dir() : p.working_dir;
  std::vector<bool> skip(args.size());
  bool stdin_append = false;  // (meaningless for an input)
  p.stdin_file = bind_stdio(a, spec, s.stdin_file, skip, stdin_append);
  p.stdout_file = bind_stdio(a, spec, s.stdout_file, skip, p.stdout_append);
  p.stderr_file = bind_stdio(a, spec, s.stderr_file, skip, p.stderr_append);
  const std::vector<std::string> program_args = s.has_args ? a.words(s.args) : a.all_values(skip);
  const unsigned cores = task_cores(spec);

  std::optional<HostFile> hosts;
  const std::string binary = resolve_program(a.text(s.binary), base, label);
  if (!s.mpi) {
    p.path = binary;
    p.argv.push_back(binary);
    p.env = {"OMP_NUM_THREADS=" + std::to_string(cores), "COMPSS_NUM_THREADS=" + std::to_string(cores)};
    for (std::string& v : nodes_environment(running_task_hosts(1))) p.env.push_back(std::move(v));
  } else {
    const MpiFlavour flavour = mpi_flavour_from_env();
    const long processes = s.scale_by_cu ? static_cast<long>(cores) : s.processes;
    // The nodes the scheduler gave the task (each with its processes), or this one alone.
    const std::vector<detail::TaskHost> nodes = running_task_hosts(static_cast<unsigned>(processes));
    hosts.emplace(host_file_text(flavour, nodes));
    p.path = resolve_program(a.text(s.runner), base, label);
    p.argv.push_back(p.path);
    for (std::string& w : mpi_runner_args(flavour, hosts->path(), processes)) p.argv.push_back(std::move(w));
    for (std::string& w : a.words(s.flags)) p.argv.push_back(std::move(w));
    p.argv.push_back(binary);
    p.env = mpi_environment(flavour, ::geteuid() == 0);
    for (std::string& v : nodes_environment(nodes)) p.env.push_back(std::move(v));
    const long threads = std::max(1L, static_cast<long>(cores) / std::max(1L, processes));
    p.env.push_back("OMP_NUM_THREADS=" + std::to_string(s.scale_by_cu ? 1L : threads));
    p.env.push_back("COMPSS_NUM_PROCS=" + std::to_string(processes));
  }
  p.argv.insert(p.argv.end(), program_args.begin(), program_args.end());
  // The task's cores and GPUs, in the child's environment only (other tasks run beside it).
  for (std::string& v : binding_environment(compss::this_task::cpus(), compss::this_task::gpus(),
                                            gpu_affinity_enabled())) {
    p.env.push_back(std::move(v));
  }

  using Clock = std::chrono::steady_clock;
  const auto deadline =
      spec.time_out > 0
          ? Clock::now() + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(spec.time_out))
          : Clock::time_point::max();
  const ProcessEnd end = run_process(p, label, deadline, [] { return compss::this_task::stop_requested(); });
  char text[160];
  switch (end.how) {
    case ProcessEnd::How::timed_out:
      std::snprintf(text, sizeof text,
                    ": timed out after %g s (time_out): its process group was killed",
                    spec.time_out);
      throw Error("compss: " + label + text);
    case ProcessEnd::How::stopped:
      throw Error("compss: " + label +
                  ": stopped (its group was cancelled or the run is failing): its process "
                  "group was killed");
    case ProcessEnd::How::signalled:
      if (s.fail_by_exit_value) {
        throw Error("compss: " + label + ": '" + p.path + "' was killed by signal " +
                    std::to_string(end.code) + " (" + ::strsignal(end.code) +
                    ") (fail_by_exit_value)");
      }
      return 128 + end.code;  // as a shell reports it
    case ProcessEnd::How::exited:
      break;
  }
  if (end.code != 0 && s.fail_by_exit_value) {
    throw Error("compss: " + label + ": '" + p.path + "' exited with code " +
                std::to_string(end.code) + " (fail_by_exit_value)");
  }
  return end.code;
}

}  // namespace compss::detail
