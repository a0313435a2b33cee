// A file stream whose files cannot all be sent (docs/streams.md, "File streams without a
// shared file system"): a producer task writes a.dat and b.dat into its stream's directory
// and c.dat, a file no one can read (a link to /proc/self/mem: reading it fails, for root
// too), publishes none and ends without close(); the main program publishes m1, m2, m3
// and deletes m2 after publishing it. A consumer task reports each file it polled (ok:
// the bytes expected) and how its stream ended.
//
// With a shared file system (sequential build, local run) every file is a path: c.dat
// and m2 reach the consumer, which cannot read them. Without one (--shared-fs no) files
// travel with their bytes: a.dat and b.dat still go, c.dat cannot (the consumer's stream
// ends with an error naming it, rather than a producer that "succeeded" and files lost in
// silence), and m2 arrives complete (its bytes were taken at publish).
// usage: e2e_file_stream_unreadable <directory>
#include <compss/compss.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

static std::string content_of(const std::string& name) { return "the bytes of " + name + "\n"; }
static void write_file(const fs::path& path) { std::ofstream(path, std::ios::binary) << content_of(path.filename().string()); }

#pragma compss task stream_out(files)
void produce(compss::FileStream& files) {
  write_file(files.base_dir() / "a.dat");
  write_file(files.base_dir() / "b.dat");
  fs::create_symlink("/proc/self/mem", files.base_dir() / "c.dat");
  // No publish, no close(): the task's end sends them.
}

// The file's bytes ("" when it cannot be read: libstdc++ throws at a read error).
static std::string bytes_of(const fs::path& path) {
  try {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  } catch (const std::exception&) {
    return "";
  }
}

#pragma compss task stream_in(files) out(report)
void consume(compss::FileStream& files, std::string& report) {
  std::vector<std::string> got;
  std::string ending = "closed";
  try {
    while (!files.is_closed()) {
      for (const fs::path& path : files.poll(0.1)) {
        const std::string name = path.filename().string();
        got.push_back(name + (bytes_of(path) == content_of(name) ? ":ok" : ":unreadable"));
      }
    }
  } catch (const compss::Error& e) {
    const std::string what = e.what();
    ending = what.find("c.dat") != std::string::npos ? "error naming c.dat" : "error: " + what;
  }
  std::sort(got.begin(), got.end());
  report.clear();
  for (const std::string& g : got) report += g + " ";
  report += "| " + ending;
}

int main(int argc, char** argv) {
  const fs::path dir = argc > 1 ? argv[1] : ".";
  compss::FileStream files(dir / "frames", "frames");
  files.publish(std::vector<fs::path>{});  // held open while the producer is submitted
  produce(files);
  std::vector<fs::path> own;
  for (const char* name : {"m1", "m2", "m3"}) {
    write_file(files.base_dir() / name);
    own.push_back(files.base_dir() / name);
  }
  files.publish(own);
  fs::remove(files.base_dir() / "m2");
  files.close();
  std::string report;
  consume(files, report);
#pragma compss wait_on(report)
  std::cout << report << "\n";
  return 0;
}
