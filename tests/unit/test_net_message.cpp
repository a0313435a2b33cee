// Wire protocol: every message round-trips; malformed frames give an error, never a crash.
#include "net/message.hpp"
#include "net/stream_reply_reader.hpp"

#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace compss::net;

namespace {

TaskRequest sample_request() {
  WireParam p;
  p.data_id = 4;
  p.version = 2;
  p.stored_as = 3ull << 32;  // (new) the version its write is stored as
  p.direction = 2;
  p.has_value = true;
  p.value = compss::to_bytes(41);
  WireParam remote;  // v2: a value held by another node
  remote.data_id = 5;
  remote.version = 3;
  remote.size = 1234;
  remote.source = "10.0.0.7:41234";
  WireGlobal sent;  // v3: a global's value, inline
  sent.index = 0;
  sent.version = 3;
  sent.stamp = 11;
  sent.has_value = true;
  sent.value = compss::to_bytes(24);
  WireGlobal kept;  // and one the worker holds already, named by its stamp
  kept.index = 1;
  kept.version = 5;
  kept.stamp = 9;
  return TaskRequest{7, "void inc(int &, const V &)", {p, remote}, {sent, kept}};
}

WorkerTimes sample_times() {
  return WorkerTimes{100, 150, 900, {WireFetch{1, 4096, 110, 140}}};
}

std::vector<Message> samples() {
  return {Hello{"s3cret", "node-a", 8, 1234, 40123, true, 8192, 2, "x86_64", "Linux"},
          sample_request(),
          TaskDone{7, {sample_request().params}, sample_times()},
          TaskFailed{7, "std::runtime_error", "boom", sample_times()},
          TaskFailed{7, "compss::Exception", "raised", sample_times(), {sample_request().params}},
          DataFetchRequest{4, 2},
          DataFetchReply{4, 2, true, compss::to_bytes(std::string("payload"))},
          Shutdown{},
          DataRelease{4, DataRelease::all_versions},
          Heartbeat{10'000},
          ClockProbe{123, 456, true},
          WorkerEvents{{WireEvent{1, 1, 2, 7, 0, 100, 200}, WireEvent{4, 0, 0, 0, 4096, 300, 310}}, 3},
          DataEvicted{{WireVersion{4, 2}, WireVersion{9, 1}}}};
}

}  // namespace

TEST(NetMessage, EveryTypeRoundTrips) {
  for (const Message& m : samples()) {
    std::vector<std::byte> frame = encode(m);
    Message back;
    ASSERT_FALSE(decode_frame(frame, back)) << static_cast<int>(type_of(m));
    EXPECT_EQ(back.index(), m.index());
    EXPECT_EQ(encode(back), frame);  // same bytes: every field survived
  }
}

TEST(NetMessage, VersionTwoFieldsSurvive) {
  Message back;
  ASSERT_FALSE(decode_frame(encode(sample_request()), back));
  EXPECT_EQ(std::get<TaskRequest>(back).params.at(0).stored_as, 3ull << 32);
  const WireParam& remote = std::get<TaskRequest>(back).params.at(1);
  EXPECT_EQ(remote.size, 1234u);
  EXPECT_EQ(remote.source, "10.0.0.7:41234");
  EXPECT_FALSE(remote.has_value);
  ASSERT_FALSE(decode_frame(encode(Hello{"s", "n", 2, 3, 40123}), back));
  EXPECT_EQ(std::get<Hello>(back).data_port, 40123);
  ASSERT_FALSE(decode_frame(encode(DataRelease{9, 4, 4}), back));
  EXPECT_EQ(std::get<DataRelease>(back).data_id, 9u);
  EXPECT_EQ(std::get<DataRelease>(back).version, 4u);
  EXPECT_EQ(std::get<DataRelease>(back).from_version, 4u);
  EXPECT_EQ(type_of(back), MessageType::data_release);
  ASSERT_FALSE(decode_frame(encode(Heartbeat{3000}), back));
  EXPECT_EQ(std::get<Heartbeat>(back).timeout_ms, 3000u);
  EXPECT_EQ(type_of(back), MessageType::heartbeat);
  ASSERT_FALSE(decode_frame(encode(Heartbeat{.kept_dir = "/k/.compss-kept-1-a-0", .sees_kept_dir = true}), back));
  EXPECT_EQ(std::get<Heartbeat>(back).kept_dir, "/k/.compss-kept-1-a-0");
  EXPECT_TRUE(std::get<Heartbeat>(back).sees_kept_dir);
}

TEST(NetMessage, OlderVersionFramesAreRejected) {
  EXPECT_EQ(protocol_version, 16);
  std::vector<std::byte> frame = encode(Message{DataRelease{1, 1}});
  // v2 requests had no globals; a v3 worker never sends heartbeats, so a newer master would
  // declare it lost while it works; a v4 peer has either WorkerTimes or Heartbeat, not both;
  // a v5 worker reports no resources (its Hello would be misread); a v6 request has no
  // hosts (a multi-node task's would be misread) and v6 peers know no probes or streams.
  for (int older : {1, 2, 3, 4, 5, 6}) {
    frame[4] = static_cast<std::byte>(older);
    Message out;
    EXPECT_EQ(decode_frame(frame, out), NetError::unsupported_version);
  }
}

TEST(NetMessage, GangHostsSurvive) {
  TaskRequest r = sample_request();
  r.computing_units = 2;
  r.hosts = {{"10.0.0.7", 2}, {"node-b", 1}};
  Message back;
  ASSERT_FALSE(decode_frame(encode(Message{r}), back));
  const auto& hosts = std::get<TaskRequest>(back).hosts;
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].name, "10.0.0.7");
  EXPECT_EQ(hosts[0].processes, 2u);
  EXPECT_EQ(hosts[1].name, "node-b");
  EXPECT_EQ(hosts[1].processes, 1u);
  EXPECT_EQ(std::get<TaskRequest>(back).computing_units, 2u);
}

