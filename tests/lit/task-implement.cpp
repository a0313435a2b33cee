// `#pragma compss implement(name)`: the TaskSpec of the version names the signature
// of the task it implements; qualified names and overloads are resolved by the
// parameter types.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

namespace algo {
#pragma compss task
void sort(int &a);
#pragma compss task
void sort(double &a);
} // namespace algo

#pragma compss task constraint(processor_type="GPU")
#pragma compss implement(algo::sort)
void sort_gpu(double &a) { a = 0; }

void user(double &d) { sort_gpu(d); }

// CHECK:      .name = "sort_gpu", .signature = "void sort_gpu(double &)",
// CHECK:      .implements = "void algo::sort(double &)"};
