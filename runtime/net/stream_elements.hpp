// Elements of streams that travel from producer to consumer without passing through the
// master (docs/streams.md, "Elements travel from producer to consumer").
//
// A stream task publishing on a worker keeps each element's bytes in its worker
// (hold_element) and sends the master only a reference (a WireElement with a key and the
// worker's stream endpoint). The master's channel holds the reference (a RemoteElement)
// where it would hold the element, so order, bounds, modes, attempts and close are the
// channel's as before. A consumer given a reference fetches the bytes from the holder
// (StreamCall::fetch); the master learns nothing more. The holder drops an element when it
// is fetched for good (at_most_once) or when the master's log drops the reference (the
// master queues a release). When the producer's task ends, its worker hands the bytes of
// the elements nobody fetched yet over to the master (the only bytes the master then
// relays), so they outlive the worker.
#pragma once

#include "net/endpoint.hpp"

#include <compss/detail/stream_channel.hpp>

#include <cstddef>
#include <cstdint>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace compss::net {

/// A random point of the 64-bit space, drawn anew at each call: where this process starts
/// the names it issues (held elements' keys, at_most_once batch names), so that another
/// process's names, or an earlier incarnation's, overlap its own only by chance. Never
/// throws: without an entropy source (std::random_device throws) the clocks and the
/// process id stand in; safe in a static initializer.
std::uint64_t random_name_base() noexcept;

// ---- on the node that published (a worker) --------------------------------------------

/// The port of this process's stream endpoint, which serves held elements (0: none;
/// publishes then carry the bytes to the master).
void set_element_port(std::uint16_t port) noexcept;
std::uint16_t element_port() noexcept;

/// A producer's element of at most this many encoded bytes travels inline: its publish
/// carries the bytes to the master, whose channel holds the element itself (no holder, no
/// fetch, no release; it outlives its producer's worker). Larger ones are held here and
/// fetched peer to peer. 512 B (COMPSS_STREAM_INLINE_BYTES; 0: none inline): a reference
/// (key, port, size, the master's copy of the host) is some 30-40 B and costs its consumer
/// a second round trip (poll, then fetch) and its holder a release, a fixed cost, while
/// relaying costs the master's links and copies in proportion to the bytes; at 512 B
/// (about 4 µs at 1 Gb/s) that is still far below one round trip, and the master relays
/// at most a publish window (256 elements, 128 KiB) per producer in flight.
std::size_t stream_inline_bytes() noexcept;

/// Keeps `bytes` until fetched or released; returns its key (never 0). Keys are unique
/// across the processes of a run, restarted ones too (with overwhelming probability: each
/// process starts at a random point of the key space), so a reference names one element.
/// `stream` (not 0): counted in that stream's bytes no consumer fetched yet (wait_to_hold).
std::uint64_t hold_element(std::vector<std::byte> bytes, std::uint64_t stream = 0);
/// wait_to_hold's bound by default: 2 MiB. What waits unfetched is a queue in front of the
/// stream's consumers (each element of it waits for the fetches of those before it), so
/// the bound is a delay: 4 MiB kept three 1-MiB elements queued behind the one being fetched
/// and doubled a 1-MiB element's median latency between workers for no throughput, where
/// 2 MiB keeps one (two just under 1 MiB) ready while one is fetched (docs/performance.md,
/// "The byte bound that binds").
inline constexpr std::size_t default_unfetched_bound = std::size_t{2} << 20;
/// A producer's flow control: waits while this process holds more than the bound
/// (default_unfetched_bound) of stream `stream`'s elements that no consumer fetched yet and the elements of
/// `element_sizes` bytes each (a publish's batch) would pass it (a batch larger than the
/// bound goes when nothing is unfetched). Each element counts at least 1/128 of the
/// bound, so at most 128 small ones wait unfetched (a batch counts each of its elements,
/// as hold_element does, not one). Without it, a producer runs ahead by the stream's whole capacity and its own
/// publish window (256 MiB and more for 256 elements of 1 MiB; 512 elements of 64 B) and
/// every element waits for that queue to drain. Never a deadlock: when
/// no consumer fetched for the idle time (1 s; since the wait began or the last fetch:
/// consumers that poll only once their producer ended, a task polling its own stream),
/// it returns and the stream runs unbounded until a consumer fetches again.
void wait_to_hold(std::uint64_t stream, std::span<const std::size_t> element_sizes);
/// wait_to_hold for one element of `bytes`.
inline void wait_to_hold(std::uint64_t stream, std::size_t bytes) {
  wait_to_hold(stream, std::span<const std::size_t>(&bytes, 1));
}
/// Sets wait_to_hold's bound and idle time (for tests; the defaults:
/// default_unfetched_bound, 1 s).
void set_unfetched_bound(std::size_t bytes, std::chrono::milliseconds idle) noexcept;
/// Times wait_to_hold had to wait (for tests).
std::uint64_t unfetched_bound_waits() noexcept;
/// The bytes of element `key` (`take`: dropped from here); false when it is not held.
bool fetch_held_element(std::uint64_t key, bool take, std::vector<std::byte>& out);
/// True while element `key` is held here.
bool element_held(std::uint64_t key);
/// Drops the elements (absent keys are ignored).
void release_held_elements(std::span<const std::uint64_t> keys);
/// Removes and returns the elements of `keys` still held (those nobody took), in order.
std::vector<std::pair<std::uint64_t, std::vector<std::byte>>> take_held_elements(
    std::span<const std::uint64_t> keys);