TEST(NetMessage, ReservedGpusSurvive) {
  TaskRequest r = sample_request();
  r.computing_units = 3;
  r.gpus = 2;  // the worker names which of its GPUs (compss::this_task::gpus())
  Message back;
  ASSERT_FALSE(decode_frame(encode(Message{r}), back));
  EXPECT_EQ(std::get<TaskRequest>(back).gpus, 2u);
  EXPECT_EQ(std::get<TaskRequest>(back).computing_units, 3u);
}

TEST(NetMessage, TheTimeLeftUntilTheTimeOutSurvives) {
  TaskRequest r = sample_request();
  r.gpus = 1;
  r.time_left_ms = 1500;  // the worker's body sees stop_requested() 1.5 s after it arrives
  Message back;
  ASSERT_FALSE(decode_frame(encode(Message{r}), back));
  EXPECT_EQ(std::get<TaskRequest>(back).time_left_ms, 1500u);
  EXPECT_EQ(std::get<TaskRequest>(back).gpus, 1u);
  EXPECT_EQ(std::get<TaskRequest>(back).time_left_ms, r.time_left_ms);
  EXPECT_EQ(sample_request().time_left_ms, 0u);  // none unless the task has a time_out
}

TEST(NetMessage, VersionThreeGlobalsSurvive) {
  Message back;
  ASSERT_FALSE(decode_frame(encode(sample_request()), back));
  const auto& globals = std::get<TaskRequest>(back).globals;
  ASSERT_EQ(globals.size(), 2u);
  EXPECT_EQ(globals[0].index, 0u);
  EXPECT_EQ(globals[0].version, 3u);
  EXPECT_EQ(globals[0].stamp, 11u);
  ASSERT_TRUE(globals[0].has_value);
  int value = 0;
  compss::from_bytes(globals[0].value, value);
  EXPECT_EQ(value, 24);
  EXPECT_EQ(globals[1].index, 1u);
  EXPECT_EQ(globals[1].version, 5u);
  EXPECT_EQ(globals[1].stamp, 9u);
  EXPECT_FALSE(globals[1].has_value);
  EXPECT_TRUE(globals[1].value.empty());
}

TEST(NetMessage, SmallestGlobalSizeMatchesTheEncoding) {
  // The count check of serialize_list relies on this being the real minimum.
  std::vector<std::byte> none = encode(Message{TaskRequest{1, "f", {}, {}}});
  std::vector<std::byte> one = encode(Message{TaskRequest{1, "f", {}, {WireGlobal{}}}});
  EXPECT_EQ(one.size() - none.size(), min_wire_global_bytes);
}

