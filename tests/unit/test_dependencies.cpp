// Dependency analysis: RAW, WAR, WAW, diamonds, many readers, large graphs, nested calls.
#include "test_support.hpp"

#include <atomic>
#include <numeric>

using namespace compss::detail;
using compss_test::pause_ms;
using compss_test::Recorder;
using compss_test::RuntimeTest;

namespace {

Recorder rec;
std::atomic<int> concurrent{0};
std::atomic<int> max_concurrent{0};

// write(x, tag): x = tag, records tag; slow so a wrong order would show.
void write_val(int& x, int tag) {
  pause_ms(5);
  x = tag;
  rec.add(tag);
}
// read(x, tag, out): out = x, records tag.
void read_val(const int& x, int tag, int& out) {
  pause_ms(5);
  out = x;
  rec.add(tag);
}
void add_to(const int& a, const int& b, int& out) { out = a + b; }
void inc(int& x) { ++x; }
void inc_long(long& x) { ++x; }
void scale(const int& a, int factor, int& out) { out = a * factor; }
void copy_in(int v, int& out) {
  pause_ms(2);
  out = v;
}
void through_ptr(const int* src, int* dst) { *dst = (src == nullptr ? -1 : *src) + 100; }
void tracked_reader(const int& x, int& out) {
  int now = ++concurrent;
  int prev = max_concurrent.load();
  while (now > prev && !max_concurrent.compare_exchange_weak(prev, now)) {
  }
  pause_ms(10);
  out = x;
  --concurrent;
}
void take_temp(const std::vector<int>& v, int& out) {
  pause_ms(5);
  out = std::accumulate(v.begin(), v.end(), 0);
}

static constexpr ParamSpec write_params[] = {{Direction::out, ParamKind::object, "x"},
                                             {Direction::in, ParamKind::object, "tag"}};
static constexpr TaskSpec write_task{"write_val", "void write_val(int &, int)", write_params, 2};
static constexpr ParamSpec read_params[] = {{Direction::in, ParamKind::object, "x"},
                                            {Direction::in, ParamKind::object, "tag"},
                                            {Direction::out, ParamKind::object, "out"}};
static constexpr TaskSpec read_task{"read_val", "void read_val(const int &, int, int &)",
                                    read_params, 3};
static constexpr ParamSpec add_params[] = {{Direction::in, ParamKind::object, "a"},
                                           {Direction::in, ParamKind::object, "b"},
                                           {Direction::out, ParamKind::object, "out"}};
static constexpr TaskSpec add_task{"add_to", "void add_to(const int &, const int &, int &)",
                                   add_params, 3};
static constexpr ParamSpec inc_params[] = {{Direction::inout, ParamKind::object, "x"}};
static constexpr TaskSpec inc_task{"inc", "void inc(int &)", inc_params, 1};
static constexpr TaskSpec inc_long_task{"inc_long", "void inc_long(long &)", inc_params, 1};
static constexpr ParamSpec scale_params[] = {{Direction::in, ParamKind::object, "a"},
                                             {Direction::in, ParamKind::object, "factor"},
                                             {Direction::out, ParamKind::object, "out"}};
static constexpr TaskSpec scale_task{"scale", "void scale(const int &, int, int &)",
                                     scale_params, 3};
static constexpr ParamSpec copy_in_params[] = {{Direction::in, ParamKind::object, "v"},
                                               {Direction::out, ParamKind::object, "out"}};
static constexpr TaskSpec copy_in_task{"copy_in", "void copy_in(int, int &)", copy_in_params, 2};
static constexpr ParamSpec ptr_params[] = {{Direction::in, ParamKind::object, "src"},
                                           {Direction::inout, ParamKind::object, "dst"}};
static constexpr TaskSpec ptr_task{"through_ptr", "void through_ptr(const int *, int *)",
                                   ptr_params, 2};
static constexpr ParamSpec tracked_params[] = {{Direction::in, ParamKind::object, "x"},
                                               {Direction::out, ParamKind::object, "out"}};
static constexpr TaskSpec tracked_task{"tracked_reader", "void tracked_reader(const int &, int &)",
                                       tracked_params, 2};
static constexpr TaskSpec take_temp_task{
    "take_temp", "void take_temp(const std::vector<int> &, int &)", tracked_params, 2};

}  // namespace

