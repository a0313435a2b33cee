#include "net/master/admission.hpp"

#include "net/resource_report.hpp"

namespace compss::net {

unsigned admit_workers(StartWait& wait, const AdmissionSource& source,
                       const std::function<void(AdmittedWorker&&)>& admitted) {
  unsigned count = 0;
  while (wait.waiting()) {
    std::shared_ptr<Endpoint> ep = source.accept(wait.next_slice());
    if (ep == nullptr) continue;
    Message m;
    if (ep->receive(m, source.hello_timeout) || !std::holds_alternative<Hello>(m)) {
      ep->close();  // not a worker of this run's protocol: it never becomes a node
      continue;
    }
    AdmittedWorker w;
    w.endpoint = std::move(ep);
    w.hello = std::get<Hello>(std::move(m));
    w.host = source.host_of(*w.endpoint);
    w.name = w.hello.node_name.empty() ? w.host : w.hello.node_name;
    w.resources = reported_resources(w.hello);
    wait.connected(w.hello.node_name);
    ++count;
    admitted(std::move(w));
  }
  return count;
}

}  // namespace compss::net
