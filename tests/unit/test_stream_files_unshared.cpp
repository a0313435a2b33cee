// File streams without a shared file system (docs/streams.md, "File streams without a
// shared file system"; include/compss/detail/stream_files.hpp): a worker's FileStream
// handle onto the master's stream over in-memory connections, files travelling with their
// bytes. What must not happen: a file that cannot be read losing the others, or being
// passed over in silence; a producer's unpublished files overflowing the stream's capacity
// or a frame.
#include "fake_stream_servers.hpp"
#include "net/fake_transport.hpp"
#include "settings/run_config.hpp"
#include "net/message.hpp"
#include "net/stream_client.hpp"
#include "net/stream_elements.hpp"
#include "net/stream_service.hpp"

#include <compss/stream.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using compss::FileStream;
using compss::detail::StreamHandle;
using compss::detail::StreamTicket;
using Clock = std::chrono::steady_clock;

// Every process of a --shared-fs no run has it (read with the configuration, at start).
const bool files_travel = [] { return ::setenv("COMPSS_SHARED_FS", "0", 1) == 0; }();

/// A connection that refuses to send a message larger than `limit` bytes, as a TCP
/// connection refuses a frame above its maximum (1 GiB there: too large for a test).
class FrameLimited : public compss::net::Endpoint {
 public:
  FrameLimited(std::shared_ptr<compss::net::Endpoint> inner, std::size_t limit)
      : inner_(std::move(inner)), limit_(limit) {}
  std::error_code send(const compss::net::Message& m) override {
    if (compss::net::encode(m).size() > limit_) return compss::net::NetError::payload_too_large;
    return inner_->send(m);
  }
  std::error_code receive(compss::net::Message& out, std::chrono::milliseconds timeout) override {
    return inner_->receive(out, timeout);
  }
  void close() noexcept override { inner_->close(); }
  std::string peer() const override { return inner_->peer(); }

 private:
  std::shared_ptr<compss::net::Endpoint> inner_;
  std::size_t limit_;
};

/// The master's stream service behind fake connections (frames limited to `frame_limit`),
/// and a directory for the master's stream.
class StreamFilesUnshared : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(files_travel);
    dir_ = fs::temp_directory_path() / ("compss-stream-files-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    compss::net::set_stream_connector([this](const std::string&, std::uint16_t) -> std::shared_ptr<compss::net::Endpoint> {
      return std::make_shared<FrameLimited>(servers_.connect(), frame_limit);
    });
  }
  void TearDown() override {
    compss::net::set_element_port(0);
    compss::net::set_stream_connector(nullptr);
    servers_.stop();
    ::unsetenv("COMPSS_STREAM_FILES_MESSAGE_BYTES");
    compss::config::load_run_config();
    fs::remove_all(dir_);
  }

  /// The ticket a task given `user` takes to a worker, and the master's copy holding it.
  static std::pair<FileStream, StreamTicket> task_ticket(FileStream& user, bool producer) {
    FileStream master_copy = StreamHandle::for_task(user, producer);
    StreamTicket t = master_copy.ticket();
    t.port = 1;  // (any: the fake connector ignores it)
    return {std::move(master_copy), t};
  }

  /// What `consumer` polls until its stream closes (name -> bytes), and the error its
  /// poll threw at the end ("" when none).
  static std::pair<std::map<std::string, std::string>, std::string> drain(FileStream& consumer) {
    std::map<std::string, std::string> got;
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    try {
      while (!consumer.is_closed() && Clock::now() < deadline) {
        for (const fs::path& p : consumer.poll(0.05)) got[p.filename().string()] = read(p);
      }
    } catch (const compss::Error& e) {
      return {got, e.what()};
    }
    return {got, ""};
  }

  static void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  std::size_t frame_limit = std::size_t{1} << 30;
  fs::path dir_;
  FakeStreamServers servers_;
};

