// A version must be callable wherever its task is: same result type, each parameter
// accessed as the task accesses it, not itself a version, and declared before the task's
// calls (err-implement-shape.cpp: members and templates).
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task
int sort(int &a);

#pragma compss task
#pragma compss implement(sort)
long v_result(int &a);

#pragma compss task in(a)
#pragma compss implement(sort)
int v_access(int &a);

#pragma compss task
#pragma compss implement(sort)
int v_ok(int &a);

#pragma compss task
#pragma compss implement(v_ok)
int v_chain(int &a);

// CHECK: err-implement-mismatch.cpp:10:26: error: 'v_result' cannot implement task 'sort': its result type differs (long vs int)
// CHECK: err-implement-mismatch.cpp:7:5: note: task 'sort' declared here
// CHECK: err-implement-mismatch.cpp:14:26: error: 'v_access' cannot implement task 'sort': parameter 'a' is in here but inout in 'sort' (a version accesses the call's data as the task does: give it the task's clauses)
// CHECK: err-implement-mismatch.cpp:22:26: error: 'v_chain' cannot implement 'v_ok', which is itself a version of 'sort': name 'sort' in 'implement(...)'
