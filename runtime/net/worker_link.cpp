#include "net/worker_link.hpp"

#include "net/kept_files.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace compss::net {

namespace {
/// A value one thread sets (a completion on the receiver thread) and another waits for.
template <class T>
struct Awaited {
  std::mutex mutex;
  std::condition_variable cv;
  bool ready = false;
  T value{};

  void set(T&& v) {
    {
      std::lock_guard lock(mutex);
      value = std::move(v);
      ready = true;
    }
    cv.notify_all();
  }
  T take() {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return ready; });
    return std::move(value);
  }
};
}  // namespace

WorkerLink::WorkerLink(int node, std::shared_ptr<Endpoint> endpoint, Hello hello,
                       std::string host, std::function<void(int, const std::string&)> on_lost,
                       std::chrono::milliseconds timeout,
                       std::function<void(int, Message&&)> on_note)
    : node_(node),
      endpoint_(std::move(endpoint)),
      hello_(std::move(hello)),
      on_lost_(std::move(on_lost)),
      on_note_(std::move(on_note)),
      timeout_(std::max(timeout, std::chrono::milliseconds(0))) {
  bool v6 = host.find(':') != std::string::npos;
  host_ = host;
  data_address_ = (v6 ? "[" + host + "]" : host) + ":" + std::to_string(hello_.data_port);
  heard(std::chrono::steady_clock::now());
  if (timeout_.count() > 0) {
    // First on the link, before any request: the worker paces its heartbeats by it.
    const auto ms = std::min<std::chrono::milliseconds::rep>(timeout_.count(), UINT32_MAX);
    endpoint_->send(Heartbeat{static_cast<std::uint32_t>(ms)});
    watcher_ = std::thread([this] { watch_loop(); });
  }
  receiver_ = std::thread([this] { receive_loop(); });
}

WorkerLink::~WorkerLink() {
  closing_.store(true);
  {
    std::lock_guard lock(watch_mutex_);
    watch_stop_ = true;
  }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  endpoint_->close();
  if (receiver_.joinable()) receiver_.join();
}

void WorkerLink::ask_whether_it_reaches_kept_links() {
  if (!hello_.shared_files) return;  // (it reads no link: files travel with their bytes)
  if (std::string dir = kept_files::ask_worker(node_); !dir.empty()) send_note(Heartbeat{.kept_dir = dir});
}

void WorkerLink::cut_off(const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    if (lost_why_.empty()) lost_why_ = why;
    cut_off_ = true;
  }
  endpoint_->close();  // (the receiver reports it: one path for every loss)
}

void WorkerLink::watch_loop() {
  using namespace std::chrono;
  // Checked often enough that a lost worker is declared within a tenth of the time-out
  // of going silent. Bytes of a frame still arriving count (a long answer is no silence),
  // and so do bytes not read yet: the receiver may be busy completing a task, or blocked
  // sending to another worker, while this one speaks.
  const auto step = std::clamp<milliseconds>(timeout_ / 10, milliseconds(5), milliseconds(250));
  std::uint64_t bytes = endpoint_->bytes_received();
  std::unique_lock lock(watch_mutex_);
  while (!watch_cv_.wait_for(lock, step, [&] { return watch_stop_; })) {
    const auto now = steady_clock::now();
    // Only growth is word from it: the count reads two counters at once, so a read landing
    // between them may show a total that later looks smaller again.
    if (const std::uint64_t b = endpoint_->bytes_received(); b > bytes) {
      bytes = b;
      heard(now);
    }
    if (!alive()) return;
    // (Also while shutting down: a silent worker is cut off then without waiting more.)
    const steady_clock::time_point last{steady_clock::duration(last_heard_.load(std::memory_order_relaxed))};
    const auto silent = now - last;
    if (silent < timeout_) continue;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", duration<double>(silent).count());
    {
      std::lock_guard state(mutex_);
      lost_why_ = std::string("no word from it for ") + seconds +
                  " s (COMPSS_WORKER_TIMEOUT: stopped, hung or cut off); its connection is "
                  "closed and anything it sends from now on is ignored";
    }
    // The receiver sees the close, reports the loss with lost_why_ and ends every call.
    endpoint_->close();
    return;
  }
}

