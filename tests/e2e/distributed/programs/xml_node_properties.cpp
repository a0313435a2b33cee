// Constraints on what only resources.xml says about a worker (software, an FPGA, storage,
// a batch queue, a processor's name/speed/architecture, the OS distribution): the master
// takes the XML's description of each worker over the worker's own report, so each task
// runs, and runs on the one worker declaring it (xml_node_properties.xml names it
// "localhost-2"). Without the description every call fails with "can never run"
// (test e2e.distributed.xml_node_properties).
#include <compss/compss.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {
/// 1 when this body runs on the worker the XML declares with every property below.
int on_declared_node() {
  const char* name = std::getenv("COMPSS_WORKER_NAME");
  return name != nullptr && std::strcmp(name, "localhost-2") == 0 ? 1 : 0;
}
}  // namespace

#pragma compss task constraint(app_software="blast")
void needs_software(int& where) { where = on_declared_node(); }

#pragma compss task constraint(processor_type="FPGA")
void needs_fpga(int& where) { where = on_declared_node(); }

#pragma compss task constraint(storage_size=50, storage_type="SSD")
void needs_storage(int& where) { where = on_declared_node(); }

#pragma compss task constraint(host_queues="debug")
void needs_queue(int& where) { where = on_declared_node(); }

#pragma compss task constraint(processor_name="Special", processor_speed=3, processor_architecture="testarch")
void needs_processor(int& where) { where = on_declared_node(); }

#pragma compss task constraint(operating_system_distribution="testdistro")
void needs_os(int& where) { where = on_declared_node(); }

int main() {
  int where[6] = {-1, -1, -1, -1, -1, -1};
  needs_software(where[0]);
  needs_fpga(where[1]);
  needs_storage(where[2]);
  needs_queue(where[3]);
  needs_processor(where[4]);
  needs_os(where[5]);
  const char* keys[6] = {"app_software", "processor_type", "storage", "host_queues", "processor", "os"};
  int on_node = 0;
  for (int i = 0; i < 6; ++i) {
    compss::wait_on(where[i]);
    std::printf("%s: on the declared node: %s\n", keys[i], where[i] == 1 ? "yes" : "no");
    on_node += where[i];
  }
  std::printf("every task on its declared node: %s\n", on_node == 6 ? "yes" : "no");
  return on_node == 6 ? 0 : 1;
}
