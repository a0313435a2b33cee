// Every constraint key of SPEC section 2 is accepted; numeric keys and is_local also take a
// "$VAR" string, carried as written for the runtime to read from the environment.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task constraint(cores="$CORES", memory="${MEM}", memory_type="DRAM", \
    storage_size=10, storage_type="SSD", processor_speed=2.4, \
    processor_performance="$PERF", processor_internal_memory_size=16, \
    processors="CPU:4,GPU:1", operating_system_distribution="debian", \
    operating_system_version="12", wall_clock_limit=60, is_local="$LOCAL")
void every(int &a);
#pragma compss task constraint(is_local=true)
void local(int &a);

void user(int &a) {
  every(a);
  local(a);
}

// CHECK:      __compss_constraints_0[] = {{[{][{]}}"computing_units", "$CORES"}, {"memory_size", "${MEM}"}, {"memory_type", "DRAM"}, {"storage_size", "10"}, {"storage_type", "SSD"}, {"processor_speed", "2.4"}, {"processor_performance", "$PERF"}, {"processor_internal_memory_size", "16"}, {"processors", "CPU:4,GPU:1"}, {"operating_system_distribution", "debian"}, {"operating_system_version", "12"}, {"wall_clock_limit", "60"}, {"is_local", "$LOCAL"}};
// CHECK:      __compss_constraints_1[] = {{[{][{]}}"is_local", "true"}};
