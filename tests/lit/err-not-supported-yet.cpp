// SPEC features of a later version are rejected, not ignored: task clauses,
// pragmas, array extents, and tasks that are templates, member functions, consteval
// or variadic functions.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

#pragma compss task inout(a) priority(true)
void f(int &a);
#pragma compss task constraint(computing_units=2)
void g(int &a);
#pragma compss task inout(a[n])
void h(int *a, int n);
#pragma compss task
template <class T> void t(T &x);
struct S {
#pragma compss task
  void m(int &x);
};
void user() {
#pragma compss group("g")
  {}
}
#pragma compss task
consteval int c(int x) { return x; }
#pragma compss task
void v(int n, ...);

// CHECK: err-not-supported-yet.cpp:8:30: error: clause 'priority' of '#pragma compss task' is not supported yet
// CHECK: err-not-supported-yet.cpp:10:21: error: clause 'constraint' of '#pragma compss task' is not supported yet
// CHECK: err-not-supported-yet.cpp:12:28: error: array extents in the 'inout' clause are not supported yet
// CHECK: err-not-supported-yet.cpp:21:16: error: '#pragma compss group' is not supported yet
// CHECK: err-not-supported-yet.cpp:14:16: error: a function template cannot be a task yet
// CHECK: err-not-supported-yet.cpp:17:16: error: a member function cannot be a task yet
// CHECK: err-not-supported-yet.cpp:24:16: error: a consteval function cannot be a task yet
// CHECK: err-not-supported-yet.cpp:26:16: error: a variadic function cannot be a task yet
