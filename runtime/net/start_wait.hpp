// The master's wait for its workers at start: until every expected worker has connected,
// or is known to have ended before it could (compss-run reports the worker processes it
// saw end, on the pipe COMPSS_WORKER_EXITS_FD), or the connect time-out passes.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace compss::net {

/// Counts the arrivals and the early ends. Workers are matched by name (the Hello's
/// node name, compss-run's COMPSS_WORKER_NAME): with several workers of one name, an end
/// counts as "before connecting" only when more of that name ended than connected, so
/// the wait never ends early because of a worker that had connected.
/// Used by the master's constructing thread only (not thread-safe).
///
///   StartWait wait(2, std::chrono::seconds(30), exits_fd, false);
///   while (wait.waiting()) {
///     auto ep = listener.accept(wait.next_slice());
///     if (ep) wait.connected(name_of(ep));
///   }
///   if (wait.missing() > 0) std::fputs(wait.report().c_str(), stderr);
class StartWait {
 public:
  /// `exits_fd` is the read end of compss-run's pipe (-1: none, the whole time-out is
  /// waited for workers that do not come); StartWait owns and closes it. With
  /// `stop_at_first_loss`, the wait ends as soon as one worker is known lost.
  StartWait(unsigned expected, std::chrono::seconds timeout, int exits_fd, bool stop_at_first_loss);
  ~StartWait();
  StartWait(const StartWait&) = delete;
  StartWait& operator=(const StartWait&) = delete;

  /// Reads compss-run's reports; true while a worker may still connect in time.
  bool waiting();

  /// How long the next accept may block: the time left, at most 100 ms when compss-run
  /// reports ends (they are read between accepts).
  std::chrono::milliseconds next_slice() const;

  /// A worker of this name connected.
  void connected(const std::string& name);

  /// Expected workers that did not connect.
  unsigned missing() const;

  /// "1 of 2 workers missing (1 ended before connecting: localhost-2 ...)": what happened
  /// to the missing ones.
  std::string report() const;

 private:
  void read_reports();
  unsigned ended_before_connecting() const;

  unsigned expected_;
  std::chrono::seconds timeout_;
  std::chrono::steady_clock::time_point deadline_;
  int exits_fd_;
  std::string partial_;                      // a report line not yet complete
  std::map<std::string, unsigned> arrived_;  // name -> workers of that name connected
  std::map<std::string, unsigned> ended_;    // name -> worker processes of that name ended
  unsigned connected_ = 0;
  bool stop_at_first_loss_;
};

}  // namespace compss::net
