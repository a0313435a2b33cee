// A result that cannot be serialized cannot come back from a worker: the
// warning is on the task pragma.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
#include <compss/detail/remote_invoke.hpp>
#include <memory>

#pragma compss task
std::unique_ptr<int> make(int v);

void user() {
  auto p = make(1);
  (void)p;
}

// The runtime agrees.
static_assert(!compss::is_serializable_v<std::unique_ptr<int>>);

// CHECK: warn-serializable-result.cpp:7:16: warning: task 'make' cannot run on a worker: its result of type 'std::unique_ptr<int>' is not serializable ('std::unique_ptr<int>' is not one of the standard types an archive handles); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-result.cpp:7:16: note: to let the task run on workers, pass a serializable type
