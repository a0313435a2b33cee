// A class that is not trivially copyable and has no public serialize member
// cannot be sent to a worker: the task always runs on the master. compss-cc
// warns at the clause naming the parameter and notes the fix at the class.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
#include <compss/detail/remote_invoke.hpp>
#include <string>
#include <vector>

struct Mesh {
  std::vector<double> nodes;
};

struct Hidden {
  std::string name;

private:
  template <class A> void serialize(A &ar) { ar(name); }
};

#pragma compss task in(mesh)
double area(const Mesh &mesh);

#pragma compss task inout(h)
void rename(Hidden &h);

// The runtime agrees: neither can travel.
using compss::detail::ParamKind;
static_assert(!compss::detail::remote_param_ok_v<const Mesh &, ParamKind::object>);
static_assert(!compss::detail::remote_param_ok_v<Hidden &, ParamKind::object>);

// CHECK: warn-serializable-no-member.cpp:20:24: warning: task 'area' cannot run on a worker: parameter 'mesh' of type 'const Mesh &' is not serializable ('Mesh' is not trivially copyable and has no public 'serialize' member); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-no-member.cpp:9:8: note: to let the task run on workers, give 'Mesh' a public member 'template <class A> void serialize(A &ar) { ar(members...); }', or pass a serializable type
// CHECK: warn-serializable-no-member.cpp:23:27: warning: task 'rename' cannot run on a worker: parameter 'h' of type 'Hidden &' is not serializable ('Hidden' is not trivially copyable and has no public 'serialize' member); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-no-member.cpp:13:8: note: to let the task run on workers, give 'Hidden' a public member
