// `#pragma compss wait_on_file(p)` becomes compss::wait_on_file(p) on the same line.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s
#include <string>

#pragma compss task file_out(path)
void produce(const std::string &path);

void user() {
  std::string path = "result.txt";
  produce(path);
  #pragma compss wait_on_file(path)
  int after = 0;
  (void)after;
}

// CHECK:      {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(const ::std::string &)>(&::produce)>(path);
// CHECK-NEXT: {{^}}  ::compss::wait_on_file(path);
// CHECK-NEXT: {{^}}  int after = 0;
