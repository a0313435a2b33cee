// A file stream between workers that do not share their files (compss-run --shared-fs no;
// docs/streams.md, "File streams"): two producer tasks write files into their stream's
// directory in pieces and publish them (all but the last, which is left for the stream's
// directory scan to find), the main program publishes one of its own, two
// consumer tasks check every file they poll byte by byte (a partial or wrong file is
// counted as bad). The program prints what the consumers got, then how many of the
// stream's files the master's directory holds: all of them in the sequential build (and
// locally, or with a shared file system), only the main program's own without one (the
// producers wrote theirs on their workers' disks).
// usage: e2e_file_stream_unshared <directory>
#include <compss/compss.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

constexpr int files_per_producer = 3;

static char byte_of(int producer, int index, std::size_t at) {
  return static_cast<char>((producer * 31 + index * 7 + at) % 251);
}
static std::size_t size_of(int index) { return 200000 + static_cast<std::size_t>(index) * 12345; }

// Producer `p`'s files are p<p>_<i>.dat; the main program's is p9_0.dat.
static void write_in_pieces(const fs::path& path, int producer, int index) {
  std::ofstream out(path, std::ios::binary);
  const std::size_t size = size_of(index);
  for (std::size_t at = 0; at < size; ++at) {
    out.put(byte_of(producer, index, at));
    if (at == size / 2) {  // half the file on disk a while before the rest
      out.flush();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

// Which node ran a task, straight to the master's directory (not a task parameter: the
// test script checks that files went from one worker to another).
// A line "<what> <node> [<details>]".
static void note_node(const std::string& where, const std::string& what, const std::string& details = "") {
  const char* node = std::getenv("COMPSS_WORKER_NAME");
  std::ofstream(where, std::ios::app) << what << " " << (node != nullptr ? node : "here") << details << "\n";
}

#pragma compss task stream_out(files)
void produce(compss::FileStream& files, int producer, std::string where) {
  note_node(where, "producer" + std::to_string(producer));
  for (int i = 0; i < files_per_producer; ++i) {
    const fs::path path = files.base_dir() / ("p" + std::to_string(producer) + "_" + std::to_string(i) + ".dat");
    write_in_pieces(path, producer, i);
    // The last one is not published: a scan finds it (without a shared file system, the
    // producer's close sends it).
    if (i + 1 < files_per_producer) files.publish(path);
  }
  files.close();
}

struct Tally {
  long files = 0, bytes = 0, bad = 0;
  std::uint64_t checksum = 0;
  template <class A> void serialize(A& ar) { ar(files, bytes, bad, checksum); }
};

#pragma compss task stream_in(files) out(tally)
void consume(compss::FileStream& files, Tally& tally, int consumer, std::string where) {
  tally = Tally{};
  std::string got;
  while (!files.is_closed()) {
    for (const fs::path& path : files.poll(0.1)) {
      std::ifstream in(path, std::ios::binary);
      const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const std::string name = path.filename().string();  // p<producer>_<index>.dat
      const int producer = name[1] - '0', index = name[3] - '0';
      bool ok = bytes.size() == size_of(index);
      for (std::size_t at = 0; ok && at < bytes.size(); ++at) ok = bytes[at] == byte_of(producer, index, at);
      ++tally.files;
      tally.bytes += static_cast<long>(bytes.size());
      tally.bad += ok ? 0 : 1;
      tally.checksum += static_cast<std::uint64_t>(producer * 100 + index) * bytes.size();
      got += " producer" + std::to_string(producer);
    }
  }
  note_node(where, "consumer" + std::to_string(consumer), got);
}

int main(int argc, char** argv) {
  const fs::path dir = argc > 1 ? argv[1] : ".";
  const std::string where = (dir / "nodes.txt").string();
  compss::FileStream files(dir / "frames", "frames");
  std::vector<Tally> tallies(2);
  files.publish(std::vector<fs::path>{});  // held open while the producers are submitted
  for (int p = 0; p < 2; ++p) produce(files, p, where);
  const fs::path own = files.base_dir() / "p9_0.dat";
  write_in_pieces(own, 9, 0);
  files.publish(own);
  files.close();
  for (int c = 0; c < 2; ++c) consume(files, tallies[c], c, where);
#pragma compss wait_on(tallies)
  Tally all;
  for (const Tally& t : tallies) {
    all.files += t.files;
    all.bytes += t.bytes;
    all.bad += t.bad;
    all.checksum += t.checksum;
  }
  std::cout << "files " << all.files << ", bytes " << all.bytes << ", bad " << all.bad
            << ", checksum " << all.checksum << "\n";
  long on_master = 0;
  for (const auto& entry : fs::directory_iterator(dir / "frames")) on_master += entry.is_regular_file() ? 1 : 0;
  std::cout << "files in the stream's directory on the master: " << on_master << "\n";
  return 0;
}
