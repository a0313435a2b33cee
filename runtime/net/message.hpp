// The wire protocol between a master and its workers: message types and their codec.
//
// A frame is a 16-byte header followed by a payload:
//
//   offset 0  u32  magic "CPSS" (0x53535043, little-endian)
//   offset 4  u16  protocol version (protocol_version)
//   offset 6  u16  message type (MessageType)
//   offset 8  u64  payload length in bytes, at most the receiver's limit
//
// Header fields are little-endian on every host. The payload is the message struct
// written with compss::OutputArchive (native byte order: every node of a run must share
// it; docs/distributed.md).
#pragma once

#include "net/errors.hpp"
#include "net/file_stamp.hpp"

#include <compss/detail/held_value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

namespace compss::net {

inline constexpr std::uint32_t frame_magic = 0x53535043;  // "CPSS" as little-endian bytes
inline constexpr std::uint16_t protocol_version = 16;  // 4: WorkerTimes in TaskDone/TaskFailed; 5: Heartbeat; 6: Hello reports resources; 7: TaskRequest.hosts, ClockProbe, WorkerEvents, StreamCall/Reply; 8: TaskRequest.gpus, WireElement key/host/port, StreamCall fetch/release/hand_over/locate; 9: DataEvicted, WireElement.size, StreamCall fetch of several keys; 10: at_most_once StreamCall::commit confirms receipt, add_producer/add_consumer name the opening task in slot; 11: DataRelease.from_version (exact-version release); 12: WireParam.stored_as (the version a written datum is stored as), StreamCall.batch (an at_most_once poll's batch, named again by its confirmation); 13: StreamCall claim asks whether a file name (relative to the stream's directory) is new, reserving nothing; 14: TaskFailed.outputs (the files a body wrote before raising compss::Exception in a group, --shared-fs no); 15: TaskRequest.time_left_ms (a worker's body sees stop_requested at the attempt's deadline), Heartbeat.kept_dir/sees_kept_dir (whether a worker reaches the run's kept links directory); 16: TaskFailed.outputs and ignored_writes of an on_failure(ignore) body (what it wrote before it threw, stored as a TaskDone's), StreamCall.budget, a poll's prefetch flag, StreamCall::return_unread (poll prefetch)
inline constexpr std::size_t header_size = 16;
/// Default limit on one payload; larger frames are rejected before anything is allocated.
inline constexpr std::uint64_t default_max_payload = detail::max_frame_payload;

/// The kind of a frame.
enum class MessageType : std::uint16_t {
  hello = 1,
  task_request = 2,
  task_done = 3,
  task_failed = 4,
  data_fetch_request = 5,
  data_fetch_reply = 6,
  shutdown = 7,
  data_release = 8,
  heartbeat = 9,  ///< v5
  clock_probe = 10,    ///< v7: traces
  worker_events = 11,  ///< v7: traces
  stream_call = 12,    ///< v7: streams across workers
  stream_reply = 13,   ///< v7
  data_evicted = 14,   ///< (new, version to bump) a worker dropped copies over its budget
};

/// First message on every connection: proves the sender belongs to the run. A worker
/// offers `cores` task slots and serves data on `data_port` (0: it serves no data).
///
///   Hello h{.secret = run_secret, .node_name = "worker-1", .cores = 8, .pid = getpid(),
///           .data_port = peer_server.port()};
struct Hello {
  std::string secret;
  std::string node_name;
  std::uint32_t cores = 0;
  std::uint32_t pid = 0;
  std::uint16_t data_port = 0;
  /// False when the node does not see the master's files (file parameters then travel
  /// with their bytes; net/file_staging.hpp).
  bool shared_files = true;
  /// v6, the worker's resources for the scheduler (net/master/admission.hpp): memory in
  /// whole MB (0 = unknown), GPU devices, processor architecture and operating system as
  /// detected on the worker, or as declared (COMPSS_WORKER_MEMORY, COMPSS_WORKER_GPUS).
  std::uint64_t memory_mb = 0;
  std::uint32_t gpus = 0;
  std::string architecture;
  std::string os_type;
  template <class A> void serialize(A& ar) {
    ar(secret, node_name, cores, pid, data_port, shared_files, memory_mb, gpus, architecture,
       os_type);
  }
};

/// One parameter of a task request or one output of a task: the datum (id and version),
/// how the task accesses it, and its value when it travels inline. In a request,
/// `version` is the version the task reads (for `out`: the one before it); a value that
/// does not travel is taken from the worker's store or fetched from `source`
/// ("host:port" of a node's data listener). In a request, `size` is an array section's
/// element count (0 for other parameters), and for a parameter the task writes with a
/// data id, `stored_as` is the version its output is stored as on the worker (the master
/// names it: net/version_number.hpp). In a TaskDone, `version` is the version stored and
/// `size` the value's bytes, which stay on the worker unless `has_value`.
///
///   WireParam p{.data_id = 4, .version = 2ull << 32, .stored_as = 3ull << 32,
///               .direction = 2, .has_value = true, .value = compss::to_bytes(x)};
///   WireParam q{.data_id = 5, .version = 1, .source = "10.0.0.7:41234"};
struct WireParam {
  std::uint64_t data_id = 0;
  std::uint64_t version = 0;
  std::uint64_t stored_as = 0;  ///< the number the output is stored as (since v12)
  std::uint8_t direction = 0;  ///< compss::detail::Direction
  std::uint8_t kind = 0;       ///< compss::detail::ParamKind
  bool has_value = false;
  std::vector<std::byte> value;
  std::uint64_t size = 0;
  std::string source;
  template <class A> void serialize(A& ar) {
    ar(data_id, version, stored_as, direction, kind, has_value, value, size, source);
  }
};

/// Smallest encoding of a WireParam: three u64, three u8, an empty byte vector's length,
/// the u64 size and an empty string's length.
inline constexpr std::size_t min_wire_param_bytes = 8 + 8 + 8 + 3 + 8 + 8 + 8;

/// Writes or reads a list of WireParam or WireGlobal, whose smallest encoding is
/// `min_bytes`. Reading checks the count against the bytes left at that size, so a forged
/// count cannot make the decoder allocate much more memory than the frame holds.
template <class A, class T>
void serialize_list(A& ar, std::vector<T>& items, std::size_t min_bytes) {
  if constexpr (requires { ar.read_size(std::size_t{}); }) {
    std::uint64_t n = ar.read_size(min_bytes);
    items.clear();
    items.resize(n);
  } else {
    ar.write_size(items.size());
  }
  for (auto& item : items) ar(item);
}

/// The master's value of one global variable the task reads (task_globals.hpp), taken
/// when the task was submitted. `index` is the global's position in the task's registered
/// list; `version` changes whenever the master's value does (a worker loads a version into
/// its own variable once). `stamp` numbers the master's sends of values: without
/// `has_value` the worker uses the value it received with that stamp, which the master
/// knows it has (net/global_values.hpp). In memory only (never sent), `shared_value` is
/// the value itself: on the master, kept with the request's lineage record; on a worker,
/// the value resolved when the request was received.
///
///   WireGlobal g{.index = 0, .version = 2, .stamp = 9, .has_value = true,
///                .value = compss::to_bytes(block_size)};
struct WireGlobal {
  std::uint32_t index = 0;
  std::uint64_t version = 0;
  std::uint64_t stamp = 0;
  bool has_value = false;
  std::vector<std::byte> value;
  std::shared_ptr<const std::vector<std::byte>> shared_value;
  template <class A> void serialize(A& ar) { ar(index, version, stamp, has_value, value); }
};

/// Smallest encoding of a WireGlobal: u32, two u64, a bool and an empty vector's length.
inline constexpr std::size_t min_wire_global_bytes = 4 + 8 + 8 + 1 + 8;

/// One node of a task's allocation over several nodes (an MPI or multinode task): its host
/// and the task's processes there.
struct WireHost {
  std::string name;
  std::uint32_t processes = 1;
  template <class A> void serialize(A& ar) { ar(name, processes); }
};
inline constexpr std::size_t min_wire_host_bytes = 8 + 4;

/// Runs one task: its signature selects the function on the worker; `globals`, the
/// master's values of the globals it reads.
///
///   TaskRequest r{.task_id = 7, .signature = "void inc(int &)", .params = {p}};
struct TaskRequest {
  std::uint64_t task_id = 0;
  std::string signature;
  std::vector<WireParam> params;
  std::vector<WireGlobal> globals;
  /// v6: the cores the scheduler reserved for it there (computing_units; the body reads
  /// compss::this_task::computing_units()); 0 = not placed by the scheduler (1).
  std::uint32_t computing_units = 0;
  /// (new, version to bump) The task's nodes when the scheduler gave it several (MPI,
  /// multinode: compss::this_task::nodes(), the MPI host file), the receiving worker first;
  /// empty: that worker alone.
  std::vector<WireHost> hosts;
  /// (new, version to bump) The GPUs the scheduler reserved for it there; the worker names
  /// which of its own (compss::this_task::gpus(), CUDA_VISIBLE_DEVICES), as it names its
  /// cores: docs/architecture.md, "Binding".
  std::uint32_t gpus = 0;
  /// v15: the attempt's time left until its time_out when sent, in ms (at least 1 when it
  /// has one; 0: none). The worker's body sees compss::this_task::stop_requested() from
  /// that long after the request arrived (core/remote_deadline.hpp), and a request whose
  /// deadline passed before its body would start is answered compss::TimeOut unrun.
  std::uint64_t time_left_ms = 0;
  /// Master-only, never on the wire: the files the task reads in place (a worker sharing
  /// the master's files), stamped when the request was built and kept by hard links
  /// (net/kept_files.hpp), so that a remake from lineage of the task reads the versions it
  /// read or can tell they changed since (DataPlane::remake).
  std::vector<FileStamp> read_files;
  template <class A> void serialize(A& ar) {
    ar(task_id, signature);
    serialize_list(ar, params, min_wire_param_bytes);
    serialize_list(ar, globals, min_wire_global_bytes);
    ar(computing_units);
    serialize_list(ar, hosts, min_wire_host_bytes);
    ar(gpus, time_left_ms);
  }
};

// ---- When a task ran on its worker (for task events, runtime/core/events.hpp) ----------

/// One input a worker fetched from a peer for a task: the request's parameter index, the
/// bytes received, and when (the worker's steady clock, ns).
struct WireFetch {
  std::uint32_t param = 0;
  std::uint64_t bytes = 0;
  std::int64_t begin_ns = 0;
  std::int64_t end_ns = 0;
  template <class A> void serialize(A& ar) { ar(param, bytes, begin_ns, end_ns); }
};

/// Smallest encoding of a WireFetch: u32 and three 64-bit fields.
inline constexpr std::size_t min_wire_fetch_bytes = 4 + 8 + 8 + 8;

/// When a worker took a request, began and ended the task's body (its steady clock, ns;
/// 0: not reached), and the inputs it fetched from peers. The master converts these times
/// to its own clock (net/clock_offset.hpp).
///
///   WorkerTimes t{.received_ns = 10, .began_ns = 12, .ended_ns = 40};
struct WorkerTimes {
  std::int64_t received_ns = 0;
  std::int64_t began_ns = 0;
  std::int64_t ended_ns = 0;
  std::vector<WireFetch> fetches;
  template <class A> void serialize(A& ar) {
    ar(received_ns, began_ns, ended_ns);
    serialize_list(ar, fetches, min_wire_fetch_bytes);
  }
};

/// Smallest encoding of WorkerTimes: three 64-bit times and an empty list's length.
inline constexpr std::size_t min_worker_times_bytes = 8 + 8 + 8 + 8;

// ----------------------------------------------------------------------------------------

/// A task finished: the new values of its out/inout parameters and its result, in the
/// order the worker's invoker wrote them, and when it ran.
///
///   TaskDone d{.task_id = 7, .outputs = {...}};
struct TaskDone {
  std::uint64_t task_id = 0;
  std::vector<WireParam> outputs;
  WorkerTimes times;
  template <class A> void serialize(A& ar) {
    ar(task_id);
    serialize_list(ar, outputs, min_wire_param_bytes);
    ar(times);
  }
};

/// A task threw: the exception's type name and message travel, not the exception; and
/// when it ran (if it began).
///
///   TaskFailed f{.task_id = 7, .exception_type = "std::runtime_error", .message = "boom"};
struct TaskFailed {
  std::uint64_t task_id = 0;
  std::string exception_type;
  std::string message;
  WorkerTimes times;
  /// A body that raised compss::Exception on a worker without the master's files: the
  /// files it wrote, as TaskDone's (`version` names the parameter, `value` holds the
  /// bytes), which a group's handler reads as locally (v14). A body of an
  /// on_failure(ignore) task that threw anything else: what it wrote, exactly as a
  /// TaskDone's outputs (stored here as the versions the master named; v16).
  std::vector<WireParam> outputs;
  /// (v16) The body of an on_failure(ignore) task ran and threw: `outputs` are what it
  /// wrote, and the files it wrote at attempt-private paths stand (even with no output).
  bool ignored_writes = false;
  template <class A> void serialize(A& ar) {
    ar(task_id, exception_type, message, times);
    serialize_list(ar, outputs, min_wire_param_bytes);
    ar(ignored_writes);
  }
};

/// Asks a node for a copy of one version of a datum.
///
///   DataFetchRequest q{.data_id = 4, .version = 2};
struct DataFetchRequest {
  std::uint64_t data_id = 0;
  std::uint64_t version = 0;
  template <class A> void serialize(A& ar) { ar(data_id, version); }
};

/// The answer to a DataFetchRequest; `found` is false when the node has no such version.
/// A sender sets `shared_value` (a held value: its archive form is sent from the value's
/// own memory, not copied) or `value`; both give the same wire bytes. A receiver gets the
/// value in `value`, or in `shared_value` when the frame was too large for the read
/// buffer and went straight into memory a sink chose (TcpConnection::receive); take_value
/// gives it either way.
///
///   DataFetchReply r{.data_id = 4, .version = 2, .found = true, .value = bytes};
///   DataFetchReply s{.data_id = 4, .version = 2, .found = true, .shared_value = stored};
struct DataFetchReply {
  std::uint64_t data_id = 0;
  std::uint64_t version = 0;
  bool found = false;
  std::vector<std::byte> value;
  std::shared_ptr<const detail::HeldValue> shared_value;

