// The C++ that real programs are made of, as tasks: function templates, overloads,
// namespaces, static and non-static member functions, tasks called from other functions,
// from lambdas and in loops. Same output as the sequential build.
#include <compss/compss.hpp>

#include <cstdio>
#include <vector>

namespace algebra {

#pragma compss task in(a) out(b)
template <class T>
void scaled_copy(const T& a, T& b) {
  b = a * 2;
}

#pragma compss task inout(x)
void bump(int& x) { x += 1; }

#pragma compss task inout(x)
void bump(double& x) { x += 0.5; }

}  // namespace algebra

struct Account {
  long balance = 0;
#pragma compss task
  void deposit(long amount) { balance += amount; }
#pragma compss task
  long read() const { return balance; }
#pragma compss task
  static void reset(Account& a) { a.balance = 0; }
  void deposit_twice(long amount) {
    deposit(amount);
    this->deposit(amount);
  }
};

// Tasks called from a function other than main.
long run_account() {
  Account acc, *p = &acc;
  for (int i = 1; i <= 10; ++i) acc.deposit(i);
  p->deposit(100);
  acc.deposit_twice(1000);
  auto total = acc.read();
  long value = total;
  Account::reset(acc);
  compss::wait_on(acc);
  return value + acc.balance;
}

int main() {
  int i = 3, j = 0;
  double d = 1.5, e = 0;
  algebra::scaled_copy(i, j);
  algebra::scaled_copy<double>(d, e);
  std::vector<int> counters(8, 0);
  for (int& c : counters) algebra::bump(c);
  auto add_half = [&](double& x) { algebra::bump(x); };
  add_half(d);
  long account = run_account();
  compss::wait_on(j);
  compss::wait_on(e);
  compss::wait_on(d);
  compss::wait_on(counters);
  int sum = 0;
  for (int c : counters) sum += c;
  std::printf("j=%d e=%.1f d=%.1f sum=%d account=%ld\n", j, e, d, sum, account);
  return 0;
}
