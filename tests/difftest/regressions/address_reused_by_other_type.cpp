// Found by the differential tester (docs/testing.md): seed 3 graphs 6-7, distributed.
// An object dies and another of another type is made at its address (as locals of a loop
// or heap blocks are): tasks on the new one must not be given the old one's type.
#include <compss/compss.hpp>
#include <cstdio>
#include <new>
#include <vector>
#pragma compss task inout(v)
void grow(std::vector<double>& v) { v.push_back(1.0); }
#pragma compss task inout(x)
void bump(long& x) { x += 1; }
int main() {
  alignas(std::vector<double>) unsigned char memory[sizeof(std::vector<double>)];
  auto* v = new (memory) std::vector<double>(3, 1.0);
  grow(*v);
  compss::wait_on(*v);
  std::printf("v has %zu\n", v->size());
  v->~vector();
  long* x = new (memory) long(41);
  bump(*x);
  compss::wait_on(*x);
  std::printf("x = %ld (sequential: 42)\n", *x);
}
