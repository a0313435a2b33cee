// The master's data plane over fake workers (runtime/net/master/data_plane.hpp): where
// versions live, what is sent and released, fetches to the master, lineage after a lost
// worker (made once however many wait), addresses reused by another type, nodes beyond 64.
#include "core/graph.hpp"
#include "core/registry.hpp"
#include "core/task_state.hpp"
#include "net/attempt_files.hpp"
#include "net/master/data_plane.hpp"
#include "net/kept_files.hpp"
#include "settings/run_config.hpp"
#include "test_dir.hpp"

#include <compss/detail/access.hpp>
#include <compss/error.hpp>
#include <compss/future.hpp>
#include <compss/serialize.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace compss::net;
using compss::detail::DataKey;
using compss::detail::Direction;
using compss::detail::ParamDescriptor;
using compss::detail::ParamKind;
using compss::detail::TaskBase;
using compss::detail::TaskSpec;
using compss::detail::vtable_for;

namespace {

using Version = std::pair<std::uint64_t, std::uint64_t>;

template <class T>
T value_of(std::span<const std::byte> bytes) {
  T v{};
  compss::from_bytes(bytes, v);
  return v;
}

/// Workers that hold ints by {datum id, version} and run tasks on int parameters as a
/// real worker does with its store: inputs come inline, from its store or from the peer
/// named in `source`; what it is sent or fetched it keeps; written parameters are stored
/// as the version the master names (stored_as) and reported by size. Node n's data
/// address is "w<n>".
class FakeWorkers final : public DataLinks {
 public:
  /// What a task of each signature does to its parameters' values (in order).
  std::map<std::string, std::function<void(std::vector<int>&)>> bodies;
  /// The worker a remake runs on.
  std::atomic<int> remake_on{2};
  /// Called (outside the fake's lock) when a fetch from a node fails: the cluster's link
  /// would declare it lost.
  std::function<void(int)> on_failed_fetch;
  /// Called inside call() before the task runs (a remake: to hold it back).
  std::function<void()> before_call;
  /// Called inside call() with the request, before the task runs (a remake's files).
  std::function<void(const TaskRequest&)> on_call;

  std::string data_address(int node) const override { return "w" + std::to_string(node); }
  bool shares_files(int node) const override { return node != unshared.load(); }
  /// A worker without the master's files (0: none).
  std::atomic<int> unshared{0};
  void release(int node, std::uint64_t id, std::uint64_t version, bool only_this) noexcept override {
    std::lock_guard lock(mutex_);
    releases.push_back({node, id, version});
    if (only_this) exact_releases.push_back({node, id, version});
    // As WorkerStore::release: versions up to `version`, or that one alone.
    auto s = stores_.find(node);
    if (s == stores_.end()) return;
    auto first = s->second.lower_bound({id, only_this ? version : 0});
    s->second.erase(first, s->second.upper_bound({id, version}));
  }
  bool fetch(int node, std::uint64_t id, std::uint64_t version,
             const compss::detail::SinkFactory&,
             std::shared_ptr<const compss::detail::HeldValue>& out, std::string& why) override {
    std::optional<int> value;
    {
      std::lock_guard lock(mutex_);
      ++fetches;
      fetched.push_back({id, version});
      value = get(node, id, version);
    }
    if (!value) {
      why = "not held";
      if (on_failed_fetch) on_failed_fetch(node);
      return false;
    }
    out = std::make_shared<const compss::detail::BytesValue>(compss::to_bytes(*value));
    return true;
  }
  void fetch_many(int node, std::span<const Version> versions,
                  const std::function<void(std::size_t, const compss::detail::HeldValue*)>& each) override {
    for (std::size_t i = 0; i < versions.size(); ++i) {
      std::optional<int> value;
      {
        std::lock_guard lock(mutex_);
        ++fetches;
        fetched.push_back(versions[i]);
        value = get(node, versions[i].first, versions[i].second);
      }
      compss::detail::BytesValue bytes(value ? compss::to_bytes(*value) : std::vector<std::byte>{});
      each(i, value ? &bytes : nullptr);
    }
  }
  int choose_worker(TaskRequest&) override {
    if (before_choose) before_choose();
    return remake_on.load();
  }
  int lend_worker(TaskRequest& request) override { return lend ? lend(request) : -1; }
  /// Called in choose_worker before it answers (a placement that waits).
  std::function<void()> before_choose;
  /// run_failed's answer (the run failed: nothing more is made again).
  std::atomic<bool> failed{false};
  bool run_failed() const override { return failed.load(); }
  /// lend_worker's answer (none: -1, the calling thread lends nothing).
  std::function<int(TaskRequest&)> lend;
  CallResult call(int node, TaskRequest& request) override {
    if (before_call) before_call();
    if (on_call) on_call(request);
    calls.fetch_add(1);
    {
      std::lock_guard lock(mutex_);
      called_units.emplace_back(request.computing_units, request.gpus);
    }
    return run(node, request);
  }

  /// Runs `request` on worker `node` and answers as the worker would.
  CallResult run(int node, const TaskRequest& request) {
    std::lock_guard lock(mutex_);
    CallResult r;
    std::vector<int> values;
    for (const WireParam& w : request.params) {
      int v = 0;
      if (compss::detail::reads(static_cast<Direction>(w.direction)) &&
          w.kind != static_cast<std::uint8_t>(ParamKind::file)) {  // (a shared file: its path)
        std::optional<int> got;
        if (w.has_value) {
          got = value_of<int>(w.value);
        } else {
          got = get(w.source.empty() ? node : std::stoi(w.source.substr(1)), w.data_id, w.version);
        }
        if (!got) {
          r.status = CallResult::Status::failed;
          r.failed.exception_type = "compss::DataMissing";
          return r;
        }
        v = *got;
        if (w.data_id != 0) stores_[node][{w.data_id, w.version}] = v;  // kept
      }
      values.push_back(v);
    }
    bodies.at(request.signature)(values);
    r.status = CallResult::Status::done;
    for (std::size_t i = 0; i < request.params.size(); ++i) {
      const WireParam& w = request.params[i];
      if (w.data_id == 0 || !compss::detail::writes(static_cast<Direction>(w.direction))) continue;
      EXPECT_GT(w.stored_as, w.version) << "a written datum names the version to store";
      stores_[node][{w.data_id, w.stored_as}] = values[i];
      WireParam o;
      o.data_id = w.data_id;
      o.version = w.stored_as;
      o.size = sizeof(int);
      r.done.outputs.push_back(o);
    }
    return r;
  }

  std::size_t releases_to(int node, std::uint64_t id, std::uint64_t version) {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& r : releases) n += r == std::tuple<int, std::uint64_t, std::uint64_t>{node, id, version};
    return n;
  }
  void lose(int node) {
    std::lock_guard lock(mutex_);
    stores_.erase(node);
  }
  /// Whether worker `node` stores (id, version).
  bool stores(int node, std::uint64_t id, std::uint64_t version) {
    std::lock_guard lock(mutex_);
    return get(node, id, version).has_value();
  }
  /// Worker `node` drops its copy of (id, version), as over its data memory budget.
  void drop_copy(int node, std::uint64_t id, std::uint64_t version) {
    std::lock_guard lock(mutex_);
    stores_[node].erase({id, version});
  }

  std::vector<std::tuple<int, std::uint64_t, std::uint64_t>> releases;
  /// The releases of one version alone (DataRelease::from_version == version).
  std::vector<std::tuple<int, std::uint64_t, std::uint64_t>> exact_releases;
  std::atomic<int> calls{0};
  /// {computing_units, gpus} of each call() (remakes), in order.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> called_units;
  int fetches = 0;
  /// The (id, version) of each fetch, in order.
  std::vector<Version> fetched;

 private:
  std::optional<int> get(int node, std::uint64_t id, std::uint64_t version) const {
    auto s = stores_.find(node);
    if (s == stores_.end()) return std::nullopt;
    auto v = s->second.find({id, version});
    if (v == s->second.end()) return std::nullopt;
    return v->second;
  }
  std::mutex mutex_;
  std::map<int, std::map<Version, int>> stores_;
};

constexpr TaskSpec inc_spec{"inc", "void inc(int &)", nullptr, 1};
constexpr TaskSpec read_spec{"use", "void use(const int &)", nullptr, 1};
constexpr TaskSpec add_spec{"add", "void add(const int &, int &)", nullptr, 2};

/// A submitted task as the runtime hands it to the backend: its spec and descriptors.
struct FakeTask final : TaskBase {
  std::vector<ParamDescriptor> descriptors;
  FakeTask(const TaskSpec& spec, std::vector<ParamDescriptor> d) : descriptors(std::move(d)) {
    spec_ = &spec;
    params_ = descriptors.data();
    param_count_ = static_cast<std::uint32_t>(descriptors.size());
  }
  void run() override {}
};

/// The registry's id of the datum at `address`, as Registry::access fills a descriptor's
/// data_id: one per address (the directory is keyed by it).
std::uint64_t registry_id_of(const void* address) {
  static std::map<const void*, std::uint64_t> ids;
  return ids.try_emplace(address, ids.size() + 1).first->second;
}

ParamDescriptor object(int& x, Direction direction) {
  ParamDescriptor d;
  d.key = DataKey::of(&x);
  d.data_id = registry_id_of(&x);
  d.object = &x;
  d.vtable = vtable_for<int>();
  d.direction = direction;
  return d;
}

/// A by-value argument converted from another type (compss-cc's converting_vtable): it
/// saves the converted value only, and the master's copy is sent, fetched first.
const compss::detail::ParamVTable* converting_int() {
  static const compss::detail::ParamVTable converting = [] {
    compss::detail::ParamVTable v = *vtable_for<int>();
    v.load = nullptr;
    return v;
  }();
  return &converting;
}
ParamDescriptor converted_argument(int& x) {
  ParamDescriptor d = object(x, Direction::in);
  d.copy_in = true;
  d.deferred = true;
  d.vtable = converting_int();
  return d;
}

class DataPlaneTest : public ::testing::Test {
 protected:
  DataPlaneTest() {
    workers.bodies["void inc(int &)"] = [](std::vector<int>& v) { v[0] += 1; };
    workers.bodies["void use(const int &)"] = [](std::vector<int>&) {};
    workers.bodies["void add(const int &, int &)"] = [](std::vector<int>& v) { v[1] += v[0]; };
    workers.bodies["void inc_log(int &, std::string)"] = [](std::vector<int>& v) { v[0] += 1; };
  }