  /// The value received, whichever field holds it (moved out).
  ///
  ///   std::shared_ptr<const detail::HeldValue> v = reply.take_value();
  std::shared_ptr<const detail::HeldValue> take_value() {
    if (shared_value) return std::move(shared_value);
    return std::make_shared<const detail::BytesValue>(std::move(value));
  }

  template <class A> void serialize(A& ar) {
    if constexpr (requires { ar.read_size(std::size_t{}); }) {
      ar(data_id, version, found, value);
    } else if constexpr (requires { ar.write_held(*shared_value); }) {
      ar(data_id, version, found);
      if (shared_value) {
        ar.write_held(*shared_value);
      } else {
        ar(value);
      }
    } else {
      ar(data_id, version, found, shared_value ? shared_value->to_bytes() : value);
    }
  }
};

/// Ends the peer's serving loop.
///
///   endpoint.send(Shutdown{});
struct Shutdown {
  template <class A> void serialize(A&) {}
};

/// Tells a worker to drop every stored version of `data_id` from `from_version` up to and
/// including `version` (all_versions: every version). `from_version` 0: every version up
/// to `version`; `from_version == version`: that version alone (an unrecorded replica
/// output beside the datum's current version, which must stay).
///
///   endpoint.send(DataRelease{.data_id = 4, .version = DataRelease::all_versions});
///   endpoint.send(DataRelease{.data_id = 4, .version = 3, .from_version = 3});  // only 3
struct DataRelease {
  static constexpr std::uint64_t all_versions = ~std::uint64_t{0};
  std::uint64_t data_id = 0;
  std::uint64_t version = 0;
  std::uint64_t from_version = 0;  // (new, version to bump)
  template <class A> void serialize(A& ar) { ar(data_id, version, from_version); }
};

/// One version of a datum: (data id, version).
struct WireVersion {
  std::uint64_t data_id = 0;
  std::uint64_t version = 0;
  template <class A> void serialize(A& ar) { ar(data_id, version); }
};
inline constexpr std::size_t min_wire_version_bytes = 8 + 8;

/// (new, version to bump) A worker dropped these copies to stay within its data memory
/// budget (worker -> master, on the task link; net/worker_store.hpp): copies it was sent
/// or fetched, which another node holds. The master's directory stops naming it as their
/// holder. Sent after every answer that recorded them as held (so the master never
/// records a dropped copy again).
///
///   endpoint.send(DataEvicted{.versions = {{4, 2}, {7, 1}}});
struct DataEvicted {
  std::vector<WireVersion> versions;
  template <class A> void serialize(A& ar) { serialize_list(ar, versions, min_wire_version_bytes); }
};

/// Liveness on the master-worker link (protocol v5; docs/distributed.md, "Liveness").
/// The master sends one first, right after it admitted a worker: `timeout_ms` is how long
/// it waits without hearing from that worker before it declares the worker lost (0: it
/// never does). The worker then sends one (timeout_ms 0) every quarter of that time,
/// from a thread of its own, so a worker busy with long tasks still answers.
///
///   endpoint.send(Heartbeat{.timeout_ms = 10'000});
///
/// v15: one naming `kept_dir` is a question, not a pace (its timeout_ms
/// is ignored): the master sends it to a worker sharing its files, before any request, with
/// the run's directory of kept links (net/kept_files.hpp); the worker answers at once with
/// the same `kept_dir` and `sees_kept_dir`, whether it reaches it.
///
///   endpoint.send(Heartbeat{.kept_dir = "/home/u/run/.compss-kept-7-ab-0"});
struct Heartbeat {
  std::uint32_t timeout_ms = 0;
  std::string kept_dir;
  bool sees_kept_dir = false;
  template <class A> void serialize(A& ar) { ar(timeout_ms, kept_dir, sees_kept_dir); }
};

// ---- Traces (docs/traces.md): the workers' clocks and their own events ------------------

/// Reads a worker's clock. The master sends one (`master_ns`: its event clock just before
/// the write) when it admits the worker, about every second while the run goes on, and once
/// before its Shutdown; the worker sends it back at once with `worker_ns` (its steady clock
/// when it took it). So master_ns - worker_ns <= offset <= received - worker_ns
/// (net/clock_offset.hpp). `record_events`: the master traces the run, the worker records
/// its own events from now on and sends them in WorkerEvents. Only sent while tracing.
///
///   endpoint.send(ClockProbe{.master_ns = rt::event_now(), .record_events = true});
struct ClockProbe {
  std::int64_t master_ns = 0;
  std::int64_t worker_ns = 0;
  bool record_events = false;
  template <class A> void serialize(A& ar) { ar(master_ns, worker_ns, record_events); }
};

/// What one of a worker's events is (WireEvent::kind).
enum class WorkerEventKind : std::uint8_t {
  task = 1,     ///< a task's body ran (outcome: 0 success, 1 failed)
  inputs = 2,   ///< a task thread took a request's inputs (inline, stored, fetched from peers)
  outputs = 3,  ///< a task thread stored the outputs and wrote the answer
  serve = 4,    ///< the data server sent a value to a node (`bytes`)
};

/// One event of a worker, on its own clock (steady, ns). `thread`: 0 the data server,
/// 1.. the task threads (each runs one task at a time); `request`: the TaskRequest's
/// task_id (task, inputs, outputs), else 0.
struct WireEvent {
  std::uint8_t kind = 0;
  std::uint8_t outcome = 0;
  std::uint32_t thread = 0;
  std::uint64_t request = 0;
  std::uint64_t bytes = 0;
  std::int64_t begin_ns = 0;
  std::int64_t end_ns = 0;
  template <class A> void serialize(A& ar) { ar(kind, outcome, thread, request, bytes, begin_ns, end_ns); }
};

/// Smallest encoding of a WireEvent: two u8, a u32 and four 64-bit fields.
inline constexpr std::size_t min_wire_event_bytes = 1 + 1 + 4 + 8 * 4;

/// A batch of a worker's events (worker -> master; net/worker_event_log.hpp), sent once
/// enough have gathered or the oldest waited long enough, and before the worker ends.
/// `dropped`: events it could not keep since the last batch (its buffer was full).
///
///   endpoint.send(WorkerEvents{.events = batch});
struct WorkerEvents {
  std::vector<WireEvent> events;
  std::uint64_t dropped = 0;
  template <class A> void serialize(A& ar) {
    serialize_list(ar, events, min_wire_event_bytes);
    ar(dropped);
  }
};

// ---- Streams across workers (docs/streams.md) ----------------------------------------

/// One element of a stream on the wire: its bytes (ElementCodec), or, when `key` is not
/// 0, a reference to element `key` held by the stream endpoint at host:port (the
/// producer's worker; docs/streams.md, "Elements travel from producer to consumer"). A
/// producer sends an empty host: the master takes the connection's. `size`: a reference's
/// element's byte count (0: not known), so a poll's reply can be bounded in the bytes its
/// consumer will fetch.
struct WireElement {
  std::vector<std::byte> bytes;
  std::uint64_t key = 0;
  std::string host;
  std::uint16_t port = 0;
  std::uint64_t size = 0;
  template <class A> void serialize(A& ar) { ar(bytes, key, host, port, size); }
};

/// Smallest encoding of a WireElement: an empty vector's and string's lengths, the key,
/// the port and the size.
inline constexpr std::size_t min_wire_element_bytes = 8 + 8 + 8 + 2 + 8;

/// An operation of a stream task on a worker on the master's stream (docs/streams.md,
/// "Streams across workers"; net/stream_service.hpp). One at a time per connection; the
/// service answers each with a StreamReply. `slot` is the producer slot or consumer place
/// it applies to; `attempt`, the task attempt's ticket number (0: none).
///
///   StreamCall c{.op = StreamCall::poll, .stream = 3, .slot = 7, .timeout_us = 200'000};
struct StreamCall {
  enum Op : std::uint8_t {
    publish, poll, close, is_closed, add_producer, add_consumer, remove_consumer, commit,
    rewind, claim, add_found, producers_done, count_consumer_task,
    // Element references (net/stream_elements.hpp): `fetch` asks a stream endpoint for
    // element `slot` (flag: take it, at_most_once), or, when `elements` is not empty, for
    // the keys listed there in one request (the reply answers a prefix of them, in order,
    // within a byte budget: the bytes with key 0, or the key alone when not held); `release`, the master tells the holder
    // that the elements' keys are no longer needed; `hand_over`, a producer's worker gives
    // the master the bytes of the referenced elements nobody fetched yet, when its task
    // ends; `locate`, a consumer that could not fetch a reference asks the master for it.
    fetch, release, hand_over, locate,
    // (v16) `return_unread`: a consumer port gives back at_most_once poll
    // batch `batch` of place `slot` that it prefetched and its user never took (flag: to
    // the front of the stream's buffer, for every consumer; else to the place's own
    // returned elements, its next poll takes them first). Value 1 when the batch was still
    // unconfirmed and went back, 0 when not (confirmed, given back, or never taken).
    return_unread,
    last = return_unread
  };
  std::uint8_t op = publish;
  std::uint64_t stream = 0;
  std::uint64_t slot = 0;
  std::uint64_t attempt = 0;
  std::uint64_t timeout_us = 0;  ///< poll: how long it may wait
  bool flag = false;             ///< add_consumer / remove_consumer: a consumer task's; poll
                                 ///< (v16): a prefetch poll, whose commit
                                 ///< (at_least_once) stops at the start of the last batch given
  std::string text;              ///< close / remove_consumer: the error; claim: a file's name (is_new_file)
  std::vector<WireElement> elements;  ///< publish, add_found, release, hand_over, locate, fetch
  /// (new, version to bump) at_most_once poll: the name the consumer gave the batch it
  /// takes; commit: the batch it confirms receiving (0: every batch of the place, as before).
  /// A commit sent again for the same batch (its answer was lost) gets the same answer.
  std::uint64_t batch = 0;
  /// (v16) poll: the reply's byte budget (0: the service's default).
  std::uint64_t budget = 0;
  template <class A> void serialize(A& ar) {
    ar(op, stream, slot, attempt, timeout_us, flag, text);
    serialize_list(ar, elements, min_wire_element_bytes);
    ar(batch, budget);
  }
};

/// The service's answer: `error` (not empty: the operation threw compss::Error with
/// it on the master; the worker throws it again), `value` (a slot or place, or a bool;
/// a poll's: whether the stream is closed for that consumer after it; a commit's: the bits
/// closed_bit and given_back_bit), `elements` (poll).
struct StreamReply {
  /// A commit's value: the stream is now closed for that consumer.
  static constexpr std::uint64_t closed_bit = 1;
  /// A commit's value: the batch is not confirmed, it was given back to the consumer's
  /// place (its connection ended first): its next poll takes it again.
  static constexpr std::uint64_t given_back_bit = 2;
  std::string error;
  std::uint64_t value = 0;
  std::vector<WireElement> elements;
  template <class A> void serialize(A& ar) {
    ar(error, value);
    serialize_list(ar, elements, min_wire_element_bytes);
  }
};

/// Any message of the protocol.
///
///   Message m = Hello{...};
///   if (auto* r = std::get_if<TaskRequest>(&m)) { ... }
using Message = std::variant<Hello, TaskRequest, TaskDone, TaskFailed, DataFetchRequest,
                             DataFetchReply, Shutdown, DataRelease, Heartbeat, ClockProbe,
                             WorkerEvents, StreamCall, StreamReply, DataEvicted>;

/// The type tag of a message.
///
///   assert(type_of(Message{Shutdown{}}) == MessageType::shutdown);
MessageType type_of(const Message& m) noexcept;

/// A decoded frame header.
struct FrameHeader {
  MessageType type = MessageType::shutdown;
  std::uint64_t payload_size = 0;
};

/// A frame ready for a gathered write (sendmsg/writev). `scratch` holds the header and
/// every small field; `parts` are the frame's bytes in order, pointing into `scratch` or
/// straight into the message's large value vectors, which are not copied: the message
/// must outlive the frame. Move-only, so the parts keep pointing at this scratch.
///
///   EncodedFrame f = encode_parts(m);
///   for (std::span<const std::byte> part : f.parts) write_all(fd, part);
struct EncodedFrame {
  EncodedFrame() = default;
  EncodedFrame(EncodedFrame&&) noexcept = default;
  EncodedFrame& operator=(EncodedFrame&&) noexcept = default;
  EncodedFrame(const EncodedFrame&) = delete;
  EncodedFrame& operator=(const EncodedFrame&) = delete;

