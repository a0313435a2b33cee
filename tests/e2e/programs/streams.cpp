// Streams end to end (docs/streams.md), the same output as the sequential build: several
// producers per stream, K consumers in each mode, the main program publishing and polling,
// a file stream whose files are written in pieces, and ordinary tasks (which may run on
// workers) over what the stream tasks gathered.
//
//   e2e_streams <work dir>
#include <compss/compss.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

constexpr int producers = 3;
constexpr int per_producer = 300;
constexpr int consumers = 3;

#pragma compss task stream_out(s)
void produce(compss::ObjectStream<long>& s, int producer) {
  for (int i = 0; i < per_producer; ++i) s.publish(producer * 1000000L + i);
  s.close();  // (a task's end closes it too; the sequential build needs the call)
}

#pragma compss task stream_in(s) out(got)
void consume(compss::ObjectStream<long>& s, std::vector<long>& got) {
  got.clear();
  while (!s.is_closed()) {
    std::vector<long> batch = s.poll(0.05);
    got.insert(got.end(), batch.begin(), batch.end());
  }
}

// "in order" when every producer's elements come in increasing order.
#pragma compss task in(got)
bool producer_order_kept(const std::vector<long>& got) {
  std::map<long, long> last;
  for (long v : got) {
    auto it = last.find(v / 1000000);
    if (it != last.end() && it->second >= v) return false;
    last[v / 1000000] = v;
  }
  return true;
}

// A file stream: each file written in three pieces, then published (odd files) or written
// under a hidden name and renamed for the directory scan to find (even files).
#pragma compss task stream_out(files)
void write_frames(compss::FileStream& files, int count) {
  for (int i = 0; i < count; ++i) {
    const std::string name = "frame" + std::to_string(i) + ".txt";
    const bool scanned = i % 2 == 0;
    auto path = files.base_dir() / (scanned ? "." + name + ".part" : name);
    {
      std::ofstream out(path);
      for (int piece = 0; piece < 3; ++piece) out << "piece " << piece << " of frame " << i << '\n' << std::flush;
      out << "end\n";
    }
    if (scanned) {
      std::filesystem::rename(path, files.base_dir() / name);
    } else {
      files.publish(path);
    }
  }
  files.close();
}

// Counts the complete frames it was given (a complete frame ends with "end").
#pragma compss task stream_in(files) out(complete, partial)
void read_frames(compss::FileStream& files, int& complete, int& partial) {
  complete = 0;
  partial = 0;
  while (!files.is_closed()) {
    for (const auto& p : files.poll(0.05)) {
      std::ifstream in(p);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (text.size() > 4 && text.compare(text.size() - 4, 4, "end\n") == 0) {
        ++complete;
      } else {
        ++partial;
      }
    }
  }
}

static void report(const char* what, const std::vector<std::vector<long>>& got, bool every_consumer_all) {
  std::multiset<long> all;
  bool ordered = true;
  for (const auto& g : got) {
    all.insert(g.begin(), g.end());
    ordered = ordered && producer_order_kept(g);
  }
  const std::set<long> distinct(all.begin(), all.end());
  bool each_all = true;
  for (const auto& g : got) each_all = each_all && g.size() == static_cast<std::size_t>(producers * per_producer);
  std::printf("%s: %zu distinct of %d, %s, %s\n", what, distinct.size(), producers * per_producer,
              every_consumer_all ? (each_all ? "every consumer got all" : "a consumer missed some")
                                 : (all.size() == distinct.size() ? "no duplicate" : "duplicates"),
              ordered ? "producer order kept" : "producer order broken");
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: e2e_streams <work dir>\n");
    return 2;
  }
  const std::filesystem::path work = argv[1];
  for (auto mode : {compss::at_most_once, compss::at_least_once}) {
    const std::string alias = mode == compss::at_most_once ? "shared" : "broadcast";
    compss::ObjectStream<long> s(alias, mode, 16);
    std::vector<std::vector<long>> got(consumers);
    // A handle per consumer (same alias, same stream), made before anything is published:
    // an at_least_once handle has its place from its creation (and the sequential build's
    // calls use the handle they are given).
    std::vector<compss::ObjectStream<long>> views;
    for (int c = 0; c < consumers; ++c) views.emplace_back(alias, mode, 16);
    s.publish(std::vector<long>{});  // held open while its producers are submitted
    for (int p = 1; p <= producers; ++p) produce(s, p);
    s.close();
    for (int c = 0; c < consumers; ++c) consume(views[static_cast<std::size_t>(c)], got[static_cast<std::size_t>(c)]);
#pragma compss wait_on(got)
    report(mode == compss::at_most_once ? "at_most_once" : "at_least_once", got,
           mode == compss::at_least_once);
  }

  // The main program publishes to a task and polls what a task publishes.
  compss::ObjectStream<long> to_task;
  compss::ObjectStream<long> from_task("from-task");
  std::vector<long> task_got;
  for (long i = 0; i < 100; ++i) to_task.publish(i);
  to_task.close();
  consume(to_task, task_got);
  produce(from_task, 7);
  long polled = 0;
  long polled_sum = 0;
  while (!from_task.is_closed()) {
    for (long v : from_task.poll(0.05)) {
      ++polled;
      polled_sum += v % 1000000;
    }
  }
#pragma compss wait_on(task_got)
  std::printf("task polled %zu from main; main polled %ld (sum %ld) from a task\n", task_got.size(),
              polled, polled_sum);

  const auto dir = work / "frames";
  std::filesystem::remove_all(dir);
  compss::FileStream files(dir);
  int complete[2] = {0, 0};
  int partial[2] = {0, 0};
  write_frames(files, 10);
  for (int c = 0; c < 2; ++c) read_frames(files, complete[c], partial[c]);
#pragma compss wait_on(complete, partial)
  std::printf("frames: %d complete, %d partial\n", complete[0] + complete[1], partial[0] + partial[1]);
  return 0;
}
