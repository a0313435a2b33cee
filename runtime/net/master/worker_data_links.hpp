// WorkerDataLinks: the cluster's DataLinks (net/master/data_links.hpp) over its worker
// links and its PeerFetcher. Values the master fetches are told as transfer events here
// (while observers are installed), so the data plane knows nothing of events.
#pragma once

#include "net/master/data_links.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace compss::rt {
class Runtime;
}

namespace compss::net {

class PeerFetcher;
class RemoteEvents;
class WorkerLink;

/// Thread-safe as its parts are: the links are the cluster's node slots, read without a
/// lock for nodes the data plane names (filled before any datum is placed there), the
/// fetcher and the events are thread-safe.
/// `choose_worker`, `lend_worker`, `remake_ended`, `run_on_master` (a call on node 0) and
/// `waits_for_remake` are the cluster's (they take the scheduler lock).
class WorkerDataLinks final : public DataLinks {
 public:
  WorkerDataLinks(rt::Runtime& runtime, const std::vector<std::unique_ptr<WorkerLink>>& links,
                  PeerFetcher& fetcher, RemoteEvents& events, std::function<int(TaskRequest&)> choose_worker,
                  std::function<int(TaskRequest&)> lend_worker,
                  std::function<void(const TaskRequest&)> remake_ended,
                  std::function<CallResult(TaskRequest&)> run_on_master,
                  std::function<void(bool)> waits_for_remake)
      : runtime_(runtime),
        links_(links),
        fetcher_(fetcher),
        events_(events),
        choose_worker_(std::move(choose_worker)),
        lend_worker_(std::move(lend_worker)),
        remake_ended_(std::move(remake_ended)),
        run_on_master_(std::move(run_on_master)),
        waits_for_remake_(std::move(waits_for_remake)) {}

  std::string data_address(int node) const override;
  bool shares_files(int node) const override;
  void release(int node, std::uint64_t id, std::uint64_t version, bool only_this) noexcept override;
  bool fetch(int node, std::uint64_t id, std::uint64_t version,
             const detail::SinkFactory& make_sink, std::shared_ptr<const detail::HeldValue>& out,
             std::string& why) override;
  void fetch_many(int node, std::span<const std::pair<std::uint64_t, std::uint64_t>> versions,
                  const std::function<void(std::size_t, const detail::HeldValue*)>& each) override;
  int choose_worker(TaskRequest& request) override { return choose_worker_(request); }
  int lend_worker(TaskRequest& request) override { return lend_worker_(request); }
  void remake_ended(const TaskRequest& request) noexcept override { remake_ended_(request); }
  void waits_for_remake(bool placed) noexcept override { waits_for_remake_(placed); }
  bool run_failed() const override;
  CallResult call(int node, TaskRequest& request) override;

 private:
  WorkerLink& link(int node) const { return *links_[static_cast<std::size_t>(node)]; }

  rt::Runtime& runtime_;
  const std::vector<std::unique_ptr<WorkerLink>>& links_;
  PeerFetcher& fetcher_;
  RemoteEvents& events_;
  std::function<int(TaskRequest&)> choose_worker_;
  std::function<int(TaskRequest&)> lend_worker_;
  std::function<void(const TaskRequest&)> remake_ended_;  // (must not throw)
  std::function<CallResult(TaskRequest&)> run_on_master_;
  std::function<void(bool)> waits_for_remake_;  // (must not throw)
};

}  // namespace compss::net
