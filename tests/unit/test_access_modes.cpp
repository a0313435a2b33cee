// Directions concurrent, commutative and in_delete: who may run together, who waits.
#include "test_support.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>

using namespace compss::detail;
using compss_test::pause_ms;
using compss_test::Gauge;
using compss_test::Recorder;
using compss_test::RuntimeTest;

namespace {

Recorder rec;

// Track how many tasks touch a datum at once.
Gauge gauge_a, gauge_b;

// Two concurrent-access tasks meet here; each waits (bounded) for the other.
std::atomic<int> arrived{0};
std::atomic<int> met{0};

bool wait_until(const std::atomic<int>& v, int target) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (v.load() < target) {
    if (std::chrono::steady_clock::now() > until) return false;
    pause_ms(1);
  }
  return true;
}

void set_value(int& x, int v) {
  pause_ms(5);
  x = v;
}
void read_value(const int& x, int& out) {
  pause_ms(5);
  out = x;
}
// Concurrent access to an atomic counter: the user owns coherence.
void conc_add(std::atomic<int>& x) {
  pause_ms(3);
  x.fetch_add(1);
}
void conc_meet(std::atomic<int>& x) {
  ++arrived;
  if (wait_until(arrived, 2)) ++met;
  x.fetch_add(1);
}
void set_atomic(std::atomic<int>& x, int v) {
  pause_ms(5);
  x.store(v);
}
void read_atomic(const std::atomic<int>& x, int& out) { out = x.load(); }
// Commutative update with a racy read-modify-write: only exclusion keeps it exact.
void comm_add(int& acc, int v) {
  gauge_a.enter();
  int old = acc;
  pause_ms(1);
  acc = old + v;
  gauge_a.leave();
}
void comm_pair(int& a, int& b) {
  gauge_a.enter();
  gauge_b.enter();
  int x = a, y = b;
  pause_ms(1);
  a = x + 1;
  b = y + 1;
  gauge_b.leave();
  gauge_a.leave();
}
void comm_b(int& b) {
  gauge_b.enter();
  int y = b;
  pause_ms(1);
  b = y + 1;
  gauge_b.leave();
}
void consume(const int& x, int& out) {
  pause_ms(10);
  out = x;
}

constexpr ParamSpec set_params[] = {{Direction::out, ParamKind::object, "x"},
                                    {Direction::in, ParamKind::object, "v"}};
constexpr TaskSpec set_task{"set_value", "void set_value(int &, int)", set_params, 2};
constexpr TaskSpec set_atomic_task{"set_atomic", "void set_atomic(std::atomic<int> &, int)",
                                   set_params, 2};
constexpr ParamSpec read_params[] = {{Direction::in, ParamKind::object, "x"},
                                     {Direction::out, ParamKind::object, "out"}};
constexpr TaskSpec read_task{"read_value", "void read_value(const int &, int &)", read_params, 2};
constexpr TaskSpec read_atomic_task{"read_atomic",
                                    "void read_atomic(const std::atomic<int> &, int &)",
                                    read_params, 2};
constexpr ParamSpec conc_params[] = {{Direction::concurrent, ParamKind::object, "x"}};
constexpr TaskSpec conc_add_task{"conc_add", "void conc_add(std::atomic<int> &)", conc_params, 1};
constexpr TaskSpec conc_meet_task{"conc_meet", "void conc_meet(std::atomic<int> &)", conc_params,
                                  1};
constexpr ParamSpec comm_params[] = {{Direction::commutative, ParamKind::object, "acc"},
                                     {Direction::in, ParamKind::object, "v"}};
constexpr TaskSpec comm_add_task{"comm_add", "void comm_add(int &, int)", comm_params, 2};
constexpr ParamSpec pair_params[] = {{Direction::commutative, ParamKind::object, "a"},
                                     {Direction::commutative, ParamKind::object, "b"}};
constexpr TaskSpec comm_pair_task{"comm_pair", "void comm_pair(int &, int &)", pair_params, 2};
constexpr ParamSpec comm_b_params[] = {{Direction::commutative, ParamKind::object, "b"}};
constexpr TaskSpec comm_b_task{"comm_b", "void comm_b(int &)", comm_b_params, 1};
constexpr ParamSpec consume_params[] = {{Direction::in_delete, ParamKind::object, "x"},
                                        {Direction::out, ParamKind::object, "out"}};
