// compss::Future: results of non-void tasks, futures as arguments, chains.
#include "test_support.hpp"

#include <string>
#include <type_traits>
#include <vector>

using namespace compss::detail;
using compss_test::pause_ms;
using compss_test::RuntimeTest;

namespace {

int square(int x) {
  pause_ms(2);
  return x * x;
}
int add(int a, const int& b) { return a + b; }
std::string greet(const std::string& who) { return "hello " + who; }
void bump(int& x) { x += 1; }
int read_plus_one(const int& x) { return x + 1; }

static constexpr ParamSpec one_in[] = {{Direction::in, ParamKind::object, "x"}};
static constexpr TaskSpec square_task{"square", "int square(int)", one_in, 1};
static constexpr ParamSpec two_in[] = {{Direction::in, ParamKind::object, "a"},
                                       {Direction::in, ParamKind::object, "b"}};
static constexpr TaskSpec add_task{"add", "int add(int, const int &)", two_in, 2};
static constexpr TaskSpec greet_task{"greet", "std::string greet(const std::string &)", one_in, 1};
static constexpr ParamSpec one_inout[] = {{Direction::inout, ParamKind::object, "x"}};
static constexpr TaskSpec bump_task{"bump", "void bump(int &)", one_inout, 1};
static constexpr TaskSpec rpo_task{"read_plus_one", "int read_plus_one(const int &)", one_in, 1};

}  // namespace

using Futures = RuntimeTest;

TEST_F(Futures, ValueOfATask) {
  compss::Future<int> f = call_task<square_task, &square>(7);
  EXPECT_TRUE(f.valid());
  EXPECT_EQ(f.get(), 49);
  EXPECT_TRUE(f.ready());
  int x = f;  // implicit conversion waits
  EXPECT_EQ(x, 49);
}

TEST_F(Futures, ImplicitConversionAtTheCallSite) {
  int x = call_task<square_task, &square>(4);
  EXPECT_EQ(x, 16);
  EXPECT_EQ(compss::wait_on(call_task<square_task, &square>(5)), 25);
}

TEST_F(Futures, FutureAsArgumentOfAnotherTask) {
  auto a = call_task<square_task, &square>(3);   // 9
  auto b = call_task<square_task, &square>(a);   // 81, depends on a without waiting
  auto c = call_task<add_task, &add>(a, b);      // 90: by value and const& from futures
  EXPECT_EQ(compss::wait_on(c), 90);
  EXPECT_EQ(compss::wait_on(b), 81);
}

// A sequential build yields an R where compss-cc yields a Future<R>: the declarations
// `compss::Future<int> f = task(...)` and `results.push_back(task(...))` need R to convert.
static_assert(std::is_convertible_v<int, compss::Future<int>>);
static_assert(std::is_convertible_v<std::string, compss::Future<std::string>>);

TEST_F(Futures, AFutureMadeFromAValueIsReadyAndFeedsTasks) {
  compss::Future<int> ready = 6;  // what `compss::Future<int> r = square(...)` is without compss-cc
  EXPECT_TRUE(ready.ready());
  std::vector<compss::Future<int>> v;
  v.push_back(ready);
  v.push_back(7);
  v.push_back(call_task<square_task, &square>(ready));  // 36
  auto sum = call_task<add_task, &add>(v[0], v[1]);     // 13
  EXPECT_EQ(compss::wait_on(sum), 13);
  EXPECT_EQ(compss::wait_on(v[2]), 36);
  ready = 8;  // assigning a value makes a new, ready future
  EXPECT_EQ(ready.get(), 8);
  EXPECT_EQ(v[0].get(), 6);
}

TEST_F(Futures, ChainOfFutures) {
  compss::Future<int> f(0);
  EXPECT_TRUE(f.ready());
  for (int i = 0; i < 200; ++i) f = call_task<add_task, &add>(f, 1);
  EXPECT_EQ(f.get(), 200);
}

TEST_F(Futures, NonTrivialResult) {
  auto g = call_task<greet_task, &greet>(std::string("world"));
  EXPECT_EQ(g.get(), "hello world");
  const compss::Future<std::string>& cg = g;
  EXPECT_EQ(compss::wait_on(cg), "hello world");
}

TEST_F(Futures, FuturePassedToAnInoutParameterIsUpdatedInPlace) {
  auto f = call_task<square_task, &square>(2);  // 4
  call_task<bump_task, &bump>(f);               // 5, after square
  auto g = call_task<rpo_task, &read_plus_one>(f);  // 6, after bump
  EXPECT_EQ(g.get(), 6);
  EXPECT_EQ(f.get(), 5);
}

TEST_F(Futures, EmptyFutureThrows) {
  compss::Future<int> f;
  EXPECT_FALSE(f.valid());
  EXPECT_THROW(f.get(), compss::Error);
  EXPECT_THROW((call_task<square_task, &square>(f)), compss::Error);
}

TEST_F(Futures, VectorOfFuturesIsWaitedElementByElement) {
  std::vector<compss::Future<int>> fs;
  for (int i = 0; i < 50; ++i) fs.push_back(call_task<square_task, &square>(i));
  compss::wait_on(fs);
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(fs[i].ready());
    EXPECT_EQ(fs[i].get(), i * i);
  }
}
