// Where data versions live in a master-worker run, and their lineage
// (runtime/net/data_directory.hpp).
#include "net/data_directory.hpp"
#include "net/version_number.hpp"

#include <compss/detail/collection_bindings.hpp>
#include <compss/error.hpp>

#include <gtest/gtest.h>

#include <map>

#include <string>
#include <vector>

using namespace compss::net;
using compss::detail::DataKey;
using compss::detail::ParamDescriptor;
using compss::detail::vtable_for;

namespace {
/// The set of the given nodes.
NodeSet nodes(std::initializer_list<std::uint32_t> ids) {
  NodeSet s;
  for (std::uint32_t n : ids) s.insert(n);
  return s;
}

/// The registry's id of the datum at `address`, as Registry::access fills a descriptor's
/// data_id: one per address (the directory is keyed by it).
std::uint64_t registry_id_of(const void* address) {
  static std::map<const void*, std::uint64_t> ids;
  return ids.try_emplace(address, ids.size() + 1).first->second;
}

ParamDescriptor descriptor_of(int& x) {
  ParamDescriptor d;
  d.key = DataKey::of(&x);
  d.data_id = registry_id_of(&x);
  d.object = &x;
  d.vtable = vtable_for<int>();
  return d;
}
}  // namespace

TEST(DataDirectory, ADatumStartsOnTheMasterAtVersionZero) {
  DataDirectory dir;
  int x = 0;
  TrackedDatum& t = dir.track(descriptor_of(x));
  EXPECT_NE(t.id, 0u);
  EXPECT_EQ(t.version, 0u);
  EXPECT_TRUE(t.master_has_latest());
  EXPECT_EQ(t.object, &x);
  EXPECT_EQ(&dir.track(descriptor_of(x)), &t);  // the same address is the same datum
  EXPECT_EQ(dir.find_id(t.id), &t);
}

TEST(DataDirectory, AVersionMadeOnAWorkerStaysThereAndTheOldOneIsReleased) {
  DataDirectory dir;
  int x = 0;
  TrackedDatum& t = dir.track(descriptor_of(x));
  dir.version(t.id, 0).holders = nodes({2});  // worker 2 was sent version 0
  auto record = std::make_shared<TaskRecord>();
  record->signature = "void inc(int &)";
  Drop older = dir.produced(t.id, 1, 1, 4, record);
  EXPECT_EQ(older.id, t.id);
  EXPECT_EQ(older.version, 0u);
  EXPECT_EQ(older.holders, nodes({2}));  // worker 2 may drop version 0
  EXPECT_EQ(t.version, 1u);
  EXPECT_FALSE(t.master_has_latest());
  const VersionInfo* v1 = dir.find_version(t.id, 1);
  ASSERT_NE(v1, nullptr);
  EXPECT_EQ(v1->holders, nodes({1}));
  EXPECT_EQ(v1->size, 4u);
  EXPECT_EQ(v1->producer, record);
  EXPECT_EQ(dir.in_range(0, ~std::uintptr_t{0}).size(), 1u);
}

TEST(DataDirectory, ARecomputedOldVersionDoesNotBecomeTheLatest) {
  DataDirectory dir;
  int x = 0;
  TrackedDatum& t = dir.track(descriptor_of(x));
  dir.produced(t.id, 1, 1, 4, nullptr);
  dir.produced(t.id, 2, 1, 4, nullptr);
  EXPECT_TRUE(dir.produced(t.id, 1, 3, 4, nullptr).holders.empty());
  EXPECT_EQ(t.version, 2u);
  EXPECT_EQ(dir.find_version(t.id, 1)->holders, nodes({3}));
}

TEST(DataDirectory, AWriteOnTheMasterMakesANewVersionOnlyTheMasterHolds) {
  DataDirectory dir;
  int x = 0;
  TrackedDatum& t = dir.track(descriptor_of(x));
  dir.produced(t.id, 1, 1, 4, nullptr);
  t.master_version = 1;  // fetched
  EXPECT_EQ(dir.master_wrote(t), nodes({1}));
  EXPECT_EQ(t.version, 2u);
  EXPECT_TRUE(t.master_has_latest());
  EXPECT_EQ(dir.in_range(0, ~std::uintptr_t{0}).size(), 1u);
}

namespace {
constexpr std::uint64_t number(std::uint64_t registry_version, std::uint64_t master_writes = 0) {
  return registry_version << 32 | master_writes;
}
}  // namespace

