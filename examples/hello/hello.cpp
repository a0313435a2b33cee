// hello: the smallest COMPSs program.
//
// Compiled with any C++ compiler the pragmas are ignored and this is a plain sequential
// program. Compiled with compss-cc every call of a task function below becomes an
// asynchronous task; the runtime orders the tasks by the data they read and write.
#include <iostream>
#include <string>

// `name` is read, `greeting` is written: the task depends on whoever wrote `name` last,
// and later readers of `greeting` depend on it.
#pragma compss task in(name) out(greeting)
void make_greeting(const std::string& name, std::string& greeting) {
  greeting = "Hello, " + name + "!";
}

// A task that returns a value: with compss-cc the call yields a compss::Future<int>.
// By-value parameters are `in` by default.
#pragma compss task
int add(int a, int b) { return a + b; }

// `int&` is `inout` by default: the calls on the same counter run one after the other.
#pragma compss task
void increment(int& counter) { ++counter; }

int main() {
  const std::string world = "world";
  const std::string compss = "COMPSs";
  std::string g1, g2;
  make_greeting(world, g1);   // these two tasks are independent: they may run at once
  make_greeting(compss, g2);

  auto sum = add(2, 3);       // a future ...
  auto total = add(sum, 10);  // ... passed to another task: a dependency, no waiting here

  int counter = 0;
  for (int i = 0; i < 3; ++i) increment(counter);

#pragma compss wait_on(g1, g2)
  std::cout << g1 << '\n' << g2 << '\n';

  const int s = sum;          // using a future as its value waits for it
  const int t = total;
  std::cout << "2 + 3 = " << s << ", then + 10 = " << t << '\n';

#pragma compss barrier
  // After the barrier every task has finished, and `counter` is up to date.
#pragma compss wait_on(counter)
  std::cout << "counter = " << counter << '\n';
  return 0;
}
