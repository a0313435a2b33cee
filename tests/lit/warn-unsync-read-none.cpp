// -Wcompss-unsynchronized-read stays quiet where the program waits, reads only
// the pointers, or leaves the data to tasks and the automatic waits.
// RUN: %compss-cc -Wno-compss-serializable -fsyntax-only %s 2>&1 | %FileCheck %s --allow-empty
#include <compss/compss.hpp>
#include <cstdio>
#include <vector>

constexpr int NB = 4, BS = 8;

#pragma compss task inout(diag[BS * BS])
void lu0(float *diag);

#pragma compss task in(diag[BS * BS])
float peek(const float *diag);

void sparselu_par_call(float **BENCH) {
  for (int kk = 0; kk < NB; kk++)
    if (BENCH[kk * NB + kk] != nullptr) // the pointers: tasks do not write them
      lu0(BENCH[kk * NB + kk]);
}

// A function that ends with a barrier leaves nothing pending.
void sparselu_waited(float **BENCH) {
  sparselu_par_call(BENCH);
#pragma compss barrier
}

float after_barrier(float **BENCH) {
  sparselu_par_call(BENCH);
#pragma compss barrier
  return BENCH[0][0];
}

float after_api_barrier(float **BENCH) {
  sparselu_par_call(BENCH);
  compss::barrier();
  return BENCH[0][0];
}

// snapshot() waits for every task, as barrier() does.
float after_snapshot(float **BENCH) {
  sparselu_par_call(BENCH);
  compss::snapshot();
  return BENCH[0][0];
}

float after_waited_function(float **BENCH) {
  sparselu_waited(BENCH);
  return BENCH[0][0];
}

// More tasks on the same data: dependencies, not reads.
void twice(float **BENCH) {
  sparselu_par_call(BENCH);
  sparselu_par_call(BENCH);
  auto p = peek(BENCH[0]);
  (void)p;
  BENCH[1] = nullptr; // replacing a pointer reads no block
}

struct Block {
  int v[4];
};

#pragma compss task out(b)
void fill(Block &b, int x);

int waited_vector() {
  std::vector<Block> blocks(8);
  for (int i = 0; i < 8; ++i)
    fill(blocks[i], i);
  int n = static_cast<int>(blocks.size());
#pragma compss wait_on(blocks)
  return n + blocks[3].v[0];
}

int api_waited_vector() {
  std::vector<Block> blocks(8);
  for (Block &b : blocks)
    fill(b, 1);
  compss::wait_on(blocks);
  return blocks[3].v[0];
}

int group_end() {
  std::vector<Block> blocks(8);
#pragma compss group("fill")
  {
    for (int i = 0; i < 8; ++i)
      fill(blocks[i], i);
  }
  return blocks[0].v[0];
}

// A local named in the task call: the automatic waits wait for it.
int automatic(Block &unused) {
  Block b;
  fill(b, 4);
  return b.v[0] + unused.v[0];
}

// The branch that submits also waits.
int branches(bool c, float **BENCH) {
  if (c) {
    lu0(BENCH[0]);
#pragma compss barrier
  }
  return static_cast<int>(BENCH[0][0]);
}

// CHECK-NOT: warning:
