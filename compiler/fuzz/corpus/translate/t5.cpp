// priority, on_failure, time_out, replicated, distributed and constraint(...) go into
// the TaskSpec with designated initializers, in declaration order, only where they
// differ from the defaults; macros in clauses are expanded.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#define SECONDS 2.5
#define CORES 4

#pragma compss task priority time_out(SECONDS) on_failure(ignore) \
    replicated constraint(cores=CORES, memory=6, processor_type="GPU")
void full(int &a);

#pragma compss task priority(false) on_failure(cancel_successors) distributed
void low(int &a);

#pragma compss task priority(true)
void high(int &a);

void user(int &a) {
  full(a);
  low(a);
  high(a);
}

// CHECK:      static constexpr ::compss::detail::Constraint __compss_constraints_0[] = {{[{][{]}}"computing_units", "4"}, {"memory_size", "6"}, {"processor_type", "GPU"}};
// CHECK-NEXT: static constexpr ::compss::detail::TaskSpec __compss_task_0{
// CHECK-NEXT:     .name = "full", .signature = "void full(int &)",
// CHECK-NEXT:     .params = __compss_params_0, .param_count = 1,
// CHECK-NEXT:     .priority = true,
// CHECK-NEXT:     .on_failure = ::compss::detail::OnFailure::ignore,
// CHECK-NEXT:     .time_out = 2.5,
// CHECK-NEXT:     .replicated = true,
// CHECK-NEXT:     .distributed = true,
// CHECK-NEXT:     .constraints = __compss_constraints_0, .constraint_count = 3};
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_1{
// CHECK-NEXT:     .name = "low", .signature = "void low(int &)",
// CHECK-NEXT:     .params = __compss_params_1, .param_count = 1,
// CHECK-NEXT:     .on_failure = ::compss::detail::OnFailure::cancel_successors};
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_2{
// CHECK-NEXT:     .name = "high", .signature = "void high(int &)",
// CHECK-NEXT:     .params = __compss_params_2, .param_count = 1,
// CHECK-NEXT:     .priority = true};
