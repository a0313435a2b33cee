// Asio TCP transport on 127.0.0.1 and the in-memory fake: delivery, the run secret,
// garbage, large payloads, direct reads and writes on the calling thread.
#include "net/fake_transport.hpp"
#include "net/io_thread.hpp"
#include "net/listener.hpp"
#include "net/tcp_connection.hpp"

#include <compss/error.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <array>
#include <mutex>
#include <thread>

using namespace compss::net;
using namespace std::chrono_literals;

namespace {

/// Collects log lines from the network layer.
struct LogSink {
  std::mutex mutex;
  std::vector<std::string> lines;
  LogFn fn() {
    return [this](const std::string& l) {
      std::lock_guard lock(mutex);
      lines.push_back(l);
    };
  }
  bool contains(const std::string& s) {
    std::lock_guard lock(mutex);
    for (auto& l : lines) if (l.find(s) != std::string::npos) return true;
    return false;
  }
};

Hello hello_with(std::string secret) { return Hello{std::move(secret), "test", 1, 1}; }

/// Uses up this process's file descriptors until destroyed: the soft RLIMIT_NOFILE is
/// lowered to a little above the highest descriptor open, and the rest is filled with
/// copies of /dev/null. Restores both at the end.
struct NoFreeDescriptors {
  rlimit saved{};
  std::vector<int> fds;
  NoFreeDescriptors() {
    getrlimit(RLIMIT_NOFILE, &saved);
    int highest = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
      highest = std::max(highest, std::atoi(e.path().filename().c_str()));
    }
    rlimit low = saved;
    low.rlim_cur = std::min<rlim_t>(saved.rlim_cur, static_cast<rlim_t>(highest) + 64);
    setrlimit(RLIMIT_NOFILE, &low);
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) fds.push_back(null);
    for (int fd; null >= 0 && (fd = ::dup(null)) >= 0;) fds.push_back(fd);
  }
  ~NoFreeDescriptors() {
    for (int fd : fds) ::close(fd);
    setrlimit(RLIMIT_NOFILE, &saved);
  }
};

/// A listener (secret "k", log lines in `log`) and one client it admitted; the client's
/// Hello has been received.
struct AdmittedClient {
  IoThread io;
  LogSink log;
  Listener listener{io.context(), {.secret = "k", .connection = {.log = log.fn()}}};
  std::shared_ptr<TcpConnection> client =
      connect_to(io.context(), "127.0.0.1", listener.port(), hello_with("k"), 5s);
  std::shared_ptr<Endpoint> server = listener.accept(5s);
  Message hello;
  AdmittedClient() {
    if (!server) throw compss::Error("the client was not admitted");
    throw_if_error(server->receive(hello, 5s), "no hello");
  }
};

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// A raw socket that sends whatever bytes a test wants.
boost::asio::ip::tcp::socket raw_connect(boost::asio::io_context& io, std::uint16_t port) {
  boost::asio::ip::tcp::socket s(io);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  return s;
}

/// True when the peer closed the raw socket (bounded by the socket's own read).
bool closed_by_peer(boost::asio::ip::tcp::socket& s) {
  std::array<char, 16> buf;
  boost::system::error_code ec;
  s.read_some(boost::asio::buffer(buf), ec);
  return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
}

}  // namespace

TEST(NetTransport, FakePairDeliversInOrderAndCloses) {
  auto [a, b] = make_fake_pair();
  ASSERT_FALSE(a->send(TaskFailed{1, "t", "m"}));
  ASSERT_FALSE(a->send(Shutdown{}));
  Message m;
  ASSERT_FALSE(b->receive(m, 1s));
  EXPECT_EQ(std::get<TaskFailed>(m).message, "m");
  ASSERT_FALSE(b->receive(m, 1s));
  EXPECT_TRUE(std::holds_alternative<Shutdown>(m));
  EXPECT_EQ(b->receive(m, 10ms), NetError::timed_out);
  a->close();
  EXPECT_EQ(b->receive(m, 1s), NetError::closed);
  EXPECT_EQ(b->send(Shutdown{}), NetError::closed);
}

