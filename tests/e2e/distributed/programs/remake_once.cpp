// Lost data is made again once, however many tasks wait for it (issue 11, item 5).
// On two workers of one slot (no master cores): `hold` keeps one worker busy; `produce`
// makes x on the other, appending a line to <dir>/produce.log each time it runs. Then a
// task that kills its worker (the holder of x) and six readers of x: the readers queued
// on the dead worker all wait for x, which must be made again once, on the busy worker
// (so `produce` runs exactly twice in all). Prints the readers' sum, which the sequential
// build (where nothing dies and produce runs once) must match.
// usage: e2e_remake_once <directory for produce.log and the marker>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>

// Keeps its worker busy until the other worker was killed (the marker crash_once writes
// just before; 30 s at most), then `ms` more, so that no reader of x runs here, fetching
// x, while its holder still lives. (Its result is an out parameter, not a returned int:
// a returned value is waited for at the call, which ran it before everything else.)
#pragma compss task out(held)
void hold(int ms, const std::string& marker, int& held) {
  if (std::getenv("COMPSS_WORKER") != nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!std::filesystem::exists(marker) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  held = ms;
}

#pragma compss task out(x)
void produce(std::uint64_t& x, const std::string& log) {
  std::ofstream(log, std::ios::app) << "produce " << getpid() << "\n";
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  x = 12345;
}

// On a worker, the first call kills the process it runs in (the holder of x: the only
// worker with a free slot when it is placed); the marker makes the retry harmless.
#pragma compss task in(x)
void crash_once(const std::uint64_t& x, const std::string& marker) {
  (void)x;
  if (std::getenv("COMPSS_WORKER") == nullptr || std::filesystem::exists(marker)) return;
  std::ofstream(marker) << "crashed " << getpid() << "\n";
  kill(getpid(), SIGKILL);
}

#pragma compss task in(x) out(y)
void read_x(const std::uint64_t& x, std::uint64_t& y, std::uint64_t k) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  y = x * k;
}

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  int held = 0;
  hold(1000, dir + "/crashed.marker", held);
  std::uint64_t x = 0;
  produce(x, dir + "/produce.log");
  crash_once(x, dir + "/crashed.marker");
  std::array<std::uint64_t, 6> y{};
  for (std::uint64_t k = 0; k < 6; ++k) read_x(x, y[k], k + 1);
#pragma compss wait_on(y, held)
  std::uint64_t sum = 0;
  for (std::uint64_t v : y) sum += v;
  std::printf("sum: %llu (held %d ms)\n", static_cast<unsigned long long>(sum), held);
  return 0;
}
