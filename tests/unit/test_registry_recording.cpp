// The registry's two access instances (runtime/core/registry.hpp, access<Recording>): the
// recording one (edges written for the trace or a list) and the plain one (no sink test)
// must add the same edges at every link site, and the recording one must record each.
#include "core/events.hpp"
#include "core/exclusion.hpp"
#include "core/graph.hpp"
#include "core/registry.hpp"
#include "core/task_state.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

using compss::detail::DataKey;
using compss::detail::Direction;
using compss::detail::ParamDescriptor;
using compss::detail::TaskBase;
using compss::detail::TaskSpec;
using compss::rt::Dependency;
using compss::rt::EdgeSink;
using compss::rt::Registry;

namespace {

constexpr TaskSpec one_spec{"t", "void t()", nullptr, 1};

/// A task with one access (`object`'s address, `direction`; `copy_in`: a by-value argument;
/// `elements`: a collection, `object` its container, each element accessed `direction`).
struct OneAccess final : TaskBase {
  ParamDescriptor d;
  std::vector<ParamDescriptor> elems;
  OneAccess(int* object, Direction direction, bool copy_in, std::uint64_t id, std::vector<int*> elements = {}) {
    d.key = DataKey::of(object);
    d.object = object;
    d.direction = direction;
    d.copy_in = copy_in;
    for (int* e : elements) {
      ParamDescriptor& ed = elems.emplace_back();
      ed.key = DataKey::of(e);
      ed.object = e;
      ed.direction = direction;
    }
    if (!elems.empty()) {
      d.kind = compss::detail::ParamKind::collection;
      d.elements = elems.data();
      d.element_count = static_cast<std::uint32_t>(elems.size());
    }
    spec_ = &one_spec;
    params_ = &d;
    param_count_ = 1;
    compss::rt::task_state(this).id = id;
  }
  void run() override {}
};

constexpr int collection = 2;  // (the datum index of the container: its elements are data 0 and 1)

struct Step {
  int datum;  // index into the data
  Direction direction;
  bool copy_in = false;
};

/// Every link site: read after write, write after a writer and readers, concurrent and
/// commutative runs (their `before`), reads, writes and copies after a run (its members),
/// a copy while a writer is pending, in_delete (a new datum after it), a collection (its
/// container read after its writer: access()'s own link; its elements written after their
/// readers, then read).
const std::vector<Step> steps = {
    {0, Direction::out},        {0, Direction::in},          {0, Direction::in},
    {0, Direction::inout},      {0, Direction::in, true},    {0, Direction::concurrent},
    {0, Direction::concurrent}, {0, Direction::in},          {0, Direction::commutative},
    {0, Direction::commutative}, {0, Direction::in, true},   {0, Direction::out},
    {1, Direction::inout},      {1, Direction::concurrent},  {1, Direction::concurrent},
    {1, Direction::inout},      {1, Direction::in_delete},   {1, Direction::in},
    {1, Direction::out},        {0, Direction::in_delete},   {0, Direction::inout},
    {collection, Direction::out}, {1, Direction::in},        {collection, Direction::inout},
    {0, Direction::in},         {1, Direction::in},
};

/// (pred id, succ id) of every edge, from the tasks' successor lists.
using Edges = std::set<std::pair<std::uint64_t, std::uint64_t>>;

Edges successors(const std::vector<OneAccess*>& tasks) {
  Edges out;
  for (OneAccess* t : tasks) {
    auto& s = compss::rt::task_state(t);
    for (std::uint32_t i = 0; i < s.succ_count; ++i) {
      TaskBase* succ = i < compss::rt::TaskState::inline_successors
                           ? s.succ_inline[i]
                           : (*s.succ_overflow)[i - compss::rt::TaskState::inline_successors];
      out.insert({s.id, compss::rt::task_state(succ).id});
    }
  }
  return out;
}

struct Outcome {
  Edges edges;
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> recorded;  // (pred, data, version)
  std::vector<std::pair<std::uint64_t, std::uint64_t>> names;  // each access's (data id, version)
  std::uint64_t unrecorded = 0;
};

/// Runs `steps` through access() (no task finishes), recording into a list or not.
Outcome run(bool recording) {
  Registry registry;
  int data[3] = {0, 0, 0};
  std::vector<OneAccess*> tasks;
  std::vector<Dependency> list;
  EdgeSink sink;
  sink.list = &list;
  if (recording) registry.record_dependencies(&sink);
  Outcome r;
  for (const Step& s : steps) {
    // (The container written as an object first, then passed as a collection.)
    const bool as_collection = s.datum == collection && s.direction != Direction::out;
    auto* t = new OneAccess(&data[s.datum], s.direction, s.copy_in, tasks.size() + 1,
                            as_collection ? std::vector<int*>{&data[0], &data[1]} : std::vector<int*>{});
    tasks.push_back(t);
    if (recording) {
      registry.access<true>(t, t->d);
    } else {
      registry.access<false>(t, t->d);
    }
    r.names.push_back({t->d.data_id, t->d.version});
    for (const ParamDescriptor& e : t->elems) r.names.push_back({e.data_id, e.version});
  }
  registry.record_dependencies(nullptr);
  for (const Dependency& d : list) r.recorded.push_back({d.task_id, d.data_id, d.version});
  r.edges = successors(tasks);
  r.unrecorded = registry.unrecorded_links();
  EXPECT_EQ(sink.count, list.size());
  registry.clear();
  for (OneAccess* t : tasks) {
    // (A concurrent or commutative access gave the task a token set, which its `leave`
    // frees once it ran; these tasks never run.)
    delete static_cast<compss::rt::ExclusiveSet*>(compss::rt::task_state(t).exclusive);
    compss::rt::task_state(t).exclusive = nullptr;
    compss::rt::release_ref(t);
  }
  return r;
}

}  // namespace

TEST(RegistryRecording, BothAccessInstancesAddTheSameEdgesAtEveryLinkSite) {
  const Outcome plain = run(false);
  const Outcome recorded = run(true);
  EXPECT_GE(plain.edges.size(), 20u);  // (the steps reach every site: many edges)
  EXPECT_EQ(recorded.edges, plain.edges);
  EXPECT_EQ(recorded.names, plain.names);
  // The plain instance counts its edges; the recording one records each, none counted.
  EXPECT_EQ(plain.unrecorded, plain.edges.size());
  EXPECT_EQ(recorded.unrecorded, 0u);
  EXPECT_TRUE(plain.recorded.empty());
  ASSERT_EQ(recorded.recorded.size(), recorded.edges.size());
  // Each recorded edge names a predecessor of the access that added it, on its datum.
  std::set<std::uint64_t> preds;
  for (const auto& [pred, data, version] : recorded.recorded) preds.insert(pred);
  for (const auto& [pred, succ] : recorded.edges) EXPECT_TRUE(preds.count(pred)) << pred << " -> " << succ;
}
