// Automatic waits: before the first statement that uses a local a pending task may
// write, `::compss::wait_on(x);` is inserted on the same line. No wait where the
// variable only goes to further task calls (a loop of task calls keeps its
// parallelism), none for variables the tasks only read, one before a loop whose body
// reads a variable still pending from before it, none in main's final
// return (finish_main waits), a wait at a block's end for its own locals, a wait
// inside a loop body for a use after a task call of the same iteration.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task inout(x)
void inc(int &x);
#pragma compss task in(x)
void show(const int &x);

int work(int n) {
  int a = 0, b = 0, r = 0;
  inc(a);
  show(a);
  show(r);
  std::printf("%d %d\n", a, r);
  for (int i = 0; i < n; ++i) {
    inc(b);
  }
  for (int i = 0; i < n; ++i) {
    inc(b);
    std::printf("%d\n", b);
  }
  {
    int local = 0;
    inc(local);
  }
  return b;
}

int main() {
  int m = 0;
  inc(m);
  return 0;
}

// CHECK:      {{^}}int work(int n) {
// CHECK-NEXT: {{^}}  int a = 0, b = 0, r = 0;
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_0, {{.*}}>(a);
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_1, {{.*}}>(a);
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_1, {{.*}}>(r);
// CHECK-NEXT: {{^}}  ::compss::wait_on(a);std::printf("%d %d\n", a, r);
// CHECK-NEXT: {{^}}  for (int i = 0; i < n; ++i) {
// CHECK-NEXT: {{^}}    ::compss::detail::call_task<__compss_task_0, {{.*}}>(b);
// CHECK-NEXT: {{^}}  }
// CHECK-NEXT: {{^}}  ::compss::wait_on(b);for (int i = 0; i < n; ++i) {
// CHECK-NEXT: {{^}}    ::compss::detail::call_task<__compss_task_0, {{.*}}>(b);
// CHECK-NEXT: {{^}}    ::compss::wait_on(b);std::printf("%d\n", b);
// CHECK-NEXT: {{^}}  }
// CHECK-NEXT: {{^}}  {
// CHECK-NEXT: {{^}}    int local = 0;
// CHECK-NEXT: {{^}}    ::compss::detail::call_task<__compss_task_0, {{.*}}>(local);
// CHECK-NEXT: {{^}}  ::compss::wait_on(local);}
// CHECK-NEXT: {{^}}  ::compss::wait_on(b);return b;
// CHECK-NEXT: {{^}}}
// CHECK:      {{^}}int __compss_user_main() {
// CHECK-NEXT: {{^}}  int m = 0;
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_0, {{.*}}>(m);
// CHECK-NEXT: {{^}}  return ::compss::detail::finish_main(0);