void WorkerLink::call_async(Message& message, CallDone done) {
  // What the master printed so far (the main program, tasks it ran) reaches the terminal
  // before anything this task prints on the worker. (Cheap when nothing is buffered.)
  std::fflush(stdout);
  std::error_code ec;
  std::uint64_t id = 0;
  bool gone = false;
  {
    // The id is taken where the request is written, so ids grow in the order the worker
    // receives (and starts) the requests: end_all relies on it.
    std::lock_guard order(send_mutex_);
    id = next_request_++;
    std::get<TaskRequest>(message).task_id = id;
    {
      std::lock_guard lock(mutex_);
      gone = !alive();
      if (!gone) calls_.emplace(id, std::move(done));
    }
    if (!gone) ec = send_taking_releases(&message);
  }
  if (gone) {  // (outside the lock: `done` may send again)
    done(CallResult{CallResult::Status::lost, {}, {}, "the worker is gone"});
    return;
  }
  if (ec) {
    // Unless the receiver already ended it (the connection broke), it ends here.
    if (CallDone mine = take_call(id)) mine(CallResult{CallResult::Status::lost, {}, {}, ec.message()});
  }
}

CallResult WorkerLink::call(TaskRequest& request) {
  auto result = std::make_shared<Awaited<CallResult>>();
  Message message(std::move(request));  // sent without copying the values
  call_async(message, [result](CallResult&& r) { result->set(std::move(r)); });
  CallResult r = result->take();
  request = std::move(std::get<TaskRequest>(message));
  return r;
}

void WorkerLink::release(std::uint64_t data_id, std::uint64_t version, bool only_this) noexcept {
  if (!alive()) return;
  try {
    {
      std::lock_guard lock(mutex_);
      pending_releases_.push_back(DataRelease{data_id, version, only_this ? version : 0});
      const auto last = std::chrono::steady_clock::duration(last_answer_.load());
      const bool answering = last.count() != 0 &&
          std::chrono::steady_clock::now().time_since_epoch() - last < release_wait_.load();
      if (!calls_.empty() && answering && pending_releases_.size() < 256) return;  // waits
    }
    send_with_releases(nullptr);
  } catch (const std::exception&) {
    // Out of memory: the worker keeps that version until the run ends.
  }
}

std::error_code WorkerLink::send_with_releases(const Message* message) {
  std::lock_guard order(send_mutex_);
  return send_taking_releases(message);
}

std::error_code WorkerLink::send_taking_releases(const Message* message) {
  std::vector<Message> releases;
  {
    std::lock_guard lock(mutex_);
    releases.swap(pending_releases_);
  }
  std::vector<const Message*> batch;
  batch.reserve(releases.size() + 1);
  for (const Message& r : releases) batch.push_back(&r);
  if (message != nullptr) batch.push_back(message);
  if (batch.empty()) return {};
  return endpoint_->send_batch(batch);
}

void WorkerLink::flush_releases(bool only_if_idle) {
  {
    std::lock_guard lock(mutex_);
    if (pending_releases_.empty() || (only_if_idle && !calls_.empty())) return;
  }
  // Never waits for another sender: this thread must go on reading answers (a sender
  // blocked on a full socket may need them read). Whoever sends now writes a request,
  // whose answer flushes again, or releases, whose sender takes these along.
  std::unique_lock order(send_mutex_, std::try_to_lock);
  if (order.owns_lock()) send_taking_releases(nullptr);
}

bool WorkerLink::send_note(const Message& message) noexcept {
  if (!alive() || closing_.load()) return false;
  try {
    return !endpoint_->send(message);
  } catch (const std::exception&) {
    return false;
  }
}

