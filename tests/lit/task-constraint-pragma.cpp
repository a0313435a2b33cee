// `#pragma compss constraint(...)` before or after the task pragma adds to the
// clause's constraints; aliases are resolved, string values unquoted.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss constraint(computing_units=2, host_queues="debug")
#pragma compss task constraint(memory_size=1.5)
void before(int &a);

#pragma compss task
#pragma compss constraint(storage_size=10, processor_speed=2.4, \
                          processor_architecture="x86_64", processor_name="Xeon", \
                          operating_system_type="Linux", app_software="blas")
void after(int &a);

void user(int &a) {
  before(a);
  after(a);
}

// CHECK:      __compss_constraints_0[] = {{[{][{]}}"memory_size", "1.5"}, {"computing_units", "2"}, {"host_queues", "debug"}};
// CHECK:      .constraints = __compss_constraints_0, .constraint_count = 3};
// CHECK:      __compss_constraints_1[] = {{[{][{]}}"storage_size", "10"}, {"processor_speed", "2.4"}, {"processor_architecture", "x86_64"}, {"processor_name", "Xeon"}, {"operating_system_type", "Linux"}, {"app_software", "blas"}};
// CHECK:      .constraints = __compss_constraints_1, .constraint_count = 6};
