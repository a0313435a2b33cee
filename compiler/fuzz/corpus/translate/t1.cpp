// `#pragma compss group("name")` wraps the next block in a scope holding a
// compss::TaskGroup; the `}` closing it goes right after the block, so no line moves.
// barrier_group, delete and delete_file become their API calls.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task
void work(int &x);

void user(int &x, std::string path) {
#pragma compss group("first")
  {
    work(x);
  }
#pragma compss group("second") implicit_barrier(false)
  { work(x); }
#pragma compss barrier_group("second")
#pragma compss delete(x)
#pragma compss delete_file(path)
}

// CHECK:      {{^}}void user(int &x, std::string path) {
// CHECK-NEXT: {{^}}{ ::compss::TaskGroup __compss_group_0("first", /*implicit_barrier=*/true);
// CHECK-NEXT: {{^}}  {
// CHECK-NEXT: {{^}}    ::compss::detail::call_task<__compss_task_0, {{.*}}>(x);
// CHECK-NEXT: {{^}}  }}
// CHECK-NEXT: {{^}}{ ::compss::TaskGroup __compss_group_1("second", /*implicit_barrier=*/false);
// CHECK-NEXT: {{^}}  { ::compss::detail::call_task<__compss_task_0, {{.*}}>(x); }}
// CHECK-NEXT: {{^}}::compss::barrier_group("second");
// CHECK-NEXT: {{^}}::compss::delete_object(x);
// CHECK-NEXT: {{^}}::compss::delete_file(path);
// CHECK-NEXT: {{^}}}
