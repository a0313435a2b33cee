// group needs a string name and a following block.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

void user(int x) {
#pragma compss group(name)
  {}
#pragma compss group("g")
  x = 1;
#pragma compss barrier_group("g") now
#pragma compss group("g") implicit_barrier(maybe)
  {}
}

// CHECK: err-group.cpp:5:22: error: expected a string literal naming the group in 'group'
// CHECK: err-group.cpp:9:35: error: unexpected 'now' in '#pragma compss barrier_group'
// CHECK: err-group.cpp:10:44: error: expected 'true' or 'false' in 'implicit_barrier(...)'
// CHECK: err-group.cpp:7:16: error: '#pragma compss group' must be followed by a block '{ ... }'
