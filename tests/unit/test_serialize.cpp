// Binary archives: round trips of every supported type, rejection of bad input.
#include <compss/serialize.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace {

struct Point {
  double x, y;
  bool operator==(const Point&) const = default;
};

struct Block {
  int rows = 0;
  std::string name;
  std::vector<double> data;
  std::map<std::string, int> tags;
  template <class A>
  void serialize(A& ar) {
    ar(rows, name, data, tags);
  }
  bool operator==(const Block&) const = default;
};

struct NotSerializable {
  std::vector<int> v;  // no serialize member
};

enum class Color : std::uint8_t { red, green };

template <class T>
T round_trip(const T& value) {
  std::vector<std::byte> bytes = compss::to_bytes(value);
  T out{};
  compss::from_bytes(bytes, out);
  return out;
}

}  // namespace

static_assert(compss::is_serializable_v<int>);
static_assert(compss::is_serializable_v<Point>);
static_assert(compss::is_serializable_v<Block>);
static_assert(compss::is_serializable_v<std::vector<std::map<int, std::string>>>);
static_assert(compss::is_serializable_v<std::tuple<int, std::string, std::optional<Point>>>);
static_assert(!compss::is_serializable_v<NotSerializable>);
static_assert(!compss::is_serializable_v<int*>);
static_assert(!compss::is_serializable_v<std::vector<NotSerializable>>);

TEST(Serialize, TriviallyCopyableGoesAsRawBytes) {
  EXPECT_EQ(compss::to_bytes(42).size(), sizeof(int));
  EXPECT_EQ(compss::to_bytes(Point{1, 2}).size(), sizeof(Point));
  EXPECT_EQ(round_trip(Point{1.5, -2.5}), (Point{1.5, -2.5}));
  EXPECT_EQ(round_trip(Color::green), Color::green);
  EXPECT_EQ(round_trip(3.25), 3.25);
}

TEST(Serialize, ContiguousContainersAreLengthPlusBytes) {
  std::vector<double> v{1, 2, 3, 4};
  EXPECT_EQ(compss::to_bytes(v).size(), 8 + 4 * sizeof(double));
  EXPECT_EQ(round_trip(v), v);
  std::string s = "hello, world";
  EXPECT_EQ(compss::to_bytes(s).size(), 8 + s.size());
  EXPECT_EQ(round_trip(s), s);
  std::array<int, 5> a{1, 2, 3, 4, 5};
  EXPECT_EQ(compss::to_bytes(a).size(), 8 + sizeof(a));
  EXPECT_EQ(round_trip(a), a);
  EXPECT_EQ(round_trip(std::vector<int>{}), std::vector<int>{});
  EXPECT_EQ(round_trip(std::string()), std::string());
}

TEST(Serialize, FilesystemPathGoesAsItsString) {
  // The same bytes as the path's std::string: a worker that staged a file gives its task
  // the local path as a std::string's bytes, whatever type the task takes it as.
  const std::filesystem::path p = "/data/in put/ä.txt";
  EXPECT_EQ(compss::to_bytes(p), compss::to_bytes(p.string()));
  EXPECT_EQ(round_trip(p), p);
  std::filesystem::path from_string;
  compss::from_bytes(compss::to_bytes(std::string("rel/x.csv")), from_string);
  EXPECT_EQ(from_string, std::filesystem::path("rel/x.csv"));
  std::vector<std::filesystem::path> several{"a", "", "b/c"};
  EXPECT_EQ(round_trip(several), several);
}

TEST(Serialize, ElementWiseContainers) {
  std::vector<std::string> vs{"a", "", "ccc"};
  EXPECT_EQ(round_trip(vs), vs);
  std::map<int, std::string> m{{1, "one"}, {2, "two"}};
  EXPECT_EQ(round_trip(m), m);
  std::unordered_map<std::string, std::vector<int>> um{{"x", {1, 2}}, {"y", {}}};
  EXPECT_EQ(round_trip(um), um);
  std::pair<int, std::string> p{7, "seven"};
  EXPECT_EQ(round_trip(p), p);
  std::tuple<int, std::string, double> t{1, "t", 2.5};
  EXPECT_EQ(round_trip(t), t);
  std::optional<std::string> some = "x", none;
  EXPECT_EQ(round_trip(some), some);
  EXPECT_EQ(round_trip(none), none);
  std::set<std::string> st{"b", "a"};
  EXPECT_EQ(round_trip(st), st);
  std::vector<bool> vb{true, false, true};
  EXPECT_EQ(round_trip(vb), vb);
}

