// implement(name) must name a task with the same parameter types.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task
void sort(int &a);

#pragma compss task
#pragma compss implement(nosuch)
void v1(int &a);

#pragma compss task
#pragma compss implement(sort)
void v2(long &a);

#pragma compss implement(sort)
void v3(int &a);

#pragma compss task
#pragma compss implement()
void v4(int &a);

// CHECK: err-implement.cpp:19:26: error: expected the name of a task in 'implement(...)'
// CHECK: err-implement.cpp:15:16: error: '#pragma compss implement' applies to a task, but 'v3' has no '#pragma compss task'
// CHECK: err-implement.cpp:8:26: error: 'nosuch' in 'implement(...)' names no task
// CHECK: err-implement.cpp:12:26: error: 'v2' cannot implement task 'sort': its parameter types differ ((long &) vs (int &))
// CHECK: err-implement.cpp:5:6: note: task 'sort' declared here
