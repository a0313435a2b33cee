// A producer task that publishes some elements and throws on its first attempt, and
// publishes the same sequence on its retry (docs/streams.md, "A failed producer"): its
// consumers see each element exactly once, wherever the producer ran.
//   - `near`: a stream of non-serializable elements, so its tasks run in the master's
//     process (locally, and on the master's node under compss-run, either layout):
//     at_most_once, two consumers, each element once in all;
//   - `far`: a stream of longs (on workers under compss-run, in process locally):
//     at_least_once, two consumers, each element once to each;
//   - `files`: a FileStream (on workers under compss-run) whose first attempt publishes
//     file1..file15 in order and throws, and whose retry publishes file40..file1, in
//     reverse: at_most_once, two consumers, each file once in all (matched by name: before,
//     by position, the retry's first 15 new files were dropped, never delivered).
// The first attempt of each producer is the one that creates <dir>/<name>.failed. main
// prints whether the `near` producer ran in its process, and per stream the distinct
// elements received, how many were received more than once, their sum.
//
//   e2e_streams_retry <dir>
#include <compss/compss.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

constexpr long count = 40;
constexpr long fail_after = 15;

// Not serializable (a string member, no serialize()): its stream's tasks stay on the master.
struct Note {
  std::string text;
};

// True for the attempt that creates the marker first (the sequential build never fails).
static bool first_attempt(const std::string& dir, const std::string& name) {
#ifdef __COMPSS__
  const int fd = ::open((dir + "/" + name + ".failed").c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
  if (fd < 0) return false;
  ::close(fd);
  return true;
#else
  (void)dir;
  (void)name;
  return false;
#endif
}

#pragma compss task stream_out(s)
void produce_near(compss::ObjectStream<Note>& s, std::string dir) {
  const bool fail = first_attempt(dir, "near");
  std::ofstream(dir + "/near.pid") << ::getpid() << "\n";  // (main checks where it ran)
  for (long i = 1; i <= count; ++i) {
    s.publish(Note{std::to_string(i)});
    if (fail && i == fail_after) throw std::runtime_error("near producer broke (first attempt)");
  }
  s.close();
}

#pragma compss task stream_in(s) out(got)
void consume_near(compss::ObjectStream<Note>& s, std::vector<long>& got) {
  while (!s.is_closed()) {
    for (const Note& n : s.poll(0.05)) got.push_back(std::stol(n.text));
  }
}

#pragma compss task stream_out(s)
void produce_far(compss::ObjectStream<long>& s, std::string dir) {
  const bool fail = first_attempt(dir, "far");
  for (long i = 1; i <= count; ++i) {
    s.publish(i);
    if (fail && i == fail_after) throw std::runtime_error("far producer broke (first attempt)");
  }
  s.close();
}

#pragma compss task stream_in(s) out(got)
void consume_far(compss::ObjectStream<long>& s, std::vector<long>& got) {
  while (!s.is_closed()) {
    for (long v : s.poll(0.05)) got.push_back(v);
  }
}

#pragma compss task stream_out(s)
void produce_files(compss::FileStream& s, std::string dir) {
  const bool fail = first_attempt(dir, "files");
  auto write = [&](long i) {
    const auto path = s.base_dir() / ("file" + std::to_string(i));
    std::ofstream(path) << i << "\n";
    s.publish(path);
  };
  if (fail) {
    for (long i = 1; i <= fail_after; ++i) write(i);
    throw std::runtime_error("file producer broke (first attempt)");
  }
  for (long i = count; i >= 1; --i) write(i);
  s.close();
}

#pragma compss task stream_in(s) out(got)
void consume_files(compss::FileStream& s, std::vector<long>& got) {
  while (!s.is_closed()) {
    for (const auto& p : s.poll(0.05)) got.push_back(std::stol(p.filename().string().substr(4)));
  }
}

static void report(const char* name, const std::vector<std::vector<long>*>& got) {
  std::map<long, int> seen;
  for (const auto* g : got) {
    for (long v : *g) ++seen[v];
  }
  long twice = 0;
  long sum = 0;
  for (const auto& [v, n] : seen) {
    twice += n > 1 ? n - 1 : 0;
    sum += v;
  }
  std::printf("%s: %zu distinct, %ld received more than once, sum %ld\n", name, seen.size(), twice, sum);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <dir>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  std::vector<long> near1, near2, far1, far2, files1, files2;
  {
    // (Producers first, and a handle per at_least_once consumer: the sequential build
    // runs the calls in order, docs/streams.md "Sequential build".)
    compss::ObjectStream<Note> near("", compss::at_most_once, 8);
    produce_near(near, dir);
    consume_near(near, near1);
    consume_near(near, near2);
    compss::ObjectStream<long> far("retry-far", compss::at_least_once, 8);
    compss::ObjectStream<long> far_view("retry-far", compss::at_least_once, 8);
    produce_far(far, dir);
    consume_far(far, far1);
    consume_far(far_view, far2);
    compss::wait_on(near1);
    compss::wait_on(near2);
    compss::wait_on(far1);
    compss::wait_on(far2);
    compss::FileStream files(dir + "/retry-files", "", compss::at_most_once, 8);
    produce_files(files, dir);
    consume_files(files, files1);
    consume_files(files, files2);
    compss::wait_on(files1);
    compss::wait_on(files2);
  }
  long near_pid = 0;
  std::ifstream(dir + "/near.pid") >> near_pid;
  std::printf("near producer ran in the main program's process: %s\n", near_pid == ::getpid() ? "yes" : "no");
  report("near at_most_once (both consumers)", {&near1, &near2});
  report("far at_least_once consumer 1", {&far1});
  report("far at_least_once consumer 2", {&far2});
  report("files at_most_once (both consumers)", {&files1, &files2});
  return 0;
}
