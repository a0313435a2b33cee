#include "worker_command.hpp"

namespace compss::run {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  q += '\'';
  return q;
}

std::string ssh_script(const Variables& vars, const std::vector<std::string>& command) {
  std::string s = "IFS= read -r COMPSS_SECRET && export COMPSS_SECRET && exec env";
  for (auto& [name, value] : vars) {
    s += ' ';
    s += shell_quote(name + "=" + value);
  }
  for (const std::string& word : command) {
    s += ' ';
    s += shell_quote(word);
  }
  return s;
}

std::vector<std::string> worker_argv(const WorkerSpec& w, const Variables& vars,
                                     const std::vector<std::string>& args) {
  std::vector<std::string> command = {w.app};
  command.insert(command.end(), args.begin(), args.end());
  if (w.via == Via::local) return command;
  if (w.via == Via::srun) {
    // --overlap: the worker steps share the allocation with each other and the master.
    std::vector<std::string> argv = {"srun", "--nodes=1", "--ntasks=1", "--nodelist=" + w.host,
                                     "--overlap"};
    argv.insert(argv.end(), command.begin(), command.end());
    return argv;
  }
  // The remote login shell may not be sh: run the script with sh explicitly.
  std::string target = w.user.empty() ? w.host : w.user + "@" + w.host;
  std::string remote = "sh -c ";
  remote += shell_quote(ssh_script(vars, command));
  return {"ssh", "-o", "BatchMode=yes", "-T", target, remote};
}

}  // namespace compss::run