TEST(NetTransport, TwoEndpointsExchangeMessages) {
  AdmittedClient a;
  auto& client = a.client;
  auto& server = a.server;
  Message m;
  EXPECT_EQ(std::get<Hello>(a.hello).node_name, "test");
  ASSERT_FALSE(server->send(DataFetchRequest{3, 4}));
  ASSERT_FALSE(client->receive(m, 5s));
  EXPECT_EQ(std::get<DataFetchRequest>(m).version, 4u);
  ASSERT_FALSE(client->send(TaskFailed{9, "E", "x"}));
  ASSERT_FALSE(server->receive(m, 5s));
  EXPECT_EQ(std::get<TaskFailed>(m).task_id, 9u);
  client->close();
  EXPECT_EQ(server->receive(m, 5s), NetError::closed);
}

TEST(NetTransport, StrangerWithoutSecretIsClosedAndServerKeepsServing) {
  IoThread io;
  LogSink log;
  Listener listener(io.context(), {.secret = "right", .connection = {.log = log.fn()}});
  auto stranger = connect_to(io.context(), "127.0.0.1", listener.port(), hello_with("wrong"), 5s);
  Message m;
  EXPECT_EQ(stranger->receive(m, 5s), NetError::closed);
  EXPECT_EQ(listener.accept(50ms), nullptr);
  EXPECT_EQ(listener.rejected(), 1u);
  EXPECT_TRUE(log.contains("wrong or missing run secret"));
  // A silent connection is closed at the hello time-out... (covered below); a friend still gets in.
  auto friend_ = connect_to(io.context(), "127.0.0.1", listener.port(), hello_with("right"), 5s);
  EXPECT_NE(listener.accept(5s), nullptr);
}

