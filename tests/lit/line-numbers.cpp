// The real compiler's diagnostics point at the user's file and line: the prologue
// ends with #line and nothing else adds or removes a line.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s

#pragma compss task
void work(int &x);

#pragma compss task inout(x)
void more(int &x);

void user(int &x) {
#pragma compss barrier
  work(x);
  more(x);
#warning "still line 15"
}

// CHECK: {{^/.*}}line-numbers.cpp:15:{{[0-9]+}}: warning: {{.*}}still line 15