// Versions are numbered as the registry's (net/version_number.hpp): a datum is first
// tracked at the registry's version its access reads; a task's write is that write's
// registry version; a write on the master the registry does not count comes between two
// registry versions; a task's output releases the real latest version before it, also
// when that one is a master write (before, produced released "v - 1", which is no
// version here: worker 2 would have kept its copy for the rest of the run).
TEST(DataDirectory, VersionsAreTheRegistrysAndMasterWritesComeBetween) {
  DataDirectory dir;
  int x = 0;
  ParamDescriptor writer = descriptor_of(x);
  writer.direction = compss::detail::Direction::inout;
  writer.version = 4;  // the registry's version of this write: it read version 3
  TrackedDatum& t = dir.track(writer);
  EXPECT_EQ(t.version, number(3));
  EXPECT_EQ(dir.next_version(t, 4), number(4));
  // The program may change the object (wait_on): not a version the registry counts.
  dir.master_wrote(t);
  EXPECT_EQ(t.version, number(3, 1));
  EXPECT_LT(t.version, number(4));
  dir.version(t.id, number(3, 1)).holders = nodes({2});  // sent to worker 2
  Drop older = dir.produced(t.id, number(4), 1, 4, nullptr);  // the task's write, on 1
  EXPECT_EQ(older.version, number(3, 1));
  EXPECT_EQ(older.holders, nodes({2}));
  EXPECT_EQ(t.version, number(4));
  // Members of a concurrent run on the master share the run's registry version (5).
  t.master_version = t.version;  // (fetched)
  dir.master_wrote(t, 5);
  EXPECT_EQ(t.version, number(5));
  dir.master_wrote(t, 5);
  EXPECT_EQ(t.version, number(5, 1));
  // A registry version the latest has passed (a renumbered datum still tracked under its
  // old id) never numbers a version before the latest.
  EXPECT_EQ(dir.next_version(t, 2), number(5, 2));
}

// A request's number for a write the registry does not count (or whose registry version
// the latest passed) is the latest plus one; an attempt the master gave up on (time_out)
// may store its output under it on a worker, never recorded. The next such write, here
// the program writing the object after wait_on, must not take that number again: a
// reader sent to that worker with a source takes its store's copy first, the late
// output. (Before, next_version was the latest plus one again: the same number.)
TEST(DataDirectory, ANumberARequestNamedIsNeverGivenToAnotherWrite) {
  DataDirectory dir;
  int x = 0;
  ParamDescriptor writer = descriptor_of(x);
  writer.direction = compss::detail::Direction::inout;
  writer.version = 4;
  TrackedDatum& t = dir.track(writer);  // at registry version 3
  const std::uint64_t late = dir.output_number(t, DataDirectory::not_counted);
  EXPECT_EQ(late, number(3, 1));
  dir.master_wrote(t);  // the program writes the object: not counted
  EXPECT_GT(t.version, late);
  const std::uint64_t next = dir.output_number(t, DataDirectory::not_counted);
  EXPECT_GT(next, t.version);
  // The attempts and replicas of one counted write share its number; the next counted
  // write still has its own registry version's number, after the uncounted ones.
  EXPECT_EQ(dir.output_number(t, 4), number(4));
  EXPECT_EQ(dir.output_number(t, 4), number(4));
  EXPECT_EQ(dir.next_version(t, 5), number(5));
}

TEST(DataDirectory, ALostNodeHoldsNothingButLineageStays) {
  DataDirectory dir;
  int x = 0;
  TrackedDatum& t = dir.track(descriptor_of(x));
  auto record = std::make_shared<TaskRecord>();
  dir.produced(t.id, 1, 2, 4, record);
  dir.drop_node(2);
  EXPECT_TRUE(dir.find_version(t.id, 1)->holders.empty());
  EXPECT_EQ(dir.find_version(t.id, 1)->producer, record);
}

