// A stream parameter travels to a worker as a ticket onto the master's stream
// service when its elements are serializable (docs/streams.md, "Streams across
// workers"): no warning. A stream of elements that cannot be serialized keeps
// its task on the master, with the warning.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s --implicit-check-not=warning:
#include <compss/detail/remote_invoke.hpp>

#include <compss/stream.hpp> // (remote_invoke.hpp may bring it already)

#pragma compss task stream_out(s)
void produce(compss::ObjectStream<int> &s);

#pragma compss task stream_in(files)
void watch(compss::FileStream &files);

struct Opaque {
  int *p;
};

#pragma compss task stream_out(s)
void leak(compss::ObjectStream<Opaque> &s);

// The runtime agrees.
static_assert(compss::detail::remote_param_ok_v<compss::ObjectStream<int> &,
                                                compss::detail::ParamKind::stream>);
static_assert(compss::detail::remote_param_ok_v<compss::FileStream &,
                                                compss::detail::ParamKind::stream>);

// CHECK: warn-serializable-stream.cpp:20:32: warning: task 'leak' cannot run on a worker: parameter 's' of type 'compss::ObjectStream<Opaque> &' is not serializable (the elements of a stream parameter must be serializable to be sent to a worker)