// Out of file descriptors (EMFILE), a connection waits in the backlog that accept cannot
// take: the listener must pause between attempts (not spin on the readable socket), say so
// once, keep the connections it has, and accept again once descriptors are free.
TEST(NetTransport, OutOfDescriptorsTheListenerPausesAndKeepsItsConnections) {
  AdmittedClient a;
  auto& client = a.client;
  auto& server = a.server;
  Listener& listener = a.listener;
  LogSink& log = a.log;
  Message m;
  int waiting = ::socket(AF_INET, SOCK_STREAM, 0);  // (made now: none can be made below)
  ASSERT_GE(waiting, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(listener.port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  {
    NoFreeDescriptors full;
    ASSERT_GT(full.fds.size(), 0u);
    ASSERT_EQ(::open("/dev/null", O_RDONLY), -1);  // really none left
    // The kernel completes the handshake; the listener's accept fails with EMFILE.
    ASSERT_EQ(::connect(waiting, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    const double cpu_before = process_cpu_seconds();
    // About 1.5 s in which the connection made before works both ways.
    for (std::uint64_t i = 0; i < 15; ++i) {
      ASSERT_FALSE(client->send(TaskFailed{i, "E", "x"}));
      ASSERT_FALSE(server->receive(m, 5s));
      EXPECT_EQ(std::get<TaskFailed>(m).task_id, i);
      ASSERT_FALSE(server->send(DataFetchRequest{i, 1}));
      ASSERT_FALSE(client->receive(m, 5s));
      std::this_thread::sleep_for(100ms);
    }
    const double cpu = process_cpu_seconds() - cpu_before;
    EXPECT_LT(cpu, 0.3) << "the accept loop spins (CPU seconds of the process in 1.5 s)";
    // Pauses of 50, 100, 200, 400, 800 ms, then 1 s: a handful of attempts.
    EXPECT_GE(listener.accept_failures(), 1u);
    EXPECT_LE(listener.accept_failures(), 10u);
  }
  {
    std::lock_guard lock(log.mutex);
    EXPECT_EQ(std::count_if(log.lines.begin(), log.lines.end(),
                            [](const std::string& l) {
                              return l.find("cannot accept connections on port") != std::string::npos;
                            }),
              1);  // said once, not once per attempt
  }
  EXPECT_TRUE(log.contains("Too many open files"));
  // Descriptors are free again: the waiting connection is taken (it never says hello: it
  // is closed at the hello time-out), and a new one is admitted.
  auto late = connect_to(a.io.context(), "127.0.0.1", listener.port(), hello_with("k"), 5s);
  EXPECT_NE(listener.accept(5s), nullptr);
  EXPECT_TRUE(log.contains("accepting connections on port " + std::to_string(listener.port()) +
                           " again, after"));
  ::close(waiting);
}

TEST(NetTransport, SilentConnectionIsClosedAfterHelloTimeout) {
  IoThread io;
  LogSink log;
  Listener listener(io.context(),
                    {.secret = "k", .hello_timeout = 100ms, .connection = {.log = log.fn()}});
  boost::asio::io_context client_io;
  auto s = raw_connect(client_io, listener.port());
  EXPECT_TRUE(closed_by_peer(s));
  EXPECT_TRUE(log.contains("no hello within the time limit"));
}

TEST(NetTransport, GarbageClosesOnlyThatConnection) {
  IoThread io;
  LogSink log;
  Listener listener(io.context(), {.secret = "k", .connection = {.log = log.fn()}});
  auto good = connect_to(io.context(), "127.0.0.1", listener.port(), hello_with("k"), 5s);
  auto server = listener.accept(5s);
  ASSERT_TRUE(server);
  boost::asio::io_context client_io;
  auto bad = raw_connect(client_io, listener.port());
  std::string junk = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  boost::asio::write(bad, boost::asio::buffer(junk));
  EXPECT_TRUE(closed_by_peer(bad));
  EXPECT_TRUE(log.contains("bad magic"));
  // The admitted connection still works in both directions.
  Message m;
  ASSERT_FALSE(server->receive(m, 5s));  // its hello
  ASSERT_FALSE(good->send(DataFetchRequest{1, 1}));
  ASSERT_FALSE(server->receive(m, 5s));
  EXPECT_TRUE(std::holds_alternative<DataFetchRequest>(m));
}

TEST(NetTransport, GarbageAfterHelloClosesThatConnection) {
  IoThread io;
  LogSink log;
  Listener listener(io.context(), {.secret = "k", .connection = {.log = log.fn()}});
  boost::asio::io_context client_io;
  auto raw = raw_connect(client_io, listener.port());
  auto hello = encode(Message{hello_with("k")});
  boost::asio::write(raw, boost::asio::buffer(hello));
  auto server = listener.accept(5s);
  ASSERT_TRUE(server);
  auto frame = encode(Message{TaskFailed{1, "t", "m"}});
  frame[header_size] = std::byte{0xff};  // corrupt the payload's task id... and its length
  for (int i = 0; i < 8; ++i) frame[header_size + 8 + i] = std::byte{0x7f};
  boost::asio::write(raw, boost::asio::buffer(frame));
  Message m;
  ASSERT_FALSE(server->receive(m, 5s));  // the hello
  EXPECT_EQ(server->receive(m, 5s), NetError::malformed_payload);
  EXPECT_TRUE(closed_by_peer(raw));
  EXPECT_TRUE(log.contains("bad message"));
}

TEST(NetTransport, LargePayloadRoundTrip) {
  IoThread io;
  Listener listener(io.context(), {.secret = "k"});
  auto client = connect_to(io.context(), "127.0.0.1", listener.port(), hello_with("k"), 5s);
  auto server = listener.accept(5s);
  ASSERT_TRUE(server);
  Message m;
  ASSERT_FALSE(server->receive(m, 5s));
  std::vector<std::byte> big(64u << 20);
  for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<std::byte>(i >> 12);
  auto held = std::make_shared<const compss::detail::BytesValue>(big);
  // send() blocks until the socket took the whole frame, so the reader runs meanwhile.
  std::error_code sent;
  std::thread sender([&] {
    DataFetchReply r{1, 1, true};
    r.shared_value = held;  // sent without a copy
    sent = server->send(r);
  });
  std::error_code got = client->receive(m, 60s);
  sender.join();
  ASSERT_FALSE(sent);
  ASSERT_FALSE(got) << got.message();
  auto& reply = std::get<DataFetchReply>(m);
  EXPECT_EQ(reply.data_id, 1u);
  EXPECT_TRUE(reply.found);
  // Too large for the read buffer: received straight into a held value (as bytes: no
  // sink was given).
  EXPECT_TRUE(reply.value.empty());
  ASSERT_TRUE(reply.shared_value);
  std::vector<std::byte> scratch;
  std::span<const std::byte> got_bytes = reply.shared_value->view(scratch);
  EXPECT_TRUE(scratch.empty());  // one piece: no join was needed
  EXPECT_TRUE(std::equal(got_bytes.begin(), got_bytes.end(), big.begin(), big.end()));
}

TEST(NetTransport, ConnectFailureNamesTheAddress) {
  IoThread io;
  std::uint16_t port;
  {
    Listener probe(io.context(), {.secret = "k"});
    port = probe.port();
  }  // closed: nothing listens there now
  try {
    connect_to(io.context(), "127.0.0.1", port, hello_with("k"), 300ms);
    FAIL() << "connected to a closed port";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect to 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << e.what();
  }
}

TEST(NetTransport, AConnectionRefusedIsTriedAgainUntilThePeerListens) {
  // A worker may start before its master listens.
  IoThread io;
  std::uint16_t port;
  {
    Listener probe(io.context(), {.secret = "k"});
    port = probe.port();
  }
  std::shared_ptr<TcpConnection> client;
  std::thread connecting([&] {
    client = connect_to(io.context(), "127.0.0.1", port, hello_with("k"), 20s);
  });
  std::this_thread::sleep_for(300ms);
  Listener late(io.context(), {.port = port, .secret = "k"});
  auto admitted = late.accept(20s);
  connecting.join();
  ASSERT_TRUE(client);
  EXPECT_TRUE(admitted);
}

TEST(NetTransport, WithoutRetryARefusedConnectionFailsAtOnce) {
  // A peer's data port that refuses belongs to a dead worker: no waiting for it to listen.
  IoThread io;
  std::uint16_t port;
  {
    Listener probe(io.context(), {.secret = "k"});
    port = probe.port();
  }
  ConnectionOptions options;
  options.retry_refused = false;
  try {
    connect_to(io.context(), "127.0.0.1", port, hello_with("k"), 60s, options);
    FAIL() << "connected to a closed port";
  } catch (const compss::Error& e) {
    // With retries it would end only after 60 s, as "timed out".
    EXPECT_EQ(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("refused"), std::string::npos) << e.what();
  }
}

TEST(NetTransport, BadListenAddressIsAnError) {
  IoThread io;
  EXPECT_THROW(Listener(io.context(), {.address = "not-an-ip", .secret = "k"}), compss::Error);
}

namespace {
/// A socket bound to 127.0.0.1 on a free port, listening when `listen_too`: what
/// compss-run hands the master as COMPSS_LISTEN_FD.
int bound_socket(bool listen_too, std::uint16_t& port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) return -1;
  if (listen_too && listen(fd, 16) != 0) return -1;
  socklen_t len = sizeof at;
  getsockname(fd, reinterpret_cast<sockaddr*>(&at), &len);
  port = ntohs(at.sin_port);
  return fd;
}
}  // namespace

TEST(NetTransport, ListenerAdoptsAnInheritedListeningSocket) {
  std::uint16_t port = 0;
  int fd = bound_socket(true, port);
  ASSERT_GE(fd, 0);
  IoThread io;
  Listener listener(io.context(), fd, {.secret = "s"});
  EXPECT_EQ(listener.port(), port);
  auto client = connect_to(io.context(), "127.0.0.1", port, hello_with("s"), 5s);
  auto server = listener.accept(5s);
  ASSERT_TRUE(server);
  Message m;
  ASSERT_FALSE(server->receive(m, 5s));
  EXPECT_TRUE(std::holds_alternative<Hello>(m));
  EXPECT_EQ(peer_host(*server), "127.0.0.1");
  client->close();
}

TEST(NetTransport, AdoptingASocketThatDoesNotListenIsAnError) {
  IoThread io;
  std::uint16_t port = 0;
  int fd = bound_socket(false, port);
  ASSERT_GE(fd, 0);
  EXPECT_THROW(
      {
        try {
          Listener listener(io.context(), fd, {.secret = "s"});
        } catch (const compss::Error& e) {
          EXPECT_NE(std::string(e.what()).find("fd " + std::to_string(fd) + ": it is not listening"),
                    std::string::npos) << e.what();
          throw;
        }
      },
      compss::Error);
  close(fd);
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  EXPECT_THROW(Listener(io.context(), pipe_fds[0], {.secret = "s"}), compss::Error);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  EXPECT_THROW(Listener(io.context(), 987654, {.secret = "s"}), compss::Error);
}

TEST(NetTransport, PeerHostDropsThePort) {
  auto [a, b] = make_fake_pair();
  EXPECT_EQ(peer_host(*a), "fake");  // no port: unchanged
  IoThread io;
  Listener listener(io.context(), {.secret = "s"});
  auto client = connect_to(io.context(), "127.0.0.1", listener.port(), hello_with("s"), 5s);
  EXPECT_EQ(peer_host(*client), "127.0.0.1");
  client->close();
}

// --- Direct reads and writes on the caller's thread ------------------------------------

namespace {

/// A connected pair: `client` from connect_to, `server` admitted by the listener, its
/// Hello already received.
struct Pair {
  IoThread io;
  LogSink log;
  Listener listener{io.context(), {.secret = "k", .connection = {.log = log.fn()}}};
  std::shared_ptr<TcpConnection> client =
      connect_to(io.context(), "127.0.0.1", listener.port(), hello_with("k"), 5s);
  std::shared_ptr<Endpoint> server = admitted(listener);

  static std::shared_ptr<Endpoint> admitted(Listener& l) {
    auto s = l.accept(5s);
    Message hello;
    if (!s || s->receive(hello, 5s) || !std::holds_alternative<Hello>(hello)) return nullptr;
    return s;
  }
};

/// A raw client socket whose Hello was admitted, and the server end.
struct RawPair {
  IoThread io;
  LogSink log;
  Listener listener{io.context(), {.secret = "k", .connection = {.log = log.fn()}}};
  boost::asio::io_context client_io;
  boost::asio::ip::tcp::socket raw = raw_connect(client_io, listener.port());
  std::shared_ptr<Endpoint> server = hello_and_accept();

  std::shared_ptr<Endpoint> hello_and_accept() {
    boost::asio::write(raw, boost::asio::buffer(encode(Message{hello_with("k")})));
    return Pair::admitted(listener);
  }
  void write(std::span<const std::byte> bytes) { boost::asio::write(raw, boost::asio::buffer(bytes.data(), bytes.size())); }
};

}  // namespace

TEST(NetTransport, SeveralSmallFramesArriveInOrder) {
  Pair p;
  ASSERT_TRUE(p.server);
  // Sent back to back, they reach the reader together; each receive returns the next one.
  for (std::uint64_t i = 0; i < 200; ++i) {
    ASSERT_FALSE(p.client->send(TaskFailed{i, "E", std::string(i % 50, 'x')}));
  }
  ASSERT_FALSE(p.client->send(Shutdown{}));
  Message m;
  for (std::uint64_t i = 0; i < 200; ++i) {
    ASSERT_FALSE(p.server->receive(m, 5s));
    EXPECT_EQ(std::get<TaskFailed>(m).task_id, i);
    EXPECT_EQ(std::get<TaskFailed>(m).message.size(), i % 50);
  }
  ASSERT_FALSE(p.server->receive(m, 5s));
  EXPECT_TRUE(std::holds_alternative<Shutdown>(m));
}

TEST(NetTransport, AFrameLargerThanTheReadBufferRoundTrips) {
  Pair p;
  ASSERT_TRUE(p.server);
  WireParam big{.data_id = 3, .version = 1, .has_value = true,
                .value = std::vector<std::byte>(1u << 20, std::byte{0x5a})};
  big.value.back() = std::byte{1};
  std::error_code sent;
  std::thread sender([&] {
    sent = p.client->send(TaskRequest{7, "f", {big, big}});
    if (!sent) sent = p.client->send(TaskFailed{8, "E", "after"});
  });
  Message m;
  std::error_code got = p.server->receive(m, 30s);
  Message after;
  std::error_code got_after = p.server->receive(after, 30s);
  sender.join();
  ASSERT_FALSE(sent);
  ASSERT_FALSE(got) << got.message();
  auto& r = std::get<TaskRequest>(m);
  ASSERT_EQ(r.params.size(), 2u);
  EXPECT_TRUE(r.params[1].value == big.value);
  ASSERT_FALSE(got_after);
  EXPECT_EQ(std::get<TaskFailed>(after).task_id, 8u);  // the stream stays in step
}

TEST(NetTransport, ConcurrentSendersNeverInterleaveFrames) {
  Pair p;
  ASSERT_TRUE(p.server);
  constexpr int senders = 4;
  constexpr std::uint64_t each = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < senders; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint64_t i = 0; i < each; ++i) {
        // Large enough that one frame takes several writes.
        DataFetchReply r{static_cast<std::uint64_t>(t), i, true,
                         std::vector<std::byte>(20000 + i, static_cast<std::byte>(t))};
        if (p.client->send(r)) return;
      }
    });
  }
  std::vector<std::uint64_t> next(senders, 0);
  Message m;
  for (std::uint64_t n = 0; n < senders * each; ++n) {
    std::error_code ec = p.server->receive(m, 30s);
    if (ec) {
      ADD_FAILURE() << "receive: " << ec.message();
      break;
    }
    auto& r = std::get<DataFetchReply>(m);
    ASSERT_LT(r.data_id, static_cast<std::uint64_t>(senders));
    EXPECT_EQ(r.version, next[r.data_id]++);  // each sender's frames in its order
    EXPECT_EQ(r.value.size(), 20000 + r.version);
    EXPECT_EQ(std::count(r.value.begin(), r.value.end(), static_cast<std::byte>(r.data_id)),
              static_cast<std::ptrdiff_t>(r.value.size()));
  }
  p.client->close();  // unblocks a sender still writing if the reader gave up
  for (auto& t : threads) t.join();
  for (int t = 0; t < senders; ++t) EXPECT_EQ(next[t], each);
}

