// A version runs through a function of its task's own type: a version of a member
// function is a member of the same class with the same constness, a version of a function
// template a template of the same template parameters, each accepting every template
// argument its task is called with.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s
// RUN: not %compss-cc -fsyntax-only -DINSTANTIATE %s 2>&1 | %FileCheck %s --check-prefix=INST

#ifndef INSTANTIATE
struct Box {
#pragma compss task
  int fill(int &a);
#pragma compss task
  int peek(int &a) const;
#pragma compss task
#pragma compss implement(peek)
  int peek_writes(int &a);
};

struct Other {
#pragma compss task
#pragma compss implement(Box::fill)
  int fill_elsewhere(int &a);
};

#pragma compss task
#pragma compss implement(Box::fill)
int fill_free(int &a);

#pragma compss task
template <int N> void tick(int &a);

#pragma compss task
#pragma compss implement(tick)
void tick_plain(int &a);

#pragma compss task
template <class T, int N> void shift(T &v);

#pragma compss task
#pragma compss implement(shift)
template <class T, long N> void shift_long(T &v);

// CHECK: err-implement-shape.cpp:15:26: error: 'Box::peek_writes' cannot implement task 'Box::peek': one is a const member function and the other is not: a version reads or writes the object as its task does (make both const or neither)
// CHECK: err-implement-shape.cpp:13:7: note: task 'Box::peek' declared here
// CHECK: err-implement-shape.cpp:21:26: error: 'Other::fill_elsewhere' cannot implement task 'Box::fill': a version of a member function must be a member of the same class ('Box', not 'Other'): declare it there
// CHECK: err-implement-shape.cpp:11:7: note: task 'Box::fill' declared here
// CHECK: err-implement-shape.cpp:26:26: error: 'fill_free' cannot implement task 'Box::fill': 'Box::fill' is a non-static member function and the other is not: a version of a member function is a member function of the same class; of a free or static function, a free or static function
// CHECK: err-implement-shape.cpp:33:26: error: 'tick_plain' cannot implement task 'tick': 'tick' is a function template and the other is not: a version of a function template is a function template with the same template parameters (each instantiation of the task runs the same instantiation of its versions)
// CHECK: err-implement-shape.cpp:30:23: note: task 'tick' declared here
// CHECK: err-implement-shape.cpp:40:26: error: 'shift_long' cannot implement task 'shift': their template parameters differ: a version of a function template has the same template parameters, in the same order (each instantiation of the task runs the same instantiation of its versions)
#else
#pragma compss task
template <class T> void twice(T &v);

#pragma compss task
#pragma compss implement(twice)
template <class T> void twice_small(T &v) requires (sizeof(T) < 8);

void user() {
  char c = 1;
  double d = 1;
  twice(c);
  twice(d);
}
// INST-NOT: error
// INST: err-implement-shape.cpp:63:3: error: call of task 'twice<double>' runs the same instantiation of its version 'twice_small', which cannot be instantiated with these template arguments: a version of a function template must accept every template argument its task is called with
// INST-NEXT: twice(d);
// INST: 1 error generated.
#endif
