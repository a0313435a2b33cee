// collection_* parameters cannot be sent to a worker yet: the task always
// runs on the master.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
#include <compss/detail/remote_invoke.hpp>
#include <vector>

#pragma compss task collection_in(parts) out(sum)
void reduce(const std::vector<double> &parts, double &sum);

// The runtime agrees.
static_assert(!compss::detail::remote_param_ok_v<const std::vector<double> &,
                                                 compss::detail::ParamKind::collection>);

// CHECK: warn-serializable-collection.cpp:7:35: warning: task 'reduce' cannot run on a worker: parameter 'parts' of type 'const std::vector<double> &' is not serializable (collection parameters cannot be sent to a worker yet); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-collection.cpp:7:35: note: to let the task run on workers, pass the data in an object clause (in, out, inout ...) as a serializable type such as a std::vector