  /// Sends `t` to worker `n` as the cluster does, runs it there, records the answer.
  TaskRequest run_on(FakeTask& t, int n) {
    TaskRequest request;
    EXPECT_TRUE(data.build_request(&t, n, request, true));
    CallResult r = workers.run(n, request);
    EXPECT_EQ(r.status, CallResult::Status::done) << r.failed.exception_type;
    data.record_outputs(&t, n, std::make_shared<const TaskRecord>(request), r.done);
    return request;
  }
  /// x's next version made on worker `n`, its only holder; returns x's datum id.
  std::uint64_t made_on(int& x, int n) {
    FakeTask inc(inc_spec, {object(x, Direction::inout)});
    run_on(inc, n);
    return id_of(x);
  }
  /// `t` run on worker `n` as a replica whose outputs are not recorded: only the inputs
  /// it kept are, as when its answer arrives. Returns the request sent.
  TaskRequest run_unrecorded(FakeTask& t, int n) {
    TaskRequest request;
    EXPECT_TRUE(data.build_request(&t, n, request, true));
    EXPECT_EQ(workers.run(n, request).status, CallResult::Status::done);
    data.keep_replica_inputs(n, request);
    return request;
  }
  /// x's next version made on worker `maker` and read on worker `reader`, which keeps a
  /// copy: both hold it. Returns x's datum id.
  std::uint64_t held_by_two(int& x, int maker, int reader) {
    FakeTask inc(inc_spec, {object(x, Direction::inout)});
    run_on(inc, maker);
    FakeTask use(read_spec, {object(x, Direction::in)});
    run_on(use, reader);
    return id_of(x);
  }
  std::uint64_t id_of(int& x) {
    return data.inspect([&](const DataDirectory& d) {
      return const_cast<DataDirectory&>(d).find(reinterpret_cast<std::uintptr_t>(&x))->id;
    });
  }
  NodeSet holders(std::uint64_t id, std::uint64_t v) {
    return data.inspect([&](const DataDirectory& d) {
      const VersionInfo* info = d.find_version(id, v);
      return info != nullptr ? info->holders : NodeSet{};
    });
  }
  static NodeSet nodes(std::initializer_list<std::uint32_t> ids) {
    NodeSet s;
    for (std::uint32_t n : ids) s.insert(n);
    return s;
  }

  FakeWorkers workers;
  DataPlane data{workers, LogLevel::off};
};

}  // namespace

TEST_F(DataPlaneTest, AnOutputStaysOnItsWorkerUntilTheProgramWaitsForIt) {
  int x = 1;
  FakeTask inc(inc_spec, {object(x, Direction::inout)});
  TaskRequest sent = run_on(inc, 1);
  ASSERT_TRUE(sent.params[0].has_value);  // the master held it: sent inline
  EXPECT_EQ(x, 1);
  const std::uint64_t id = id_of(x);
  EXPECT_EQ(holders(id, 1), nodes({1}));
  data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
  EXPECT_EQ(x, 2);
  EXPECT_EQ(workers.fetches, 1);
  data.sync(reinterpret_cast<std::uintptr_t>(&x), false);  // the master holds it now
  EXPECT_EQ(workers.fetches, 1);
}

/// A descriptor as Registry::access fills it: the datum's id and the registry's version
/// of this access (for a write, the version it makes).
ParamDescriptor registry_access(int& x, Direction direction, std::uint64_t id,
                                std::uint64_t version) {
  ParamDescriptor d = object(x, direction);
  d.data_id = id;
  d.version = version;
  return d;
}
constexpr std::uint64_t number(std::uint64_t registry_version, std::uint64_t master_writes = 0) {
  return registry_version << 32 | master_writes;
}

// The directory numbers a datum's versions as the registry does: the first tracked
// version is the one the registry gave the first access, a task's write is stored on its
// worker as the registry's version of that write (the request names it: stored_as), and
// writes on the master the registry does not count (wait_on of an object the program may
// change, each member of a concurrent run there) get numbers between two registry
// versions, in order, so that releasing "every version up to v" stays right. (Before, the
// directory counted writes itself, and a worker stored what it made as version + 1.)
TEST_F(DataPlaneTest, VersionsAreTheRegistrysWithMasterWritesBetween) {
  int x = 1;
  FakeTask first(inc_spec, {registry_access(x, Direction::inout, 42, 7)});
  TaskRequest sent = run_on(first, 1);
  ASSERT_EQ(id_of(x), 42u);
  EXPECT_EQ(sent.params[0].version, number(6));  // what the master holds: the version read
  EXPECT_EQ(sent.params[0].stored_as, number(7));
  EXPECT_TRUE(workers.stores(1, 42, number(7)));
  EXPECT_EQ(holders(42, number(7)), nodes({1}));
  auto latest = [&] {
    return data.inspect([&](const DataDirectory& d) {
      return const_cast<DataDirectory&>(d).find(reinterpret_cast<std::uintptr_t>(&x))->version;
    });
  };
  EXPECT_EQ(latest(), number(7));

  // wait_on of an object the program may change: a master write the registry does not
  // count, numbered after registry version 7 and before 8; worker 1's copy is released.
  data.sync(reinterpret_cast<std::uintptr_t>(&x), true);
  EXPECT_EQ(x, 2);
  EXPECT_EQ(workers.fetched, (std::vector<Version>{{42, number(7)}}));
  EXPECT_EQ(latest(), number(7, 1));
  EXPECT_EQ(workers.releases_to(1, 42, number(7)), 1u);

  // The next task write: sent the master's version, stored as registry version 8.
  FakeTask second(inc_spec, {registry_access(x, Direction::inout, 42, 8)});
  sent = run_on(second, 2);
  EXPECT_TRUE(sent.params[0].has_value);
  EXPECT_EQ(sent.params[0].version, number(7, 1));
  EXPECT_EQ(sent.params[0].stored_as, number(8));
  EXPECT_TRUE(workers.stores(2, 42, number(8)));
  EXPECT_EQ(latest(), number(8));

  // Two members of a concurrent run on the master (the run is registry version 9): the
  // first write is version 9 itself, the second comes after it.
  data.before_run(&second);  // (fetches version 8 for the master's tasks)
  FakeTask member(inc_spec, {registry_access(x, Direction::concurrent, 42, 9)});
  data.wrote_on_master(&member);
  EXPECT_EQ(latest(), number(9));
  data.wrote_on_master(&member);
  EXPECT_EQ(latest(), number(9, 1));
  EXPECT_EQ(workers.releases_to(2, 42, number(8)), 1u);
}

// With the real registry numbering the accesses (program order): after each task write,
// wherever it ran, the directory's latest version of the datum is the registry's version
// of that write, stored under it on the worker that ran it, and a reader is sent it.
TEST_F(DataPlaneTest, TheDirectorysVersionsAreTheRegistrysForTaskWrites) {
  compss::rt::Registry registry;
  registry.keep_identities(true);
  int x = 1;
  auto latest = [&] {
    return data.inspect([&](const DataDirectory& d) {
      return const_cast<DataDirectory&>(d).find(reinterpret_cast<std::uintptr_t>(&x))->version;
    });
  };
  for (int n : {1, 2, 2, 1}) {
    auto* t = new FakeTask(inc_spec, {object(x, Direction::inout)});
    registry.access(t, t->descriptors[0]);
    const ParamDescriptor& d = t->descriptors[0];
    run_on(*t, n);
    EXPECT_EQ(id_of(x), d.data_id);
    EXPECT_EQ(latest(), number(d.version));
    EXPECT_TRUE(workers.stores(n, d.data_id, number(d.version)));
    compss::rt::mark_finished(t);
    compss::rt::release_ref(t);
  }
  auto* reader = new FakeTask(read_spec, {object(x, Direction::in)});
  registry.access(reader, reader->descriptors[0]);
  TaskRequest sent = run_on(*reader, 2);
  EXPECT_EQ(reader->descriptors[0].version, 4u);
  EXPECT_EQ(sent.params[0].version, number(4));
  compss::rt::mark_finished(reader);
  compss::rt::release_ref(reader);
}

// A version a task made is made again by lineage under the same number (the recorded
// request names it), so fetches of it name the registry's version either way.
TEST_F(DataPlaneTest, LineageMakesAVersionAgainUnderTheRegistrysNumber) {
  int y = 5;
  FakeTask inc_y(inc_spec, {registry_access(y, Direction::inout, 43, 3)});
  run_on(inc_y, 1);
  workers.lose(1);
  data.node_lost(1);
  data.sync(reinterpret_cast<std::uintptr_t>(&y), false);  // remade on worker 2, fetched
  EXPECT_EQ(y, 6);
  EXPECT_EQ(workers.fetched, (std::vector<Version>{{43, number(3)}}));
  EXPECT_EQ(holders(43, number(3)), nodes({2}));
  EXPECT_TRUE(workers.stores(2, 43, number(3)));
}

TEST_F(DataPlaneTest, ADatumTheRegistryRenumberedStartsFromTheMastersObject) {
  int x = 1;
  const std::uint64_t old_id = made_on(x, 1);  // x == 2 only on worker 1
  ParamDescriptor renamed = object(x, Direction::in);
  renamed.data_id = old_id + 1000;  // the registry's next id for x
  FakeTask use(read_spec, {renamed});
  const TaskRequest sent = run_on(use, 2);
  EXPECT_EQ(sent.params[0].data_id, old_id + 1000);
  ASSERT_TRUE(sent.params[0].has_value);  // from the master, which fetched it
  EXPECT_EQ(value_of<int>(sent.params[0].value), 2);
  EXPECT_EQ(x, 2);
  EXPECT_EQ(workers.releases_to(1, old_id, DataRelease::all_versions), 1u);
  EXPECT_EQ(id_of(x), old_id + 1000);
}

TEST_F(DataPlaneTest, AReaderElsewhereIsToldTheHolderAndEachOldCopyIsReleasedOnce) {
  int x = 1;
  const std::uint64_t id = made_on(x, 1);
  FakeTask use(read_spec, {object(x, Direction::in)});
  TaskRequest sent = run_on(use, 2);
  EXPECT_FALSE(sent.params[0].has_value);
  EXPECT_EQ(sent.params[0].source, "w1");  // peer to peer, not through the master
  EXPECT_EQ(holders(id, 1), nodes({1, 2}));  // worker 2 keeps what it fetched
  FakeTask again(inc_spec, {object(x, Direction::inout)});
  run_on(again, 3);
  EXPECT_EQ(workers.releases_to(1, id, 1), 1u);
  EXPECT_EQ(workers.releases_to(2, id, 1), 1u);
  EXPECT_EQ(workers.releases_to(3, id, 1), 1u);  // (it fetched version 1 as its input)
  EXPECT_EQ(workers.releases_to(3, id, 2), 0u);
  EXPECT_TRUE(holders(id, 1).empty());
  data.sync_all();
  EXPECT_EQ(x, 3);
}

