#include "net/stream_prefetch.hpp"

#include "net/stream_client.hpp"
#include "net/stream_elements.hpp"
#include "settings/run_config.hpp"

#include <compss/error.hpp>

#include <atomic>
#include <system_error>
#include <utility>

namespace compss::net {

namespace {

std::atomic<bool> overridden{false};  // set_stream_prefetch
std::atomic<std::size_t> override_bytes{0};
std::atomic<std::uint64_t> prefetch_polls{0};    // stream_prefetch_polls
std::atomic<std::uint64_t> prefetch_returns{0};  // stream_prefetch_returns
std::atomic<std::size_t> prefetched_bytes{0};    // stream_prefetched_bytes
// A prefetch poll's wait at the master: short, so a stopped prefetch's poll there ends soon.
constexpr std::chrono::milliseconds poll_chunk{250};
// at_least_once, a poll sent while the user handles its last batch: its commit lags, so a
// full log waits for the next poll (sent with a full commit once the user polls again):
// it waits less at the master.
constexpr std::chrono::milliseconds lagged_chunk{20};
constexpr int confirm_tries = 3;

std::size_t bytes_of(const PrefetchedBatch& b) {
  std::size_t n = 0;
  for (const WireElement& w : b.elements) n += w.bytes.size() + w.size;
  return n;
}

}  // namespace

void set_stream_prefetch(std::size_t bytes) noexcept {
  override_bytes.store(bytes);
  overridden.store(true);
}
std::size_t stream_prefetch_bytes() noexcept {
  return overridden.load() ? override_bytes.load() : config::run_config().stream_prefetch_bytes;
}
std::uint64_t stream_prefetch_polls() noexcept { return prefetch_polls.load(); }
std::uint64_t stream_prefetch_returns() noexcept { return prefetch_returns.load(); }
std::size_t stream_prefetched_bytes() noexcept { return prefetched_bytes.load(); }

PollPrefetcher::PollPrefetcher(detail::StreamTicket ticket, std::uint64_t consumer, std::size_t budget)
    : ticket_(std::move(ticket)), consumer_(consumer),
      confirms_(static_cast<ConsumerMode>(ticket_.mode) == ConsumerMode::at_most_once),
      budget_(budget), link_(connect_stream_endpoint("", ticket_.port)) {
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::system_error& e) {
    link_->close();
    throw Error(std::string("compss: a stream handle could not start its prefetch thread: ") + e.what());
  }
}

PollPrefetcher::~PollPrefetcher() { stop(); }

void PollPrefetcher::run() noexcept {
  std::unique_lock lock(mutex_);
  for (;;) {
    const bool can_poll = want_ && !ready_ && !taking_ && !closed_ && error_.empty();
    if (stopping_) return;
    if (!can_poll) {
      changed_.wait(lock);
      continue;
    }
    outstanding_ = true;
    // at_least_once: while the user handles the last batch, this poll commits only what
    // came before it; once the user polls again, it finished that batch too.
    const bool lag = !confirms_ && !user_done_;
    // (The first poll waits at the master as long as the user's poll that asked for it:
    // a poll(0) takes what is there, as without prefetch.)
    const std::chrono::milliseconds chunk = answered_ == 0 ? std::min(first_wait_, poll_chunk)
                                            : lag          ? lagged_chunk
                                                           : poll_chunk;
    const std::uint64_t reopened = reopened_;
    lock.unlock();
    StreamCall c{.op = StreamCall::poll, .slot = consumer_,
                 .timeout_us = static_cast<std::uint64_t>(std::chrono::microseconds(chunk).count()),
                 .flag = lag, .batch = confirms_ ? next_poll_batch_id() : 0, .budget = budget_};
    StreamReply reply;
    std::string failure;
    // (The master answers within poll_chunk, or when a publish's room wait ends; a master
    // that does not answer within stream_answer_wait is as gone as for any call.)
    const bool ok = exchange(c, reply, chunk + stream_answer_wait(), failure);
    prefetch_polls.fetch_add(1);
    PrefetchedBatch got{.id = c.batch, .elements = std::move(reply.elements), .closed = reply.value != 0};
    if (ok && reply.error.empty() && !got.elements.empty()) {
      fetch_remote_batch(got.elements, false, got.fetched, got.why);
    }
    lock.lock();
    outstanding_ = false;
    ++answered_;
    if (reopened != reopened_) got.closed = false;  // (answered before a forget_closed: stale)
    if (!ok) {
      if (error_.empty()) error_ = failure;
    } else if (!reply.error.empty()) {
      if (error_.empty()) error_ = reply.error;
    } else if (!got.elements.empty()) {
      prefetched_bytes.fetch_add(bytes_of(got));
      ready_ = std::move(got);
    } else if (got.closed) {
      closed_ = true;
    }
    changed_.notify_all();
  }
}

