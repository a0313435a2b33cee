// A member function task sends its object: an object that cannot be
// serialized keeps the task on the master. The warning names 'this' and is
// on the task pragma.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
#include <compss/detail/remote_invoke.hpp>
#include <string>

struct Logger {
  std::string path;
  void write(int line);
};

#pragma compss task
void Logger::write(int line) {}

// The runtime agrees: the object is the adapter's first parameter.
static_assert(!compss::detail::remote_param_ok_v<Logger &, compss::detail::ParamKind::object>);

// CHECK: warn-serializable-member-object.cpp:13:16: warning: task 'Logger::write' cannot run on a worker: parameter 'this' of type 'Logger' is not serializable ('Logger' is not trivially copyable and has no public 'serialize' member); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-member-object.cpp:8:8: note: to let the task run on workers, give 'Logger' a public member
