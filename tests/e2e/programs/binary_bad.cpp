// Binary tasks that go wrong (tests/e2e/external_failure.sh): argv[1] says how.
//   missing          the program does not exist
//   not_executable   the program is a file without execute permission (argv[2])
//   exit_fails       a non-zero exit with fail_by_exit_value
//   exit_ignored     a non-zero exit without it: the run goes on (exit 0)
//   timeout          a program that never ends and started two children (argv[2] the
//                    helper, argv[3] a marker for counting them), time_out(1)
//   policies <dir>   a failing program under on_failure(ignore, returns=-1) and
//                    on_failure(cancel_successors): the run goes on (exit 0) and prints
//                    how many times each ran and whether the reader of the second ran
//   retry <dir>      the same program under the default policy (retry): 3 attempts, then
//                    the run fails
#include <compss/compss.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#pragma compss binary(binary="no_such_program_here")
#pragma compss task on_failure(fail)
void run_missing();

#pragma compss binary(binary="{{path}}")
#pragma compss task on_failure(fail)
void run_file(const std::string& path);

#pragma compss binary(binary="/bin/sh", args="-c 'exit 4'", fail_by_exit_value=true)
#pragma compss task on_failure(fail)
void exit_fails();

#pragma compss binary(binary="/bin/sh", args="-c 'exit 4'")
#pragma compss task
int exit_ignored();

#pragma compss binary(binary="{{helper}}", args="--hang {{marker}}")
#pragma compss task time_out(1) on_failure(fail)
void hang(const std::string& helper, const std::string& marker);

// Each attempt appends a line to `log` (an absolute path), then exits with 5.
#pragma compss binary(binary="/bin/sh", args="-c 'echo attempt >> \"$0\"; exit 5' {{log}}", fail_by_exit_value=true)
#pragma compss task on_failure(ignore, returns=-1)
int fails_ignored(const std::string& log);

#pragma compss binary(binary="/bin/sh", args="-c 'echo attempt >> \"$0\"; exit 5' {{log}}", fail_by_exit_value=true)
#pragma compss task file_out(out) on_failure(cancel_successors)
void fails_cancelling(const std::string& log, const std::string& out);

#pragma compss binary(binary="/bin/sh", args="-c 'echo attempt >> \"$0\"; exit 5' {{log}}", fail_by_exit_value=true)
#pragma compss task
void fails_retried(const std::string& log);

/// Reads what fails_cancelling should have made: cancelled with it, so it never runs.
#pragma compss task file_in(in)
int read_output(const std::string& in, const std::string& ran) {
  std::ofstream(ran) << "ran\n";
  return static_cast<int>(std::ifstream(in).good());
}

static int lines_of(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "missing") {
    run_missing();
  } else if (mode == "not_executable" && argc > 2) {
    std::ofstream(argv[2]) << "#!/bin/sh\n";  // (created without execute permission)
    run_file(argv[2]);
  } else if (mode == "exit_fails") {
    exit_fails();
  } else if (mode == "exit_ignored") {
    const int code = exit_ignored();
    std::printf("exit_ignored returned %d\n", code);
  } else if (mode == "timeout" && argc > 3) {
    hang(argv[2], argv[3]);
  } else if (mode == "policies" && argc > 2) {
    const std::string dir = argv[2];
    const int ignored = fails_ignored(dir + "/ignored.log");
    fails_cancelling(dir + "/cancelling.log", dir + "/never.txt");
    read_output(dir + "/never.txt", dir + "/reader_ran.txt");
    compss::barrier();
    std::printf("fails_ignored returned %d after %d attempt(s)\n", ignored, lines_of(dir + "/ignored.log"));
    std::printf("fails_cancelling ran %d time(s); its reader ran: %s\n", lines_of(dir + "/cancelling.log"),
                std::ifstream(dir + "/reader_ran.txt").good() ? "yes" : "no");
  } else if (mode == "retry" && argc > 2) {
    fails_retried(std::string(argv[2]) + "/retried.log");
  } else {
    std::fprintf(stderr, "usage: binary_bad missing|not_executable <file>|exit_fails|"
                         "exit_ignored|timeout <helper> <marker>|policies <dir>|retry <dir>\n");
    return 2;
  }
  compss::barrier();
  return 0;
}
