// binary(...) and mpi(...) tasks: TaskSpec.kind and the launch settings as written
// (strings unquoted). The TU that declares them emits their spec.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s
#include <string>

#pragma compss binary(binary="sort", args="{{in}} -o {{out}}", working_dir=".", fail_by_exit_value=true)
#pragma compss task file_in(in) file_out(out)
int sort_file(const std::string &in, const std::string &out);

#pragma compss task
#pragma compss mpi(runner="mpirun", binary="./sim", processes=4, processes_per_node=2, flags="", args="-v", scale_by_cu=false)
void simulate();

// CHECK:      static constexpr ::compss::detail::Constraint __compss_launch_0[] = {{[{][{]}}"binary", "sort"}, {"args", "{{[{][{]}}in}} -o {{[{][{]}}out}}"}, {"working_dir", "."}, {"fail_by_exit_value", "true"}};
// CHECK-NEXT: {{\[\[}}maybe_unused]] static constexpr ::compss::detail::TaskSpec __compss_task_0{
// CHECK-NEXT:     .name = "sort_file", .signature = "int sort_file(const std::string &, const std::string &)",
// CHECK-NEXT:     .params = __compss_params_0, .param_count = 2,
// CHECK-NEXT:     .kind = ::compss::detail::TaskKind::binary,
// CHECK-NEXT:     .launch = __compss_launch_0, .launch_count = 4};
// An MPI task reserves a core per process: computing_units = processes.
// CHECK:      static constexpr ::compss::detail::Constraint __compss_constraints_1[] = {{[{][{]}}"computing_units", "4"}};
// CHECK-NEXT: static constexpr ::compss::detail::Constraint __compss_launch_1[] = {{[{][{]}}"runner", "mpirun"}, {"binary", "./sim"}, {"processes", "4"}, {"processes_per_node", "2"}, {"flags", ""}, {"args", "-v"}, {"scale_by_cu", "false"}};
// CHECK-NEXT: {{\[\[}}maybe_unused]] static constexpr ::compss::detail::TaskSpec __compss_task_1{
// CHECK-NEXT:     .name = "simulate", .signature = "void simulate()",
// CHECK-NEXT:     .params = nullptr, .param_count = 0,
// CHECK-NEXT:     .constraints = __compss_constraints_1, .constraint_count = 1,
// CHECK-NEXT:     .kind = ::compss::detail::TaskKind::mpi,
// CHECK-NEXT:     .launch = __compss_launch_1, .launch_count = 7};