// A worker named as a holder may drop its copy (over its data budget) before it reads
// the request: another holder is named as the source, so that costs a fetch, not a
// compss::DataMissing answer and a resend.
TEST_F(DataPlaneTest, ARequestToAHolderNamesAnotherHolderAsItsSource) {
  int x = 1;
  EXPECT_EQ(holders(held_by_two(x, 1, 2), 1), nodes({1, 2}));
  FakeTask again(read_spec, {object(x, Direction::in)});
  TaskRequest to_1, to_2;
  ASSERT_TRUE(data.build_request(&again, 1, to_1, true));
  EXPECT_FALSE(to_1.params[0].has_value);
  EXPECT_EQ(to_1.params[0].source, "w2");
  ASSERT_TRUE(data.build_request(&again, 2, to_2, true));
  EXPECT_EQ(to_2.params[0].source, "w1");
}

// A replica whose outputs were not recorded while another's were: they are released on
// its worker (the versions before them there too).
TEST_F(DataPlaneTest, AnUnrecordedReplicasOutputsAreReleased) {
  int x = 1;
  const std::uint64_t id = held_by_two(x, 1, 2);
  // (Replicas of one write the registry counts: they name its number.)
  FakeTask replica(inc_spec, {registry_access(x, Direction::inout, id, 5)});
  run_unrecorded(replica, 1);
  FakeTask recorded(inc_spec, {registry_access(x, Direction::inout, id, 5)});
  run_on(recorded, 2);  // the call's outputs: version 5 on worker 2
  const std::pair<std::uint64_t, std::uint64_t> made[] = {{id, number(5)}};
  data.discard_outputs(1, made);
  EXPECT_EQ(workers.releases_to(1, id, number(5)), 1u);
  EXPECT_EQ(holders(id, number(5)), nodes({2}));
}

// The call's outputs were never recorded (it failed or timed out): a release "up to" the
// unrecorded output would drop the current version there too, here its only copy; that
// version alone is released (before, it stayed on the worker until the datum was
// forgotten, and the same version made again elsewhere could be read from it).
TEST_F(DataPlaneTest, DiscardingUnrecordedOutputsKeepsTheCurrentVersion) {
  int x = 1;
  const std::uint64_t id = made_on(x, 1);
  FakeTask replica(inc_spec, {object(x, Direction::inout)});
  run_unrecorded(replica, 1);
  ASSERT_TRUE(workers.stores(1, id, 2));
  const std::pair<std::uint64_t, std::uint64_t> made[] = {{id, 2}};
  data.discard_outputs(1, made);
  EXPECT_EQ(workers.exact_releases,
            (std::vector<std::tuple<int, std::uint64_t, std::uint64_t>>{{1, id, 2}}));
  EXPECT_FALSE(workers.stores(1, id, 2));  // the unrecorded output is gone
  EXPECT_TRUE(workers.stores(1, id, 1));   // the current version stays
  EXPECT_EQ(holders(id, 1), nodes({1}));
  FakeTask use(read_spec, {object(x, Direction::in)});
  const TaskRequest to_1 = run_on(use, 1);
  EXPECT_FALSE(to_1.params[0].has_value);  // read there from its own copy
  EXPECT_EQ(to_1.params[0].source, "");
  const int calls = workers.calls.load();
  data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
  EXPECT_EQ(x, 2);  // version 1 (inc once), fetched from worker 1's copy
  EXPECT_EQ(workers.calls.load(), calls);  // not made again
}

// A replica's kept inputs are recorded when its answer arrives: the worker's DataEvicted
// notices for them follow that answer, and must find it a holder (else a later record
// would name it holder of a copy it dropped, and fetches from it would fail).
TEST_F(DataPlaneTest, AReplicasKeptInputsAreRecordedBeforeItsEvictionNotices) {
  int x = 1, y = 5;
  FakeTask replica(add_spec, {object(y, Direction::in), object(x, Direction::inout)});
  const TaskRequest request = run_unrecorded(replica, 1);
  ASSERT_TRUE(request.params[0].has_value);  // y inline: worker 1 keeps it
  const std::uint64_t y_id = request.params[0].data_id, y_v = request.params[0].version;
  workers.drop_copy(1, y_id, y_v);
  data.evicted(1, DataEvicted{{WireVersion{y_id, y_v}}});
  const std::pair<std::uint64_t, std::uint64_t> made[] = {{request.params[1].data_id, 2}};
  data.discard_outputs(1, made);
  EXPECT_FALSE(holders(y_id, y_v).contains(1u));
}

// A version sent to a worker whose copies the directory no longer names (evicted) is
// still that version elsewhere: in the master's snapshot, in copies workers keep unnamed.
// The program's write after wait_on must get a new number. Before, the number stayed
// (nobody held it), the new value travelled under it, and a remake of a task that read it
// from its store got the old snapshot: a silently wrong result.
TEST_F(DataPlaneTest, AWriteAfterWaitOnGetsANewNumberEvenWhenNoWorkerHoldsTheOld) {
  int x = 1, y = 0;
  FakeTask t1(read_spec, {object(x, Direction::in)});
  const TaskRequest to_2 = run_on(t1, 2);  // x inline (the master's snapshot: 1)
  const std::uint64_t id = id_of(x), first = to_2.params[0].version;
  workers.drop_copy(2, id, first);
  data.evicted(2, DataEvicted{{WireVersion{id, first}}});  // no holder left
  data.sync(reinterpret_cast<std::uintptr_t>(&x), true);   // wait_on: the program may write
  x = 10;
  FakeTask t4(read_spec, {object(x, Direction::in)});
  const TaskRequest to_4 = run_on(t4, 4);  // x inline: 10, kept on worker 4
  EXPECT_NE(to_4.params[0].version, first);
  FakeTask t5(add_spec, {object(x, Direction::in), object(y, Direction::inout)});
  const TaskRequest t5_sent = run_on(t5, 4);  // x from worker 4's store; y = 10 there
  ASSERT_FALSE(t5_sent.params[0].has_value);
  FakeTask t6(inc_spec, {object(x, Direction::inout)});
  run_on(t6, 3);  // x moves on: worker 4's copy is released
  workers.lose(4);
  data.node_lost(4);
  data.sync(reinterpret_cast<std::uintptr_t>(&y), false);  // t5 made again on worker 2
  EXPECT_EQ(y, 10);  // (before: 1, the first version's snapshot)
}

TEST_F(DataPlaneTest, ALateOutputIsReleasedExactlyAndNoLongerNamed) {
  int x = 1;
  const std::uint64_t id = held_by_two(x, 1, 2);  // the current version on 1 and 2
  const std::uint64_t current = data.inspect([&](const DataDirectory& d) {
    return const_cast<DataDirectory&>(d).find(reinterpret_cast<std::uintptr_t>(&x))->version;
  });
  // (A write the registry counts: every attempt of it names the same number.)
  FakeTask inc(inc_spec, {registry_access(x, Direction::inout, id, 3)});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&inc, 1, request, true));
  CallResult late = workers.run(1, request);  // it timed out: its answer is late
  const std::uint64_t made = request.params[0].stored_as;
  ASSERT_TRUE(workers.stores(1, id, made));
  data.discard_late_outputs(1, request, late.done);
  EXPECT_EQ(workers.exact_releases,
            (std::vector<std::tuple<int, std::uint64_t, std::uint64_t>>{{1, id, made}}));
  EXPECT_FALSE(workers.stores(1, id, made));
  EXPECT_TRUE(workers.stores(1, id, current));  // the current version stays, still named
  EXPECT_EQ(holders(id, current), nodes({1, 2}));
  // The same number recorded from another attempt on worker 2, then a late answer for it
  // from worker 1 (which fetched it): 1 is no longer named its holder.
  run_on(inc, 2);
  FakeTask use(read_spec, {object(x, Direction::in)});
  run_on(use, 1);
  ASSERT_EQ(holders(id, made), nodes({1, 2}));
  data.discard_late_outputs(1, request, late.done);
  EXPECT_EQ(holders(id, made), nodes({2}));
  data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
  EXPECT_EQ(x, 3);  // (inc twice; the late attempt's never counted)
}

// A timed-out attempt may have stored its output on a worker under the number its request
// named. A datum tracked again under the same id (its object forgotten) starts after that
// number, so no request names it for another value (before, it started at the registry's
// version, that very number, and a reader on that worker sent a source read its store).
TEST_F(DataPlaneTest, ADatumTrackedAgainStartsAfterTheNumbersItsRequestsNamed) {
  int x = 1;
  FakeTask inc(inc_spec, {registry_access(x, Direction::inout, 50, 3)});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&inc, 1, request, true));
  ASSERT_EQ(request.params[0].stored_as, number(3));
  workers.run(1, request);  // it timed out: never recorded
  data.forget(reinterpret_cast<std::uintptr_t>(&x));
  FakeTask use(read_spec, {registry_access(x, Direction::in, 50, 3)});
  const TaskRequest sent = run_on(use, 2);
  EXPECT_GT(sent.params[0].version, number(3));
}

// The registry renumbered x (delete_object, in_delete: a new id whose versions count from
// 0) while the directory still tracks it under its old id, and tasks on the master write
// it. Their registry versions are the new id's: taken as numbers under the old id they
// named the very number a timed-out attempt's request had named there (two values under
// one number). Such a write is numbered as one the registry does not count, after every
// number named (DataDirectory::registry_version_of).
TEST_F(DataPlaneTest, AMasterWriteToARenumberedDatumNeverTakesANumberARequestNamed) {
  int x = 1;
  FakeTask a(inc_spec, {registry_access(x, Direction::inout, 70, 2)});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&a, 1, request, true));
  const std::uint64_t late = request.params[0].stored_as;
  ASSERT_EQ(late, number(2));
  workers.run(1, request);  // it timed out: stored on worker 1, never recorded
  auto latest = [&] {
    return data.inspect([&](const DataDirectory& d) {
      return const_cast<DataDirectory&>(d).find(reinterpret_cast<std::uintptr_t>(&x))->version;
    });
  };
  for (std::uint64_t v : {1, 2}) {  // the new id 1070's versions 1 and 2, on the master
    FakeTask c(inc_spec, {registry_access(x, Direction::inout, 1070, v)});
    data.before_run(&c);
    x += 1;
    data.wrote_on_master(&c);
    ASSERT_EQ(id_of(x), 70u);  // (still the old id: no request passed it since)
    EXPECT_NE(latest(), late);
  }
  EXPECT_GT(latest(), late);
}

