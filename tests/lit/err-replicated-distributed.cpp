// `replicated` (each call on every node) and `distributed` (each call on one
// node, round-robin) together on one task: an error at the second clause,
// whichever order they come in, with a note at the first; nothing is built.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

#pragma compss task replicated inout(a) distributed
void f(int &a);

#pragma compss task distributed, in(b) replicated
void g(int b);

// CHECK: err-replicated-distributed.cpp:8:41: error: 'distributed' cannot be combined with 'replicated' on one task: 'replicated' runs each call on every node, 'distributed' runs each call on one node chosen round-robin; keep the one you mean, or declare two tasks
// CHECK: err-replicated-distributed.cpp:8:21: note: first listed here
// CHECK: err-replicated-distributed.cpp:11:40: error: 'replicated' cannot be combined with 'distributed' on one task
// CHECK: err-replicated-distributed.cpp:11:21: note: first listed here
