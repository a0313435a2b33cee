// A literal value the runtime would refuse is an error at the clause, not a task failure
// at run time: counts of units, processes and nodes are whole numbers >= 1, processor_type
// one of the four types (any case). "$VAR" values are read at run time and pass.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s --implicit-check-not=error:

#pragma compss task constraint(computing_units=0)
void units_zero(int &a);
#pragma compss task constraint(cores=1.5)
void units_fraction(int &a);
#pragma compss task constraint(processor_type="TPU")
void tpu(int &a);
#pragma compss task
#pragma compss mpi(runner="mpirun", binary="./sim", processes=0)
int no_processes();
#pragma compss task
#pragma compss mpi(runner="mpirun", binary="./sim", processes=2, processes_per_node=0)
int no_processes_per_node();
#pragma compss task
#pragma compss multinode(computing_nodes=0)
void no_nodes();

// Fine: lower-case type, a variable, positive counts.
#pragma compss task constraint(processor_type="gpu", computing_units=2)
void gpu(int &a);
#pragma compss task constraint(processor_type="$PTYPE", computing_units="$NCU")
void from_env(int &a);
#pragma compss task
#pragma compss multinode(computing_nodes=2, processes_per_node=1)
void two_nodes();
#pragma compss task constraint(processor_type=" FPGA ")  // (trimmed, as the runtime reads it)
void padded(int &a);

// CHECK: err-constraint-value-range.cpp:6:48: error: 'computing_units' takes a whole number >= 1, not '0'
// CHECK: err-constraint-value-range.cpp:8:38: error: 'computing_units' takes a whole number >= 1, not '1.5'
// CHECK: err-constraint-value-range.cpp:10:47: error: 'processor_type' takes "CPU", "GPU", "FPGA" or "OTHER", not '"TPU"'
// CHECK: err-constraint-value-range.cpp:13:63: error: 'processes' takes a whole number >= 1, not '0'
// CHECK: err-constraint-value-range.cpp:16:85: error: 'processes_per_node' takes a whole number >= 1, not '0'
// CHECK: err-constraint-value-range.cpp:19:42: error: 'computing_nodes' takes a whole number >= 1, not '0'
