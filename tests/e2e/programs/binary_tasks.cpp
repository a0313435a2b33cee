// Binary tasks (docs/external_programs.md): {{p}} of every parameter kind, argv without a
// shell, stdin/stdout/stderr bound to file parameters (stdout appending for file_inout),
// exit codes as results (also through a future), working_dir, a directory parameter, a program found in the
// application's directory, a nested call. argv[1]: a work directory. Checked against
// binary_tasks.expected (there is no sequential build: the tasks have no body).
#include <compss/compss.hpp>

#include "external/read_file.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

// A bare name found in the application's directory (bin/, beside this program).
#pragma compss binary(binary="compss_test_print_args", args="plain {{word}} --n={{n}} {{x}} {{xs}} --xs={{xs}} '{{word}} quoted' \"\"", stdout="{{out}}")
#pragma compss task file_out(out)
int show(const std::string& word, int n, double x, const std::vector<int>& xs, const std::string& out);

// Without args: every parameter that is not a standard stream, in order.
#pragma compss binary(binary="compss_test_print_args", stdout="{{out}}")
#pragma compss task file_out(out)
void show_all(const std::string& out, long a, const std::string& b);

#pragma compss binary(binary="sort", stdin="{{in}}", stdout="{{out}}")
#pragma compss task file_in(in) file_out(out)
void sort_lines(const std::string& in, const std::string& out);

#pragma compss binary(binary="/bin/sh", args="-c 'echo to-stderr >&2; exit {{code}}'", stderr="{{err}}")
#pragma compss task file_out(err)
int exit_with(int code, const std::string& err);

#pragma compss binary(binary="/bin/sh", args="-c 'exit {{code}}'")
#pragma compss task
int code_of(int code);

#pragma compss binary(binary="/bin/echo", args="{{line}}", stdout="{{log}}")
#pragma compss task file_inout(log)
void append_line(const std::string& line, const std::string& log);

#pragma compss binary(binary="/bin/sh", args="-c 'basename \"$PWD\"'", working_dir="{{dir}}/{{sub}}", stdout="{{out}}")
#pragma compss task file_out(out)
void where(const std::string& dir, const std::string& sub, const std::string& out);

// A directory parameter is its path (here with {{p}} in `binary` too: /bin/{{tool}}).
#pragma compss binary(binary="/bin/{{tool}}", args="-1 {{d}}", stdout="{{out}}")
#pragma compss task directory_in(d) file_out(out)
void list_dir(const std::string& tool, const std::string& d, const std::string& out);

#pragma compss task
int twice(int v) { return 2 * v; }

// A task that calls a binary task: the program runs synchronously inside it.
#pragma compss task
int nested_sum(int a, int b) { return code_of(a) + code_of(b); }

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: binary_tasks <work dir>\n");
    return 2;
  }
  const std::string work = argv[1];
  const std::vector<int> xs{1, 2, 3};
  auto shown = show("a b; rm -rf \"/\" 'x'", 7, 2.5, xs, work + "/show.txt");
  show_all(work + "/all.txt", 42, "two words");
  {
    std::ofstream(work + "/unsorted.txt") << "pear\napple\nfig\n";
  }
  sort_lines(work + "/unsorted.txt", work + "/sorted.txt");
  auto failed = exit_with(3, work + "/err.txt");
  {
    std::ofstream(work + "/log.txt") << "first\n";
  }
  append_line("second", work + "/log.txt");
  append_line("third", work + "/log.txt");
  where(work, "wd", work + "/where.txt");
  std::filesystem::create_directories(work + "/listed dir");
  std::ofstream(work + "/listed dir/b.txt") << "b\n";
  std::ofstream(work + "/listed dir/a.txt") << "a\n";
  list_dir("ls", work + "/listed dir", work + "/listing.txt");
  auto doubled = twice(code_of(5));
  auto nested = nested_sum(4, 6);

  std::cout << "show returned " << static_cast<int>(shown) << "\n" << read_written_file(work + "/show.txt");
  std::cout << "show_all:\n" << read_written_file(work + "/all.txt");
  std::cout << "sorted:\n" << read_written_file(work + "/sorted.txt");
  std::cout << "exit_with returned " << static_cast<int>(failed) << ", stderr: " << read_written_file(work + "/err.txt");
  std::cout << "log:\n" << read_written_file(work + "/log.txt");
  std::cout << "working_dir: " << read_written_file(work + "/where.txt");
  std::cout << "listed:\n" << read_written_file(work + "/listing.txt");
  std::cout << "twice(code_of(5)) = " << static_cast<int>(doubled) << "\n";
  std::cout << "nested_sum(4, 6) = " << static_cast<int>(nested) << "\n";
  return 0;
}