  std::vector<std::byte> scratch;
  std::vector<std::span<const std::byte>> parts;
  /// Total bytes of the frame (header included).
  std::size_t size() const noexcept;
};

/// Encodes a message as a list of parts; values of at least `inline_limit` bytes are
/// referenced, smaller ones copied into the scratch. The same bytes as encode().
///
///   EncodedFrame f = encode_parts(Message{reply});
EncodedFrame encode_parts(const Message& m, std::size_t inline_limit = 4096);

/// Encodes a message as one contiguous frame (header and payload); built on encode_parts.
///
///   std::vector<std::byte> frame = encode(Message{Shutdown{}});
std::vector<std::byte> encode(const Message& m);

/// Bytes of a DataFetchReply payload before its value: data_id, version, found and the
/// value's length.
inline constexpr std::size_t fetch_reply_prefix_size = 8 + 8 + 1 + 8;

/// Decodes the fields of a DataFetchReply payload of `payload_size` bytes that precede
/// its value (`prefix`: the payload's first fetch_reply_prefix_size bytes) and checks them
/// against the payload size; `value_size` is the number of value bytes that follow. Lets a
/// reader put a large value straight into `out.value`. Nothing throws.
///
///   std::uint64_t n = 0;
///   if (auto ec = decode_fetch_reply_prefix(prefix, h.payload_size, reply, n)) fail(ec);
///   reply.value.resize(n);  // then read the n bytes into reply.value.data()
std::error_code decode_fetch_reply_prefix(std::span<const std::byte> prefix,
                                          std::uint64_t payload_size, DataFetchReply& out,
                                          std::uint64_t& value_size) noexcept;

/// Decodes and checks a 16-byte header: magic, version, type, and payload length against
/// `max_payload`. Returns an error code instead of throwing.
///
///   FrameHeader h;
///   if (auto ec = decode_header(bytes, h, limit)) close_connection(ec);
std::error_code decode_header(std::span<const std::byte> bytes, FrameHeader& out,
                              std::uint64_t max_payload = default_max_payload) noexcept;

/// Decodes the payload of a frame of type `type`. Malformed, truncated or trailing bytes
/// and out-of-range enum fields give an error code; nothing throws.
///
///   Message m;
///   if (auto ec = decode_payload(h.type, payload, m)) close_connection(ec);
std::error_code decode_payload(MessageType type, std::span<const std::byte> payload,
                               Message& out) noexcept;

/// Decodes one whole frame (header and exactly its payload).
///
///   Message m;
///   std::error_code ec = decode_frame(bytes, m);
std::error_code decode_frame(std::span<const std::byte> bytes, Message& out,
                             std::uint64_t max_payload = default_max_payload) noexcept;

/// Like decode_frame, but throws compss::Error naming the problem.
///
///   Message m = decode_frame_or_throw(bytes);
Message decode_frame_or_throw(std::span<const std::byte> bytes);

}  // namespace compss::net