/// The answer to a batched fetch (StreamCall::fetch with keys in `asked`): for a prefix of
/// `asked`, in order, the bytes (key 0) or, when not held here, the key alone. Stops
/// before the bytes pass `budget` (at least one answer). `take`: the bytes answered are
/// dropped from here.
std::vector<WireElement> serve_held_elements(std::span<const WireElement> asked, bool take,
                                             std::size_t budget);
/// Drops every element held, as the process's death would (for tests).
void drop_held_elements();
/// Drops every element held and draws a new key space, as a process restarted on the same
/// host and port would (for tests).
void restart_element_holder();
/// Elements held now (for tests).
std::size_t held_element_count();
/// Elements held now that no consumer fetched yet, what wait_to_hold bounds (for tests; a
/// fetched at_most_once element stays held until the master releases it).
std::size_t unfetched_element_count();

// ---- on the master --------------------------------------------------------------------

/// What the master's channel holds for an element held by a worker. Thread-safe (its
/// mutex guards `bytes`, `handed_over`).
struct RemoteElement {
  std::string host;
  std::uint16_t port = 0;
  std::uint64_t key = 0;
  const detail::ElementCodec* codec = nullptr;
  std::uint64_t stream = 0;  // the stream and producer slot that published it (0: not known)
  std::uint64_t slot = 0;
  std::uint64_t size = 0;    // the element's bytes, as its producer said (0: not known)
  std::mutex mutex;
  bool handed_over = false;      // the bytes are here now (the holder gave them up)
  std::vector<std::byte> bytes;  // when handed_over
};

/// A channel element that refers to element `key` held at host:port. While it exists, a
/// hand-over of that element finds it; when the last copy goes, the holder is told to
/// drop the element (flush_element_releases sends it).
/// (`stream`, `slot`: the producer slot that published it, when known.)
detail::StreamPort::Element make_remote_element(std::string host, std::uint16_t port,
                                                std::uint64_t key, const detail::ElementCodec* codec,
                                                std::uint64_t stream = 0, std::uint64_t slot = 0);
/// The reference `e` is, or null when it is an element itself.
RemoteElement* as_remote(const detail::StreamPort::Element& e) noexcept;
/// The holder at host:port gives up element `key`: its reference (if still needed) keeps
/// the bytes from now on. False when no reference needs it.
bool hand_over_element(const std::string& host, std::uint16_t port, std::uint64_t key,
                       std::vector<std::byte> bytes);
/// How long a consumer that cannot fetch an element from its holder waits for the master
/// to have it when the producer slot that published it is not known (otherwise: while the
/// slot is open, see handed_over_bytes). 60 s; tests set less.
void set_lost_element_wait(std::chrono::milliseconds wait) noexcept;

/// The master now keeps `r`'s bytes (its holder gave them up, or is gone and a retried
/// producer made them again).
void give_bytes(RemoteElement& r, std::vector<std::byte> bytes);
/// The bytes of element `key` once held at host:port, once handed over or made again by a
/// retried producer. A consumer may find the holder's copy gone while the bytes are on
/// their way: this waits as long as the producer slot that published the element is open
/// (a retried attempt may be slow to reach it; woken by the bytes' arrival and by the
/// slot's close, never by a timer), or set_lost_element_wait's time when that slot is not
/// known. False when they did not come: the element is lost.
bool handed_over_bytes(const std::string& host, std::uint16_t port, std::uint64_t key,
                       std::vector<std::byte>& out);

/// How many times a wait of handed_over_bytes looked whether the bytes came or the slot
/// closed (for tests: it looks when either happens, not now and then).
std::uint64_t lost_element_checks() noexcept;

/// Sends the releases queued since the last call, one connection per holder; those a
/// holder could not be sent stay queued for a later call (after its backoff, see
/// set_unreachable_backoff). The master's StreamService calls it every 50 ms. Each holder's
/// answer is awaited set_release_answer_wait's time at most (one that does not answer is
/// skipped for the backoff); once `stop` (when set) returns true, asked before each
/// holder, the rest stay queued: a call ends within about one wait (a connection's 3 s
/// plus an answer's 5 s), whatever the holders (the master's shutdown joins it).
void flush_element_releases(const std::function<bool()>& stop = {});
/// How long flush_element_releases waits for a holder's answer (5 s; tests set less).
void set_release_answer_wait(std::chrono::milliseconds wait) noexcept;
/// How long a fetch waits for a holder's answer, and a worker's consumer for the answer to
/// its at_most_once confirmation (RemoteStreamPort), before it gives up on that connection:
/// the master's COMPSS_WORKER_TIMEOUT (a worker silent that long is declared lost; workers
/// learn it from the master's Heartbeat), 10 s until set; 0 (never declared lost): 60 s.
/// A holder that does not answer in time is skipped for its backoff and the consumer asks
/// the master (StreamCall::locate).
void set_stream_answer_wait(std::chrono::milliseconds wait) noexcept;
std::chrono::milliseconds stream_answer_wait() noexcept;

/// Element bytes the master's stream service received from workers or sent to them (a
/// publish carrying bytes, a hand-over, a poll or locate answered with bytes). Counted so
/// tests can check that elements went from producer to consumer directly.
std::uint64_t stream_bytes_relayed() noexcept;
void count_relayed_bytes(std::uint64_t n) noexcept;
/// References the master was sent (elements held by their producer's worker), and how
/// many of them it was given the bytes of (hand-overs, retried producers' refills).
std::uint64_t stream_references_made() noexcept;
std::uint64_t stream_references_given_bytes() noexcept;
/// Elements workers sent with their bytes (inline: at most stream_inline_bytes(), a
/// file stream's, or any from a process without a stream endpoint), which pass through
/// the master's channel: counted as they arrive, so a retried producer's republished ones
/// its channel drops and a worker's found files count too.
std::uint64_t stream_elements_published_with_bytes() noexcept;
void count_element_published_with_bytes() noexcept;

// ---- consumers --------------------------------------------------------------------------

/// Forgets the connections kept to stream endpoints (set_stream_connector calls it: they
/// were made by the connector it replaces); one in use by a call now is closed when the
/// call ends instead of being kept.
void drop_element_connections() noexcept;
/// A holder a connection failed to is not tried again (fetches and releases fail at once)
/// for `first` (1 s), doubled at each failure in a row up to a minute; a success forgets.
void set_unreachable_backoff(std::chrono::milliseconds first) noexcept;
/// Connections kept for reuse now (for tests).
std::size_t idle_element_connection_count();

/// The most element bytes one reply to a batched fetch carries (at least one element):
/// 16 MiB, so a poll of 1 MiB elements takes a few requests rather than one reply of a
/// whole buffer. (Tests make it small.)
void set_stream_fetch_budget(std::size_t bytes) noexcept;
std::size_t stream_fetch_budget() noexcept;
/// Batched fetches made so far (requests, each for one or more elements; for tests).
std::uint64_t stream_fetch_requests() noexcept;

/// Fetches the referenced elements `refs` (key not 0; others are skipped) from their
/// holders: one request per holder for all of its elements (more when the holder's
/// replies reach the fetch budget). `out[i]`: refs[i]'s bytes, or nothing when it could not
/// be fetched (its holder is unreachable or no longer has it; `why` says the first reason).
/// `take`: at_most_once, the holders drop what they answer.
void fetch_remote_batch(std::span<const WireElement> refs, bool take,
                        std::vector<std::optional<std::vector<std::byte>>>& out, std::string& why);

/// Fetches element `key` from the stream endpoint at host:port (`take`: at_most_once, the
/// holder drops it). Returns false with the reason in `why` when it cannot.
bool fetch_remote_bytes(const std::string& host, std::uint16_t port, std::uint64_t key, bool take,
                        std::vector<std::byte>& out, std::string& why);

}  // namespace compss::net