TEST(DataDirectory, ForgettingADatumReportsItsHolders) {
  DataDirectory dir;
  int x = 0, y = 0;
  std::uint64_t id = dir.track(descriptor_of(x)).id;
  dir.track(descriptor_of(y));
  dir.version(id, 0).holders = nodes({70});  // beyond 64 nodes: no cap
  dir.produced(id, 1, 1, 4, nullptr);  // (version 0's copy on node 70 was released)
  dir.produced(id, 1, 130, 4, nullptr);
  Drop gone = dir.forget(reinterpret_cast<std::uintptr_t>(&x));
  EXPECT_EQ(gone.id, id);
  EXPECT_EQ(gone.version, DataRelease::all_versions);
  EXPECT_EQ(gone.holders, nodes({1, 130}));
  EXPECT_EQ(dir.find(reinterpret_cast<std::uintptr_t>(&x)), nullptr);
  EXPECT_NE(dir.find(reinterpret_cast<std::uintptr_t>(&y)), nullptr);
  EXPECT_EQ(dir.forget(reinterpret_cast<std::uintptr_t>(&x)).id, 0u);
}

namespace {
/// A descriptor of the array section data[0:n], as SectionBinding makes it: its SectionRef
/// lives in the task node (here in `ref`).
ParamDescriptor section_descriptor(compss::detail::SectionRef& ref) {
  ParamDescriptor d;
  d.key = DataKey::of(ref.data);
  d.data_id = registry_id_of(ref.data);
  d.object = &ref;
  d.vtable = &compss::detail::section_vtable<double>;
  return d;
}
}  // namespace

TEST(DataDirectory, AnArraySectionLoadsIntoTheProgramsArrayAfterItsTaskIsGone) {
  DataDirectory dir;
  double a[4] = {};
  TrackedDatum* t = nullptr;
  {
    compss::detail::SectionRef ref{a, 4};  // the task's, gone before the value comes back
    t = &dir.track(section_descriptor(ref));
    ref = {nullptr, 0};
  }
  ASSERT_NE(t->object, nullptr);
  std::vector<std::byte> bytes = compss::to_bytes(std::vector<double>{1, 2, 3, 4});
  compss::InputArchive in(bytes);
  t->vtable->load(t->object, in);
  EXPECT_EQ(a[0], 1.0);
  EXPECT_EQ(a[3], 4.0);
}

TEST(DataDirectory, AFetchedSectionOfAnotherLengthIsAnErrorNotAnOverflow) {
  DataDirectory dir;
  double a[5] = {0, 0, 0, 0, -1};
  compss::detail::SectionRef ref{a, 4};
  TrackedDatum& t = dir.track(section_descriptor(ref));
  std::vector<std::byte> bytes = compss::to_bytes(std::vector<double>{1, 2, 3, 4, 5});
  compss::InputArchive in(bytes);
  EXPECT_THROW(t.vtable->load(t.object, in), compss::Error);
  EXPECT_EQ(a[4], -1.0);
}

TEST(DataDirectory, ASectionPassedWithAnotherLengthOrAsAnObjectIsAClearError) {
  DataDirectory dir;
  double a[8] = {};
  compss::detail::SectionRef four{a, 4};
  dir.track(section_descriptor(four));
  compss::detail::SectionRef also_four{a, 4};
  EXPECT_NO_THROW(dir.track(section_descriptor(also_four)));
  compss::detail::SectionRef eight{a, 8};
  try {
    dir.track(section_descriptor(eight));
    ADD_FAILURE() << "a section of another length was accepted";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("was sent to workers as an array section of 4 elements "
                                         "and is now passed as an array section of 8 elements"),
              std::string::npos)
        << e.what();
  }
  ParamDescriptor single;
  single.key = DataKey::of(a);
  single.data_id = registry_id_of(a);
  single.object = a;
  single.vtable = vtable_for<double>();
  EXPECT_THROW(dir.track(single), compss::Error);
}

TEST(DataDirectory, ASectionClaimsItsLengthAndAnotherLengthMayNotTravel) {
  DataDirectory dir;
  double a[8] = {};
  compss::detail::SectionRef four{a, 4}, eight{a, 8};
  std::vector<Drop> released;
  EXPECT_EQ(dir.find(reinterpret_cast<std::uintptr_t>(a)), nullptr);
  EXPECT_TRUE(dir.claim(section_descriptor(four), released));  // the first claims the datum
  ASSERT_NE(dir.find(reinterpret_cast<std::uintptr_t>(a)), nullptr);
  EXPECT_EQ(dir.find(reinterpret_cast<std::uintptr_t>(a))->section.size, 4u);
  EXPECT_TRUE(dir.claim(section_descriptor(four), released));
  ParamDescriptor longer = section_descriptor(eight);
  longer.direction = compss::detail::Direction::inout;
  EXPECT_FALSE(dir.claim(longer, released));  // runs on the master
  EXPECT_EQ(dir.find(reinterpret_cast<std::uintptr_t>(a))->section.size, 4u);
  EXPECT_TRUE(released.empty());
}

