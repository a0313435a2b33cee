// A pointer parameter cannot travel (an address means nothing on another
// node): the task always runs on the master. Named in no clause, the warning
// is at the parameter.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
#include <compss/detail/remote_invoke.hpp>

#pragma compss task
void bump(int *counter);

void user(int &c) { bump(&c); }

// The runtime agrees.
static_assert(!compss::detail::remote_param_ok_v<int *, compss::detail::ParamKind::object>);

// CHECK: warn-serializable-pointer.cpp:8:16: warning: task 'bump' cannot run on a worker: parameter 'counter' of type 'int *' is not serializable (a pointer: an address means nothing on another node); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-pointer.cpp:8:16: note: to let the task run on workers, pass a serializable type: trivially copyable, a standard string or container of serializable types, or a class with a 'serialize' member