constexpr TaskSpec consume_task{"consume", "void consume(const int &, int &)", consume_params, 2};

// Data ids of the first parameter of each submitted task, in submission order.
std::mutex ids_mutex;
std::vector<std::uint64_t> first_ids;
void record_ids(const TaskBase& t) {
  std::lock_guard lock(ids_mutex);
  first_ids.push_back(t.params()[0].data_id);
}

class AccessModes : public RuntimeTest {
 protected:
  void SetUp() override {
    // Two workers at least, so tasks that may run together can.
    ::setenv("COMPSS_THREADS", "2", 1);
    RuntimeTest::SetUp();
    rec.clear();
    arrived = 0;
    met = 0;
    gauge_a.reset();
    gauge_b.reset();
  }
  void TearDown() override {
    set_submit_hook(nullptr);
    RuntimeTest::TearDown();
    ::unsetenv("COMPSS_THREADS");
  }
};

}  // namespace

TEST_F(AccessModes, ConcurrentTasksRunAtTheSameTime) {
  std::atomic<int> x{0};
  call_task<conc_meet_task, &conc_meet>(x);
  call_task<conc_meet_task, &conc_meet>(x);
  compss::barrier();
  EXPECT_EQ(met.load(), 2) << "the two concurrent tasks never overlapped";
  EXPECT_EQ(x.load(), 2);
}

TEST_F(AccessModes, ConcurrentRunIsOrderedAgainstWritesAndReads) {
  std::atomic<int> x{0};
  int seen = -1;
  call_task<set_atomic_task, &set_atomic>(x, 100);   // before the run
  for (int i = 0; i < 8; ++i) call_task<conc_add_task, &conc_add>(x);
  call_task<read_atomic_task, &read_atomic>(x, seen);  // after the whole run
  for (int i = 0; i < 3; ++i) call_task<conc_add_task, &conc_add>(x);  // a new run, after the read
  compss::wait_on(seen);
  EXPECT_EQ(seen, 108);
  call_task<set_atomic_task, &set_atomic>(x, 0);      // waits for the second run
  compss::wait_on(x);
  EXPECT_EQ(x.load(), 0);
}

TEST_F(AccessModes, CommutativeTasksNeverOverlapAndAllApply) {
  int acc = 0, seen = -1;
  call_task<set_task, &set_value>(acc, 1000);
  for (int i = 1; i <= 20; ++i) call_task<comm_add_task, &comm_add>(acc, i);
  call_task<read_task, &read_value>(acc, seen);
  compss::wait_on(seen);
  EXPECT_EQ(seen, 1000 + 210);
  EXPECT_EQ(gauge_a.max.load(), 1);
}

TEST_F(AccessModes, CommutativeOnTwoDataDoesNotDeadlock) {
  int a = 0, b = 0;
  for (int i = 0; i < 30; ++i) {
    if (i % 2 == 0) {
      call_task<comm_pair_task, &comm_pair>(a, b);
    } else {
      call_task<comm_pair_task, &comm_pair>(b, a);  // the other order: tokens are sorted
    }
    call_task<comm_b_task, &comm_b>(b);
  }
  compss::wait_on(a);
  compss::wait_on(b);
  EXPECT_EQ(a, 30);
  EXPECT_EQ(b, 60);
  EXPECT_EQ(gauge_a.max.load(), 1);
  EXPECT_EQ(gauge_b.max.load(), 1);
}

TEST_F(AccessModes, InDeleteReadsThenStartsAFreshDatum) {
  int x = 0, out = -1, later = -1;
  set_submit_hook(&record_ids);
  {
    std::lock_guard lock(ids_mutex);
    first_ids.clear();
  }
  call_task<set_task, &set_value>(x, 5);
  call_task<consume_task, &consume>(x, out);
  call_task<set_task, &set_value>(x, 7);  // a fresh datum, still after the read
  call_task<read_task, &read_value>(x, later);
  compss::wait_on(out);
  compss::wait_on(later);
  EXPECT_EQ(out, 5);
  EXPECT_EQ(later, 7);
  std::lock_guard lock(ids_mutex);
  ASSERT_EQ(first_ids.size(), 4u);
  EXPECT_EQ(first_ids[0], first_ids[1]);  // in_delete read the written datum
  EXPECT_NE(first_ids[2], first_ids[1]);  // the next access starts a new one
  EXPECT_EQ(first_ids[2], first_ids[3]);
}
