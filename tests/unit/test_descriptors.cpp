// Parameter descriptors: every submitted parameter carries key, direction, kind, data id,
// version and serialization hooks.
#include "test_support.hpp"

#include <string>

using namespace compss::detail;
using compss_test::RuntimeTest;

namespace {

struct Matrix {
  std::vector<double> cells;
  template <class A>
  void serialize(A& ar) {
    ar(cells);
  }
};
struct Opaque {
  int* p = nullptr;  // a pointer member: not serializable
  Opaque() = default;
  Opaque(const Opaque&) {}
};

struct Captured {
  std::string name;
  std::vector<ParamDescriptor> params;
  std::vector<std::vector<std::byte>> bytes;  // serialized at submit, when possible
  std::vector<std::string> paths;             // file keys (the descriptor only views them)
};
std::mutex cap_mutex;
std::vector<Captured> captured;

void capture(const TaskBase& t) {
  Captured c{t.spec().name, {}, {}, {}};
  for (std::size_t i = 0; i < t.param_count(); ++i) {
    const ParamDescriptor& d = t.params()[i];
    c.params.push_back(d);
    c.paths.emplace_back(d.key.path);
    if (d.serializable() && d.direction != Direction::out) {
      compss::OutputArchive out;
      d.save(out);
      c.bytes.push_back(out.take());
    } else {
      c.bytes.emplace_back();
    }
  }
  std::lock_guard lock(cap_mutex);
  captured.push_back(std::move(c));
}

void update(const Matrix& a, Matrix& b, int k) {
  for (std::size_t i = 0; i < b.cells.size(); ++i) b.cells[i] += a.cells[i] * k;
}
double total(const Matrix& m) {
  double s = 0;
  for (double c : m.cells) s += c;
  return s;
}
void use_opaque(const Opaque&, const std::string& path) { (void)path; }

static constexpr ParamSpec update_params[] = {{Direction::in, ParamKind::object, "a"},
                                              {Direction::inout, ParamKind::object, "b"},
                                              {Direction::in, ParamKind::object, "k"}};
static constexpr TaskSpec update_task{"update", "void update(const Matrix &, Matrix &, int)",
                                      update_params, 3};
static constexpr ParamSpec total_params[] = {{Direction::in, ParamKind::object, "m"}};
static constexpr TaskSpec total_task{"total", "double total(const Matrix &)", total_params, 1};
static constexpr ParamSpec opaque_params[] = {{Direction::in, ParamKind::object, "o"},
                                              {Direction::in, ParamKind::file, "path"}};
static constexpr TaskSpec opaque_task{"use_opaque",
                                      "void use_opaque(const Opaque &, const std::string &)",
                                      opaque_params, 2};

class Descriptors : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    captured.clear();
    set_submit_hook(&capture);
  }
  void TearDown() override {
    set_submit_hook(nullptr);
    RuntimeTest::TearDown();
  }
};

}  // namespace

TEST_F(Descriptors, KeysDirectionsAndVersions) {
  Matrix a{{1, 2}}, b{{0, 0}};
  call_task<update_task, &update>(a, b, 2);
  call_task<update_task, &update>(a, b, 3);
  auto t = call_task<total_task, &total>(b);
  EXPECT_DOUBLE_EQ(t.get(), 5 + 10);
  ASSERT_EQ(captured.size(), 3u);
  const auto& p0 = captured[0].params;
  ASSERT_EQ(p0.size(), 3u);
  EXPECT_EQ(p0[0].key.tag, DataKey::Tag::address);
  EXPECT_EQ(p0[0].key.address, reinterpret_cast<std::uintptr_t>(&a));
  EXPECT_EQ(p0[1].key.address, reinterpret_cast<std::uintptr_t>(&b));
  EXPECT_EQ(p0[0].direction, Direction::in);
  EXPECT_EQ(p0[1].direction, Direction::inout);
  EXPECT_EQ(p0[2].key.tag, DataKey::Tag::none);  // a by-value literal: no datum
  EXPECT_NE(p0[0].data_id, p0[1].data_id);
  // b: each write makes a new version; the reader sees the latest.
  const auto& p1 = captured[1].params;
  EXPECT_EQ(p1[1].data_id, p0[1].data_id);
  EXPECT_EQ(p1[1].version, p0[1].version + 1);
  const auto& p2 = captured[2].params;
  ASSERT_EQ(p2.size(), 2u);  // m, then the result as an out access
  EXPECT_EQ(p2[0].data_id, p0[1].data_id);
  EXPECT_EQ(p2[0].version, p1[1].version);
  EXPECT_EQ(p2[1].direction, Direction::out);
  EXPECT_EQ(p2[1].key.tag, DataKey::Tag::address);
}

TEST_F(Descriptors, SerializeHooksRoundTrip) {
  Matrix a{{1.5, 2.5, 3.5}}, b{{0, 0, 0}};
  call_task<update_task, &update>(a, b, 7);
  compss::barrier();
  ASSERT_EQ(captured.size(), 1u);
  const Captured& c = captured[0];
  ASSERT_TRUE(c.params[0].serializable());
  ASSERT_TRUE(c.params[2].serializable());
  // Deserialize the captured bytes of `a` into another Matrix through the hook.
  Matrix copy;
  ParamDescriptor d = c.params[0];
  d.object = &copy;
  compss::InputArchive in(c.bytes[0]);
  d.load(in);
  EXPECT_EQ(copy.cells, a.cells);
  int k = 0;
  compss::from_bytes(c.bytes[2], k);
  EXPECT_EQ(k, 7);
}

TEST_F(Descriptors, NonSerializableAndFileParameters) {
  Opaque o;
  call_task<opaque_task, &use_opaque>(o, std::string("some/../file.txt"));
  compss::barrier();
  ASSERT_EQ(captured.size(), 1u);
  const auto& p = captured[0].params;
  EXPECT_FALSE(p[0].serializable());
  EXPECT_EQ(p[1].kind, ParamKind::file);
  EXPECT_EQ(p[1].key.tag, DataKey::Tag::file);
  EXPECT_EQ(captured[0].paths[1], normalize_path("file.txt"));
}