TEST(NetTransport, ConcurrentReceiversEachGetWholeFrames) {
  // A worker reads its master connection on all its threads.
  Pair p;
  ASSERT_TRUE(p.server);
  constexpr std::uint64_t total = 400;
  std::mutex mutex;
  std::vector<int> seen(total, 0);
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      Message m;
      while (!p.server->receive(m, 10s)) {
        auto* r = std::get_if<DataFetchReply>(&m);
        if (r == nullptr) return;  // the end marker (one per reader)
        bool intact = r->data_id < total && r->value.size() == 5000 + r->data_id;
        std::lock_guard lock(mutex);
        if (intact) ++seen[r->data_id];
      }
    });
  }
  for (std::uint64_t i = 0; i < total; ++i) {
    EXPECT_FALSE(p.client->send(DataFetchReply{i, 0, true, std::vector<std::byte>(5000 + i)}));
  }
  for (int t = 0; t < 4; ++t) EXPECT_FALSE(p.client->send(Shutdown{}));
  for (auto& t : readers) t.join();
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), static_cast<std::ptrdiff_t>(total));
}

TEST(NetTransport, ReceiveTimesOutAndLaterFramesStillArrive) {
  Pair p;
  ASSERT_TRUE(p.server);
  Message m;
  EXPECT_EQ(p.server->receive(m, 20ms), NetError::timed_out);
  ASSERT_FALSE(p.client->send(DataFetchRequest{5, 6}));
  ASSERT_FALSE(p.server->receive(m, 5s));
  EXPECT_EQ(std::get<DataFetchRequest>(m).data_id, 5u);
}