// A write whose number is not its registry version's (here the fakes' unnumbered
// descriptors: the latest plus one, as for a write the registry does not count) timed
// out on worker 1, which stored its output late under that number. The next write, on
// worker 2, must get another number: a reader on worker 1 sent worker 2 as its source
// reads its own store first, and would take the late value. (Before, both requests named
// the latest plus one.)
TEST_F(DataPlaneTest, ALaterWriteNeverTakesTheNumberOfATimedOutAttemptsOutput) {
  int x = 1;
  FakeTask a(inc_spec, {object(x, Direction::inout)});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&a, 1, request, true));
  workers.run(1, request);  // timed out: its output stays on worker 1, unrecorded
  const std::uint64_t id = id_of(x), late = request.params[0].stored_as;
  ASSERT_TRUE(workers.stores(1, id, late));
  FakeTask b(inc_spec, {object(x, Direction::inout)});
  const TaskRequest to_2 = run_on(b, 2);
  EXPECT_NE(to_2.params[0].stored_as, late);
  FakeTask c(read_spec, {object(x, Direction::in)});
  TaskRequest to_1;
  ASSERT_TRUE(data.build_request(&c, 1, to_1, true));
  ASSERT_EQ(to_1.params[0].source, "w2");
  EXPECT_FALSE(workers.stores(1, id, to_1.params[0].version))
      << "worker 1 would read the timed-out attempt's value from its store";
}

namespace {
using compss::test::contents;
using compss::test::TestDir;
/// A file parameter passing `path` (the binding's storage).
ParamDescriptor file_param(std::string& path, Direction direction) {
  ParamDescriptor d;
  d.kind = ParamKind::file;
  d.key = DataKey::of_file(path);
  d.object = &path;
  d.vtable = vtable_for<std::string>();
  d.direction = direction;
  return d;
}
constexpr TaskSpec write2_spec{"write2", "void write2(std::string, std::string)", nullptr, 2};
}  // namespace

// On a shared file system a worker writes a task's file outputs at the path its request
// names. An attempt the master gave up on (time_out, `ignore`: its successor runs at once)
// may still be running and write the file after the successor did. The request names an
// attempt-private path (attempt_files), moved into place only when the master records the
// answer, never for a late one: the late write never reaches the file. (Its removal is
// the AttemptDriver's: test_attempt_driver.)
TEST_F(DataPlaneTest, ALateSharedFileWriteNeverOverwritesALaterOne) {
  static constexpr TaskSpec write_spec{"write", "void write(std::string)", nullptr, 1};
  TestDir files("compss-late-file");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "0";
  // What a worker sharing the master's files does: writes at the path the request names.
  auto write_as_worker = [](const TaskRequest& r, const char* bytes) {
    std::ofstream(value_of<std::string>(r.params[0].value), std::ios::trunc) << bytes;
  };
  std::string a_path = path, b_path = path;
  FakeTask a(write_spec, {file_param(a_path, Direction::inout)});
  TaskRequest to_1;
  ASSERT_TRUE(data.build_request(&a, 1, to_1, true));  // it times out on worker 1
  FakeTask b(write_spec, {file_param(b_path, Direction::inout)});  // its successor, at once (ignore)
  TaskRequest to_2;
  ASSERT_TRUE(data.build_request(&b, 2, to_2, true));
  write_as_worker(to_2, "b");
  TaskDone b_done;
  data.record_outputs(&b, 2, std::make_shared<const TaskRecord>(to_2), b_done);
  write_as_worker(to_1, "a");  // a's body returns late
  data.discard_late_outputs(1, to_1, TaskDone{});
  data.sync_file(path);
  EXPECT_EQ(contents(path), "b");
}

// Two files a task wrote on a worker without the master's files come back in its answer;
// the second cannot be written (its directory does not exist). Nothing is recorded and
// the first file keeps its bytes too (before, it was replaced already: not undone).
TEST_F(DataPlaneTest, ASecondFileThatCannotBeWrittenLeavesTheFirstAsItWas) {
  TestDir files("compss-two-files");
  std::ofstream(files.path("a.txt")) << "old";
  std::string a = files.path("a.txt"), b = files.path("no-such-dir/b.txt");
  FakeTask t(write2_spec, {file_param(a, Direction::out), file_param(b, Direction::out)});
  TaskDone done;
  for (std::uint64_t i = 0; i < 2; ++i) {
    done.outputs.push_back(WireParam{.version = i, .direction = static_cast<std::uint8_t>(Direction::out),
                                     .kind = static_cast<std::uint8_t>(ParamKind::file),
                                     .has_value = true, .value = compss::to_bytes(std::string("new"))});
  }
  EXPECT_THROW(data.record_outputs(&t, 1, std::make_shared<const TaskRecord>(), done), compss::Error);
  EXPECT_EQ(contents(a), "old");
  EXPECT_EQ(files.entries(), 1U);  // (no file left beside it)
}

// On a shared file system each written file is named to a private path; recording moves
// them into place last. The first move fails (a directory is in the way): every file
// stays as it was, and the error is an ordinary one (the attempt may run again; the
// AttemptDriver removes the private files: test_attempt_driver). A failure after a file
// was moved names it (PartlyMoved: the task is not run again, it would read that file as
// its input).
TEST_F(DataPlaneTest, FilesAreMovedIntoPlaceLastAndAFailedMoveSaysWhatWasMoved) {
  for (bool first_fails : {true, false}) {
    SCOPED_TRACE(first_fails);
    TestDir files("compss-two-moves");
    std::string a = files.path("a.txt"), b = files.path("b.txt");
    std::filesystem::create_directories(first_fails ? a + "/in-the-way" : b + "/in-the-way");
    std::ofstream(first_fails ? b : a) << "old";
    FakeTask t(write2_spec, {file_param(a, Direction::out), file_param(b, Direction::out)});
    TaskRequest request;
    ASSERT_TRUE(data.build_request(&t, 1, request, true));
    for (std::size_t i = 0; i < 2; ++i) {
      const std::string mine = value_of<std::string>(request.params[i].value);
      ASSERT_EQ(mine.rfind(files.path(i == 0 ? "a" : "b") + ".compss-attempt-", 0), 0U) << mine;
      std::ofstream(mine) << "new";
    }
    TaskDone done;
    if (first_fails) {
      try {
        data.record_outputs(&t, 1, std::make_shared<const TaskRecord>(request), done);
        ADD_FAILURE() << "no error";
      } catch (const attempt_files::PartlyMoved&) {
        ADD_FAILURE() << "nothing was moved";
      } catch (const compss::Error& e) {
        EXPECT_NE(std::string(e.what()).find("into place as '" + a + "'"), std::string::npos) << e.what();
      }
      EXPECT_EQ(contents(b), "old");
    } else {
      try {
        data.record_outputs(&t, 1, std::make_shared<const TaskRecord>(request), done);
        ADD_FAILURE() << "no error";
      } catch (const attempt_files::PartlyMoved& e) {
        EXPECT_NE(std::string(e.what()).find("'" + a + "' already hold"), std::string::npos) << e.what();
      }
      EXPECT_EQ(contents(a), "new");
    }
  }
}

// A recording that fails removes the private files the data plane wrote itself (a
// file's bytes that came back in the answer, --shared-fs no), and only those: a private
// file the request named is the AttemptDriver's to remove (its RemovedUnlessKept guard),
// which may keep it (compss::Exception in a group). Here `a`'s private file was named by
// the request, `b`'s bytes came in the answer; moving `a` into place fails (a directory
// is in the way). Before, both private files were removed here.
TEST_F(DataPlaneTest, AFailedRecordRemovesOnlyThePrivateFilesItWrote) {
  TestDir files("compss-own-files");
  std::string a = files.path("a.txt"), b = files.path("b.txt");
  std::filesystem::create_directories(a + "/in-the-way");
  FakeTask t(write2_spec, {file_param(a, Direction::out), file_param(b, Direction::out)});
  const std::string a_mine = attempt_files::private_path(a);
  std::ofstream(a_mine) << "new";
  auto record = std::make_shared<TaskRequest>();
  record->params.push_back(WireParam{.direction = static_cast<std::uint8_t>(Direction::out),
                                     .kind = static_cast<std::uint8_t>(ParamKind::file),
                                     .has_value = true, .value = compss::to_bytes(a_mine)});
  record->params.push_back(WireParam{.direction = static_cast<std::uint8_t>(Direction::out),
                                     .kind = static_cast<std::uint8_t>(ParamKind::file)});
  TaskDone done;
  done.outputs.push_back(WireParam{.version = 1, .direction = static_cast<std::uint8_t>(Direction::out),
                                   .kind = static_cast<std::uint8_t>(ParamKind::file),
                                   .has_value = true, .value = compss::to_bytes(std::string("new"))});
  EXPECT_THROW(data.record_outputs(&t, 1, record, done), compss::Error);
  EXPECT_TRUE(std::filesystem::exists(a_mine));  // (the request's: the guard's to remove)
  EXPECT_FALSE(std::filesystem::exists(b));
  EXPECT_EQ(files.entries(), 2U);  // a (the directory) and a's private file: b's was removed
}

// A task (inout file) raised compss::Exception in a group on a worker sharing the
// master's files: its private file is moved into place, a new latest version only the
// master holds. A worker keeping a copy of the version before (without the master's
// files) must not read it as the latest: the handler task placed there would read the
// old bytes (before, the move recorded no version).
TEST_F(DataPlaneTest, AGroupExceptionsFileOnASharedWorkerIsANewMasterHeldVersion) {
  static constexpr TaskSpec write_spec{"write", "void write(std::string)", nullptr, 1};
  TestDir files("compss-group-file");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "v";
  workers.unshared = 2;
  auto file_version = [&] {
    return data.inspect([&](const DataDirectory& d) {
      const TrackedDatum* x = const_cast<DataDirectory&>(d).find_file(path);
      return x != nullptr ? std::tuple{x->id, x->version, x->master_version}
                          : std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>{};
    });
  };
  std::string read_path = path;
  ParamDescriptor in = file_param(read_path, Direction::in);
  in.data_id = registry_id_of(&path);  // (the registry's one id for the file)
  FakeTask read(write_spec, {in});
  TaskRequest to_2;  // worker 2 keeps a copy of the file's bytes
  ASSERT_TRUE(data.build_request(&read, 2, to_2, true));
  TaskDone done;
  data.record_outputs(&read, 2, std::make_shared<const TaskRecord>(to_2), done);
  const auto [id, before, _] = file_version();
  ASSERT_NE(id, 0U);
  ASSERT_TRUE(holders(id, before).contains(2));
  std::string raised_path = path;
  ParamDescriptor inout = file_param(raised_path, Direction::inout);
  inout.data_id = in.data_id;
  FakeTask raised(write_spec, {inout});
  TaskRequest to_1;
  ASSERT_TRUE(data.build_request(&raised, 1, to_1, true));
  std::ofstream(value_of<std::string>(to_1.params[0].value), std::ios::trunc) << "raised";
  EXPECT_TRUE(data.keep_group_exception_writes(&raised, 1, to_1, nullptr).empty());
  EXPECT_EQ(contents(path), "raised");
  const auto [same_id, after, master] = file_version();
  EXPECT_GT(after, before);
  EXPECT_EQ(master, after);  // (the master holds it: a reader on worker 2 gets its bytes)
  EXPECT_EQ(workers.releases_to(2, id, before), 1U);  // (its old copy is released)
  EXPECT_EQ(files.entries(), 1U);
}

