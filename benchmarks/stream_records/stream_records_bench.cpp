// Memory the master keeps per stream task of one long-lived stream (docs/streams.md, "What
// the master keeps of a long-lived stream"): P short producer tasks (each publishes one
// element, every 10th is retried once) and C at_most_once consumer tasks (every 10th
// retried once) go through the master's stream service, each on a worker's handle over an
// in-memory connection (fake_stream_servers.hpp); the program's handle holds the stream
// open and takes what the consumers left. Prints the process's resident memory and
// malloc's bytes in use before and after, and the service's records.
//
//   stream_records_bench [producers (20000)] [consumer tasks (2000)]
#include "fake_stream_servers.hpp"
#include "net/stream_batches.hpp"
#include "net/stream_client.hpp"
#include "net/stream_elements.hpp"
#include "net/stream_service.hpp"

#include <compss/stream.hpp>

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

using compss::ObjectStream;
using compss::detail::StreamHandle;
using compss::detail::StreamTicket;

long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

double malloc_in_use_mib() { return static_cast<double>(mallinfo2().uordblks) / (1 << 20); }

// The ticket a worker's attempt of the task holding `copy` gets (a new attempt number).
StreamTicket attempt_of(const ObjectStream<int>& copy) {
  StreamTicket t = copy.ticket();
  t.port = 1;  // (any: the connector ignores it)
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const long producers = argc > 1 ? std::atol(argv[1]) : 20000;
  const long consumers = argc > 2 ? std::atol(argv[2]) : 2000;
  const long wave = 1000;  // producers between two joins of the served connections' threads
  FakeStreamServers servers;
  compss::net::set_element_port(0);  // (elements through the master: no holder to release)
  compss::net::set_stream_connector([&](const std::string&, std::uint16_t) { return servers.connect(); });
  compss::net::set_publish_window(0, 0);  // (each publish answered: a retry follows its attempt)

  ObjectStream<int> stream("stream-records", compss::at_most_once, 256);
  stream.publish(std::vector<int>{});  // the program's slot holds the stream open
  long taken = 0;
  const long resident_before = resident_kib();
  const double in_use_before = malloc_in_use_mib();
  const long consumer_every = consumers > 0 ? std::max(1L, producers / consumers) : producers + 1;
  for (long p = 0; p < producers; ++p) {
    {
      ObjectStream<int> copy = StreamHandle::for_task(stream, true);  // the master's copy
      const int attempts = p % 10 == 0 ? 2 : 1;  // the first attempt's worker "died"
      for (int a = 0; a < attempts; ++a) {
        auto h = ObjectStream<int>::from_ticket(attempt_of(copy));
        h.publish(static_cast<int>(p));
        if (a + 1 == attempts) h.close();
      }
      copy.end_task(true, {});
    }
    if (p % consumer_every == 0) {
      ObjectStream<int> copy = StreamHandle::for_task(stream, false);
      const int attempts = (p / consumer_every) % 10 == 0 ? 2 : 1;
      for (int a = 0; a < attempts; ++a) {
        auto h = ObjectStream<int>::from_ticket(attempt_of(copy));
        taken += static_cast<long>(h.poll(0.0).size());
      }
      copy.end_task(true, {});
    }
    if ((p + 1) % wave == 0) {
      taken += static_cast<long>(stream.poll(0.0).size());
      servers.stop();  // (every handle is gone: their connections' threads end)
    }
  }
  for (std::vector<int> got; !(got = stream.poll(0.0)).empty();) taken += static_cast<long>(got.size());
  servers.stop();
  const long resident_after = resident_kib();
  const double in_use_after = malloc_in_use_mib();
  std::printf("producer tasks %ld (every 10th retried), consumer tasks %ld (every 10th retried), "
              "elements taken %ld\n", producers, consumers, taken);
  std::printf("resident memory: %ld KiB before, %ld KiB after (+%ld KiB)\n", resident_before,
              resident_after, resident_after - resident_before);
  std::printf("malloc in use: %.2f MiB before, %.2f MiB after (+%.2f MiB)\n", in_use_before,
              in_use_after, in_use_after - in_use_before);
  std::printf("service records: %zu at_most_once places' batches, %zu producer logs\n",
              compss::net::at_most_once_batches().size(), compss::net::producer_log_count());
  stream.close();
  compss::net::set_stream_connector(nullptr);
  return taken == producers ? 0 : 1;
}
