// A trivially copyable class with a pointer, reference or view member would
// travel as its bytes: the address would point into the master's memory on a
// worker (a crash, or garbage read silently). C++ cannot see the member;
// compss-cc does, through member classes, bases, arrays and containers, warns
// naming the member and its line, and marks the task master-only in its
// TaskSpec, even with the warning off. A class with its own serialize member
// travels through it: no warning.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: %compss-cc --emit-source %s 2>/dev/null | %FileCheck %s --check-prefix=SPEC
// RUN: %compss-cc -Wno-compss-serializable --emit-source %s 2>&1 | %FileCheck %s --check-prefixes=QUIET,SPEC
#include <compss/detail/remote_invoke.hpp>
#include <functional>
#include <string_view>
#include <vector>

struct View {
  const double *data;
  int size;
};

struct Base {
  int tag;
  View view[2];
};

struct Derived : Base {
  double scale;
};

struct Named {
  std::string_view name;
};

struct Held {
  std::reference_wrapper<int> counter;
};

struct Owned {
  const double *data;
  int size;
  template <class A> void serialize(A &ar) { ar(size); }
};

struct Plain {
  double x[3];
  int n;
};

#pragma compss task
double sum(View v);

#pragma compss task inout(rows)
void scale(std::vector<Derived> &rows);

#pragma compss task
View make_view(int n);

#pragma compss task
int length(const Named &n);

#pragma compss task
void count(Held h);

#pragma compss task
int size_of(Owned o);

#pragma compss task
double norm(Plain p);

void user(View v, std::vector<Derived> &rows, Named n, Held h, Owned o, Plain p) {
  auto a = sum(v);
  scale(rows);
  auto b = make_view(3);
  auto c = length(n);
  count(h);
  auto d = size_of(o);
  auto e = norm(p);
  (void)a, (void)b, (void)c, (void)d, (void)e;
}

// C++ alone would send View as bytes (the runtime follows compss-cc instead).
static_assert(compss::detail::remote_param_ok_v<View, compss::detail::ParamKind::object>);

// A collection or an array section of such classes cannot travel yet anyway;
// the mark keeps the task home should they travel one day.
#pragma compss task collection_in(views)
double total(const std::vector<View> &views);

#pragma compss task in(first[n])
double first_sum(const View *first, int n);

void user2(const std::vector<View> &views, const View *first) {
  auto a = total(views);
  auto b = first_sum(first, 2);
  (void)a, (void)b;
}

// CHECK: warn-serializable-address-member.cpp:50:17: warning: task 'sum' cannot run on a worker: parameter 'v' of type 'View' is not serializable ('View' holds an address: member 'data' of type 'const double *' (line 17) would be sent as its bytes); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-address-member.cpp:16:8: note: to let the task run on workers, give 'View' a public member
// CHECK: warn-serializable-address-member.cpp:52:27: warning: task 'scale' cannot run on a worker: parameter 'rows' of type 'std::vector<Derived> &' is not serializable ('Derived' holds an address: member 'view.data' of type 'const double *' (line 17) would be sent as its bytes)
// CHECK: warn-serializable-address-member.cpp:55:16: warning: task 'make_view' cannot run on a worker: its result of type 'View' is not serializable ('View' holds an address: member 'data'
// CHECK: warn-serializable-address-member.cpp:59:25: warning: task 'length' cannot run on a worker: parameter 'n' of type 'const Named &' is not serializable ('Named' holds an address: member 'name' of type 'std::string_view' (line 31)
// CHECK: warn-serializable-address-member.cpp:62:17: warning: task 'count' cannot run on a worker: parameter 'h' of type 'Held' is not serializable ('Held' holds an address: member 'counter' of type 'std::reference_wrapper<int>' (line 35)
// CHECK: warn-serializable-address-member.cpp:86:35: warning: task 'total' cannot run on a worker: parameter 'views' of type 'const std::vector<View> &' is not serializable (collection parameters cannot be sent to a worker yet)
// CHECK: warn-serializable-address-member.cpp:89:24: warning: task 'first_sum' cannot run on a worker: parameter 'first' of type 'const View *' is not serializable ('View' holds an address: member 'data' of type 'const double *' (line 17) would be sent as its bytes)
// CHECK-NOT: warning:

// QUIET-NOT: warning:
// SPEC: __compss_task_0{
// SPEC-NEXT: .name = "sum"
// SPEC: .master_only = true};
// SPEC: __compss_task_1{
// SPEC-NEXT: .name = "scale"
// SPEC: .master_only = true};
// SPEC: __compss_task_2{
// SPEC-NEXT: .name = "make_view"
// SPEC: .master_only = true};
// SPEC: __compss_task_3{
// SPEC-NEXT: .name = "length"
// SPEC: .master_only = true};
// SPEC: __compss_task_4{
// SPEC-NEXT: .name = "count"
// SPEC: .master_only = true};
// SPEC: __compss_task_5{
// SPEC-NEXT: "size_of"
// SPEC-NOT: master_only
// SPEC: __compss_task_6{
// SPEC-NEXT: "norm"
// SPEC-NOT: master_only
// SPEC: __compss_task_7{
// SPEC-NEXT: .name = "total"
// SPEC: .master_only = true};
// SPEC: __compss_task_8{
// SPEC-NEXT: .name = "first_sum"
// SPEC: .master_only = true};
// SPEC: #line 1