// A task that wrote an object and a file on a worker sharing the master's files; the
// program then wrote the file again, and the worker was lost. Making the object's lost
// version again runs the task again (lineage): it writes a private file of its own, which
// is removed, never moved over the program's later file.
TEST_F(DataPlaneTest, ARemakeNeverMovesItsFileIntoPlace) {
  static constexpr TaskSpec inc_log_spec{"inc_log", "void inc_log(int &, std::string)", nullptr, 2};
  TestDir files("compss-remake-file");
  std::string path = files.path("log.txt");
  int x = 1;
  FakeTask t(inc_log_spec, {object(x, Direction::inout), file_param(path, Direction::out)});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&t, 1, request, true));
  CallResult r = workers.run(1, request);
  std::ofstream(value_of<std::string>(request.params[1].value)) << "first";
  data.record_outputs(&t, 1, std::make_shared<const TaskRecord>(request), r.done);
  ASSERT_EQ(contents(path), "first");
  std::ofstream(path) << "later";  // the program (or a later task) writes it again
  std::string remade;
  workers.on_call = [&](const TaskRequest& again) {  // the remake writes where it is told
    remade = value_of<std::string>(again.params.at(1).value);
    std::ofstream(remade) << "remade";
  };
  workers.lose(1);
  workers.on_failed_fetch = [&](int n) { data.node_lost(n); };
  data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
  EXPECT_EQ(x, 2);
  EXPECT_EQ(remade.rfind(files.path("log") + ".compss-attempt-", 0), 0U) << remade;
  EXPECT_NE(remade, value_of<std::string>(request.params[1].value));
  EXPECT_EQ(contents(path), "later");
  EXPECT_EQ(files.entries(), 1U);  // (the remake's private file was removed)
}

// A task read a file in place (a worker sharing the master's files) and wrote an object;
// the file was written again since (a later task, the program, or, inout, the task
// itself), then the object's only copy was lost with its worker. A write that replaced the
// file by a rename (a task's answer) leaves the version the task read kept by a link
// (net/kept_files.hpp): it is made again from that version, the sequential answer (before,
// a clear error). A write in place (the program's, on the inode the task read) leaves
// nothing to read it from: a clear error naming the task and the file (before that, it was
// made again from the later file, silently).
struct ChangedFile {
  Direction direction;
  const char* by;  // "task", "program", "mtime put back" (the program) or "itself"
  bool remade;     // made again from the version the task read, else a clear error
  friend void PrintTo(const ChangedFile& c, std::ostream* os) {
    *os << (c.direction == Direction::in ? "in" : "inout") << " file written by " << c.by;
  }
};
class DataPlaneRemakeFile : public DataPlaneTest, public ::testing::WithParamInterface<ChangedFile> {};

TEST_P(DataPlaneRemakeFile, ARemakeReadsTheVersionItsProducerReadOrFailsClearly) {
  static constexpr TaskSpec scale_spec{"scale", "void scale(int &, std::string)", nullptr, 2};
  static constexpr TaskSpec write_spec{"write", "void write(std::string)", nullptr, 1};
  const ChangedFile c = GetParam();
  TestDir files("compss-remake-read");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  workers.bodies["void scale(int &, std::string)"] = [](std::vector<int>& v) { v[0] += 1; };
  workers.bodies["void write(std::string)"] = [](std::vector<int>&) {};
  auto write_as_worker = [](const TaskRequest& r, std::size_t i, const char* bytes) {
    std::ofstream(value_of<std::string>(r.params[i].value), std::ios::trunc) << bytes;
  };
  int x = 1;
  std::string p_path = path;
  FakeTask p(scale_spec, {object(x, Direction::inout), file_param(p_path, c.direction)});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&p, 1, request, true));
  CallResult r = workers.run(1, request);
  if (c.direction == Direction::inout) write_as_worker(request, 1, "itself");
  data.record_outputs(&p, 1, std::make_shared<const TaskRecord>(request), r.done);
  if (std::string(c.by) == "task") {  // a later task writes it on worker 2 (moved into place)
    std::string w_path = path;
    FakeTask w(write_spec, {file_param(w_path, Direction::inout)});
    TaskRequest to_2;
    ASSERT_TRUE(data.build_request(&w, 2, to_2, true));
    CallResult r2 = workers.run(2, to_2);
    write_as_worker(to_2, 0, "later");
    data.record_outputs(&w, 2, std::make_shared<const TaskRecord>(to_2), r2.done);
  } else if (std::string(c.by) == "program") {
    std::ofstream(path, std::ios::app) << "+program";
  } else if (std::string(c.by) == "mtime put back") {  // same inode and size (as cp -p, touch -r)
    const auto mtime = std::filesystem::last_write_time(path);
    std::ofstream(path, std::ios::in | std::ios::out) << "F";  // (its first byte, in place)
    std::filesystem::last_write_time(path, mtime);
  }
  const std::string now = contents(path);
  std::string read;  // what the remake's body finds at the path it is given
  workers.on_call = [&](const TaskRequest& again) { read = contents(value_of<std::string>(again.params.at(1).value)); };
  workers.lose(1);
  workers.on_failed_fetch = [&](int n) { data.node_lost(n); };
  const int calls = workers.calls.load();
  try {
    data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
    EXPECT_TRUE(c.remade) << "made again from the later file: x = " << x;
    EXPECT_EQ(x, 2);
    EXPECT_EQ(read, "first");
  } catch (const compss::Error& e) {
    const std::string what = e.what();
    EXPECT_FALSE(c.remade) << what;
    EXPECT_NE(what.find("cannot be made again"), std::string::npos) << what;
    EXPECT_NE(what.find("void scale(int &, std::string)"), std::string::npos) << what;
    EXPECT_NE(what.find(path + ", which was changed since"), std::string::npos) << what;
    EXPECT_EQ(workers.calls.load(), calls);  // (found before it ran again)
  }
  EXPECT_EQ(contents(path), now);  // (a remake never writes the user's file)
  EXPECT_EQ(files.entries(), 1U);  // (no private file left)
}

// A remake reads its producer's file at the kept link, under the file's own name; a task
// on the master writing that file in place meanwhile (it moves the kept version to a copy
// first, but the remake may have opened the old inode, which it then writes) fails the
// remake clearly instead of a torn or later read passing the check after the run.
TEST_F(DataPlaneTest, ARemakeDuringWhichATaskOnTheMasterWritesItsFileFailsClearly) {
  static constexpr TaskSpec scale_spec{"scale", "void scale(int &, std::string)", nullptr, 2};
  TestDir files("compss-remake-moved");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  workers.bodies["void scale(int &, std::string)"] = [](std::vector<int>& v) { v[0] += 1; };
  int x = 1;
  std::string p_path = path;
  FakeTask p(scale_spec, {object(x, Direction::inout), file_param(p_path, Direction::in)});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&p, 1, request, true));
  CallResult r = workers.run(1, request);
  data.record_outputs(&p, 1, std::make_shared<const TaskRecord>(request), r.done);
  std::string seen;
  workers.on_call = [&](const TaskRequest& again) {
    seen = value_of<std::string>(again.params.at(1).value);
    compss::net::kept_files::before_write_in_place(path);  // a task on the master, meanwhile
    std::ofstream(path, std::ios::trunc) << "master";
  };
  workers.lose(1);
  workers.on_failed_fetch = [&](int n) { data.node_lost(n); };
  try {
    data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
    ADD_FAILURE() << "made again while its file was written: x = " << x;
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find(path + ", which a task on the master wrote in place while it was made again"),
              std::string::npos) << e.what();
  }
  EXPECT_NE(seen, path);
  EXPECT_EQ(std::filesystem::path(seen).filename(), "f.txt") << seen;
}

// COMPSS_KEEP_READ_FILES=0 (docs/configuration.md): no disk kept for remakes; a file a
// task reads in place is stamped only (any change since fails a remake clearly).
TEST_F(DataPlaneTest, WithKeepReadFilesOffAReadFileIsStampedOnly) {
  static constexpr TaskSpec scale_spec{"scale", "void scale(int &, std::string)", nullptr, 2};
  struct Off {
    Off() {
      ::setenv("COMPSS_KEEP_READ_FILES", "0", 1);
      compss::config::load_run_config();
    }
    ~Off() {
      ::unsetenv("COMPSS_KEEP_READ_FILES");
      compss::config::load_run_config();
    }
  } off;
  TestDir files("compss-keep-off");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  int x = 1;
  std::string p_path = path;
  FakeTask p(scale_spec, {object(x, Direction::inout), file_param(p_path, Direction::in)});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&p, 1, request, true));
  ASSERT_EQ(request.read_files.size(), 1U);
  EXPECT_TRUE(request.read_files[0].exists);
  EXPECT_EQ(request.read_files[0].kept, nullptr);
  std::size_t all = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(files.dir)) ++all;
  EXPECT_EQ(all, 1U);  // (no directory of links)
}

// A `concurrent` or `commutative` file is written in place by its own body: stamped only,
// no link (a remake would read a link its body changed: "changed since it ran" is right).
TEST_F(DataPlaneTest, AConcurrentOrCommutativeFileIsStampedOnly) {
  static constexpr TaskSpec scale_spec{"scale", "void scale(int &, std::string)", nullptr, 2};
  TestDir files("compss-keep-concurrent");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  for (Direction direction : {Direction::concurrent, Direction::commutative}) {
    int x = 1;
    std::string p_path = path;
    FakeTask p(scale_spec, {object(x, Direction::inout), file_param(p_path, direction)});
    TaskRequest request;
    ASSERT_TRUE(data.build_request(&p, 1, request, true));
    ASSERT_EQ(request.read_files.size(), 1U);
    EXPECT_TRUE(request.read_files[0].exists);
    EXPECT_EQ(request.read_files[0].kept, nullptr) << static_cast<int>(direction);
  }
  std::size_t all = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(files.dir)) ++all;
  EXPECT_EQ(all, 1U);  // (no directory of links)
}