TEST(NetTransport, CloseFromAnotherThreadWakesABlockedReceive) {
  Pair p;
  ASSERT_TRUE(p.server);
  std::error_code got;
  std::thread reader([&] {
    Message m;
    got = p.server->receive(m, 30s);  // would time out only if close did not wake it
  });
  std::this_thread::sleep_for(50ms);
  p.server->close();
  reader.join();
  EXPECT_EQ(got, NetError::closed);
  EXPECT_EQ(p.server->send(Shutdown{}), NetError::closed);
  Message m;
  EXPECT_EQ(p.client->receive(m, 5s), NetError::closed);  // the peer sees the end too
}

TEST(NetTransport, CloseWakesASenderBlockedOnAFullSocket) {
  Pair p;
  ASSERT_TRUE(p.server);
  std::error_code sent;
  std::thread sender([&] {
    // Nobody reads: the socket buffers fill and send blocks.
    sent = p.client->send(DataFetchReply{1, 1, true, std::vector<std::byte>(64u << 20)});
  });
  std::this_thread::sleep_for(100ms);
  p.client->close();
  sender.join();
  EXPECT_EQ(sent, NetError::closed);
}

TEST(NetTransport, APeerClosingMidFrameIsAnError) {
  RawPair small;
  ASSERT_TRUE(small.server);
  auto frame = encode(Message{TaskFailed{1, "E", "message"}});
  small.write(std::span(frame).first(frame.size() - 3));
  small.raw.close();
  Message m;
  EXPECT_EQ(small.server->receive(m, 5s), NetError::truncated);
  EXPECT_TRUE(small.log.contains("the peer closed in the middle of a frame"));

  RawPair large;  // a frame larger than the read buffer, read in place
  ASSERT_TRUE(large.server);
  frame = encode(Message{DataFetchReply{1, 1, true, std::vector<std::byte>(1u << 20)}});
  large.write(std::span(frame).first(frame.size() / 2));
  large.raw.close();
  EXPECT_EQ(large.server->receive(m, 5s), NetError::truncated);
}

