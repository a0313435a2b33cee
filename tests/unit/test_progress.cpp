// The progress line (runtime/core/progress.hpp): drawn from the counts, redrawn in place,
// erased at the end, silent while disabled.
#include "core/progress.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

using compss::rt::ProgressCounts;
using compss::rt::ProgressLine;

namespace {

std::string contents(std::FILE* f) {
  std::fflush(f);
  long end = std::ftell(f);
  std::string s(static_cast<std::size_t>(end), '\0');
  std::rewind(f);
  std::size_t n = std::fread(s.data(), 1, s.size(), f);
  s.resize(n);
  std::fseek(f, 0, SEEK_END);
  return s;
}

/// Waits (at most 10 s) until `pred` holds.
template <class Pred>
bool eventually(Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace

TEST(ProgressLine, Format) {
  EXPECT_EQ(ProgressLine::format({3, 1, 2}), "compss: 3 done, 1 running, 2 pending");
}

TEST(ProgressLine, RedrawsInPlaceAndErasesAtTheEnd) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  std::atomic<std::size_t> done{0};
  std::atomic<int> calls{0};
  {
    ProgressLine line(
        [&] {
          ++calls;
          return ProgressCounts{done.load(), 1, 12};
        },
        f, std::chrono::milliseconds(1));
    ASSERT_TRUE(eventually([&] { return calls.load() >= 2; }));
    done = 100;
    int seen = calls.load();
    ASSERT_TRUE(eventually([&] { return calls.load() > seen + 1; }));
  }
  std::string s = contents(f);
  EXPECT_EQ(s.rfind("\rcompss: 0 done, 1 running, 12 pending", 0), 0u) << s;
  EXPECT_NE(s.find("\rcompss: 100 done, 1 running, 12 pending"), std::string::npos) << s;
  EXPECT_EQ(s.find('\n'), std::string::npos);  // always the same line
  // The destructor blanks the last line and returns to its start.
  std::string erase = "\r" + std::string(std::string("compss: 100 done, 1 running, 12 pending").size(), ' ') + "\r";
  ASSERT_GE(s.size(), erase.size());
  EXPECT_EQ(s.substr(s.size() - erase.size()), erase);
  std::fclose(f);
}

TEST(ProgressLine, AShorterLineBlanksTheRestOfTheLongerOne) {
  std::FILE* f = std::tmpfile();
  std::atomic<std::size_t> pending{1000};
  std::atomic<int> calls{0};
  {
    ProgressLine line(
        [&] {
          ++calls;
          return ProgressCounts{0, 0, pending.load()};
        },
        f, std::chrono::milliseconds(1));
    ASSERT_TRUE(eventually([&] { return calls.load() >= 1; }));
    pending = 5;
    int seen = calls.load();
    ASSERT_TRUE(eventually([&] { return calls.load() > seen + 1; }));
  }
  EXPECT_NE(contents(f).find("\rcompss: 0 done, 0 running, 5 pending   "), std::string::npos);
  std::fclose(f);
}

TEST(ProgressLine, DisabledDrawsNothingAndErasesTheLine) {
  std::FILE* f = std::tmpfile();
  std::atomic<int> calls{0};
  {
    ProgressLine line(
        [&] {
          ++calls;
          return ProgressCounts{1, 2, 3};
        },
        f, std::chrono::milliseconds(1));
    ASSERT_TRUE(eventually([&] { return calls.load() >= 1; }));
    line.set_enabled(false);
    std::string at_disable = contents(f);
    EXPECT_EQ(at_disable.substr(at_disable.size() - 1), "\r");  // erased
    int seen = calls.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_LE(calls.load(), seen + 1);  // at most a count taken before disabling
    EXPECT_EQ(contents(f), at_disable);
    line.set_enabled(true);
    ASSERT_TRUE(eventually([&] { return contents(f).size() > at_disable.size(); }));
  }
  std::fclose(f);
}

TEST(ProgressCounter, CountsFromTaskEvents) {
  using namespace compss::rt;
  std::size_t slots = 2;
  ProgressCounter counter([&] { return slots; });
  for (std::uint64_t id = 1; id <= 5; ++id) counter.on_submitted(TaskSubmitted{id, "t", {}, {}, 0});
  for (std::uint64_t id = 1; id <= 4; ++id) counter.on_ready(TaskReady{id, 0});
  // 4 ready, 2 slots: 2 run, the others (2 waiting for a slot, 1 for its dependencies) wait.
  ProgressCounts c = counter.counts();
  EXPECT_EQ(c.done, 0u);
  EXPECT_EQ(c.running, 2u);
  EXPECT_EQ(c.pending, 3u);
  counter.on_ended(TaskEnded{1, TaskOutcome::failed, 1, true, 0});  // retried: not done
  EXPECT_EQ(counter.counts().done, 0u);
  counter.on_ended(TaskEnded{1, TaskOutcome::success, 2, false, 0});
  counter.on_ended(TaskEnded{2, TaskOutcome::cancelled, 0, false, 0});
  c = counter.counts();
  EXPECT_EQ(c.done, 2u);
  EXPECT_EQ(c.running, 2u);
  EXPECT_EQ(c.pending, 1u);
}