TEST_F(StreamFilesUnshared, AProducerEndingWithoutCloseSendsItsReadableFilesAndNamesTheUnreadableOne) {
  FileStream stream(dir_ / "frames", "unreadable");
  auto [copy, ticket] = task_ticket(stream, true);
  {
    FileStream worker = FileStream::from_ticket(ticket);
    write(worker.base_dir() / "a.dat", "alpha");
    write(worker.base_dir() / "b.dat", "beta");
    // A regular file whose read fails, for root too (chmod 000 does not stop root).
    fs::create_symlink("/proc/self/mem", worker.base_dir() / "c.dat");
  }  // the task ends without close()
  copy.end_task(true, {});  // the master learns it ended (succeeded)
  auto [got, error] = drain(stream);
  EXPECT_EQ(got, (std::map<std::string, std::string>{{"a.dat", "alpha"}, {"b.dat", "beta"}}));
  EXPECT_NE(error.find("c.dat"), std::string::npos) << "the consumer must learn which file was lost: '" << error << "'";
}

TEST_F(StreamFilesUnshared, AMasterFileDeletedAfterItsPublishStillReachesAWorkerAndLosesNoOther) {
  FileStream stream(dir_ / "frames", "deleted");
  auto [copy, ticket] = task_ticket(stream, false);
  for (const char* name : {"f1", "f2", "f3"}) write(stream.base_dir() / name, std::string("bytes of ") + name);
  stream.publish(std::vector<fs::path>{"f1", "f2", "f3"});
  fs::remove(stream.base_dir() / "f2");  // before the worker polls
  stream.close();
  {
    FileStream worker = FileStream::from_ticket(ticket);
    auto [got, error] = drain(worker);
    EXPECT_EQ(error, "");
    EXPECT_EQ(got, (std::map<std::string, std::string>{
                       {"f1", "bytes of f1"}, {"f2", "bytes of f2"}, {"f3", "bytes of f3"}}));
  }
  copy.end_task(true, {});
}

TEST_F(StreamFilesUnshared, AProducersUnpublishedFilesRespectCapacityAndTheFrameLimit) {
  constexpr int files = 6;
  constexpr std::size_t capacity = 2, file_bytes = 3000;
  frame_limit = 8000;  // two files fit in a message, not three
  ::setenv("COMPSS_STREAM_FILES_MESSAGE_BYTES", "4000", 1);
  compss::config::load_run_config();  // (a run reads it at start)
  FileStream stream(dir_ / "frames", "bounded", compss::at_most_once, capacity);
  std::shared_ptr<compss::detail::StreamChannel> channel = compss::detail::find_stream_channel(stream.id());
  ASSERT_NE(channel, nullptr);
  auto [copy, ticket] = task_ticket(stream, true);
  std::atomic<bool> ended{false};
  std::thread producer([&, t = ticket] {
    {
      FileStream worker = FileStream::from_ticket(t);
      for (int i = 0; i < files; ++i) write(worker.base_dir() / ("f" + std::to_string(i)), std::string(file_bytes, 'a' + i));
    }  // the task ends without close(): its files go now
    ended = true;
  });
  // Nobody consumes yet: the producer stops once the stream holds `capacity` files.
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (channel->buffered() < capacity && !ended && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_LE(channel->buffered(), capacity);
  EXPECT_FALSE(ended) << "the producer's files went past the stream's capacity";
  std::map<std::string, std::string> got;
  const auto drain_deadline = Clock::now() + std::chrono::seconds(30);
  while (got.size() < files && Clock::now() < drain_deadline) {
    EXPECT_LE(channel->buffered(), capacity);
    for (const fs::path& p : stream.poll(0.05)) got[p.filename().string()] = read(p);
  }
  producer.join();
  copy.end_task(true, {});
  auto [rest, error] = drain(stream);
  EXPECT_EQ(error, "");
  got.insert(rest.begin(), rest.end());
  ASSERT_EQ(got.size(), static_cast<std::size_t>(files));
  for (int i = 0; i < files; ++i) EXPECT_EQ(got["f" + std::to_string(i)], std::string(file_bytes, 'a' + i));
}

TEST_F(StreamFilesUnshared, AWorkersPublishOfManyFilesGoesInMessagesUnderTheFrameLimit) {
  constexpr int files = 6;
  constexpr std::size_t file_bytes = 3000;
  frame_limit = 8000;  // two files fit in a message, not three
  ::setenv("COMPSS_STREAM_FILES_MESSAGE_BYTES", "4000", 1);
  compss::config::load_run_config();  // (a run reads it at start)
  FileStream stream(dir_ / "frames", "published");
  auto [copy, ticket] = task_ticket(stream, true);
  {
    FileStream worker = FileStream::from_ticket(ticket);
    std::vector<fs::path> all;
    for (int i = 0; i < files; ++i) {
      all.push_back(worker.base_dir() / ("f" + std::to_string(i)));
      write(all.back(), std::string(file_bytes, 'a' + i));
    }
    EXPECT_NO_THROW(worker.publish(all));
    worker.close();
  }
  copy.end_task(true, {});
  auto [got, error] = drain(stream);
  EXPECT_EQ(error, "");
  ASSERT_EQ(got.size(), static_cast<std::size_t>(files));
  for (int i = 0; i < files; ++i) EXPECT_EQ(got["f" + std::to_string(i)], std::string(file_bytes, 'a' + i));
}

// (An object stream's elements, held by the producer's worker: net/stream_elements.hpp.)

/// What `consumer` polls until its stream closes, in order, and the error its poll threw
/// at the end ("" when none).
std::pair<std::vector<std::string>, std::string> drain_objects(compss::ObjectStream<std::string>& consumer) {
  std::vector<std::string> got;
  try {
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (!consumer.is_closed() && Clock::now() < deadline) {
      for (std::string& v : consumer.poll(0.05)) got.push_back(std::move(v));
    }
  } catch (const compss::Error& e) {
    return {got, e.what()};
  }
  return {got, ""};
}
TEST_F(StreamFilesUnshared, WhatAProducerHandsOverWhenItEndsGoesInMessagesUnderTheFrameLimit) {
  constexpr int elements = 6;
  frame_limit = 8000;  // two elements fit in a message, not three
  ::setenv("COMPSS_STREAM_FILES_MESSAGE_BYTES", "4000", 1);
  compss::config::load_run_config();  // (a run reads it at start)
  compss::net::set_element_port(2);  // this "worker" holds what it publishes
  compss::ObjectStream<std::string> stream("handed-over", compss::at_most_once, 16);
  compss::ObjectStream<std::string> copy = StreamHandle::for_task(stream, true);
  StreamTicket ticket = copy.ticket();
  ticket.port = 1;
  {
    auto worker = compss::ObjectStream<std::string>::from_ticket(ticket);
    for (int i = 0; i < elements; ++i) worker.publish(std::string(3000, 'a' + i));
  }  // the task ends without close and nobody fetched: its elements go to the master
  EXPECT_EQ(compss::net::held_element_count(), 0u);
  copy.end_task(true, {});
  auto [got, error] = drain_objects(stream);
  EXPECT_EQ(error, "");
  ASSERT_EQ(got.size(), static_cast<std::size_t>(elements));
  for (int i = 0; i < elements; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], std::string(3000, 'a' + i));
}

TEST_F(StreamFilesUnshared, AnElementThatCannotBeHandedOverIsKeptAndTheStreamSaysSo) {
  frame_limit = 2000;  // an element of 3000 bytes never fits
  compss::net::set_element_port(2);
  compss::ObjectStream<std::string> stream("not-handed-over", compss::at_most_once, 16);
  compss::ObjectStream<std::string> copy = StreamHandle::for_task(stream, true);
  StreamTicket ticket = copy.ticket();
  ticket.port = 1;
  {
    auto worker = compss::ObjectStream<std::string>::from_ticket(ticket);
    worker.publish(std::string(3000, 'x'));
  }
  EXPECT_EQ(compss::net::held_element_count(), 1u);  // still served by its (living) holder
  copy.end_task(true, {});
  auto [got, error] = drain_objects(stream);
  EXPECT_EQ(got, std::vector<std::string>{std::string(3000, 'x')});
  EXPECT_NE(error.find("could not be handed to the master"), std::string::npos) << error;
  compss::net::drop_held_elements();  // (what its worker's end would drop)
}

}  // namespace
