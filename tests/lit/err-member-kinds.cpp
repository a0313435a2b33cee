// Member functions that cannot be tasks: constructors, destructors, conversions,
// members of class templates, ref-qualified members.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

struct S {
#pragma compss task
  S(int &x);
#pragma compss task
  void m(int &x) &&;
};
template <class T> struct K {
#pragma compss task
  void m(T &x);
};

// CHECK: err-member-kinds.cpp:6:16: error: a constructor, destructor or conversion cannot be a task yet
// CHECK: err-member-kinds.cpp:8:16: error: a ref-qualified, volatile or explicit-object member function cannot be a task yet
// CHECK: err-member-kinds.cpp:12:16: error: a member of a class template cannot be a task yet