TEST(NetTransport, ALargeFramePartlyReadWhenReceiveTimesOutIsFinishedLater) {
  RawPair p;
  ASSERT_TRUE(p.server);
  std::vector<std::byte> value(1u << 20);
  for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<std::byte>(i * 7);
  auto frame = encode(Message{DataFetchReply{2, 3, true, value}});
  p.write(std::span(frame).first(300000));
  Message m;
  EXPECT_EQ(p.server->receive(m, 50ms), NetError::timed_out);
  p.write(std::span(frame).subspan(300000));
  ASSERT_FALSE(p.server->receive(m, 5s));
  auto& r = std::get<DataFetchReply>(m);
  EXPECT_EQ(r.version, 3u);
  std::vector<std::byte> scratch;
  auto taken = r.take_value();
  std::span<const std::byte> got = taken->view(scratch);
  EXPECT_TRUE(std::equal(got.begin(), got.end(), value.begin(), value.end()));
  // Into an object (two places: its length, then its elements), stopped in the middle.
  std::vector<std::int32_t> ints(1u << 18);
  for (std::size_t i = 0; i < ints.size(); ++i) ints[i] = static_cast<std::int32_t>(i * 3);
  frame = encode(Message{DataFetchReply{2, 4, true, compss::to_bytes(ints)}});
  p.write(std::span(frame).first(500000));
  auto sink = compss::detail::sink_maker<std::vector<std::int32_t>>();
  auto* tcp = dynamic_cast<TcpConnection*>(p.server.get());
  ASSERT_NE(tcp, nullptr);
  EXPECT_EQ(tcp->receive(m, 50ms, sink), NetError::timed_out);
  p.write(std::span(frame).subspan(500000));
  ASSERT_FALSE(tcp->receive(m, 5s, sink));
  auto held = std::get<DataFetchReply>(m).take_value();
  ASSERT_NE(held->as<std::vector<std::int32_t>>(), nullptr);
  EXPECT_TRUE(*held->as<std::vector<std::int32_t>>() == ints);
}

