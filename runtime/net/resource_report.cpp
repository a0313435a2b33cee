#include "net/resource_report.hpp"

#include <algorithm>

namespace compss::net {

void report_resources(Hello& hello, const sched::Resources& detected, const DeclaredResources& declared) {
  hello.cores = declared.cores != 0 ? declared.cores
                                    : std::max(1u, detected.units(sched::ProcessorType::cpu));
  const double memory_gb = declared.memory_gb.value_or(detected.memory_gb);
  hello.memory_mb = sched::gb_to_mb(memory_gb);
  hello.gpus = declared.gpus.value_or(detected.units(sched::ProcessorType::gpu));
  for (const sched::Processor& p : detected.processors) {
    if (p.type == sched::ProcessorType::cpu && !p.architecture.empty()) {
      hello.architecture = p.architecture;
      break;
    }
  }
  hello.os_type = detected.os_type;
}

sched::Resources reported_resources(const Hello& hello) {
  sched::Resources r;
  sched::Processor cpu;
  cpu.type = sched::ProcessorType::cpu;
  cpu.units = std::max(1u, hello.cores);
  cpu.architecture = hello.architecture;
  r.processors.push_back(cpu);
  if (hello.gpus > 0) {
    sched::Processor gpu;
    gpu.type = sched::ProcessorType::gpu;
    gpu.units = hello.gpus;
    gpu.name = "GPU";
    r.processors.push_back(gpu);
  }
  r.memory_gb = static_cast<double>(hello.memory_mb) / 1024.0;
  r.os_type = hello.os_type;
  return r;
}

}  // namespace compss::net