std::optional<PrefetchedBatch> PollPrefetcher::next(std::chrono::steady_clock::time_point deadline,
                                                    bool& closed) {
  std::unique_lock lock(mutex_);
  closed = false;
  want_ = true;
  user_done_ = true;  // (it polls again: it finished the batch it took before)
  auto done = [&] { return ready_.has_value() || !error_.empty() || closed_ || stopping_; };
  if (answered_ == 0) {
    // The first poll: answered before this returns, whatever the timeout (see run).
    if (!outstanding_) {
      first_wait_ = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::max(deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration::zero()));
    }
    changed_.notify_all();
    changed_.wait(lock, [&] { return done() || answered_ > 0; });
  }
  changed_.notify_all();
  changed_.wait_until(lock, deadline, done);
  if (ready_) {
    std::optional<PrefetchedBatch> out = std::move(ready_);
    ready_.reset();
    prefetched_bytes.fetch_sub(bytes_of(*out));
    // at_most_once: the link is the caller's until resume() (its confirmation); the next
    // poll only after it, so the place never holds two unconfirmed batches.
    taking_ = confirms_;
    user_done_ = false;
    if (!confirms_ && out->closed) closed_ = true;
    changed_.notify_all();
    return out;
  }
  if (!error_.empty()) throw Error(error_);
  closed = closed_;
  return std::nullopt;
}

void PollPrefetcher::resume(bool closed) {
  std::lock_guard lock(mutex_);
  taking_ = false;
  if (closed) closed_ = true;
  changed_.notify_all();
}

void PollPrefetcher::forget_closed() {
  std::lock_guard lock(mutex_);
  closed_ = false;
  if (ready_) ready_->closed = false;
  ++reopened_;
  changed_.notify_all();
}

int PollPrefetcher::closed_known() {
  std::lock_guard lock(mutex_);
  if (ready_ || !error_.empty() || outstanding_ || taking_) return 0;
  if (closed_) return 1;
  // (The thread is about to poll: the master, asked now, would count what that poll takes
  // as received by this consumer, and could say closed before it arrives here.)
  if (want_) return 0;
  return -1;
}

bool PollPrefetcher::exchange(StreamCall c, StreamReply& out, std::chrono::milliseconds wait,
                              std::string& failure) {
  std::shared_ptr<Endpoint> link;
  {
    std::lock_guard lock(mutex_);
    link = link_;
  }
  const std::string where = "compss: stream " + std::to_string(ticket_.stream) +
                            ": the prefetch connection to the master's stream service at " + link->peer();
  c.stream = ticket_.stream;
  c.attempt = ticket_.attempt;
  if (std::error_code ec = link->send(c)) {
    failure = where + " failed: " + ec.message();
    return false;
  }
  Message m;
  std::error_code ec = link->receive(m, wait);
  if (ec == NetError::timed_out) {
    failure = where + " did not answer within " + std::to_string(wait.count()) + " ms (COMPSS_WORKER_TIMEOUT)";
    link->close();  // (an answer still on its way must not be read as the next call's)
    return false;
  }
  if (ec) {
    failure = where + " failed: " + ec.message();
    return false;
  }
  auto* reply = std::get_if<StreamReply>(&m);
  if (reply == nullptr) {
    failure = where + " sent an unexpected message";
    link->close();
    return false;
  }
  out = std::move(*reply);
  return true;
}

std::uint64_t PollPrefetcher::confirm(std::uint64_t batch) {
  const StreamCall c{.op = StreamCall::commit, .slot = consumer_, .batch = batch};
  std::string failure;
  for (int tries = 0; tries < confirm_tries; ++tries) {
    if (tries > 0) {
      // The answer was lost: again on a new link, where the master answers it as it
      // answered the first (net/stream_batches.hpp).
      std::this_thread::sleep_for(std::chrono::milliseconds(100) * tries);
      try {
        std::shared_ptr<Endpoint> fresh = connect_stream_endpoint("", ticket_.port);
        std::lock_guard lock(mutex_);
        link_->close();
        link_ = std::move(fresh);
        note_stream_reconnection();
      } catch (const std::exception& e) {
        failure = e.what();
        continue;
      }
    }
    StreamReply reply;
    if (exchange(c, reply, stream_answer_wait(), failure)) {
      if (!reply.error.empty()) throw Error(reply.error);  // (a stale attempt: not its elements)
      return reply.value;
    }
  }
  throw unconfirmed_batch_error(ticket_.stream, confirm_tries, failure);
}

bool PollPrefetcher::return_unread(std::uint64_t batch, bool to_buffer) noexcept {
  try {
    StreamReply reply;
    std::string failure;
    const bool ok = exchange({.op = StreamCall::return_unread, .slot = consumer_, .flag = to_buffer, .batch = batch},
                             reply, stream_answer_wait(), failure);
    if (ok && reply.value != 0) prefetch_returns.fetch_add(1);
    return ok;
  } catch (...) {
    return false;
  }
}

void PollPrefetcher::stop() noexcept {
  std::shared_ptr<Endpoint> link;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    link = link_;
    // A poll out ends now: what it takes is given back at the link's end.
    if (outstanding_) link->close();
    changed_.notify_all();
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  std::optional<PrefetchedBatch> unread;
  {
    std::lock_guard lock(mutex_);
    unread = std::move(ready_);
    ready_.reset();
    if (unread) prefetched_bytes.fetch_sub(bytes_of(*unread));
    link = link_;
  }
  // (Answered before the task's answer leaves: the others may take it at once. A link
  // closed above fails this: its end gives the batch back all the same. A refusal means
  // the master held it no more, given back or to the others: by its name, so no later
  // confirmation can cover it.)
  if (unread && confirms_) (void)return_unread(unread->id, false);
  link->close();
}

}  // namespace compss::net
