// `#pragma compss barrier` and `barrier no_more_tasks` become compss::barrier calls.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

void user() {
#pragma compss barrier
  int between = 0;
#pragma compss barrier no_more_tasks
  (void)between;
}

// CHECK:      {{^}}void user() {
// CHECK-NEXT: {{^}}::compss::barrier();
// CHECK-NEXT: {{^}}  int between = 0;
// CHECK-NEXT: {{^}}::compss::barrier(true);
// CHECK-NEXT: {{^}}  (void)between;
