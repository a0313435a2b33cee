// Where a value received from another node is placed in memory (docs/distributed.md,
// "Values on a worker"): a ValueSink chooses the memory once the value's length is known.
// A worker receives a value for a task straight into the object the task reads
// (ObjectSink); the master receives a value straight into the program's own object
// (IntoObjectSink); a value whose reader's type is unknown goes into uninitialised bytes.
#pragma once

#include <compss/detail/held_value.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

namespace compss::detail {

/// Where the bytes of a value received from another node go, chosen once their number is
/// known. Used once: places(), then the places are filled, then finish().
///
///   std::unique_ptr<ValueSink> sink = make_byte_sink();
///   for (std::span<std::byte> p : sink->places(n)) read_exactly(fd, p);
///   std::shared_ptr<const HeldValue> v = sink->finish();
class ValueSink {
 public:
  virtual ~ValueSink() = default;
  /// Memory for `size` bytes, as spans in order whose lengths add up to `size`. Throws
  /// std::bad_alloc when the memory cannot be had.
  virtual std::vector<std::span<std::byte>> places(std::uint64_t size) = 0;
  /// The value, once every place holds its bytes. Never fails: bytes that are not the
  /// sink's type are kept as bytes, so the reader reports the problem when it loads them.
  virtual std::shared_ptr<const HeldValue> finish() = 0;
};

/// Makes a sink for one received value.
using MakeValueSink = std::unique_ptr<ValueSink> (*)();

/// Makes a sink for one received value (any callable; empty: the byte sink).
using SinkFactory = std::function<std::unique_ptr<ValueSink>()>;

/// The sink for a value whose reader's type is unknown: uninitialised memory (no
/// zero-fill pass) that becomes a BytesValue.
///
///   auto sink = make_byte_sink();
std::unique_ptr<ValueSink> make_byte_sink();

/// The sink for a value that goes into an existing object of a contiguous raw type `T`
/// (the master loading a value into the program's own object): the elements are received
/// straight into it, with no buffer and no deserialization. finish() gives an
/// InPlaceValue of the object (holds_object_at(target) is true), or the bytes when they
/// are not a `T` (the object's contents are then unspecified: the load reports the error).
template <class T>
class IntoObjectSink final : public ValueSink {
 public:
  /// `home`: the object that contains `target` and that finish() reports (null: itself).
  explicit IntoObjectSink(T& target, const void* home = nullptr) : target_(target), home_(home) {}

  std::vector<std::span<std::byte>> places(std::uint64_t size) override {
    using E = typename T::value_type;
    if (size < sizeof length_ || (size - sizeof length_) % sizeof(E) != 0) return fallback(size);
    const std::uint64_t count = (size - sizeof length_) / sizeof(E);
    if constexpr (is_std_array<T>::value) {
      if (count != target_.size()) return fallback(size);
    } else {
      target_.resize(count);
    }
    std::vector<std::span<std::byte>> out{{reinterpret_cast<std::byte*>(&length_), sizeof length_}};
    if (count != 0) out.emplace_back(reinterpret_cast<std::byte*>(target_.data()), count * sizeof(E));
    return out;
  }

  std::shared_ptr<const HeldValue> finish() override {
    if (bytes_) return bytes_->finish();
    if (length_ != target_.size()) {  // not a T: what came, as bytes
      std::vector<std::byte> joined(reinterpret_cast<const std::byte*>(&length_),
                                    reinterpret_cast<const std::byte*>(&length_ + 1));
      const auto* first = reinterpret_cast<const std::byte*>(target_.data());
      joined.insert(joined.end(), first, first + target_.size() * sizeof(typename T::value_type));
      return std::make_shared<const BytesValue>(std::move(joined));
    }
    return std::make_shared<const InPlaceValue<T>>(target_, home_);
  }

 private:
  std::vector<std::span<std::byte>> fallback(std::uint64_t size) {
    bytes_ = make_byte_sink();
    return bytes_->places(size);
  }

  T& target_;
  const void* home_;
  std::uint64_t length_ = 0;
  std::unique_ptr<ValueSink> bytes_;  ///< set when the size cannot be a T
};

/// The sink for a value that will be read as a `T` of contiguous raw elements: the
/// elements' bytes go straight into a new `T`, which becomes the held value the reader
/// gets (an IntoObjectSink aimed at it).
template <class T>
class ObjectSink final : public ValueSink {
 public:
  ObjectSink() = default;
  ObjectSink(const ObjectSink&) = delete;  // into_ refers to this object's value_
  ObjectSink& operator=(const ObjectSink&) = delete;
  std::vector<std::span<std::byte>> places(std::uint64_t size) override {
    return into_.places(size);
  }
  std::shared_ptr<const HeldValue> finish() override {
    std::shared_ptr<const HeldValue> got = into_.finish();
    if (!got->holds_object_at(&value_)) return got;  // not a T: its bytes
    got.reset();  // (views value_)
    return hold_object(std::move(value_));
  }

 private:
  T value_{};
  IntoObjectSink<T> into_{value_};
};

/// Makes an IntoObjectSink for the `T` at `object` (ParamVTable::sink_into).
using MakeSinkInto = std::unique_ptr<ValueSink> (*)(void* object);

/// The into-object sink maker for a future's value slot (std::optional<T>, engaged first),
/// or nullptr for types that are not contiguous.
template <class T>
constexpr MakeSinkInto optional_sink_into_maker() {
  if constexpr (is_contiguous_raw_v<T> && std::is_default_constructible_v<T>) {
    return [](void* slot) -> std::unique_ptr<ValueSink> {
      auto& value = *static_cast<std::optional<T>*>(slot);
      if (!value) value.emplace();
      return std::make_unique<IntoObjectSink<T>>(*value, slot);
    };
  } else {
    return nullptr;
  }
}

/// The into-object sink maker for `T`, or nullptr for types that are not contiguous.
template <class T>
constexpr MakeSinkInto sink_into_maker() {
  if constexpr (is_contiguous_raw_v<T>) {
    return [](void* object) -> std::unique_ptr<ValueSink> {
      return std::make_unique<IntoObjectSink<T>>(*static_cast<T*>(object));
    };
  } else {
    return nullptr;
  }
}

/// The sink maker for values read as `T`: an ObjectSink for contiguous raw types, nullptr
/// (the byte sink) for the others, which are deserialized from bytes anyway.
///
///   MakeValueSink make = sink_maker<std::vector<double>>();
template <class T>
constexpr MakeValueSink sink_maker() {
  if constexpr (is_contiguous_raw_v<T> && std::is_default_constructible_v<T>) {
    return []() -> std::unique_ptr<ValueSink> { return std::make_unique<ObjectSink<T>>(); };
  } else {
    return nullptr;
  }
}

}  // namespace compss::detail