void WorkerLink::begin_shutdown() noexcept {
  if (closing_.exchange(true)) return;
  if (!alive()) return;
  try {
    Message shutdown = Shutdown{};
    send_with_releases(&shutdown);  // the releases still waiting go first
  } catch (const std::exception&) {
    endpoint_->send(Shutdown{});
  }
}

void WorkerLink::shutdown() noexcept {
  begin_shutdown();
  // The worker closes the connection after its last task; the receiver sees the close.
  // A worker that does not is cut off after a while.
  for (int i = 0; i < 1000 && alive(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  endpoint_->close();
  if (receiver_.joinable()) receiver_.join();
}

void WorkerLink::receive_loop() {
  for (;;) {
    Message m;
    // Short waits: releases that wait for a request go when none came meanwhile.
    const auto wait = std::max<std::chrono::milliseconds>(
        std::chrono::milliseconds(100),
        std::chrono::ceil<std::chrono::milliseconds>(release_wait_.load()));
    std::error_code ec = endpoint_->receive(m, wait);
    if (ec == NetError::timed_out) {
      flush_releases(false);
      continue;
    }
    if (ec) {
      std::string why = ec == NetError::closed ? "connection closed" : ec.message();
      {
        std::lock_guard lock(mutex_);
        if (!lost_why_.empty()) why = lost_why_;  // the watcher closed it
      }
      // The node is marked lost before its callers wake, so they do not pick it again.
      if (!closing_.load()) on_lost_(node_, why);
      kept_files::worker_gone(node_);  // (lost before it answered: it never will)
      end_all(why);
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    heard(now);
    if (const auto* h = std::get_if<Heartbeat>(&m)) {  // says it is alive, or answers ask_worker
      if (!h->kept_dir.empty()) kept_files::worker_answered(node_, h->sees_kept_dir);
      continue;
    }
    if (std::holds_alternative<ClockProbe>(m) || std::holds_alternative<WorkerEvents>(m) ||
        std::holds_alternative<DataEvicted>(m)) {
      if (on_note_) on_note_(node_, std::move(m));  // (not an answer: releases wait on)
      continue;
    }
    last_answer_.store(now.time_since_epoch().count());
    if (auto* d = std::get_if<TaskDone>(&m)) {
      if (CallDone done = take_call(d->task_id)) {
        done(CallResult{CallResult::Status::done, std::move(*d), {}, {}});
      }
    } else if (auto* f = std::get_if<TaskFailed>(&m)) {
      if (CallDone done = take_call(f->task_id)) {
        done(CallResult{CallResult::Status::failed, {}, std::move(*f), {}});
      }
    }
    // Anything else is not for the master: ignored.
    // The worker may have gone idle: releases that waited for a request go now.
    flush_releases(true);
  }
}

CallDone WorkerLink::take_call(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = calls_.find(id);
  if (it == calls_.end()) return {};  // an answer nobody waits for: ignored
  CallDone done = std::move(it->second);
  calls_.erase(it);
  return done;
}

void WorkerLink::end_all(const std::string& why) {
  std::unordered_map<std::uint64_t, CallDone> calls;
  bool on_purpose = false;
  {
    std::lock_guard lock(mutex_);
    alive_.store(false, std::memory_order_release);
    calls.swap(calls_);
    on_purpose = cut_off_;
  }
  // The worker took its requests in id order, one per core: of those it had not answered,
  // the `cores` oldest may have been running (CallResult::was_running).
  std::vector<std::uint64_t> ids;
  ids.reserve(calls.size());
  for (const auto& [id, done] : calls) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  const std::size_t cores = std::max<std::size_t>(hello_.cores, 1);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    CallResult lost{CallResult::Status::lost, {}, {}, why};
    lost.was_running = i < cores && !on_purpose;
    calls.at(ids[i])(std::move(lost));
  }
}

}  // namespace compss::net