namespace {
ParamDescriptor single_double(double& x, compss::detail::Direction direction) {
  ParamDescriptor d;
  d.key = DataKey::of(&x);
  d.data_id = registry_id_of(&x);
  d.object = &x;
  d.vtable = vtable_for<double>();
  d.direction = direction;
  return d;
}
}  // namespace

TEST(DataDirectory, AWriterOfAnotherShapeReshapesADatumTheMasterHolds) {
  // A dead array's address reused by a single double (or its first element passed by
  // reference) after the master got the array back: the task travels, never fails.
  using compss::detail::Direction;
  DataDirectory dir;
  double a[4] = {};
  compss::detail::SectionRef four{a, 4};
  std::vector<Drop> released;
  ASSERT_TRUE(dir.claim(section_descriptor(four), released));
  const std::uint64_t old_id = dir.find(reinterpret_cast<std::uintptr_t>(a))->id;
  dir.version(old_id, 0).holders = nodes({1});  // node 1 keeps a copy of the master's version
  EXPECT_FALSE(dir.claim(single_double(a[0], Direction::in), released));  // a reader: master
  EXPECT_TRUE(released.empty());
  ASSERT_TRUE(dir.claim(single_double(a[0], Direction::inout), released));
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].id, old_id);
  EXPECT_EQ(released[0].holders, nodes({1}));
  TrackedDatum* now = dir.find(reinterpret_cast<std::uintptr_t>(a));
  ASSERT_NE(now, nullptr);
  // A new datum under the registry's id of the address, at a version the old one never
  // named (its copies and lineage cannot be taken for the new one's).
  EXPECT_EQ(now->id, old_id);
  EXPECT_EQ(now->version, 1u);
  EXPECT_EQ(now->master_version, 1u);
  EXPECT_EQ(dir.find_version(old_id, 1), nullptr);
  EXPECT_EQ(now->vtable, vtable_for<double>());
  EXPECT_NO_THROW(dir.track(single_double(a[0], Direction::inout)));
}

TEST(DataDirectory, ADatumWhoseLatestIsOnAWorkerKeepsItsShapeAndLoadsOnlyWhereItFits) {
  using compss::detail::Direction;
  DataDirectory dir;
  double a[8] = {};
  compss::detail::SectionRef four{a, 4}, two{a, 2}, eight{a, 8};
  std::vector<Drop> released;
  ASSERT_TRUE(dir.claim(section_descriptor(four), released));
  TrackedDatum* t = dir.find(reinterpret_cast<std::uintptr_t>(a));
  dir.produced(t->id, 1, 1, 32, nullptr);  // a worker wrote version 1
  ASSERT_FALSE(t->master_has_latest());
  EXPECT_FALSE(dir.claim(single_double(a[0], Direction::inout), released));
  EXPECT_TRUE(released.empty());
  EXPECT_EQ(dir.find(reinterpret_cast<std::uintptr_t>(a))->id, t->id);
  // On the master: loading 4 elements fits an 8-element section, not a 2-element one or
  // a single double.
  EXPECT_TRUE(DataDirectory::fits(*t, section_descriptor(four)));
  EXPECT_TRUE(DataDirectory::fits(*t, section_descriptor(eight)));
  EXPECT_FALSE(DataDirectory::fits(*t, section_descriptor(two)));
  EXPECT_FALSE(DataDirectory::fits(*t, single_double(a[0], Direction::inout)));
}

// Messages name a version as the task graph does (its registry version), with the
// master's writes after it when there were any: never the packed 64-bit number.
TEST(VersionNumber, TextIsTheRegistryVersionAndTheMastersWritesAfterIt) {
  namespace vn = compss::net::version_number;
  EXPECT_EQ(vn::text(vn::of_registry(1)), "1");
  EXPECT_EQ(vn::text(vn::of_registry(4294967295ull)), "4294967295");
  EXPECT_EQ(vn::text(vn::master_write_after(vn::of_registry(3))), "3.1");
  EXPECT_EQ(vn::text(vn::master_write_after(vn::master_write_after(vn::of_registry(0)))), "0.2");
}