TEST(NetMessage, ForgedGlobalsAreMalformed) {
  Message out;
  // A list count far beyond the bytes present (the hosts', the payload's last list: before
  // gpus and time_left_ms, 4 + 8 bytes).
  std::vector<std::byte> frame = encode(Message{TaskRequest{1, "f", {}, {}}});
  for (std::size_t i = frame.size() - 16; i < frame.size() - 8; ++i) frame[i] = std::byte{0x7f};
  EXPECT_EQ(decode_frame(frame, out), NetError::malformed_payload);
  // Bytes for a global that says it carries no value.
  TaskRequest r = sample_request();
  r.globals[1].value = compss::to_bytes(1);
  EXPECT_EQ(decode_frame(encode(r), out), NetError::malformed_payload);
}

TEST(NetMessage, SmallestParamSizeMatchesTheEncoding) {
  // The count check of serialize_list relies on this being the real minimum.
  std::vector<std::byte> none = encode(Message{TaskDone{1, {}}});
  std::vector<std::byte> one = encode(Message{TaskDone{1, {WireParam{}}}});
  EXPECT_EQ(one.size() - none.size(), min_wire_param_bytes);
}

TEST(NetMessage, WorkerTimesSurviveAndTheirSmallestSizesMatch) {
  Message back;
  ASSERT_FALSE(decode_frame(encode(Message{TaskDone{1, {}, sample_times()}}), back));
  const WorkerTimes& t = std::get<TaskDone>(back).times;
  EXPECT_EQ(t.received_ns, 100);
  EXPECT_EQ(t.began_ns, 150);
  EXPECT_EQ(t.ended_ns, 900);
  ASSERT_EQ(t.fetches.size(), 1u);
  EXPECT_EQ(t.fetches[0].param, 1u);
  EXPECT_EQ(t.fetches[0].bytes, 4096u);
  EXPECT_EQ(t.fetches[0].end_ns, 140);
  ASSERT_FALSE(decode_frame(encode(Message{TaskFailed{1, "E", "m", sample_times()}}), back));
  EXPECT_EQ(std::get<TaskFailed>(back).times.began_ns, 150);
  // The count checks of serialize_list rely on these being the real minimums.
  std::vector<std::byte> bare = encode(Message{TaskFailed{1, "", ""}});
  std::vector<std::byte> one = encode(Message{TaskFailed{1, "", "", WorkerTimes{0, 0, 0, {WireFetch{}}}}});
  EXPECT_EQ(one.size() - bare.size(), min_wire_fetch_bytes);
  EXPECT_EQ(bare.size(), header_size + 8 + 8 + 8 + min_worker_times_bytes + 8 + 1);  // (+ no outputs, ignored_writes)
}

TEST(NetMessage, HeaderLayoutIsFixed) {
  std::vector<std::byte> frame = encode(Message{Shutdown{}});
  ASSERT_EQ(frame.size(), header_size);
  EXPECT_EQ(static_cast<char>(frame[0]), 'C');
  EXPECT_EQ(static_cast<char>(frame[3]), 'S');
  EXPECT_EQ(std::to_integer<int>(frame[4]), protocol_version);
  EXPECT_EQ(std::to_integer<int>(frame[6]), static_cast<int>(MessageType::shutdown));
}

TEST(NetMessage, WrongMagicVersionTypeAreRejected) {
  std::vector<std::byte> frame = encode(Message{Shutdown{}});
  Message out;
  auto bad_magic = frame;
  bad_magic[0] = std::byte{'X'};
  EXPECT_EQ(decode_frame(bad_magic, out), NetError::bad_magic);
  auto bad_version = frame;
  bad_version[4] = std::byte{99};
  EXPECT_EQ(decode_frame(bad_version, out), NetError::unsupported_version);
  auto bad_type = frame;
  bad_type[6] = std::byte{200};
  EXPECT_EQ(decode_frame(bad_type, out), NetError::unknown_type);
  bad_type[6] = std::byte{15};  // one past data_evicted
  EXPECT_EQ(decode_frame(bad_type, out), NetError::unknown_type);
}

