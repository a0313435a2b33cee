// Held values (compss/detail/held_value.hpp): a held output gives exactly the archive bytes
// of compss::to_bytes, from the object's own memory when it is contiguous (other types are
// held as those bytes); sinks place received bytes into the object a reader expects, or
// keep them as bytes.
#include <compss/detail/held_value.hpp>
#include <compss/detail/value_sink.hpp>
#include <compss/error.hpp>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace compss::detail;

namespace {

struct Point {
  double x = 0, y = 0;
  std::string label;
  template <class A> void serialize(A& ar) { ar(x, y, label); }
  bool operator==(const Point&) const = default;
};

template <class T>
void expect_archive_form(const T& value) {
  auto held = hold_object(value);
  const std::vector<std::byte> expected = compss::to_bytes(value);
  EXPECT_EQ(held->size(), expected.size());
  EXPECT_EQ(held->to_bytes(), expected);
  std::vector<std::byte> scratch;
  std::span<const std::byte> view = held->view(scratch);
  EXPECT_TRUE(std::equal(view.begin(), view.end(), expected.begin(), expected.end()));
  if constexpr (is_contiguous_raw_v<T>) {
    ASSERT_NE(held->template as<T>(), nullptr);  // the object itself
    EXPECT_TRUE(*held->template as<T>() == value);
  } else {
    EXPECT_EQ(held->template as<T>(), nullptr);  // its bytes only: no second copy
    T back{};
    load_held(*held, back);
    EXPECT_TRUE(back == value);
  }
}

/// Fills a sink's places with `bytes`, in order, as a connection would.
std::shared_ptr<const HeldValue> receive_into(ValueSink& sink, const std::vector<std::byte>& bytes) {
  std::size_t at = 0;
  for (std::span<std::byte> place : sink.places(bytes.size())) {
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(at), place.size(), place.begin());
    at += place.size();
  }
  EXPECT_EQ(at, bytes.size());
  return sink.finish();
}

}  // namespace

TEST(HeldValue, ObjectsGiveTheirArchiveBytes) {
  expect_archive_form(std::vector<double>{1.5, -2, 3e300});
  expect_archive_form(std::vector<double>{});
  expect_archive_form(std::string("a string"));
  expect_archive_form(std::array<int, 4>{1, 2, 3, 4});
  expect_archive_form(std::map<std::string, int>{{"a", 1}, {"b", 2}});
  expect_archive_form(Point{1, 2, "p"});
  expect_archive_form(42);
}

TEST(HeldValue, AContiguousObjectIsSentFromItsOwnElements) {
  std::vector<float> v(1000, 0.25f);
  auto held = hold_object(std::move(v));
  const auto* object = held->as<std::vector<float>>();
  ASSERT_NE(object, nullptr);
  std::vector<std::span<const std::byte>> parts;
  held->parts(parts);
  ASSERT_EQ(parts.size(), 2u);  // the length, then the elements where they are
  EXPECT_EQ(parts[0].size(), sizeof(std::uint64_t));
  EXPECT_EQ(parts[1].data(), reinterpret_cast<const std::byte*>(object->data()));
  EXPECT_EQ(parts[1].size(), 1000 * sizeof(float));
}

TEST(HeldValue, LoadHeldCopiesTheSameTypeAndDeserializesAnother) {
  auto held = hold_object(std::vector<int>{4, 5, 6});
  std::vector<int> same;
  load_held(*held, same);
  EXPECT_EQ(same, (std::vector<int>{4, 5, 6}));
  EXPECT_EQ(held->as<std::vector<long>>(), nullptr);  // only the exact type is borrowed
  std::vector<int> from_bytes;
  load_held(BytesValue(compss::to_bytes(same)), from_bytes);
  EXPECT_EQ(from_bytes, same);
  std::string wrong;
  EXPECT_THROW(load_held(*hold_object(Point{1, 2, "x"}), wrong), compss::Error);
}

TEST(HeldValue, AnObjectThatCannotMoveIsHeldAsBytes) {
  std::atomic<int> counter{7};
  auto held = hold_object(counter);
  EXPECT_EQ(held->to_bytes(), compss::to_bytes(counter));
  std::atomic<int> back{0};
  load_held(*held, back);
  EXPECT_EQ(back.load(), 7);
}