TEST(Serialize, UserTypeWithSerializeMember) {
  Block b{3, "blk", {1.0, 2.0}, {{"k", 1}}};
  EXPECT_EQ(round_trip(b), b);
  std::vector<Block> vb{b, Block{}};
  EXPECT_EQ(round_trip(vb), vb);
}

TEST(Serialize, SeveralValuesInOneArchive) {
  compss::OutputArchive out;
  int a = 1;
  std::string b = "two";
  std::vector<int> c{3};
  out(a, b, c);
  std::vector<std::byte> bytes = out.take();
  compss::InputArchive in(bytes);
  int a2 = 0;
  std::string b2;
  std::vector<int> c2;
  in(a2, b2, c2);
  EXPECT_EQ(a2, 1);
  EXPECT_EQ(b2, "two");
  EXPECT_EQ(c2, c);
  EXPECT_EQ(in.remaining(), 0u);
}

TEST(Serialize, TruncatedInputIsRejected) {
  Block b{3, "blk", {1.0, 2.0, 3.0}, {{"k", 1}, {"l", 2}}};
  std::vector<std::byte> bytes = compss::to_bytes(b);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    Block out;
    EXPECT_THROW(compss::from_bytes(std::span(bytes.data(), n), out), compss::Error) << n;
  }
}

TEST(Serialize, HugeLengthIsRejectedWithoutAllocating) {
  std::vector<std::byte> bytes(8 + 16);
  std::uint64_t huge = ~std::uint64_t{0} / 2;
  std::memcpy(bytes.data(), &huge, 8);
  std::vector<double> v;
  EXPECT_THROW(compss::from_bytes(bytes, v), compss::Error);
  std::string s;
  EXPECT_THROW(compss::from_bytes(bytes, s), compss::Error);
  std::vector<std::string> vs;
  EXPECT_THROW(compss::from_bytes(bytes, vs), compss::Error);
  std::map<int, int> m;
  EXPECT_THROW(compss::from_bytes(bytes, m), compss::Error);
}

TEST(Serialize, MalformedInputIsRejected) {
  // optional flag must be 0 or 1
  std::vector<std::byte> bad_flag{std::byte{2}, std::byte{0}, std::byte{0}, std::byte{0},
                                  std::byte{0}};
  std::optional<int> o;
  EXPECT_THROW(compss::from_bytes(bad_flag, o), compss::Error);
  // a bool must be 0 or 1 (any other byte would be an invalid bool object)
  bool flag = false;
  EXPECT_THROW(compss::from_bytes(std::vector<std::byte>{std::byte{201}}, flag), compss::Error);
  compss::from_bytes(std::vector<std::byte>{std::byte{1}}, flag);
  EXPECT_TRUE(flag);
  // std::array length must match
  std::vector<std::byte> three = compss::to_bytes(std::array<int, 3>{1, 2, 3});
  std::array<int, 4> four{};
  EXPECT_THROW(compss::from_bytes(three, four), compss::Error);
  // trailing bytes
  std::vector<std::byte> extra = compss::to_bytes(5);
  extra.push_back(std::byte{0});
  int x = 0;
  EXPECT_THROW(compss::from_bytes(extra, x), compss::Error);
}

TEST(Serialize, RawVectorsLoadAtAnyAlignmentAndReplaceOldContents) {
  // Aligned for double (the length comes first): loaded with one assign.
  std::vector<double> v{9, 9, 9, 9, 9, 9};
  compss::from_bytes(compss::to_bytes(std::vector<double>{1.5, 2.5}), v);
  EXPECT_EQ(v, (std::vector<double>{1.5, 2.5}));
  // After a char the elements start at an odd offset: loaded byte-wise, same result.
  std::pair<char, std::vector<double>> odd{'x', {3.25, -4.5, 1e300}};
  std::pair<char, std::vector<double>> back{'y', {7, 7, 7, 7}};
  compss::from_bytes(compss::to_bytes(odd), back);
  EXPECT_EQ(back, odd);
  std::string s = "old contents, longer than the new";
  compss::from_bytes(compss::to_bytes(std::string("new")), s);
  EXPECT_EQ(s, "new");
  // Many small writes grow the buffer correctly.
  std::vector<std::string> words(300, "word");
  EXPECT_EQ(round_trip(words), words);
}
