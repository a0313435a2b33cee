// The registry's data identity (runtime/core/registry.hpp): a datum's id and version, the
// one identity of a master-worker run (docs/architecture.md, "Data identity").
#include "core/graph.hpp"
#include "core/registry.hpp"
#include "core/task_state.hpp"

#include <gtest/gtest.h>

#include <vector>

using compss::detail::DataKey;
using compss::detail::Direction;
using compss::detail::ParamDescriptor;
using compss::detail::TaskBase;
using compss::detail::TaskSpec;
using compss::rt::Registry;

namespace {

constexpr TaskSpec inc_spec{"inc", "void inc(int &)", nullptr, 1};

/// A task that writes `x` as the runtime submits one: its descriptor, filled by access().
struct WriteTask final : TaskBase {
  ParamDescriptor d;
  explicit WriteTask(int& x) {
    d.key = DataKey::of(&x);
    d.object = &x;
    d.direction = Direction::inout;
    spec_ = &inc_spec;
    params_ = &d;
    param_count_ = 1;
  }
  void run() override {}
};

/// Submits a write of `x` to `registry`, finishes it, and returns its descriptor's
/// (data id, version).
std::pair<std::uint64_t, std::uint64_t> write_and_finish(Registry& registry, int& x) {
  auto* t = new WriteTask(x);
  registry.access(t, t->d);
  const std::pair<std::uint64_t, std::uint64_t> name{t->d.data_id, t->d.version};
  compss::rt::mark_finished(t);
  compss::rt::release_ref(t);  // (the registry keeps its own reference until it lets go of it)
  return name;
}

}  // namespace

// A master-worker run keeps a datum's identity through prune: the workers' copies and
// the directory's lineage are named by it, so the object's next write is the next version
// of the same datum, not version 1 of a new one.
TEST(RegistryIdentity, PruneKeepsAnIdleDatumsIdentityWhenAsked) {
  Registry registry;
  registry.keep_identities(true);
  int x = 0;
  const auto first = write_and_finish(registry, x);
  registry.prune();
  const auto second = write_and_finish(registry, x);
  EXPECT_EQ(second.first, first.first);
  EXPECT_EQ(second.second, first.second + 1);
  registry.clear();
}

// Local runs: prune forgets idle data (the registry stays small); the next access starts
// a new datum.
TEST(RegistryIdentity, PruneForgetsIdleDataByDefault) {
  Registry registry;
  int x = 0;
  const auto first = write_and_finish(registry, x);
  registry.prune();
  EXPECT_EQ(registry.size(), 0u);
  const auto second = write_and_finish(registry, x);
  EXPECT_NE(second.first, first.first);
  EXPECT_EQ(second.second, 1u);
  registry.clear();
}

// delete_object starts a new datum even when identities are kept.
TEST(RegistryIdentity, DropStartsANewDatumEvenWhenIdentitiesAreKept) {
  Registry registry;
  registry.keep_identities(true);
  int x = 0;
  const auto first = write_and_finish(registry, x);
  registry.drop(DataKey::of(&x));
  const auto second = write_and_finish(registry, x);
  EXPECT_NE(second.first, first.first);
  EXPECT_EQ(second.second, 1u);
  registry.clear();
}
