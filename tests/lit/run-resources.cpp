// request_resources, free_resources and snapshot (SPEC section 4) compile with compss-cc
// and with a plain C++20 compiler, and behave the same in both builds of a local run: no
// worker to add or free, snapshot waits for the tasks; a negative count is an error
// (compss::Error) in both. Under compss-run: tests/e2e/distributed/elastic.sh.
// REQUIRES: compss-runtime
// RUN: rm -rf %t && mkdir -p %t
// RUN: %cxx -std=c++20 -I %compss-include %s -o %t/seq
// RUN: %t/seq > %t/seq.txt
// RUN: %FileCheck %s < %t/seq.txt
// RUN: %compss-cc -O1 %s -o %t/app
// RUN: env COMPSS_THREADS=2 COMPSS_LOG_LEVEL=debug %t/app > %t/out.txt 2> %t/err.txt
// RUN: %FileCheck %s < %t/out.txt
// RUN: %FileCheck %s --check-prefix=DEBUG < %t/err.txt
// RUN: diff %t/seq.txt %t/out.txt
#include <compss/compss.hpp>
#include <cstdio>

#pragma compss task inout(x)
void add(int &x, int amount) { x += amount; }

int main() {
  const unsigned before = compss::number_of_resources();
  int total = 0;
  compss::request_resources(1);
  for (int i = 1; i <= 10; ++i)
    add(total, i);
  compss::snapshot();
  std::printf("after snapshot: %d\n", total);
  compss::free_resources(5);
  compss::request_resources(0);
  compss::free_resources(0);
  std::printf("resources unchanged: %d\n", compss::number_of_resources() == before);
  for (int bad : {-1, -7}) {
    try {
      compss::request_resources(bad);
      std::printf("no error for %d\n", bad);
    } catch (const compss::Error &e) {
      std::printf("error: %s\n", e.what());
    }
  }
  try {
    compss::free_resources(-2);
  } catch (const compss::Error &e) {
    std::printf("error: %s\n", e.what());
  }
  add(total, 100);
#pragma compss wait_on(total)
  std::printf("total: %d\n", total);
  return 0;
}

// CHECK: after snapshot: 55
// CHECK-NEXT: resources unchanged: 1
// CHECK-NEXT: error: compss::request_resources(-1): the number of resources must be 0 or more
// CHECK-NEXT: error: compss::request_resources(-7): the number of resources must be 0 or more
// CHECK-NEXT: error: compss::free_resources(-2): the number of resources must be 0 or more
// CHECK-NEXT: total: 155

// DEBUG: compss: request_resources: a local run has no workers to add
// DEBUG: compss: free_resources: a local run has no workers to free