TEST(NetTransport, ALargeStreamReplyArrivesWholeEvenWhenItsReceiveTimesOutMidway) {
  // Its elements' bytes are read straight into their vectors (StreamReplyReader), the
  // small fields through the buffer: cut anywhere, it comes out as sent, and the
  // connection stays in step for the next frame.
  RawPair p;
  ASSERT_TRUE(p.server);
  StreamReply sent{.error = "", .value = 1};
  for (int i = 0; i < 5; ++i) {
    std::vector<std::byte> bytes(i % 2 == 0 ? 300000 : 17);
    for (std::size_t k = 0; k < bytes.size(); ++k) bytes[k] = static_cast<std::byte>(k * 31 + i);
    sent.elements.push_back({.bytes = std::move(bytes), .key = 0, .host = std::string(i, 'h')});
  }
  sent.elements.push_back({.key = 99, .host = "10.1.2.3", .port = 7, .size = 12});
  std::vector<std::byte> frame = encode(Message{sent});
  const std::vector<std::byte> after = encode(Message{TaskFailed{8, "E", "after"}});
  frame.insert(frame.end(), after.begin(), after.end());
  // Cuts in a small field, in an element's bytes, and at the end of the frame.
  const std::size_t cuts[] = {0, 20, 300030, 300080, 700000, frame.size() - after.size() - 3, frame.size()};
  Message m;
  for (std::size_t c = 0; c + 1 < std::size(cuts); ++c) {
    p.write(std::span(frame).subspan(cuts[c], cuts[c + 1] - cuts[c]));
    if (c + 2 < std::size(cuts)) EXPECT_EQ(p.server->receive(m, 20ms), NetError::timed_out) << c;
  }
  ASSERT_FALSE(p.server->receive(m, 5s));
  ASSERT_TRUE(std::holds_alternative<StreamReply>(m));
  EXPECT_EQ(std::get<StreamReply>(m).elements.size(), sent.elements.size());
  EXPECT_TRUE(encode(m) == encode(Message{sent}));  // every field as sent
  ASSERT_FALSE(p.server->receive(m, 5s));
  EXPECT_EQ(std::get<TaskFailed>(m).task_id, 8u);
}