TEST(HeldValue, ASinkPlacesBytesInTheObjectOrKeepsThemAsBytes) {
  std::vector<double> v{1, 2, 3, 4, 5};
  auto make = sink_maker<std::vector<double>>();
  ASSERT_NE(make, nullptr);
  auto held = receive_into(*make(), compss::to_bytes(v));
  ASSERT_NE(held->as<std::vector<double>>(), nullptr);
  EXPECT_EQ(*held->as<std::vector<double>>(), v);

  // Bytes of another type: a size that fits no vector<double>, or a length field that
  // disagrees with the size. Kept as bytes, so loading as the wrong type reports it.
  auto odd = receive_into(*make(), compss::to_bytes(std::string("seven..")));
  EXPECT_EQ(odd->as<std::vector<double>>(), nullptr);
  EXPECT_EQ(odd->to_bytes(), compss::to_bytes(std::string("seven..")));
  std::vector<std::byte> lying = compss::to_bytes(v);
  lying[0] = std::byte{9};  // claims 9 elements, carries 5
  auto kept = receive_into(*make(), lying);
  EXPECT_EQ(kept->as<std::vector<double>>(), nullptr);
  EXPECT_EQ(kept->to_bytes(), lying);
  std::vector<double> out;
  EXPECT_THROW(load_held(*kept, out), compss::Error);

  // Types that are not contiguous have no sink: their bytes are deserialized anyway.
  EXPECT_EQ(sink_maker<Point>(), nullptr);
  auto bytes = receive_into(*make_byte_sink(), compss::to_bytes(Point{3, 4, "q"}));
  Point p;
  load_held(*bytes, p);
  EXPECT_EQ(p, (Point{3, 4, "q"}));
}

TEST(HeldValue, AnIntoObjectSinkFillsAnExistingObjectInPlace) {
  std::vector<int> target{9, 9};  // the program's object, resized to what comes
  const std::vector<int> sent{1, 2, 3, 4, 5};
  auto make = sink_into_maker<std::vector<int>>();
  ASSERT_NE(make, nullptr);
  auto held = receive_into(*make(&target), compss::to_bytes(sent));
  EXPECT_EQ(target, sent);
  EXPECT_TRUE(held->holds_object_at(&target));  // no copy of it anywhere else
  EXPECT_EQ(held->to_bytes(), compss::to_bytes(sent));

  // Bytes that are not a vector<int> come back as bytes, not "in place".
  std::vector<std::byte> lying = compss::to_bytes(sent);
  lying[0] = std::byte{7};
  auto kept = receive_into(*make(&target), lying);
  EXPECT_FALSE(kept->holds_object_at(&target));
  EXPECT_EQ(kept->to_bytes(), lying);

  // A fixed-size array takes only its own size; other types have no such sink.
  std::array<double, 2> pair{};
  auto array_make = sink_into_maker<std::array<double, 2>>();
  auto in_place = receive_into(*array_make(&pair), compss::to_bytes(std::array<double, 2>{3, 4}));
  EXPECT_TRUE(in_place->holds_object_at(&pair));
  EXPECT_EQ(pair, (std::array<double, 2>{3, 4}));
  auto wrong = receive_into(*array_make(&pair), compss::to_bytes(std::array<double, 3>{5, 6, 7}));
  EXPECT_FALSE(wrong->holds_object_at(&pair));
  EXPECT_EQ(sink_into_maker<Point>(), nullptr);
}

TEST(HeldValue, AFutureSlotIsFilledInPlaceAndReportedAsTheSlot) {
  std::optional<std::vector<double>> slot;  // a future's value, not computed here yet
  auto make = optional_sink_into_maker<std::vector<double>>();
  ASSERT_NE(make, nullptr);
  const std::vector<double> sent(1000, 2.5);
  auto held = receive_into(*make(&slot), compss::to_bytes(sent));
  ASSERT_TRUE(slot.has_value());
  EXPECT_EQ(*slot, sent);
  EXPECT_TRUE(held->holds_object_at(&slot));  // the datum's object is the slot
  ASSERT_NE(held->as<std::vector<double>>(), nullptr);
  EXPECT_EQ(held->as<std::vector<double>>(), &*slot);
  EXPECT_EQ(optional_sink_into_maker<Point>(), nullptr);
}
