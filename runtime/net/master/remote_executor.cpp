#include "net/master/remote_executor.hpp"

namespace compss::net {

void RemoteExecutor::send_task(std::shared_ptr<Message> request, RemoteRun run, RemoteAnswer answered) {
  auto& r = std::get<TaskRequest>(*request);
  r.computing_units = run.computing_units;
  r.gpus = run.gpus;
  for (detail::TaskHost& h : run.hosts) r.hosts.push_back({std::move(h.name), h.processes});
  if (!run.signature.empty()) r.signature = std::move(run.signature);
  // (The link writes the request after call_async returns: the answer's closure keeps it.)
  SentRequest sent = request;
  link_.call_async(*request, [sent, answered = std::move(answered)](CallResult&& result) {
    answered(sent, std::move(result));
  });
}

}  // namespace compss::net
