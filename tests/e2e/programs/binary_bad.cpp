// Binary tasks that go wrong (tests/e2e/external_failure.sh): argv[1] says how.
//   missing          the program does not exist
//   not_executable   the program is a file without execute permission (argv[2])
//   exit_fails       a non-zero exit with fail_by_exit_value
//   exit_ignored     a non-zero exit without it: the run goes on (exit 0)
//   timeout          a program that never ends and started two children (argv[2] the
//                    helper, argv[3] a marker for counting them), time_out(1)
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
  } else {
    std::fprintf(stderr, "usage: binary_bad missing|not_executable <file>|exit_fails|"
                         "exit_ignored|timeout <helper> <marker>\n");
    return 2;
  }
  compss::barrier();
  return 0;
}
