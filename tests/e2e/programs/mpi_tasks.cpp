// MPI tasks with the machine's Open MPI (docs/external_programs.md): a fixed number of
// processes with runner flags, and scale_by_cu (processes = the task's computing_units).
// Each rank adds rank + 1; rank 0 writes the size and the sum to the task's file_out.
// argv[1]: a work directory. Checked against mpi_tasks.expected.
#include <compss/compss.hpp>

#include "external/read_file.hpp"

#include <iostream>
#include <string>

// {{p}} in the runner's flags too ("--bind-to {{binding}}").
#pragma compss mpi(runner="mpirun", binary="compss_test_mpi_ranks", processes=2, flags="--bind-to {{binding}}", args="{{out}} {{tag}}", fail_by_exit_value=true)
#pragma compss task file_out(out)
int reduce_ranks(const std::string& out, const std::string& tag, const std::string& binding);

#pragma compss mpi(runner="mpirun", binary="compss_test_mpi_ranks", scale_by_cu=true, args="{{out}} scaled")
#pragma compss task file_out(out) constraint(computing_units=2)
void reduce_scaled(const std::string& out);

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: mpi_tasks <work dir>\n";
    return 2;
  }
  const std::string work = argv[1];
  auto rc = reduce_ranks(work + "/fixed.txt", "two words", "none");
  reduce_scaled(work + "/scaled.txt");
  std::cout << "reduce_ranks returned " << static_cast<int>(rc) << ": " << read_written_file(work + "/fixed.txt");
  std::cout << "reduce_scaled: " << read_written_file(work + "/scaled.txt");
  return 0;
}