INSTANTIATE_TEST_SUITE_P(, DataPlaneRemakeFile,
                         ::testing::Values(ChangedFile{Direction::in, "task", true},
                                           ChangedFile{Direction::in, "program", false},
                                           ChangedFile{Direction::in, "mtime put back", false},
                                           ChangedFile{Direction::inout, "task", true},
                                           ChangedFile{Direction::inout, "program", true},
                                           ChangedFile{Direction::inout, "itself", true}),
                         [](const auto& info) {
                           return std::string(info.param.direction == Direction::in ? "In" : "Inout") +
                                  "WrittenBy" + (info.param.by[0] == 't'   ? "ALaterTask"
                                                 : info.param.by[0] == 'p' ? "TheProgram"
                                                 : info.param.by[0] == 'm' ? "TheProgramWithItsMtimePutBack"
                                                                           : "ItsProducer");
                         });

// The same with the file unchanged: the task runs again (reading the same file) and the
// version is made again.
TEST_F(DataPlaneTest, ARemakeFromAnUnchangedFileItsProducerReadRunsIt) {
  static constexpr TaskSpec scale_spec{"scale", "void scale(int &, std::string)", nullptr, 2};
  TestDir files("compss-remake-same");
  std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  workers.bodies["void scale(int &, std::string)"] = [](std::vector<int>& v) { v[0] += 1; };
  int x = 1;
  FakeTask p(scale_spec, {object(x, Direction::inout), file_param(path, Direction::in)});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&p, 1, request, true));
  CallResult r = workers.run(1, request);
  data.record_outputs(&p, 1, std::make_shared<const TaskRecord>(request), r.done);
  std::string read;
  std::string bytes;
  workers.on_call = [&](const TaskRequest& again) {
    read = value_of<std::string>(again.params.at(1).value);
    bytes = contents(read);
  };
  workers.lose(1);
  workers.on_failed_fetch = [&](int n) { data.node_lost(n); };
  data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
  EXPECT_EQ(x, 2);
  // (at the link keeping the version it read, net/kept_files.hpp: the same bytes)
  EXPECT_NE(read.find("/.compss-kept-"), std::string::npos) << read;
  EXPECT_EQ(bytes, "first");
  EXPECT_EQ(contents(path), "first");
}

// A private path keeps the file's extension (libraries choose a format by it: image
// writers, .gz), stays in the file's directory, and names the file it was made from.
TEST(DataPlaneAttemptFiles, APrivatePathKeepsTheExtension) {
  const std::pair<std::string, std::string> cases[] = {
      {"/d.x/out.png", ".png"}, {"/d/a.tar.gz", ".tar.gz"}, {"/d/.hidden.json", ".json"},
      {"/d.x/plain", ""},       {"/d/.bashrc", ""}};
  for (const auto& [path, ext] : cases) {
    const std::string mine = attempt_files::private_path(path);
    SCOPED_TRACE(mine);
    const std::string after_n = mine.substr(mine.rfind('-') + 1);  // "<n><ext>"
    EXPECT_EQ(after_n.substr(std::min(after_n.size(), after_n.find('.'))), ext);
    EXPECT_EQ(mine.rfind(path.substr(0, path.size() - ext.size()) + ".compss-attempt-", 0), 0U);
    EXPECT_TRUE(attempt_files::is_private(mine));
    EXPECT_FALSE(attempt_files::is_private(path));
    EXPECT_EQ(attempt_files::master_path_of(mine), path);
  }
  EXPECT_FALSE(attempt_files::is_private("/d/.compss-attempt-1-ab-2.png"));  // (no stem)
  EXPECT_FALSE(attempt_files::is_private("/d/f.compss-attempt-1-ab-2x"));
}

// A private file left by a killed run (or a rerun naming the same path) is removed when
// a request names the path again: for an out file the body leaves alone or appends to, it
// would be moved into place. The name carries a random nonce of the run too.
TEST(DataPlaneAttemptFiles, ALeftoverPrivateFileIsRemovedWhenThePathIsNamed) {
  TestDir files("compss-leftover");
  const std::string path = files.path("f.txt");
  const std::string mine = attempt_files::private_path(path);
  std::ofstream(mine) << "stale";
  attempt_files::prepare(path, mine, false);  // out
  EXPECT_FALSE(std::filesystem::exists(mine));
  std::ofstream(mine) << "stale";
  attempt_files::prepare(path, mine, true);  // inout, no file yet: the body creates it
  EXPECT_FALSE(std::filesystem::exists(mine));
  std::ofstream(path) << "current";
  attempt_files::prepare(path, mine, true);
  EXPECT_EQ(contents(mine), "current");
  // <stem>.compss-attempt-<pid>-<16 hex digits>-<n><ext>
  const std::string tail = mine.substr(files.path("f.compss-attempt-").size());
  const std::string pid = std::to_string(::getpid()) + "-";
  ASSERT_EQ(tail.rfind(pid, 0), 0U) << tail;
  EXPECT_EQ(tail.find('-', pid.size()), pid.size() + 16) << tail;
}

// A relative path the program passed: the request names a private path built from the
// file's absolute key (a relative one would be resolved against the worker's cwd).
TEST_F(DataPlaneTest, APrivatePathIsAbsoluteForARelativeFile) {
  static constexpr TaskSpec write_spec{"write", "void write(std::string)", nullptr, 1};
  TestDir files("compss-relative");
  const std::string absolute = files.path("r.txt");
  std::string relative = "r.txt";
  ParamDescriptor d = file_param(relative, Direction::out);
  d.key = DataKey::of_file(absolute);
  FakeTask t(write_spec, {d});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&t, 1, request, true));
  const std::string mine = value_of<std::string>(request.params[0].value);
  EXPECT_EQ(mine.rfind(files.path("r") + ".compss-attempt-", 0), 0U) << mine;
  attempt_files::remove_private_files(request);
}

TEST_F(DataPlaneTest, NodesBeyond64HoldDataAndAreReleasedWhenTheObjectIsForgotten) {
  int x = 1;
  FakeTask inc(inc_spec, {object(x, Direction::inout)});
  run_on(inc, 70);
  const std::uint64_t id = id_of(x);
  FakeTask use(read_spec, {object(x, Direction::in)});
  EXPECT_EQ(run_on(use, 1000).params[0].source, "w70");
  EXPECT_EQ(holders(id, 1), nodes({70, 1000}));
  std::vector<std::uint64_t> bytes(1001, 0);
  data.add_input_bytes(use, bytes);
  EXPECT_EQ(bytes[70], sizeof(int));
  EXPECT_EQ(bytes[1000], sizeof(int));
  EXPECT_EQ(bytes[0], 0u);  // the master's copy is older
  data.forget(reinterpret_cast<std::uintptr_t>(&x));
  EXPECT_EQ(workers.releases_to(70, id, DataRelease::all_versions), 1u);
  EXPECT_EQ(workers.releases_to(1000, id, DataRelease::all_versions), 1u);
}

TEST_F(DataPlaneTest, AFetchFromALostHolderFallsBackToLineage) {
  int x = 1;
  FakeTask inc1(inc_spec, {object(x, Direction::inout)});
  FakeTask inc2(inc_spec, {object(x, Direction::inout)});
  run_on(inc1, 1);
  run_on(inc2, 1);  // version 2 needs version 1, which worker 1 released
  const std::uint64_t id = id_of(x);
  workers.lose(1);  // dies; the master notices when a fetch from it fails
  workers.on_failed_fetch = [&](int n) { data.node_lost(n); };
  data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
  EXPECT_EQ(x, 3);
  EXPECT_EQ(workers.calls.load(), 2);  // version 1 and then version 2, on worker 2
  EXPECT_EQ(holders(id, 2), nodes({2}));
  EXPECT_EQ(workers.releases_to(2, id, 1), 1u);  // made again only as an input: dropped
}

// The run fails while a remake waits for its placement: once placed, it is not sent, and
// the versions after it in the chain are not made either (the caller's version stays
// lost, with a clear error). Before, both versions were made again after the failure.
TEST_F(DataPlaneTest, ARemakePlacedAfterTheRunFailedIsNotSent) {
  int x = 1;
  FakeTask inc1(inc_spec, {object(x, Direction::inout)});
  FakeTask inc2(inc_spec, {object(x, Direction::inout)});
  run_on(inc1, 1);
  run_on(inc2, 1);  // version 2 needs version 1, which worker 1 released
  workers.lose(1);
  data.node_lost(1);
  workers.before_choose = [&] { workers.failed = true; };  // (while version 1's remake waits)
  try {
    data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
    ADD_FAILURE() << "the lost version was given";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("is not made again: the run failed"), std::string::npos) << e.what();
  }
  EXPECT_EQ(workers.calls.load(), 0);  // nothing sent
  EXPECT_EQ(x, 1);
}

TEST_F(DataPlaneTest, ARemakeAsksTheProducersCoresAndGpus) {
  int x = 1;
  FakeTask inc(inc_spec, {object(x, Direction::inout)});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&inc, 1, request, true));
  request.computing_units = 4;  // what the scheduler reserved for it on worker 1
  request.gpus = 2;
  CallResult r = workers.run(1, request);
  data.record_outputs(&inc, 1, std::make_shared<const TaskRecord>(request), r.done);
  workers.lose(1);
  data.node_lost(1);
  data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
  EXPECT_EQ(x, 2);
  ASSERT_EQ(workers.called_units.size(), 1u);
  EXPECT_EQ(workers.called_units[0], (std::pair<std::uint32_t, std::uint32_t>{4, 2}));
}

TEST_F(DataPlaneTest, ALostVersionIsMadeAgainOnceHoweverManyWaitForIt) {
  int x = 1;
  FakeTask inc(inc_spec, {object(x, Direction::inout)});
  run_on(inc, 1);
  data.node_lost(1);
  workers.lose(1);
  constexpr int waiters = 3;
  // The remake is held back until the other threads wait for it (a deadline, not a sleep).
  workers.before_call = [&] {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (data.remake_waiters() < waiters && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
  };
  std::vector<std::thread> threads;
  std::vector<int> got(waiters + 1, 0);
  for (int i = 0; i <= waiters; ++i) {
    threads.emplace_back([&, i] {
      int y = 0;  // each reads x on its own worker
      FakeTask add(add_spec, {object(x, Direction::in), object(y, Direction::inout)});
      TaskRequest request;
      ASSERT_TRUE(data.build_request(&add, 2, request, true));
      got[static_cast<std::size_t>(i)] = request.params[0].source.empty() ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(workers.calls.load(), 1);
  for (int g : got) EXPECT_EQ(g, 1);  // worker 2 made it: each reads its own store
  data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
  EXPECT_EQ(x, 2);
}

// A thread that holds cores the producer fits (a replica building its request) needs a
// version whose remake another thread started first, and whose placement waits for those
// very cores (an ordinary call that gave its node back): it makes the version on them
// itself, and the first run, once placed, finds it made and runs nothing. Before, it
// waited for that run, which waited for its cores: for ever (here, the placement's
// stand-in gives up after 10 s and the test fails).
TEST_F(DataPlaneTest, AThreadThatLendsCoresRunsARemakeWhosePlacementWaitsForThem) {
  int x = 1;
  const std::uint64_t id = made_on(x, 1);
  data.node_lost(1);
  workers.lose(1);
  thread_local bool replica = false;  // (the thread that holds worker 3's core)
  workers.lend = [](TaskRequest&) { return replica ? 3 : -1; };
  std::atomic<bool> choosing{false}, replica_built{false}, built_before_placed{false};
  workers.before_choose = [&] {  // the first run's placement: free once the replica is done
    choosing = true;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!replica_built && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    built_before_placed = replica_built.load();
  };
  std::string first_source, replica_source;
  std::uint64_t version = 0;
  std::thread first([&] {  // the ordinary call: its remake waits for a placement
    int y = 0;
    FakeTask add(add_spec, {object(x, Direction::in), object(y, Direction::inout)});
    TaskRequest request;
    ASSERT_TRUE(data.build_request(&add, 2, request, true));
    first_source = request.params[0].source;
  });
  std::thread replica_thread([&] {
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
         !choosing && std::chrono::steady_clock::now() < deadline;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    replica = true;
    int y = 0;
    FakeTask add(add_spec, {object(x, Direction::in), object(y, Direction::inout)});
    TaskRequest request;
    ASSERT_TRUE(data.build_request(&add, 3, request, true));
    replica_source = request.params[0].source;
    version = request.params[0].version;
    replica_built = true;
  });
  first.join();
  replica_thread.join();
  EXPECT_TRUE(built_before_placed) << "the replica waited for the run whose placement waited for its cores";
  EXPECT_EQ(workers.calls.load(), 1);        // on the lent core only: the first run ran nothing
  EXPECT_EQ(replica_source, "");             // made on its own worker
  EXPECT_EQ(first_source, "w3");             // read from there
  EXPECT_EQ(holders(id, version), nodes({3}));
}

// Two threads hold cores the producer fits (two replicas building their requests) while
// the run another thread started waits for its placement: only one of them runs it on
// its cores, the other waits for that run (DataPlane::Remaking::running). Before, each ran
// its own, at once: the producer ran twice concurrently (seen in
// ClusterRemake.AReplicaLendsItsCoresToTheRemakeItsRequestWaitsFor, 1 run in 9).
TEST_F(DataPlaneTest, OnlyOneThreadRunsARemakeOnLentCores) {
  int x = 1;
  made_on(x, 1);
  data.node_lost(1);
  workers.lose(1);
  thread_local int lends = -1;  // (the worker whose core the thread holds)
  workers.lend = [](TaskRequest&) { return lends; };
  std::atomic<bool> choosing{false};
  workers.before_choose = [&] {  // the first run's placement: free once a lent run is over
    choosing = true;
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
         workers.calls == 0 && std::chrono::steady_clock::now() < deadline;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  std::atomic<int> in_call{0}, most_in_call{0};
  workers.before_call = [&] {  // a lent run lasts until the other replica waits, or runs too
    most_in_call = std::max(most_in_call.load(), ++in_call);
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
         data.remake_waiters() == 0 && in_call < 2 && std::chrono::steady_clock::now() < deadline;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    --in_call;
  };
  std::thread first([&] {  // the ordinary call: its remake waits for a placement
    int y = 0;
    FakeTask add(add_spec, {object(x, Direction::in), object(y, Direction::inout)});
    TaskRequest request;
    ASSERT_TRUE(data.build_request(&add, 2, request, true));
  });
  auto replica = [&](int node) {  // (worker 3's once worker 2's runs the producer)
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
         !(node == 2 ? choosing.load() : in_call > 0) && std::chrono::steady_clock::now() < deadline;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    lends = node;
    int y = 0;
    FakeTask add(add_spec, {object(x, Direction::in), object(y, Direction::inout)});
    TaskRequest request;
    EXPECT_TRUE(data.build_request(&add, node, request, true));
  };
  std::thread r2(replica, 2), r3(replica, 3);
  r2.join();
  r3.join();
  first.join();
  EXPECT_EQ(most_in_call.load(), 1) << "two threads ran the producer at once";
  EXPECT_EQ(workers.calls.load(), 1);
}

constexpr TaskSpec make_spec{"make", "int make()", nullptr, 0};

/// The result of a task returning an int: its future's state, as call_task describes it.
ParamDescriptor result_of(compss::detail::FutureState<int>& s) {
  ParamDescriptor d;
  d.key = DataKey::of(static_cast<compss::detail::FutureStateBase*>(&s));
  d.data_id = registry_id_of(&s);
  d.future = true;
  d.object = &s.value;
  d.vtable = compss::detail::optional_vtable_for<int>();
  d.direction = Direction::out;
  return d;
}

/// A task's result made on worker 1, which is then lost: the end of the run (sync_all)
/// with `handles` Futures of it left. Returns the remakes it cost; `value` is the master's.
int remakes_at_the_end_after_a_loss(DataPlane& data, FakeWorkers& workers, bool stream_task,
                                    std::uint32_t handles, std::optional<int>& value) {
  workers.bodies["int make()"] = [](std::vector<int>& v) { v[0] = 5; };
  compss::detail::FutureState<int> state;
  state.handles = handles;
  // The plane outlives `state`: its datum is forgotten on every way out (sync_all throws
  // for a needed stream result), as the state's destructor does in a run.
  struct Forget {
    DataPlane& data;
    compss::detail::FutureState<int>& state;
    ~Forget() {
      data.forget(DataKey::of(static_cast<compss::detail::FutureStateBase*>(&state)).address);
      state.tracked = false;
    }
  } forget{data, state};
  FakeTask make(make_spec, {result_of(state)});
  compss::rt::task_state(make).stream_task = stream_task;  // (the runtime sets it at submission)
  TaskRequest request;
  EXPECT_TRUE(data.build_request(&make, 1, request, true));
  CallResult r = workers.run(1, request);
  data.record_outputs(&make, 1, std::make_shared<const TaskRecord>(request), r.done);
  workers.lose(1);
  data.node_lost(1);
  const int before = workers.calls.load();
  data.sync_all();
  value = state.value;
  return workers.calls.load() - before;
}

TEST_F(DataPlaneTest, AResultTheProgramGaveUpIsNotMadeAgainWhenItsWorkerIsLost) {
  std::optional<int> value;
  EXPECT_EQ(remakes_at_the_end_after_a_loss(data, workers, false, 0, value), 0);
  EXPECT_FALSE(value.has_value());  // never brought back: nobody can read it
}

TEST_F(DataPlaneTest, AStreamTasksResultTheProgramGaveUpDoesNotFailTheRun) {
  std::optional<int> value;
  EXPECT_NO_THROW(EXPECT_EQ(remakes_at_the_end_after_a_loss(data, workers, true, 0, value), 0));
}

TEST_F(DataPlaneTest, AResultTheProgramHoldsIsStillMadeAgainWhenItsWorkerIsLost) {
  std::optional<int> value;
  EXPECT_EQ(remakes_at_the_end_after_a_loss(data, workers, false, 1, value), 1);
  EXPECT_EQ(value, 5);
}

TEST_F(DataPlaneTest, AStreamTasksResultTheProgramHoldsIsAClearErrorWhenItsWorkerIsLost) {
  std::optional<int> value;
  try {
    remakes_at_the_end_after_a_loss(data, workers, true, 1, value);
    ADD_FAILURE() << "a needed result that cannot be made again went missing silently";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot be made again"), std::string::npos) << e.what();
  }
}

TEST(FutureHandles, AResultIsGivenUpOnlyOnceNoFutureAndNoTaskReadsIt) {
  auto state = std::make_shared<compss::detail::FutureState<int>>();
  const compss::detail::FutureStateBase& base = *state;
  {
    compss::Future<int> f = compss::detail::FutureAccess::make(state);
    compss::Future<int> copy = f;
    compss::Future<int> moved = std::move(f);
    EXPECT_EQ(base.handles.load(), 2u);
    copy = moved;  // (the same state: still two)
    EXPECT_EQ(base.handles.load(), 2u);
    copy = compss::Future<int>(3);  // another state
    EXPECT_EQ(base.handles.load(), 1u);
    state->acquire();  // a submitted task reads it
  }
  EXPECT_FALSE(base.given_up());  // that task still may
  state->release();
  EXPECT_TRUE(base.given_up());
}

TEST_F(DataPlaneTest, ABuildThatMustWaitForLineageSaysSoWithoutBlocking) {
  int x = 1;
  FakeTask inc(inc_spec, {object(x, Direction::inout)});
  run_on(inc, 1);
  data.node_lost(1);
  FakeTask use(read_spec, {object(x, Direction::in)});
  TaskRequest request;
  EXPECT_FALSE(data.build_request(&use, 2, request, false));
  EXPECT_EQ(workers.calls.load(), 0);
  EXPECT_TRUE(data.build_request(&use, 2, request, true));
  EXPECT_EQ(workers.calls.load(), 1);
}

TEST_F(DataPlaneTest, WhatALostWorkerReportsLateIsNotRecordedAsHeld) {
  int x = 1, y = 0;
  FakeTask inc(inc_spec, {object(x, Direction::inout)});
  run_on(inc, 1);
  const std::uint64_t xid = id_of(x);
  FakeTask add(add_spec, {object(x, Direction::in), object(y, Direction::inout)});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&add, 2, request, true));
  CallResult r = workers.run(2, request);
  data.node_lost(2);  // lost after it answered, before the answer is recorded
  data.record_outputs(&add, 2, std::make_shared<const TaskRecord>(request), r.done);
  EXPECT_EQ(holders(xid, 1), nodes({1}));  // not the input it fetched
  EXPECT_TRUE(holders(id_of(y), 1).empty());  // nor its output: only the lineage
  workers.lose(2);
  workers.remake_on = 3;
  data.sync(reinterpret_cast<std::uintptr_t>(&y), false);
  EXPECT_EQ(y, 2);
}

TEST_F(DataPlaneTest, AnAddressReusedByAnotherTypeReleasesTheOldDatum) {
  union Memory {
    int i;
    double d;
  } memory{};
  memory.i = 5;
  FakeTask use(read_spec, {object(memory.i, Direction::in)});
  run_on(use, 1);  // worker 1 keeps the master's version 0
  const std::uint64_t old_id = id_of(memory.i);
  EXPECT_EQ(holders(old_id, 0), nodes({1}));
  // The int died; a double lives at its address now, passed to a task that travels.
  memory.d = 2.5;
  ParamDescriptor d;
  d.key = DataKey::of(&memory.d);
  d.data_id = registry_id_of(&memory.d);  // (the registry does not see the int die)
  d.object = &memory.d;
  d.vtable = vtable_for<double>();
  d.direction = Direction::in;
  static constexpr TaskSpec use_double{"use_d", "void use_d(const double &)", nullptr, 1};
  FakeTask reader(use_double, {d});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&reader, 2, request, true));
  EXPECT_EQ(workers.releases_to(1, old_id, DataRelease::all_versions), 1u);
  // A new datum under the same registry id (the registry saw the same address), at a
  // version the old one never named: no worker or lineage record confuses the two.
  EXPECT_EQ(request.params[0].data_id, old_id);
  EXPECT_EQ(request.params[0].version, 1u);
  EXPECT_EQ(value_of<double>(request.params[0].value), 2.5);
}

TEST_F(DataPlaneTest, AnAddressReusedWhileTheLatestLivesOnAWorkerIsAClearError) {
  union Memory {
    int i;
    double d;
  } memory{};
  FakeTask inc(inc_spec, {object(memory.i, Direction::inout)});
  run_on(inc, 1);  // the int's latest version lives only on worker 1
  ParamDescriptor d;
  d.key = DataKey::of(&memory.d);
  d.data_id = registry_id_of(&memory.d);  // (the registry does not see the int die)
  d.object = &memory.d;
  d.vtable = vtable_for<double>();
  d.direction = Direction::in;
  static constexpr TaskSpec use_double{"use_d", "void use_d(const double &)", nullptr, 1};
  FakeTask reader(use_double, {d});
  TaskRequest request;
  try {
    data.build_request(&reader, 2, request, true);
    ADD_FAILURE() << "no error";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("is passed to a task as another type"), std::string::npos)
        << e.what();
  }
}

TEST_F(DataPlaneTest, ByValueCopiesGetTheLatestVersionFromItsWorker) {
  // copy_in at submission (Backend::submitted) and a converted by-value argument when its
  // request is built go through the same look-up (stale_on_master).
  int x = 1;
  FakeTask inc(inc_spec, {object(x, Direction::inout)});
  run_on(inc, 1);
  ParamDescriptor copy = object(x, Direction::in);
  copy.copy_in = true;  // copied now: no writer pending
  FakeTask by_value(read_spec, {copy});
  data.submitted(&by_value, 0);
  EXPECT_EQ(x, 2);
  FakeTask inc2(inc_spec, {object(x, Direction::inout)});
  run_on(inc2, 1);
  FakeTask later(read_spec, {converted_argument(x)});
  TaskRequest request;
  EXPECT_FALSE(data.build_request(&later, 2, request, false));  // a fetch first
  EXPECT_EQ(x, 2);
  ASSERT_TRUE(data.build_request(&later, 2, request, true));
  EXPECT_EQ(x, 3);
  EXPECT_EQ(value_of<int>(request.params[0].value), 3);
}

// A converted by-value argument whose latest version was lost with its worker is one of
// the task's lost inputs: the cluster makes it again before the send, the task's node
// given back meanwhile (before, only the blocking build found it, and made it again while
// the call held its node: a remake that needed that node waited for itself).
TEST_F(DataPlaneTest, AConvertedByValueArgumentsLostVersionIsALostInput) {
  int x = 1;
  FakeTask inc(inc_spec, {object(x, Direction::inout)});
  run_on(inc, 1);
  data.node_lost(1);
  workers.lose(1);
  FakeTask later(read_spec, {converted_argument(x)});
  const auto lost = data.lost_inputs(later);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0], (std::pair<std::uint64_t, std::uint64_t>{id_of(x), 1}));
  EXPECT_EQ(workers.calls.load(), 0);  // nothing made again by asking
  data.make_available(lost);
  EXPECT_TRUE(data.lost_inputs(later).empty());
}

TEST_F(DataPlaneTest, WhatAStreamTaskMadeIsNeverMadeAgainFromLineage) {
  // Run again, a stream task would poll or publish other elements than the first time:
  // its lost output is a clear error, not a silently different value.
  int x = 1;
  FakeTask consumer(inc_spec, {object(x, Direction::inout)});
  compss::rt::task_state(consumer).stream_task = true;  // (the runtime sets it at submission)
  run_on(consumer, 1);
  workers.lose(1);
  workers.on_failed_fetch = [&](int n) { data.node_lost(n); };
  try {
    data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
    FAIL() << "the lost output of a stream task was made again";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot be made again"), std::string::npos) << e.what();
  }
  EXPECT_EQ(workers.calls.load(), 0);  // not run again (calls counts remakes)
}

// ---- copies a worker drops over its data memory budget (DataEvicted) ----------------------

TEST_F(DataPlaneTest, ACopyAWorkerDroppedIsNoLongerNamedAsItsHolder) {
  int x = 1;
  FakeTask inc(inc_spec, {object(x, Direction::inout)});
  run_on(inc, 2);
  const std::uint64_t id = id_of(x);
  FakeTask use(read_spec, {object(x, Direction::in)});
  run_on(use, 1);  // worker 1 fetches a copy from worker 2
  ASSERT_EQ(holders(id, 1), nodes({1, 2}));
  workers.drop_copy(1, id, 1);
  data.evicted(1, DataEvicted{{WireVersion{id, 1}}});
  EXPECT_EQ(holders(id, 1), nodes({2}));
  // Locality no longer counts it there; a reader on worker 1 is told to fetch from 2.
  std::vector<std::uint64_t> bytes(4, 0);
  data.add_input_bytes(use, bytes);
  EXPECT_EQ(bytes[1], 0u);
  EXPECT_EQ(bytes[2], sizeof(int));
  FakeTask again(read_spec, {object(x, Direction::in)});
  EXPECT_EQ(run_on(again, 3).params[0].source, "w2");  // the first holder named: not 1
  EXPECT_EQ(run_on(again, 1).params[0].source, "w2");  // (it fetches a copy again)
  EXPECT_EQ(holders(id, 1), nodes({1, 2, 3}));
  // A notice for a version it no longer holds changes nothing.
  data.evicted(3, DataEvicted{{WireVersion{id, 7}}});
  data.sync(reinterpret_cast<std::uintptr_t>(&x), false);
  EXPECT_EQ(x, 2);
}

TEST_F(DataPlaneTest, AFetchAnsweredNotHereAfterAnEvictionAsksAnotherHolder) {
  int x = 1;
  const std::uint64_t id = held_by_two(x, 2, 1);
  ASSERT_EQ(holders(id, 1), nodes({1, 2}));  // the master asks worker 1 first
  // Worker 1 dropped its copy; its notice is still on the way when the master's fetch
  // gets "not here" from it (it arrives a moment later, on its link's receiver).
  workers.drop_copy(1, id, 1);
  std::thread notice;
  std::atomic<bool> sent{false};
  workers.on_failed_fetch = [&](int n) {
    if (n == 1 && !sent.exchange(true)) {
      notice = std::thread([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        data.evicted(1, DataEvicted{{WireVersion{id, 1}}});
      });
    }
  };
  // (Without waiting for the notice, it asked worker 1 again and again and gave up.)
  EXPECT_NO_THROW(data.sync(reinterpret_cast<std::uintptr_t>(&x), false));
  if (notice.joinable()) notice.join();
  EXPECT_EQ(x, 2);  // from worker 2, not made again
  EXPECT_EQ(workers.calls.load(), 0);
}

namespace {
/// An int whose load fails, half done, on the bytes of 6 (a value that cannot be loaded
/// on the master).
const compss::detail::ParamVTable* int_failing_on_six() {
  static const compss::detail::ParamVTable v = [] {
    compss::detail::ParamVTable t = *vtable_for<int>();
    t.load = [](void* o, compss::InputArchive& in) {
      int value = 0;
      in(value);
      *static_cast<int*>(o) = value == 6 ? 99 : value;
      if (value == 6) throw std::runtime_error("cannot load 6");
    };
    return t;
  }();
  return &v;
}
}  // namespace

// An answer with a value that cannot be loaded on the master fails the attempt with
// nothing recorded: the retry must read the task's inputs. Before, an output listed
// before that value was recorded already (the retry read it: the body applied twice),
// and the master's object kept the half-loaded value.
TEST_F(DataPlaneTest, AnOutputThatCannotBeLoadedRecordsNothing) {
  int x = 1, y = 5;
  ParamDescriptor untracked = object(y, Direction::inout);
  untracked.key = DataKey{};  // (not tracked: it travels inline, both ways)
  untracked.data_id = 0;
  untracked.vtable = int_failing_on_six();
  FakeTask t(inc_spec, {object(x, Direction::inout), untracked});
  TaskRequest request;
  ASSERT_TRUE(data.build_request(&t, 1, request, true));
  ASSERT_EQ(request.params.size(), 2U);
  ASSERT_EQ(request.params[1].data_id, 0U);
  CallResult r = workers.run(1, request);
  ASSERT_EQ(r.status, CallResult::Status::done);
  ASSERT_EQ(r.done.outputs.size(), 1U);  // x's; then y's value, inline
  r.done.outputs.push_back(WireParam{.direction = request.params[1].direction, .has_value = true,
                                     .value = compss::to_bytes(6)});
  const std::uint64_t id = id_of(x);
  auto current = [&] {
    return data.inspect([&](const DataDirectory& d) {
      return const_cast<DataDirectory&>(d).find(reinterpret_cast<std::uintptr_t>(&x))->version;
    });
  };
  const std::uint64_t before = current();
  EXPECT_THROW(data.record_outputs(&t, 1, std::make_shared<const TaskRecord>(request), r.done),
               std::runtime_error);
  EXPECT_EQ(current(), before);
  EXPECT_EQ(holders(id, request.params[0].stored_as), NodeSet{});
  EXPECT_EQ(y, 5);
  // Its output on worker 1 is released there exactly (no retry or reader finds it there).
  EXPECT_FALSE(workers.stores(1, id, request.params[0].stored_as));
}
