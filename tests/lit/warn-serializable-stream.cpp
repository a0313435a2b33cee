// stream_* parameters cannot be sent to a worker yet: the task always runs on
// the master. (The stream types are matched by name; they may come later.)
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
#include <compss/detail/remote_invoke.hpp>

#include <compss/stream.hpp> // (remote_invoke.hpp may bring it already)
// The real stream type: a task with a stream parameter stays on the master
// until streams travel between nodes.

#pragma compss task stream_out(s)
void produce(compss::ObjectStream<int> &s);

// The runtime agrees.
static_assert(!compss::detail::remote_param_ok_v<compss::ObjectStream<int> &,
                                                 compss::detail::ParamKind::stream>);

// CHECK: warn-serializable-stream.cpp:10:32: warning: task 'produce' cannot run on a worker: parameter 's' of type 'compss::ObjectStream<int> &' is not serializable (stream parameters cannot be sent to a worker yet); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-stream.cpp:10:32: note: to let the task run on workers, pass the data in an object clause
