// -Wcompss-unsynchronized-read: the first use of data reached through a
// pointer, a reference or a container element that a task submitted before it
// may still be writing, with no barrier or wait_on in between. The automatic
// waits do not cover such data. SparseLU's pattern first: a function submits
// tasks on blocks reached from its parameter, then main reads the blocks.
// RUN: %compss-cc -Wno-compss-serializable -fsyntax-only %s 2>&1 | %FileCheck %s
// RUN: %compss-cc -Wno-compss-serializable -Wno-compss-unsynchronized-read -fsyntax-only %s 2>&1 | %FileCheck %s --check-prefix=QUIET --allow-empty
// RUN: %compss-cc -Wno-compss -fsyntax-only %s 2>&1 | %FileCheck %s --check-prefix=QUIET --allow-empty
#include <cstdio>
#include <vector>

constexpr int NB = 4, BS = 8;

#pragma compss task inout(diag[BS * BS])
void lu0(float *diag);

#pragma compss task in(row[BS * BS], col[BS * BS]) inout(inner[BS * BS])
void bmod(const float *row, const float *col, float *inner);

void sparselu_par_call(float **BENCH) {
  for (int kk = 0; kk < NB; kk++) {
    lu0(BENCH[kk * NB + kk]);
    for (int ii = kk + 1; ii < NB; ii++)
      if (BENCH[ii * NB + kk] != nullptr) // the pointers themselves: no race
        bmod(BENCH[ii * NB + kk], BENCH[kk * NB + ii], BENCH[ii * NB + ii]);
  }
}

float checksum(float **BENCH) {
  float sum = 0;
  for (int i = 0; i < NB * NB; i++)
    sum += BENCH[i][0];
  return sum;
}

int sparselu(float **BENCH) {
  sparselu_par_call(BENCH);
  float first = BENCH[0][0];
  return static_cast<int>(first);
}
// CHECK: warn-unsync-read.cpp:[[@LINE-3]]:17: warning: 'BENCH[0][0]' may read data reached through 'BENCH' while task 'lu0' may still be writing it: automatic waits do not follow pointers, references or elements [-Wcompss-unsynchronized-read]
// CHECK: warn-unsync-read.cpp:[[@LINE-5]]:3: note: task 'lu0' submitted by this call to 'sparselu_par_call', with no barrier or wait_on after it
// CHECK: warn-unsync-read.cpp:[[@LINE-5]]:17: note: wait first: '#pragma compss barrier' before this statement

// A function of the file that reads through its parameter.
float sparselu_checked(float **BENCH) {
  sparselu_par_call(BENCH);
  return checksum(BENCH);
}
// CHECK: warn-unsync-read.cpp:[[@LINE-2]]:19: warning: the call to 'checksum' may read data reached through 'BENCH' while task 'lu0'

// A function the file does not define may follow the pointer.
void print_block(const float *block);
void printed(float **BENCH) {
  lu0(BENCH[5]);
  print_block(BENCH[5]);
}
// CHECK: warn-unsync-read.cpp:[[@LINE-2]]:15: warning: the call to 'print_block' may read data reached through 'BENCH' while task 'lu0'
// CHECK: warn-unsync-read.cpp:[[@LINE-4]]:3: note: task 'lu0' submitted here, with no barrier or wait_on after it

struct Block {
  int v[4];
};

#pragma compss task out(b)
void fill(Block &b, int x);

// Elements of a container.
int elements() {
  std::vector<Block> blocks(8);
  for (int i = 0; i < 8; ++i)
    fill(blocks[i], i);
  int n = static_cast<int>(blocks.size()); // the size only: no race
  return n + blocks[3].v[0];
}
// CHECK: warn-unsync-read.cpp:[[@LINE-2]]:14: warning: 'blocks[3].v[0]' may read data reached through 'blocks' while task 'fill'

// A reference parameter.
int through_reference(Block &b) {
  fill(b, 1);
  return b.v[0];
}
// CHECK: warn-unsync-read.cpp:[[@LINE-2]]:10: warning: 'b.v[0]' may read data reached through 'b' while task 'fill'

// The elements of a range-for.
int range_for(std::vector<Block> &blocks) {
  for (Block &b : blocks)
    fill(b, 2);
  return blocks.front().v[1];
}
// CHECK: warn-unsync-read.cpp:[[@LINE-2]]:10: warning: 'blocks.front().v[1]' may read data reached through 'blocks' while task 'fill'

// The next iteration reads what this one's task writes.
float next_iteration(float **BENCH) {
  float sum = 0;
  for (int k = 0; k < NB; ++k) {
    sum += BENCH[k][0];
    lu0(BENCH[k]);
  }
  return sum;
}
// CHECK: warn-unsync-read.cpp:[[@LINE-5]]:12: warning: 'BENCH[k][0]' may read data reached through 'BENCH' while task 'lu0'

// A function that writes through its pointer parameter's caller data, via a
// member function of a class defined here.
struct Solver {
  std::vector<Block> blocks = std::vector<Block>(4);
  void start() {
    for (Block &b : blocks)
      fill(b, 3);
  }
};
int solve() {
  Solver s;
  s.start();
  return s.blocks[0].v[0];
}
// CHECK: warn-unsync-read.cpp:[[@LINE-2]]:10: warning: 's.blocks[0].v[0]' may read data reached through 's' while task 'fill'
// CHECK: warn-unsync-read.cpp:[[@LINE-4]]:3: note: task 'fill' submitted by this call to 'start'

// CHECK-NOT: warning:
// QUIET-NOT: warning:
