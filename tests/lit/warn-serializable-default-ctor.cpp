// A worker default-constructs each parameter before reading its value into
// it: a type without a default constructor cannot travel, even when it is
// trivially copyable.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
#include <compss/detail/remote_invoke.hpp>

struct Handle {
  explicit Handle(int fd) : fd(fd) {}
  int fd;
};

#pragma compss task in(h)
int use(Handle h);

// The runtime agrees.
static_assert(compss::is_serializable_v<Handle>);
static_assert(!compss::detail::remote_param_ok_v<Handle, compss::detail::ParamKind::object>);

// CHECK: warn-serializable-default-ctor.cpp:12:24: warning: task 'use' cannot run on a worker: parameter 'h' of type 'Handle' is not serializable ('Handle' cannot be default-constructed); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-default-ctor.cpp:7:8: note: to let the task run on workers, give 'Handle' a public default constructor, or pass a serializable type
