// A standard container travels when its elements do: a std::list (which no
// archive handles) or a class without serialize inside one stops the task
// from running on a worker. The reason names the element type.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
#include <compss/detail/remote_invoke.hpp>
#include <list>
#include <map>
#include <string>
#include <vector>

struct Cell {
  std::string label;
};

#pragma compss task in(lists)
void merge(const std::vector<std::list<int>> &lists);

#pragma compss task inout(cells)
void relabel(std::map<int, Cell> &cells);

// The runtime agrees.
using compss::detail::ParamKind;
static_assert(!compss::detail::remote_param_ok_v<const std::vector<std::list<int>> &,
                                                 ParamKind::object>);
static_assert(!compss::detail::remote_param_ok_v<std::map<int, Cell> &, ParamKind::object>);

// CHECK: warn-serializable-std-element.cpp:15:24: warning: task 'merge' cannot run on a worker: parameter 'lists' of type 'const std::vector<std::list<int>> &' is not serializable ('std::list<int>' is not one of the standard types an archive handles); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-std-element.cpp:15:24: note: to let the task run on workers, pass a serializable type
// CHECK: warn-serializable-std-element.cpp:18:27: warning: task 'relabel' cannot run on a worker: parameter 'cells' of type 'std::map<int, Cell> &' is not serializable ('Cell' is not trivially copyable and has no public 'serialize' member); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-std-element.cpp:11:8: note: to let the task run on workers, give 'Cell' a public member
