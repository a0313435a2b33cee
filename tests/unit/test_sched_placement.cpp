// Placement of ready tasks on nodes (runtime/sched/): slots, locality, load, the ready
// queue's policies.
#include "sched/placement.hpp"
#include "sched/ready_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

using compss::sched::choose_node;
using compss::sched::NodeSlots;
using compss::sched::ReadyQueue;

namespace {
std::vector<NodeSlots> three_nodes() {
  return {{0, "master", 2, 0, true}, {1, "w1", 2, 0, true}, {2, "w2", 2, 0, true}};
}
}  // namespace

TEST(Placement, NoFreeSlotMeansNoNode) {
  auto nodes = three_nodes();
  for (auto& n : nodes) n.running = n.slots;
  std::vector<std::uint64_t> bytes(3, 0);
  EXPECT_EQ(choose_node(nodes, bytes, true), -1);
}

TEST(Placement, DeadNodesAndNodesWithoutSlotsAreSkipped) {
  auto nodes = three_nodes();
  nodes[0].slots = 0;  // --master-cores 0
  nodes[1].alive = false;
  std::vector<std::uint64_t> bytes{0, 1000, 0};
  EXPECT_EQ(choose_node(nodes, bytes, true), 2);
}

TEST(Placement, LocalityPrefersTheNodeHoldingMostInputBytes) {
  auto nodes = three_nodes();
  std::vector<std::uint64_t> bytes{10, 5000, 200};
  EXPECT_EQ(choose_node(nodes, bytes, true), 1);
  // Without locality the bytes do not matter: the least loaded, then the lowest id.
  nodes[0].running = 1;
  EXPECT_EQ(choose_node(nodes, bytes, false), 1);
  nodes[1].running = 1;
  EXPECT_EQ(choose_node(nodes, bytes, false), 2);
}

TEST(Placement, LocalityFallsBackToAFreeNodeWhenTheBestIsFull) {
  auto nodes = three_nodes();
  nodes[1].running = 2;  // holds the data but is full
  std::vector<std::uint64_t> bytes{0, 5000, 0};
  EXPECT_EQ(choose_node(nodes, bytes, true), 0);
}

TEST(Placement, EqualBytesGoToTheLeastLoadedRelativeToItsSlots) {
  std::vector<NodeSlots> nodes{{0, "m", 4, 2, true}, {1, "w", 8, 2, true}};
  std::vector<std::uint64_t> bytes{0, 0};
  EXPECT_EQ(choose_node(nodes, bytes, true), 1);  // 2/8 < 2/4
}

TEST(Placement, WithDepthABusyWorkerQueuesButTheMasterDoesNot) {
  // Every slot is busy: depth 1 finds no room; depth 2 queues on a worker (the least
  // loaded), never on the master, whose tasks run in its own threads.
  std::vector<NodeSlots> nodes{{0, "m", 2, 2, true}, {1, "a", 1, 1, true}, {2, "b", 2, 3, true}};
  std::vector<std::uint64_t> bytes{100, 0, 0};
  EXPECT_EQ(choose_node(nodes, bytes, true), -1);
  EXPECT_EQ(choose_node(nodes, bytes, true, 2), 1);  // 1/1 < 3/2
  nodes[1].running = 2;                              // a is full at depth 2
  EXPECT_EQ(choose_node(nodes, bytes, true, 2), 2);
  nodes[2].running = 4;
  EXPECT_EQ(choose_node(nodes, bytes, true, 2), -1);
  nodes[2].alive = false;
  nodes[2].running = 0;
  EXPECT_EQ(choose_node(nodes, bytes, true, 8), 1);  // a dead node has no room
}

TEST(ReadyQueue, FifoLifoAndPriorityFirst) {
  ReadyQueue<int> fifo(false);
  fifo.push(1, false);
  fifo.push(2, false);
  fifo.push(3, true);
  EXPECT_EQ(fifo.pop(), 3);
  EXPECT_EQ(fifo.pop(), 1);
  EXPECT_EQ(fifo.pop(), 2);
  EXPECT_TRUE(fifo.empty());

  ReadyQueue<int> lifo(true);
  lifo.push(1, false);
  lifo.push(2, false);
  lifo.push(3, false);
  EXPECT_EQ(lifo.pop(), 3);
  bool priority = true;
  int t = lifo.pop(&priority);
  EXPECT_EQ(t, 2);
  EXPECT_FALSE(priority);
  lifo.push_front(t, priority);  // could not be placed: next out again
  EXPECT_EQ(lifo.pop(), 2);
  EXPECT_EQ(lifo.size(), 1u);
}