TEST(NetMessage, WorkerEventsOfUnknownKindAreRejected) {
  Message back;
  ASSERT_FALSE(decode_frame(encode(WorkerEvents{{WireEvent{.kind = 3, .thread = 1}}}), back));
  EXPECT_EQ(std::get<WorkerEvents>(back).events.at(0).thread, 1u);
  EXPECT_EQ(decode_frame(encode(WorkerEvents{{WireEvent{.kind = 9}}}), back), NetError::malformed_payload);
  EXPECT_EQ(decode_frame(encode(WorkerEvents{{WireEvent{.kind = 1, .outcome = 2}}}), back),
            NetError::malformed_payload);
}

TEST(NetMessage, HugeLengthIsRejectedBeforeReading) {
  std::vector<std::byte> frame = encode(Message{Shutdown{}});
  for (int i = 8; i < 16; ++i) frame[i] = std::byte{0xff};
  FrameHeader h;
  EXPECT_EQ(decode_header(frame, h), NetError::payload_too_large);
  EXPECT_EQ(decode_header(encode(sample_request()), h, 4), NetError::payload_too_large);
}

TEST(NetMessage, EveryTruncationIsAnError) {
  for (const Message& m : samples()) {
    std::vector<std::byte> frame = encode(m);
    for (std::size_t n = 0; n < frame.size(); ++n) {
      Message out;
      EXPECT_TRUE(decode_frame(std::span(frame).first(n), out)) << "length " << n;
    }
  }
}

TEST(NetMessage, TrailingBytesAreAnError) {
  std::vector<std::byte> frame = encode(Message{TaskFailed{1, "t", "m"}});
  frame.push_back(std::byte{0});
  Message out;
  EXPECT_EQ(decode_frame(frame, out), NetError::trailing_bytes);
  // The same byte counted in the header is left over by the payload decoder.
  frame[8] = static_cast<std::byte>(std::to_integer<int>(frame[8]) + 1);
  EXPECT_EQ(decode_frame(frame, out), NetError::trailing_bytes);
}

TEST(NetMessage, ForgedCountsAndEnumsAreMalformed) {
  TaskRequest r = sample_request();
  r.params[0].direction = 77;
  Message out;
  EXPECT_EQ(decode_frame(encode(r), out), NetError::malformed_payload);
  // A parameter count far beyond the bytes present.
  std::vector<std::byte> frame = encode(Message{TaskDone{1, {}}});
  std::size_t count_at = header_size + 8;
  for (int i = 0; i < 8; ++i) frame[count_at + i] = std::byte{0x7f};
  EXPECT_EQ(decode_frame(frame, out), NetError::malformed_payload);
}

TEST(NetMessage, RandomGarbageNeverCrashes) {
  std::mt19937 rng(12345);
  std::vector<std::byte> valid = encode(sample_request());
  for (int round = 0; round < 5000; ++round) {
    std::vector<std::byte> bytes = valid;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<std::byte>(rng());
    Message out;
    (void)decode_frame(bytes, out);  // any result but a crash; ASan/UBSan builds check more
  }
  std::vector<std::byte> noise(64);
  for (auto& b : noise) b = static_cast<std::byte>(rng());
  Message out;
  EXPECT_TRUE(decode_frame(noise, out));
}

TEST(NetMessage, ThrowingDecoderNamesTheProblem) {
  std::vector<std::byte> junk(20, std::byte{1});
  try {
    decode_frame_or_throw(junk);
    FAIL() << "no error";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad magic"), std::string::npos) << e.what();
  }
}

namespace {
std::vector<std::byte> joined(const EncodedFrame& f) {
  std::vector<std::byte> out;
  for (auto part : f.parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}
}  // namespace

TEST(NetMessage, GatheredEncodingIsTheSameFrame) {
  for (const Message& m : samples()) {
    EXPECT_EQ(joined(encode_parts(m, 1)), encode(m)) << static_cast<int>(type_of(m));
  }
  // A large value is referenced, not copied into the scratch.
  std::vector<std::byte> big(100000, std::byte{3});
  Message m = DataFetchReply{1, 2, true, big};
  EncodedFrame f = encode_parts(m);
  EXPECT_LT(f.scratch.size(), 100u);
  EXPECT_EQ(f.size(), encode(m).size());
  bool referenced = false;
  for (auto part : f.parts) referenced |= part.data() == std::get<DataFetchReply>(m).value.data();
  EXPECT_TRUE(referenced);
}

TEST(NetMessage, SharedValueEncodesLikeValueAndDecodesIntoValue) {
  std::vector<std::byte> bytes = compss::to_bytes(std::string("v"));
  DataFetchReply shared{4, 2, true};
  shared.shared_value = std::make_shared<const compss::detail::BytesValue>(bytes);
  std::vector<std::byte> frame = encode(Message{shared});
  EXPECT_EQ(frame, encode(Message{DataFetchReply{4, 2, true, bytes}}));
  EXPECT_EQ(joined(encode_parts(Message{shared}, 1)), frame);
  Message back;
  ASSERT_FALSE(decode_frame(frame, back));
  auto& r = std::get<DataFetchReply>(back);
  EXPECT_EQ(r.value, bytes);
  EXPECT_FALSE(r.shared_value);
}

TEST(NetMessage, HeldObjectIsSentFromItsOwnMemoryWithTheArchiveBytes) {
  std::vector<double> v(20000);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i) * 0.5;
  auto held = compss::detail::hold_object(v);
  const auto* object = held->as<std::vector<double>>();
  ASSERT_NE(object, nullptr);
  DataFetchReply shared{4, 2, true};
  shared.shared_value = held;
  EncodedFrame f = encode_parts(Message{shared});
  // The same frame as the serialized value; the elements are referenced, not copied.
  EXPECT_EQ(joined(f), encode(Message{DataFetchReply{4, 2, true, compss::to_bytes(v)}}));
  bool referenced = false;
  for (auto part : f.parts) {
    referenced |= part.data() == reinterpret_cast<const std::byte*>(object->data());
  }
  EXPECT_TRUE(referenced);
  // A small held object is copied into the frame instead.
  DataFetchReply small{5, 1, true};
  small.shared_value = compss::detail::hold_object(std::vector<int>{1, 2, 3});
  EncodedFrame g = encode_parts(Message{small});
  EXPECT_EQ(g.parts.size(), 1u);
  EXPECT_EQ(joined(g), encode(Message{DataFetchReply{5, 1, true, compss::to_bytes(std::vector<int>{1, 2, 3})}}));
}

TEST(NetMessage, FetchReplyPrefixMatchesTheDecoder) {
  std::vector<std::byte> frame = encode(Message{DataFetchReply{9, 8, true, std::vector<std::byte>(50)}});
  std::span<const std::byte> payload = std::span<const std::byte>(frame).subspan(header_size);
  DataFetchReply r;
  std::uint64_t n = 0;
  ASSERT_FALSE(decode_fetch_reply_prefix(payload.first(fetch_reply_prefix_size), payload.size(), r, n));
  EXPECT_EQ(r.data_id, 9u);
  EXPECT_EQ(r.version, 8u);
  EXPECT_TRUE(r.found);
  EXPECT_EQ(n, 50u);
  // A length that disagrees with the payload size, a bad flag, a short prefix: errors.
  EXPECT_EQ(decode_fetch_reply_prefix(payload, payload.size() + 1, r, n), NetError::trailing_bytes);
  EXPECT_EQ(decode_fetch_reply_prefix(payload, payload.size() - 1, r, n), NetError::malformed_payload);
  EXPECT_EQ(decode_fetch_reply_prefix(payload.first(10), payload.size(), r, n), NetError::truncated);
  std::vector<std::byte> bad(payload.begin(), payload.end());
  bad[16] = std::byte{0};  // not found, yet a value follows
  EXPECT_EQ(decode_fetch_reply_prefix(bad, bad.size(), r, n), NetError::malformed_payload);
}

// ---- StreamReplyReader (net/stream_reply_reader.hpp) ----------------------------------

namespace {

StreamReply sample_stream_reply() {
  StreamReply r{.error = "compss: some error text", .value = 7};
  std::vector<std::byte> big(200000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::byte>(i * 13);
  r.elements.push_back({.bytes = big});
  r.elements.push_back({.key = 42, .host = "10.0.0.7", .port = 4100, .size = 1 << 20});
  r.elements.push_back({});  // nothing at all: every length 0
  r.elements.push_back({.bytes = std::vector<std::byte>(3, std::byte{9}), .host = "h"});
  return r;
}

/// Feeds `payload` to a reader place by place; the reader's result, or its error.
std::error_code read_piecewise(std::span<const std::byte> payload, StreamReply& out) {
  StreamReplyReader reader(payload.size());
  std::error_code bad;
  std::size_t at = 0;
  for (std::span<std::byte> place = reader.next(bad); !place.empty(); place = reader.next(bad)) {
    if (place.size() > payload.size() - at) return NetError::truncated;  // (never: checked)
    std::memcpy(place.data(), payload.data() + at, place.size());
    at += place.size();
  }
  if (bad) return bad;
  out = reader.take();
  return at == payload.size() ? std::error_code{} : make_error_code(NetError::trailing_bytes);
}

void expect_same(const StreamReply& a, const StreamReply& b) {
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.value, b.value);
  ASSERT_EQ(a.elements.size(), b.elements.size());
  for (std::size_t i = 0; i < a.elements.size(); ++i) {
    EXPECT_TRUE(a.elements[i].bytes == b.elements[i].bytes) << i;
    EXPECT_EQ(a.elements[i].key, b.elements[i].key);
    EXPECT_EQ(a.elements[i].host, b.elements[i].host);
    EXPECT_EQ(a.elements[i].port, b.elements[i].port);
    EXPECT_EQ(a.elements[i].size, b.elements[i].size);
  }
}

}  // namespace

TEST(StreamReplyReader, GivesWhatDecodePayloadGivesForTheSameBytes) {
  const StreamReply sent = sample_stream_reply();
  const std::vector<std::byte> frame = encode(Message{sent});
  const std::span<const std::byte> payload = std::span(frame).subspan(header_size);
  StreamReply got;
  ASSERT_FALSE(read_piecewise(payload, got));
  expect_same(got, sent);
  StreamReply empty_reply;
  const std::vector<std::byte> empty_frame = encode(Message{empty_reply});
  ASSERT_FALSE(read_piecewise(std::span(empty_frame).subspan(header_size), got));
  expect_same(got, empty_reply);
}

TEST(StreamReplyReader, ATruncatedOrCorruptedPayloadIsAnErrorLikeDecodePayloads) {
  const std::vector<std::byte> frame = encode(Message{sample_stream_reply()});
  const std::span<const std::byte> payload = std::span(frame).subspan(header_size);
  StreamReply got;
  // Every length shorter than the whole: an error, never a read past the end.
  for (std::size_t n = 0; n < payload.size(); n += (n < 300 ? 1 : 997)) {
    EXPECT_TRUE(read_piecewise(payload.first(n), got)) << n;
  }
  // One more byte: trailing.
  std::vector<std::byte> longer(payload.begin(), payload.end());
  longer.push_back(std::byte{0});
  EXPECT_EQ(read_piecewise(longer, got), NetError::trailing_bytes);
  // Random corruptions: whatever decode_payload says, the reader says too (same checks).
  std::mt19937 draw(5);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<std::byte> bad(payload.begin(), payload.end());
    const std::size_t at = draw() % std::min<std::size_t>(bad.size(), 400);  // the fields
    bad[at] = static_cast<std::byte>(draw() % 256);
    Message m;
    const bool decodes = !decode_payload(MessageType::stream_reply, bad, m);
    EXPECT_EQ(!read_piecewise(bad, got), decodes) << "byte " << at;
  }
}

// A poll's prefetch (net/stream_prefetch.hpp): a poll's byte budget and prefetch flag,
// and the return_unread call, survive; an op past the last is malformed.
TEST(NetMessage, StreamPrefetchFieldsSurvive) {
  Message back;
  ASSERT_FALSE(decode_frame(encode(Message{StreamCall{.op = StreamCall::poll, .stream = 3, .slot = 7, .flag = true,
                                                      .batch = 11, .budget = 2u << 20}}),
                            back));
  const auto& poll = std::get<StreamCall>(back);
  EXPECT_EQ(poll.budget, 2u << 20);
  EXPECT_TRUE(poll.flag);
  EXPECT_EQ(poll.batch, 11u);
  ASSERT_FALSE(decode_frame(encode(Message{StreamCall{.op = StreamCall::return_unread, .slot = 7, .flag = true,
                                                      .batch = 12}}),
                            back));
  EXPECT_EQ(std::get<StreamCall>(back).op, StreamCall::return_unread);
  EXPECT_EQ(std::get<StreamCall>(back).batch, 12u);
  StreamCall past{.op = StreamCall::return_unread};
  past.op = static_cast<std::uint8_t>(StreamCall::last + 1);
  EXPECT_EQ(decode_frame(encode(Message{past}), back), NetError::malformed_payload);
}
