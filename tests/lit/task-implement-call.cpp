// A call of a task with versions (implement) carries them: the task's TaskSpec lists the
// versions' TaskSpecs (.versions), and the call passes each version's spec and function,
// in the same order, so the runtime may run any of them.
// RUN: %compss-cc --emit-source %s | grep -v "^// CHECK" | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task
int scale(const double &x, double &y);

#pragma compss task constraint(processor_type="GPU")
#pragma compss implement(scale)
int scale_gpu(const double &x, double &y) { y = 2 * x; return 1; }

#pragma compss task constraint(computing_units=4, memory_size=2)
#pragma compss implement(scale)
int scale_wide(const double &x, double &y);

#pragma compss task
void other(int &a);

void user(double a, double &b, int &c) {
  scale(a, b);
  other(c);
}

// Versions come first: the task's spec points at theirs.
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_1{
// CHECK-NEXT:     .name = "scale_gpu", .signature = "int scale_gpu(const double &, double &)",
// CHECK:          .implements = "int scale(const double &, double &)"};
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_2{
// CHECK-NEXT:     .name = "scale_wide",
// CHECK:          .implements = "int scale(const double &, double &)"};
// CHECK:      static constexpr const ::compss::detail::TaskSpec *__compss_versions_0[] = {&__compss_task_1, &__compss_task_2};
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_0{
// CHECK-NEXT:     .name = "scale", .signature = "int scale(const double &, double &)",
// CHECK:          .versions = __compss_versions_0, .version_count = 2};
// A task without versions keeps the short form.
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_3{
// CHECK-NEXT:     "other", "void other(int &)", __compss_params_3, 1};
// CHECK:      ::compss::detail::call_task<__compss_task_0, static_cast<int (*)(const double &, double &)>(&::scale), ::compss::detail::Version<__compss_task_1, static_cast<int (*)(const double &, double &)>(&::scale_gpu)>, ::compss::detail::Version<__compss_task_2, static_cast<int (*)(const double &, double &)>(&::scale_wide)>>(a, b);
// CHECK-NEXT: ::compss::detail::call_task<__compss_task_3, static_cast<void (*)(int &)>(&::other)>(c);
