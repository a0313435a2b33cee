// runtime/core/access.hpp: which data a parameter stands for, what each direction reads
// and writes, and which parameters can go with their task to a worker.
#include "core/access.hpp"

#include <compss/detail/collection_bindings.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace {

using compss::detail::Direction;
using compss::detail::ParamDescriptor;
using compss::detail::ParamKind;
namespace rt = compss::rt;

TEST(Access, EveryDirectionButOutReads) {
  EXPECT_FALSE(rt::reads(Direction::out));
  for (Direction d : {Direction::in, Direction::inout, Direction::concurrent,
                      Direction::commutative, Direction::in_delete}) {
    EXPECT_TRUE(rt::reads(d)) << static_cast<int>(d);
  }
}

TEST(Access, ConcurrentAndCommutativeWrite) {
  for (Direction d : {Direction::out, Direction::inout, Direction::concurrent, Direction::commutative}) {
    EXPECT_TRUE(rt::writes(d)) << static_cast<int>(d);
  }
  EXPECT_FALSE(rt::writes(Direction::in));
  EXPECT_FALSE(rt::writes(Direction::in_delete));
}

TEST(Access, ACollectionStandsForItsElementsDepthFirst) {
  std::vector<std::vector<long>> grid{{1, 2}, {}, {3}};
  std::vector<ParamDescriptor> elems;
  compss::detail::add_element_descriptors(grid, Direction::inout, elems);
  ParamDescriptor p;
  p.kind = ParamKind::collection;
  p.key = compss::detail::DataKey::of(&grid);
  compss::detail::attach_elements(p, elems);

  std::vector<const void*> seen;
  rt::for_each_datum(p, [&](const ParamDescriptor& d) {
    EXPECT_EQ(d.direction, Direction::inout);
    seen.push_back(d.object);
  });
  EXPECT_EQ(seen, (std::vector<const void*>{&grid[0][0], &grid[0][1], &grid[2][0]}));
}

TEST(Access, ACollectionOfCollectionsIsWalkedToTheLeaves) {
  // Element descriptors that are collections themselves (not built by the bindings today,
  // but the walk must not stop at them).
  long a = 1, b = 2;
  ParamDescriptor leaves[2];
  leaves[0].object = &a;
  leaves[1].object = &b;
  ParamDescriptor inner;
  inner.kind = ParamKind::collection;
  inner.elements = leaves;
  inner.element_count = 2;
  ParamDescriptor outer;
  outer.kind = ParamKind::collection;
  outer.elements = &inner;
  outer.element_count = 1;
  std::vector<const void*> seen;
  rt::for_each_datum(outer, [&](const ParamDescriptor& d) { seen.push_back(d.object); });
  EXPECT_EQ(seen, (std::vector<const void*>{&a, &b}));
}

TEST(Access, AnObjectIsItsOwnDatum) {
  long x = 0;
  ParamDescriptor p;
  p.object = &x;
  int calls = 0;
  rt::for_each_datum(p, [&](const ParamDescriptor& d) {
    EXPECT_EQ(&d, &p);
    ++calls;
  });
  EXPECT_EQ(calls, 1);
}

TEST(Access, WhatTravels) {
  long x = 0;
  ParamDescriptor object;
  object.object = &x;
  object.vtable = compss::detail::vtable_for<long>();
  EXPECT_TRUE(rt::travels(object));

  ParamDescriptor opaque = object;
  opaque.vtable = nullptr;  // a type that cannot be serialized
  EXPECT_FALSE(rt::travels(opaque));

  ParamDescriptor file;
  file.kind = ParamKind::file;
  EXPECT_TRUE(rt::travels(file));

  // One copy shared by the tasks of a run: stays on one node.
  for (Direction d : {Direction::concurrent, Direction::commutative}) {
    ParamDescriptor shared = object;
    shared.direction = d;
    EXPECT_FALSE(rt::travels(shared));
  }
  for (ParamKind k : {ParamKind::collection, ParamKind::directory, ParamKind::stream}) {
    ParamDescriptor other;
    other.kind = k;
    EXPECT_FALSE(rt::travels(other)) << static_cast<int>(k);
  }
}

}  // namespace
