// A std::string_view or std::span object parameter is trivially copyable, but its
// bytes are an address on the master: the task cannot travel.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
#include <compss/detail/remote_invoke.hpp>
#include <span>
#include <string_view>

#pragma compss task
int count(std::string_view text);

#pragma compss task
double total(std::span<const double> values);

void user(const double* p) {
  auto a = count("abc");
  auto b = total(std::span<const double>(p, 2));
  (void)a;
  (void)b;
}

// The runtime agrees.
static_assert(!compss::detail::remote_param_ok_v<std::string_view, compss::detail::ParamKind::object>);
static_assert(!compss::detail::remote_param_ok_v<std::span<const double>, compss::detail::ParamKind::object>);
// As a file parameter a string_view names a path: that travels.
static_assert(compss::detail::remote_param_ok_v<std::string_view, compss::detail::ParamKind::file>);

// CHECK: warn-serializable-view.cpp:9:28: warning: task 'count' cannot run on a worker: parameter 'text' of type 'std::string_view' (aka 'basic_string_view<char>') is not serializable (a view: the memory it refers to stays on the master); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-view.cpp:12:38: warning: task 'total' cannot run on a worker: parameter 'values' of type 'std::span<const double>' is not serializable (a view: the memory it refers to stays on the master); it will always run on the master [-Wcompss-serializable]
