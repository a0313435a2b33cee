// Numeric constraints take numbers (or a "$VAR" string), the others string literals.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task constraint(memory="6GB")
void f(int &a);
#pragma compss task constraint(processor_type=GPU)
void g(int &a);
#pragma compss task constraint(is_local="yes")
void h(int &a);

// CHECK: err-constraint-value-type.cpp:4:39: error: 'memory_size' takes a number or a "$VAR" string literal, not '"6GB"'
// CHECK: err-constraint-value-type.cpp:6:47: error: 'processor_type' takes a string literal, not 'GPU'
// CHECK: err-constraint-value-type.cpp:8:41: error: 'is_local' takes true, false or a "$VAR" string literal, not '"yes"'
