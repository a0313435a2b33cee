#include "net/stream_elements.hpp"

#include "net/stream_client.hpp"
#include "settings/run_config.hpp"

#include <compss/detail/stream_remote.hpp>
#include <compss/error.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <tuple>
#include <utility>

#include <unistd.h>

namespace compss::net {

std::uint64_t random_name_base() noexcept {
  const auto steady = static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count());
  const auto wall = static_cast<unsigned>(std::chrono::system_clock::now().time_since_epoch().count());
  unsigned a = static_cast<unsigned>(::getpid()), b = wall ^ (steady << 7);
  try {
    std::random_device device;
    a = device();
    b = device();
  } catch (...) {
  }
  try {
    std::seed_seq seed{a, b, steady, wall};
    std::mt19937_64 draw(seed);
    return draw();
  } catch (...) {  // (seed_seq allocates)
    return (std::uint64_t{wall} << 32) ^ steady ^ (std::uint64_t{a} << 16);
  }
}

namespace {

// ---- held elements (the publisher's side); all under held_mutex ----
std::atomic<std::uint16_t> local_element_port{0};
std::mutex held_mutex;
struct HeldElement {
  std::vector<std::byte> bytes;
  std::uint64_t stream = 0;  // counted in its stream's Unfetched until fetched (0: not counted)
  std::size_t charge = 0;    // what it counts there (element_charge)
  bool fetched = false;      // a consumer (or the hand-over) has had its bytes once
};
std::map<std::uint64_t, HeldElement> held;
// Per stream, the bytes of the elements held here that no consumer fetched yet, for the
// bound on what a producer runs ahead (wait_to_hold). An entry goes once its bytes are 0.
struct Unfetched {
  std::size_t bytes = 0;
  std::chrono::steady_clock::time_point last_fetch{};
  bool free_running = false;  // a wait saw no fetch for the idle time: no bound until one
};
std::map<std::uint64_t, Unfetched> unfetched;  // by stream
std::condition_variable fetched_cv;            // an unfetched element was fetched or dropped
std::atomic<std::size_t> unfetched_bound{default_unfetched_bound};  // set_unfetched_bound
std::atomic<std::int64_t> unfetched_idle_ms{1000};
std::atomic<std::uint64_t> bound_waits{0};  // unfetched_bound_waits

// `e` leaves its stream's unfetched bytes (fetched, or dropped unfetched; under held_mutex).
// What an element of `size` bytes counts against the bound: its bytes, and at least
// 1/128 of the bound, so that small elements are bounded in number too (128).
std::size_t element_charge(std::size_t size) noexcept {
  return std::max(size, unfetched_bound.load() / 128);
}

void count_out(HeldElement& e) {
  if (e.fetched || e.stream == 0) return;
  e.fetched = true;
  auto it = unfetched.find(e.stream);
  if (it == unfetched.end()) return;
  it->second.bytes -= std::min(it->second.bytes, e.charge);
  if (it->second.bytes == 0) unfetched.erase(it);
  fetched_cv.notify_all();
}

// A consumer had `e`'s bytes (under held_mutex): its producer may run on.
void count_fetched(HeldElement& e) {
  if (e.fetched || e.stream == 0) return;
  auto it = unfetched.find(e.stream);
  if (it != unfetched.end()) {
    it->second.last_fetch = std::chrono::steady_clock::now();
    it->second.free_running = false;
  }
  count_out(e);
}

// The first key of this process's elements: a random point of the 64-bit key space, drawn
// when the process starts (its incarnation). References name their holder by host, port
// and key; a worker restarted on the same host and port draws another point, so a stale
// reference (to an element its earlier process held) names a key the new process never
// issued: its fetch finds "not here", as for a lost holder, instead of the new process's
// own element (and a stale release drops nothing of it). Two processes' keys overlap only
// if their points fall within the count of elements they issue of each other: for a
// million elements each, a chance of about 1 in 2^43.
std::uint64_t last_key = random_name_base();  // (in a static initializer: see random_name_base)

// ---- references (the master's side) ----
using Holder = std::pair<std::string, std::uint16_t>;  // host, port
using RefKey = std::tuple<std::string, std::uint16_t, std::uint64_t>;
std::mutex refs_mutex;                                       // guards the two below
std::condition_variable handed;                              // a hand-over came (refs_mutex)
std::map<RefKey, std::weak_ptr<void>> live_refs;             // for hand-overs
std::map<Holder, std::vector<std::uint64_t>> release_queue;  // keys no longer needed
std::atomic<std::uint64_t> relayed{0};
std::atomic<std::int64_t> lost_wait_ms{60'000};  // set_lost_element_wait
std::atomic<std::uint64_t> references_made{0};
std::atomic<std::uint64_t> references_given_bytes{0};
std::atomic<std::uint64_t> published_with_bytes{0};
std::atomic<std::uint64_t> lost_checks{0};  // lost_element_checks
std::atomic<std::size_t> fetch_budget{std::size_t{16} << 20};  // set_stream_fetch_budget
std::atomic<std::uint64_t> fetch_requests{0};

struct RemoteElementDeleter {
  void operator()(void* p) const noexcept {
    auto* r = static_cast<RemoteElement*>(p);
    try {
      std::lock_guard lock(refs_mutex);
      live_refs.erase(RefKey{r->host, r->port, r->key});
      if (!r->handed_over) release_queue[Holder{r->host, r->port}].push_back(r->key);
    } catch (...) {
      // Out of memory queueing a release: the holder keeps the element until it ends.
    }
    delete r;
  }
};

// ---- connections to stream endpoints, reused; each used by one fetch at a time ----
// `generation` counts the connectors installed: a connection made by an earlier one (a
// call in progress while set_stream_connector ran) is closed instead of kept, as the
// io_context it runs on may be gone.
std::mutex connections_mutex;
std::multimap<Holder, std::shared_ptr<Endpoint>> idle_connections;
std::uint64_t generation = 0;  // under connections_mutex

// Holders a connection failed to recently, and until when they are not tried again (a dead
// worker is not tried for each of its elements; one that was only slow or restarting is
// tried again after the backoff, doubled at each failure in a row up to a minute).
struct Backoff {
  std::chrono::steady_clock::time_point until;
  std::chrono::milliseconds next{0};
};
std::map<Holder, Backoff> unreachable;  // under connections_mutex
std::atomic<std::int64_t> first_backoff_ms{1000};  // set_unreachable_backoff
std::atomic<std::int64_t> release_answer_ms{5000};  // set_release_answer_wait
std::atomic<std::int64_t> answer_wait_ms{10'000};   // set_stream_answer_wait

// A connection to h failed (or h did not answer in time): h is not tried again for the
// backoff (under connections_mutex).
void note_unreachable_locked(const Holder& h) {
  Backoff& b = unreachable[h];
  b.next = std::clamp(b.next * 2, std::chrono::milliseconds(first_backoff_ms.load()),
                      std::chrono::milliseconds(60'000));
  b.until = std::chrono::steady_clock::now() + b.next;
}

bool backing_off(const Holder& h) {  // under connections_mutex
  auto it = unreachable.find(h);
  return it != unreachable.end() && std::chrono::steady_clock::now() < it->second.until;
}

std::shared_ptr<Endpoint> take_connection(const Holder& h, std::uint64_t& made_in) {
  {
    std::lock_guard lock(connections_mutex);
    made_in = generation;
    if (backing_off(h)) {
      throw Error("compss: " + h.first + ":" + std::to_string(h.second) +
                  " could not be reached a moment ago");
    }
    auto it = idle_connections.find(h);
    if (it != idle_connections.end()) {
      auto c = std::move(it->second);
      idle_connections.erase(it);
      return c;
    }
  }
  try {
    std::shared_ptr<Endpoint> c = connect_stream_endpoint(h.first, h.second);
    std::lock_guard lock(connections_mutex);
    unreachable.erase(h);
    return c;
  } catch (...) {
    std::lock_guard lock(connections_mutex);
    note_unreachable_locked(h);
    throw;
  }
}

void give_back(const Holder& h, std::shared_ptr<Endpoint> c, std::uint64_t made_in) {
  {
    std::lock_guard lock(connections_mutex);
    if (made_in == generation) {
      idle_connections.emplace(h, std::move(c));
      return;
    }
  }
  c->close();  // (made by a connector since replaced)
}

/// One call on a connection to h, its answer awaited `wait` at most; false with `why`
/// when the connection failed or h did not answer in time (then h is skipped for the
/// backoff: a holder that accepts and never answers, stopped or hung, costs one wait, not
/// one per call).
bool call_endpoint(const Holder& h, const StreamCall& call, StreamReply& reply, std::string& why,
                   std::chrono::milliseconds wait) {
  std::shared_ptr<Endpoint> c;
  std::uint64_t made_in = 0;
  try {
    c = take_connection(h, made_in);
  } catch (const std::exception& e) {
    why = e.what();
    return false;
  }
  if (std::error_code ec = c->send(call)) {
    why = ec.message();
    return false;
  }
  Message m;
  if (std::error_code ec = c->receive(m, wait)) {
    why = ec.message();
    if (ec == NetError::timed_out) {
      why = "compss: the stream endpoint at " + h.first + ":" + std::to_string(h.second) +
            " did not answer within " + std::to_string(wait.count()) +
            " ms (a stopped or hung worker; the wait is COMPSS_WORKER_TIMEOUT's)";
      c->close();
      std::lock_guard lock(connections_mutex);
      note_unreachable_locked(h);
    }
    return false;
  }
  auto* r = std::get_if<StreamReply>(&m);
  if (r == nullptr) {
    why = "an unexpected message";
    return false;
  }
  reply = std::move(*r);
  give_back(h, std::move(c), made_in);
  return true;
}

}  // namespace

void set_element_port(std::uint16_t port) noexcept { local_element_port.store(port); }
std::uint16_t element_port() noexcept { return local_element_port.load(); }

std::uint64_t hold_element(std::vector<std::byte> bytes, std::uint64_t stream) {
  std::lock_guard lock(held_mutex);
  std::uint64_t key = ++last_key;
  if (key == 0) key = ++last_key;  // (0 is "not a reference"; the space wraps around)
  const std::size_t charge = element_charge(bytes.size());
  if (stream != 0) unfetched[stream].bytes += charge;
  held.emplace(key, HeldElement{.bytes = std::move(bytes), .stream = stream, .charge = charge});
  return key;
}

void wait_to_hold(std::uint64_t stream, std::span<const std::size_t> element_sizes) {
  std::size_t charge = 0;
  for (std::size_t size : element_sizes) charge += element_charge(size);
  const auto idle = std::chrono::milliseconds(unfetched_idle_ms.load());
  const auto began = std::chrono::steady_clock::now();
  bool counted = false;
  std::unique_lock lock(held_mutex);
  for (;;) {
    auto it = unfetched.find(stream);
    if (it == unfetched.end() || it->second.free_running ||
        it->second.bytes + charge <= unfetched_bound.load()) {
      return;
    }
    // Nobody fetched for the idle time (since this wait began or the last fetch): no
    // consumer is taking them now (one that polls only once its producer ended, a task
    // polling its own stream): run on unbounded until a consumer fetches again.
    const auto until = std::max(began, it->second.last_fetch) + idle;
    if (std::chrono::steady_clock::now() >= until) {
      it->second.free_running = true;
      return;
    }
    if (!counted) {
      bound_waits.fetch_add(1);
      counted = true;
    }
    fetched_cv.wait_until(lock, until);
  }
}

void set_unfetched_bound(std::size_t bytes, std::chrono::milliseconds idle) noexcept {
  unfetched_bound.store(bytes);
  unfetched_idle_ms.store(idle.count());
}

std::uint64_t unfetched_bound_waits() noexcept { return bound_waits.load(); }

bool fetch_held_element(std::uint64_t key, bool take, std::vector<std::byte>& out) {
  std::lock_guard lock(held_mutex);
  auto it = held.find(key);
  if (it == held.end()) return false;
  count_fetched(it->second);
  if (take) {
    out = std::move(it->second.bytes);
    held.erase(it);
  } else {
    out = it->second.bytes;
  }
  return true;
}

bool element_held(std::uint64_t key) {
  std::lock_guard lock(held_mutex);
  return held.contains(key);
}

void release_held_elements(std::span<const std::uint64_t> keys) {
  std::lock_guard lock(held_mutex);
  for (std::uint64_t k : keys) {
    auto it = held.find(k);
    if (it == held.end()) continue;
    count_out(it->second);
    held.erase(it);
  }
}

std::vector<std::pair<std::uint64_t, std::vector<std::byte>>> take_held_elements(
    std::span<const std::uint64_t> keys) {
  std::vector<std::pair<std::uint64_t, std::vector<std::byte>>> out;
  std::lock_guard lock(held_mutex);
  for (std::uint64_t k : keys) {
    auto it = held.find(k);
    if (it == held.end()) continue;
    count_out(it->second);
    out.emplace_back(k, std::move(it->second.bytes));
    held.erase(it);
  }
  return out;
}

std::vector<WireElement> serve_held_elements(std::span<const WireElement> asked, bool take,
                                             std::size_t budget) {
  std::vector<WireElement> out;
  std::size_t bytes = 0;
  std::lock_guard lock(held_mutex);
  for (const WireElement& a : asked) {
    auto it = held.find(a.key);
    if (it == held.end()) {
      out.push_back({.key = a.key});
      continue;
    }
    bytes += it->second.bytes.size() + min_wire_element_bytes;
    if (!out.empty() && bytes > budget) break;  // the rest: the next request
    count_fetched(it->second);
    if (take) {
      out.push_back({.bytes = std::move(it->second.bytes)});
      held.erase(it);
    } else {
      out.push_back({.bytes = it->second.bytes});
    }
  }
  return out;
}

void drop_held_elements() {
  std::lock_guard lock(held_mutex);
  held.clear();
  unfetched.clear();
  fetched_cv.notify_all();
}

void restart_element_holder() {
  std::lock_guard lock(held_mutex);
  held.clear();
  unfetched.clear();
  fetched_cv.notify_all();
  last_key = random_name_base();
}

std::size_t held_element_count() {
  std::lock_guard lock(held_mutex);
  return held.size();
}

std::size_t unfetched_element_count() {
  std::lock_guard lock(held_mutex);
  return static_cast<std::size_t>(
      std::count_if(held.begin(), held.end(), [](const auto& e) { return !e.second.fetched; }));
}

detail::StreamPort::Element make_remote_element(std::string host, std::uint16_t port,
                                                std::uint64_t key, const detail::ElementCodec* codec,
                                                std::uint64_t stream, std::uint64_t slot) {
  references_made.fetch_add(1);
  auto* r = new RemoteElement;
  r->host = std::move(host);
  r->port = port;
  r->key = key;
  r->codec = codec;
  r->stream = stream;
  r->slot = slot;
  std::shared_ptr<void> e(static_cast<void*>(r), RemoteElementDeleter{});
  std::lock_guard lock(refs_mutex);
  live_refs[RefKey{r->host, port, key}] = e;
  return e;
}

RemoteElement* as_remote(const detail::StreamPort::Element& e) noexcept {
  return std::get_deleter<RemoteElementDeleter>(e) != nullptr ? static_cast<RemoteElement*>(e.get())
                                                               : nullptr;
}

bool hand_over_element(const std::string& host, std::uint16_t port, std::uint64_t key,
                       std::vector<std::byte> bytes) {
  std::shared_ptr<void> e;
  {
    std::lock_guard lock(refs_mutex);
    auto it = live_refs.find(RefKey{host, port, key});
    if (it != live_refs.end()) e = it->second.lock();
  }
  if (e == nullptr) return false;
  give_bytes(*as_remote(e), std::move(bytes));
  return true;
}

void give_bytes(RemoteElement& r, std::vector<std::byte> bytes) {
  references_given_bytes.fetch_add(1);
  {
    std::lock_guard lock(r.mutex);
    r.bytes = std::move(bytes);
    r.handed_over = true;
  }
  {
    std::lock_guard lock(refs_mutex);
    handed.notify_all();
  }
  // (Consumers waiting for it while its slot is open wait on its channel.)
  if (r.stream != 0) {
    if (std::shared_ptr<detail::StreamChannel> channel = detail::find_stream_channel(r.stream)) {
      channel->wake();
    }
  }
}

void set_unreachable_backoff(std::chrono::milliseconds first) noexcept {
  first_backoff_ms.store(first.count());
}

void set_lost_element_wait(std::chrono::milliseconds wait) noexcept { lost_wait_ms.store(wait.count()); }

bool handed_over_bytes(const std::string& host, std::uint16_t port, std::uint64_t key,
                       std::vector<std::byte>& out) {
  std::shared_ptr<void> e;
  {
    std::lock_guard lock(refs_mutex);
    auto it = live_refs.find(RefKey{host, port, key});
    if (it != live_refs.end()) e = it->second.lock();
  }
  if (e == nullptr) return false;
  RemoteElement* r = as_remote(e);
  auto came = [&] {
    lost_checks.fetch_add(1);
    std::lock_guard lock(r->mutex);
    return r->handed_over;
  };
  if (r->slot != 0) {
    // While the slot is open the bytes may still come (a hand-over, a retried attempt's
    // refill): woken by them (give_bytes wakes the channel) or by the slot's close.
    if (std::shared_ptr<detail::StreamChannel> channel = detail::find_stream_channel(r->stream)) {
      channel->wait_while_producer_open(r->slot, came);
    }
  } else {
    std::unique_lock lock(refs_mutex);
    handed.wait_for(lock, std::chrono::milliseconds(lost_wait_ms.load()), came);
  }
  // (A hand-over may have come just before the slot closed.)
  std::lock_guard lock(r->mutex);
  if (!r->handed_over) return false;
  out = r->bytes;
  return true;
}

void set_release_answer_wait(std::chrono::milliseconds wait) noexcept {
  release_answer_ms.store(wait.count());
}

void set_stream_answer_wait(std::chrono::milliseconds wait) noexcept {
  answer_wait_ms.store(wait.count() > 0 ? wait.count() : 60'000);
}

std::chrono::milliseconds stream_answer_wait() noexcept {
  return std::chrono::milliseconds(answer_wait_ms.load());
}

void flush_element_releases(const std::function<bool()>& stop) {
  std::map<Holder, std::vector<std::uint64_t>> queued;
  {
    std::lock_guard lock(refs_mutex);
    queued.swap(release_queue);
  }
  const std::chrono::milliseconds wait(release_answer_ms.load());
  for (auto& [holder, keys] : queued) {
    StreamCall call{.op = StreamCall::release};
    call.elements.reserve(keys.size());
    for (std::uint64_t k : keys) call.elements.push_back({.key = k});
    StreamReply reply;
    std::string why;
    // (Stopping: the rest stay queued, unsent; the run is ending, its workers with it.)
    const bool stopped = stop && stop();
    if (!stopped && call_endpoint(holder, call, reply, why, wait)) continue;
    // Sent again at a later flush (after the holder's backoff): a worker that was only
    // unreachable for a moment still drops them. (A dead one's stay queued: they are keys.)
    std::lock_guard lock(refs_mutex);
    std::vector<std::uint64_t>& again = release_queue[holder];
    again.insert(again.end(), keys.begin(), keys.end());
  }
}

std::uint64_t lost_element_checks() noexcept { return lost_checks.load(); }
std::uint64_t stream_bytes_relayed() noexcept { return relayed.load(); }
void count_relayed_bytes(std::uint64_t n) noexcept { relayed.fetch_add(n); }
std::uint64_t stream_references_made() noexcept { return references_made.load(); }
std::uint64_t stream_references_given_bytes() noexcept { return references_given_bytes.load(); }
std::uint64_t stream_elements_published_with_bytes() noexcept { return published_with_bytes.load(); }
void count_element_published_with_bytes() noexcept { published_with_bytes.fetch_add(1); }

std::size_t stream_inline_bytes() noexcept { return config::run_config().stream_inline_bytes; }

void drop_element_connections() noexcept {
  std::multimap<Holder, std::shared_ptr<Endpoint>> dropped;
  {
    std::lock_guard lock(connections_mutex);
    dropped.swap(idle_connections);
    unreachable.clear();
    ++generation;
  }
  for (auto& [holder, c] : dropped) c->close();
}

std::size_t idle_element_connection_count() {
  std::lock_guard lock(connections_mutex);
  return idle_connections.size();
}

void set_stream_fetch_budget(std::size_t bytes) noexcept { fetch_budget.store(bytes); }
std::size_t stream_fetch_budget() noexcept { return fetch_budget.load(); }
std::uint64_t stream_fetch_requests() noexcept { return fetch_requests.load(); }

void fetch_remote_batch(std::span<const WireElement> refs, bool take,
                        std::vector<std::optional<std::vector<std::byte>>>& out, std::string& why) {
  out.assign(refs.size(), std::nullopt);
  // Each holder's references, in their order in `refs` (a producer's order).
  std::map<Holder, std::vector<std::size_t>> by_holder;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (refs[i].key != 0) by_holder[Holder{refs[i].host, refs[i].port}].push_back(i);
  }
  for (auto& [holder, wanted] : by_holder) {
    std::size_t next = 0;
    while (next < wanted.size()) {
      StreamCall call{.op = StreamCall::fetch, .flag = take};
      call.elements.reserve(wanted.size() - next);
      for (std::size_t j = next; j < wanted.size(); ++j) call.elements.push_back({.key = refs[wanted[j]].key});
      StreamReply reply;
      std::string failed;
      fetch_requests.fetch_add(1);
      if (!call_endpoint(holder, call, reply, failed, stream_answer_wait())) {
        if (why.empty()) why = failed;
        break;  // (the rest of this holder's stay unfetched)
      }
      if (!reply.error.empty() || reply.elements.empty() ||
          reply.elements.size() > wanted.size() - next) {
        if (why.empty()) why = reply.error.empty() ? "a wrong answer to a fetch" : reply.error;
        break;
      }
      for (WireElement& e : reply.elements) {
        if (e.key == 0) {
          out[wanted[next]] = std::move(e.bytes);
        } else if (why.empty()) {
          why = "compss: element " + std::to_string(e.key) + " is not held here";
        }
        ++next;
      }
    }
  }
}

bool fetch_remote_bytes(const std::string& host, std::uint16_t port, std::uint64_t key, bool take,
                        std::vector<std::byte>& out, std::string& why) {
  StreamReply reply;
  if (!call_endpoint(Holder{host, port}, StreamCall{.op = StreamCall::fetch, .slot = key, .flag = take},
                     reply, why, stream_answer_wait())) {
    return false;
  }
  if (!reply.error.empty() || reply.elements.size() != 1) {
    why = reply.error.empty() ? "no element in the answer" : reply.error;
    return false;
  }
  out = std::move(reply.elements.front().bytes);
  return true;
}

}  // namespace compss::net

namespace compss::detail {

std::string resolve_stream_elements(std::vector<std::shared_ptr<void>>& items, ConsumerMode mode) {
  // Those whose bytes are not here yet are fetched together, one request per holder.
  std::vector<net::WireElement> refs(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (net::RemoteElement* r = net::as_remote(items[i])) {
      std::lock_guard lock(r->mutex);
      if (!r->handed_over) refs[i] = {.key = r->key, .host = r->host, .port = r->port};
    }
  }
  std::vector<std::optional<std::vector<std::byte>>> fetched;
  std::string why;
  // (Copies: the holder drops them when their references go, so a fetch whose reply is
  // lost loses nothing.)
  (void)mode;
  net::fetch_remote_batch(refs, false, fetched, why);
  std::string lost;
  std::vector<std::shared_ptr<void>> kept;
  kept.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    net::RemoteElement* r = net::as_remote(items[i]);
    if (r == nullptr) {
      kept.push_back(std::move(items[i]));
      continue;
    }
    std::vector<std::byte> bytes;
    bool have = false;
    if (fetched[i]) {
      bytes = std::move(*fetched[i]);
      have = true;
    } else {
      std::lock_guard lock(r->mutex);
      if (r->handed_over) {
        bytes = r->bytes;
        have = true;
      }
    }
    if (!have) have = net::handed_over_bytes(r->host, r->port, r->key, bytes);
    if (!have) {
      if (lost.empty()) {
        lost = "compss: a stream element held by " + r->host + ":" + std::to_string(r->port) +
               " was lost with its producer's worker (" + why + ")";
      }
      continue;
    }
    kept.push_back(r->codec->decode(bytes));
  }
  items = std::move(kept);
  return lost;
}

}  // namespace compss::detail