class Dependencies : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    rec.clear();
  }
};

TEST_F(Dependencies, ReadAfterWriteSeesTheWrite) {
  int x = 0, out = -1;
  call_task<write_task, &write_val>(x, 7);
  call_task<read_task, &read_val>(x, 100, out);
  compss::wait_on(out);
  EXPECT_EQ(out, 7);
  EXPECT_EQ(rec.events(), (std::vector<int>{7, 100}));
}

TEST_F(Dependencies, WriteAfterReadWaitsForTheReader) {
  int x = 1, out = -1;
  call_task<read_task, &read_val>(x, 100, out);
  call_task<write_task, &write_val>(x, 2);
  compss::wait_on(x);
  compss::wait_on(out);
  EXPECT_EQ(out, 1);
  EXPECT_EQ(x, 2);
  EXPECT_EQ(rec.events(), (std::vector<int>{100, 2}));
}

TEST_F(Dependencies, WriteAfterWriteKeepsProgramOrder) {
  int x = 0;
  for (int tag = 1; tag <= 5; ++tag) call_task<write_task, &write_val>(x, tag);
  compss::wait_on(x);
  EXPECT_EQ(x, 5);
  EXPECT_EQ(rec.events(), (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST_F(Dependencies, Diamond) {
  int a = 0, b = 0, c = 0, d = 0;
  call_task<write_task, &write_val>(a, 3);
  call_task<scale_task, &scale>(a, 2, b);   // b = 6
  call_task<scale_task, &scale>(a, 10, c);  // c = 30
  call_task<add_task, &add_to>(b, c, d);    // d = 36
  compss::wait_on(d);
  EXPECT_EQ(d, 36);
}

TEST_F(Dependencies, ManyReadersThenWriterRunReadersConcurrentlyAndWriterLast) {
  concurrent = 0;
  max_concurrent = 0;
  int x = 5;
  std::vector<int> outs(8, -1);
  for (int& o : outs) call_task<tracked_task, &tracked_reader>(x, o);
  call_task<write_task, &write_val>(x, 9);
  compss::wait_on(x);
  compss::wait_on(outs);
  for (int o : outs) EXPECT_EQ(o, 5);  // every reader saw the value before the write
  EXPECT_EQ(x, 9);
  if (thread_count_from_env() > 1) {  // the executor's threads (COMPSS_THREADS or all cores)
    EXPECT_GT(max_concurrent.load(), 1);
  }
}

TEST_F(Dependencies, ThousandsOfChainedAndIndependentTasks) {
  const int n = 20000;
  int counter = 0;
  std::vector<long> cells(1000, 0);
  for (int i = 0; i < n; ++i) {
    call_task<inc_task, &inc>(counter);
    call_task<inc_long_task, &inc_long>(cells[static_cast<std::size_t>(i) % cells.size()]);
  }
  compss::barrier();
  EXPECT_EQ(counter, n);
  for (long c : cells) EXPECT_EQ(c, n / 1000);
}

TEST_F(Dependencies, RegistryIsPrunedWhenTasksFinish) {
  std::vector<int> cells(20000, 0);
  for (int& c : cells) call_task<inc_task, &inc>(c);
  compss::barrier();
  for (int& c : cells) call_task<inc_task, &inc>(c);
  compss::barrier();
  for (int c : cells) ASSERT_EQ(c, 2);
  EXPECT_LT(compss::detail::registry_size(), cells.size() + 64);
}

TEST_F(Dependencies, ByValueArgumentIsCopiedAtSubmission) {
  int v = 1, out = 0;
  call_task<copy_in_task, &copy_in>(v, out);
  v = 2;  // the task must still see 1, as in the sequential program
  compss::wait_on(out);
  EXPECT_EQ(out, 1);
}

TEST_F(Dependencies, ByValueArgumentWaitsForAPendingWriter) {
  int v = 0, out = 0;
  call_task<write_task, &write_val>(v, 42);
  call_task<copy_in_task, &copy_in>(v, out);
  compss::wait_on(out);
  EXPECT_EQ(out, 42);
}

TEST_F(Dependencies, PointerParametersTrackThePointee) {
  int src = 0, dst = 0;
  call_task<write_task, &write_val>(src, 5);
  call_task<ptr_task, &through_ptr>(&src, &dst);
  call_task<ptr_task, &through_ptr>(static_cast<const int*>(nullptr), &src);  // src = 99
  compss::wait_on(dst);
  compss::wait_on(src);
  EXPECT_EQ(dst, 105);
  EXPECT_EQ(src, 99);
}

TEST_F(Dependencies, ConstRefToTemporaryIsCopiedIntoTheTask) {
  int out = 0;
  call_task<take_temp_task, &take_temp>(std::vector<int>{1, 2, 3, 4}, out);
  compss::wait_on(out);
  EXPECT_EQ(out, 10);
}

namespace {
int outer_result = 0;
void nested_inner(int& x) { x += 1; }
static constexpr TaskSpec nested_inner_task{"nested_inner", "void nested_inner(int &)",
                                            inc_params, 1};
std::thread::id inner_thread;
void nested_outer(int& x) {
  // A task calling a task: runs inline, synchronously, on this thread.
  call_task<nested_inner_task, &nested_inner>(x);
  outer_result = x;  // already incremented
  x *= 10;
}
static constexpr TaskSpec nested_outer_task{"nested_outer", "void nested_outer(int &)",
                                            inc_params, 1};
}  // namespace

TEST_F(Dependencies, NestedTaskCallRunsInline) {
  int x = 1;
  call_task<nested_outer_task, &nested_outer>(x);
  compss::wait_on(x);
  EXPECT_EQ(outer_result, 2);
  EXPECT_EQ(x, 20);
}

namespace {
void stencil(const int& l, const int& c, const int& r, int& out) { out = (l + 2 * c + r) % 1000003; }
static constexpr ParamSpec stencil_params[] = {{Direction::in, ParamKind::object, "l"},
                                               {Direction::in, ParamKind::object, "c"},
                                               {Direction::in, ParamKind::object, "r"},
                                               {Direction::out, ParamKind::object, "out"}};
static constexpr TaskSpec stencil_task{
    "stencil", "void stencil(const int &, const int &, const int &, int &)", stencil_params, 4};
}  // namespace

TEST_F(Dependencies, StencilGraphGivesSequentialResult) {
  const int width = 4, steps = 2000;
  std::vector<int> a(width + 2), b(width + 2, 0);
  for (int i = 0; i < width + 2; ++i) a[i] = i + 1;
  b[0] = a[0];
  b[width + 1] = a[width + 1];
  std::vector<int> sa = a, sb = b;
  for (int s = 0; s < steps; ++s) {
    auto& in = s % 2 ? b : a;
    auto& out = s % 2 ? a : b;
    auto& sin = s % 2 ? sb : sa;
    auto& sout = s % 2 ? sa : sb;
    for (int w = 1; w <= width; ++w) {
      call_task<stencil_task, &stencil>(in[w - 1], in[w], in[w + 1], out[w]);
      stencil(sin[w - 1], sin[w], sin[w + 1], sout[w]);
    }
  }
  compss::wait_on(a);
  compss::wait_on(b);
  EXPECT_EQ(a, sa);
  EXPECT_EQ(b, sb);
}
