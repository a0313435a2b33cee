// Overloads: only the overload after the pragma is a task; static_cast picks it.
// Two task overloads get two TaskSpecs with distinct signatures.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task
void scale(double &x, double by);
void scale(int &x, int by);
#pragma compss task
void scale(float &x, float by);

void user(double d, int i, float f) {
  scale(d, 2.0);
  scale(i, 2);
  scale(f, 2.0f);
}

// CHECK:      {{^}}    "scale", "void scale(double &, double)", __compss_params_0, 2};
// CHECK:      {{^}}    "scale", "void scale(float &, float)", __compss_params_1, 2};
// CHECK:      {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(double &, double)>(&::scale)>(d, 2.0);
// CHECK-NEXT: {{^}}  scale(i, 2);
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_1, static_cast<void (*)(float &, float)>(&::scale)>(f, 2.0f);
