// A key given twice, also through its alias, or in the clause and the pragma.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task constraint(cores=2, computing_units=4)
void f(int &a);
#pragma compss constraint(memory_size=2)
#pragma compss task constraint(memory=4)
void g(int &a);

// CHECK: err-constraint-duplicate-key.cpp:4:41: error: 'computing_units' is given twice in 'constraint(...)'
// CHECK: err-constraint-duplicate-key.cpp:6:27: error: 'memory_size' is given twice for task 'g'
