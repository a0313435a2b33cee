#include "net/master/remote_executor.hpp"

namespace compss::net {

BuiltRequest RemoteExecutor::build_request(detail::TaskBase* t, bool may_block, bool check_lost) {
  BuiltRequest built;
  if (may_block && check_lost) {
    // Inputs lost with their workers are made again first (lineage), the task placed again
    // after: building here would make them while this task holds its node.
    built.lost = data_->lost_inputs(*t);
    if (!built.lost.empty()) return built;
  }
  auto request = std::make_shared<Message>(TaskRequest{});
  if (data_->build(t, node(), std::get<TaskRequest>(*request), may_block)) {
    built.request = std::move(request);
  } else if (check_lost) {
    built.lost = data_->lost_inputs(*t);
  }
  return built;
}

std::uint64_t time_left_ms(std::chrono::steady_clock::time_point deadline) noexcept {
  using namespace std::chrono;
  if (deadline == steady_clock::time_point::max()) return 0;
  const auto left = ceil<milliseconds>(deadline - steady_clock::now()).count();
  return left < 1 ? 1 : static_cast<std::uint64_t>(left);
}

void RemoteExecutor::send_task(const detail::TaskBase& t, std::shared_ptr<Message> request, RemoteRun run,
                               RemoteAnswer answered) {
  auto& r = std::get<TaskRequest>(*request);
  r.computing_units = run.computing_units;
  r.gpus = run.gpus;
  r.time_left_ms = run.time_left_ms;
  for (detail::TaskHost& h : run.hosts) r.hosts.push_back({std::move(h.name), h.processes});
  if (!run.signature.empty()) r.signature = std::move(run.signature);
  // (The link writes the request after call_async returns: the answer's closure keeps it.)
  SentRequest sent = request;
  link_.call_async(*request, [data = data_, n = node(), &t, sent, answered = std::move(answered)](CallResult&& result) {
    if (result.status != CallResult::Status::lost && data != nullptr) {
      data->received(t, n, std::get<TaskRequest>(*sent));  // (before the answer's steps)
    }
    answered(sent, std::move(result));
  });
}

}  // namespace compss::net