TEST(NetTransport, AMalformedLargeStreamReplyClosesTheConnection) {
  RawPair p;
  ASSERT_TRUE(p.server);
  StreamReply sent;
  sent.elements.push_back({.bytes = std::vector<std::byte>(200000, std::byte{1})});
  std::vector<std::byte> frame = encode(Message{sent});
  // The element's length says more than the payload holds.
  const std::size_t length_at = header_size + 8 + 8 + 8;  // error's length, value, count
  const std::uint64_t too_long = 300000;
  std::memcpy(frame.data() + length_at, &too_long, sizeof too_long);
  p.write(frame);
  Message m;
  EXPECT_EQ(p.server->receive(m, 5s), NetError::malformed_payload);
  EXPECT_NE(p.server->receive(m, 5s), std::error_code{});  // closed, not out of step
}

TEST(NetTransport, ABatchArrivesAsItsMessagesInOrder) {
  Pair p;
  ASSERT_TRUE(p.server);
  Message release = DataRelease{3, 1};
  Message request = TaskRequest{9, "void f(int)", {}};
  Message big = DataFetchReply{1, 2, true, std::vector<std::byte>(100000, std::byte{4})};
  const Message* batch[] = {&release, &request, &big, &release};
  ASSERT_FALSE(p.client->send_batch(batch));
  Message m;
  ASSERT_FALSE(p.server->receive(m, 5s));
  EXPECT_EQ(std::get<DataRelease>(m).data_id, 3u);
  ASSERT_FALSE(p.server->receive(m, 5s));
  EXPECT_EQ(std::get<TaskRequest>(m).task_id, 9u);
  ASSERT_FALSE(p.server->receive(m, 5s));
  auto value = std::get<DataFetchReply>(m).take_value();
  EXPECT_EQ(value->size(), 100000u);
  ASSERT_FALSE(p.server->receive(m, 5s));
  EXPECT_TRUE(std::holds_alternative<DataRelease>(m));
}

TEST(NetTransport, ALargeValueGoesStraightIntoTheObjectItsSinkIsFor) {
  Pair p;
  ASSERT_TRUE(p.server);
  Message m;
  std::vector<double> v(1u << 20);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i) / 3;
  std::thread sender([&] {
    DataFetchReply r{1, 1, true};
    r.shared_value = compss::detail::hold_object(v);
    p.server->send(r);
    r.data_id = 2;  // the same bytes, for a reader that expects another type
    p.server->send(r);
  });
  ASSERT_FALSE(p.client->receive(m, 60s, compss::detail::sink_maker<std::vector<double>>()));
  auto value = std::get<DataFetchReply>(m).take_value();
  const auto* object = value->as<std::vector<double>>();
  ASSERT_NE(object, nullptr);  // the object itself, not bytes to deserialize
  EXPECT_TRUE(*object == v);
  // A size that cannot be the sink's type is kept as bytes: the reader's load reports it.
  ASSERT_FALSE(p.client->receive(m, 60s, compss::detail::sink_maker<std::array<double, 3>>()));
  sender.join();
  value = std::get<DataFetchReply>(m).take_value();
  EXPECT_EQ((value->as<std::array<double, 3>>()), nullptr);
  std::array<double, 3> wrong{};
  EXPECT_THROW(compss::detail::load_held(*value, wrong), compss::Error);
  std::vector<double> right;
  compss::detail::load_held(*value, right);
  EXPECT_TRUE(right == v);
}

TEST(NetTransport, AMalformedLargeFrameAfterHelloIsLoggedAndCloses) {
  RawPair p;
  ASSERT_TRUE(p.server);
  auto frame = encode(Message{DataFetchReply{2, 3, true, std::vector<std::byte>(1u << 20)}});
  frame[header_size + 16] = std::byte{2};  // `found` is neither 0 nor 1
  p.write(frame);
  Message m;
  EXPECT_EQ(p.server->receive(m, 5s), NetError::malformed_payload);
  EXPECT_TRUE(p.log.contains("closing connection from 127.0.0.1"));
  EXPECT_TRUE(closed_by_peer(p.raw));
}
