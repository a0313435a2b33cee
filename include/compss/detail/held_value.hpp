// Values a worker holds between tasks (docs/distributed.md, "Values on a worker").
//
// A task's output of a contiguous type (a vector, array or string of raw elements) stays on
// its worker as the object the task left (an ObjectValue), not as serialized bytes: a
// later task there reads it in place, and a node that fetches it gets its archive form
// sent straight from the object's memory. A receiving worker that knows which type the
// value will be read as places the bytes straight into that object (a ValueSink,
// value_sink.hpp), so a large value is not serialized, copied or deserialized on the way:
// only the socket's copies and the zero-fill of the receiving object remain. Other types
// are kept as their archive bytes.
#pragma once

#include <compss/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace compss::detail {

/// The largest payload one message frame carries (net/message.hpp's default receive
/// limit): no value a worker receives or answers with can be larger.
inline constexpr std::uint64_t max_frame_payload = std::uint64_t{1} << 30;

/// An immutable value on a worker: an object of some type, or just its archive form.
/// Shared (std::shared_ptr<const HeldValue>) by the store, running tasks and replies being
/// sent, so a release never frees a value still in use.
///
///   std::shared_ptr<const HeldValue> v = hold_object(std::vector<double>(8, 1.0));
///   if (const auto* x = v->as<std::vector<double>>()) use(*x);
///   std::vector<std::byte> bytes = v->to_bytes();  // == compss::to_bytes(*x)
class HeldValue {
 public:
  virtual ~HeldValue() = default;

  /// Length of the archive form in bytes.
  ///
  ///   reply_size += v->size();
  virtual std::uint64_t size() const = 0;

  /// Appends the archive form as spans, in order, into memory this value owns or views
  /// (valid while it lives); their lengths add up to size().
  ///
  ///   std::vector<std::span<const std::byte>> parts;
  ///   v->parts(parts);
  virtual void parts(std::vector<std::span<const std::byte>>& out) const = 0;

  /// The object, when this holds one of exactly type `T`; nullptr otherwise (a value held
  /// as bytes, or an object of another type).
  ///
  ///   if (const auto* m = v->as<Matrix>()) return *m;
  template <class T>
  const T* as() const noexcept {
    return type() == typeid(T) ? static_cast<const T*>(object()) : nullptr;
  }

  /// The archive form as one span: the value's own memory when it is one piece already
  /// (a BytesValue), else the pieces joined into `scratch`.
  ///
  ///   std::vector<std::byte> scratch;
  ///   from_bytes(v->view(scratch), x);
  std::span<const std::byte> view(std::vector<std::byte>& scratch) const;

  /// True when this holds the object at `address` (a value received in place into it).
  ///
  ///   if (v->holds_object_at(&user_vector)) { /* already loaded */ }
  bool holds_object_at(const void* address) const noexcept { return home() == address; }

  /// The archive form copied into one buffer.
  ///
  ///   std::vector<std::byte> bytes = v->to_bytes();
  std::vector<std::byte> to_bytes() const;

 protected:
  /// typeid(void) for a value held only as bytes.
  virtual const std::type_info& type() const noexcept = 0;
  virtual const void* object() const noexcept = 0;
  /// The object that contains it (itself, unless it lives inside another, such as a
  /// future's std::optional slot).
  virtual const void* home() const noexcept { return object(); }
};

/// A value held as its archive form only: inline bytes from the master, a file's content,
/// or a fetched value no reader's type was known for.
///
///   auto v = std::make_shared<const BytesValue>(std::move(bytes));
class BytesValue final : public HeldValue {
 public:
  explicit BytesValue(std::vector<std::byte> bytes) noexcept : vector_(std::move(bytes)) {}
  /// `size` bytes of uninitialised memory (no zero-fill pass), filled by the caller
  /// through writable() before the value is shared.
  explicit BytesValue(std::size_t size);

  std::uint64_t size() const override { return bytes().size(); }
  void parts(std::vector<std::span<const std::byte>>& out) const override;
  /// All the bytes.
  std::span<const std::byte> bytes() const noexcept;
  /// The bytes, to fill a value made with BytesValue(size).
  std::span<std::byte> writable() noexcept { return {raw_.get(), raw_size_}; }

 protected:
  const std::type_info& type() const noexcept override { return typeid(void); }
  const void* object() const noexcept override { return nullptr; }

 private:
  std::vector<std::byte> vector_;
  std::unique_ptr<std::byte[]> raw_;
  std::size_t raw_size_ = 0;
};

/// True for the types whose archive form is one length and then the elements' own bytes
/// (std::vector, std::array or std::string of raw elements): they are sent from, and
/// received into, the object's own memory.
template <class T>
inline constexpr bool is_contiguous_raw_v = [] {
  if constexpr (std::is_same_v<T, std::string>) {
    return true;
  } else if constexpr (is_std_vector<T>::value || is_std_array<T>::value) {
    return is_raw_v<typename T::value_type> && !std::is_same_v<T, std::vector<bool>>;
  } else {
    return false;
  }
}();

/// The archive form of an object of a contiguous type, without serializing it: its length
/// word (kept by the caller, so the span stays valid) followed by its own elements.
template <class T>
struct ContiguousForm {
  static_assert(is_contiguous_raw_v<T>, "only contiguous types have this form");

  static std::size_t element_bytes(const T& object) noexcept {
    return object.size() * sizeof(typename T::value_type);
  }
  static std::uint64_t size(const T& object) noexcept {
    return sizeof(std::uint64_t) + element_bytes(object);
  }
  static void parts(const T& object, const std::uint64_t& length,
                    std::vector<std::span<const std::byte>>& out) {
    out.emplace_back(reinterpret_cast<const std::byte*>(&length), sizeof length);
    if (element_bytes(object) != 0) {
      out.emplace_back(reinterpret_cast<const std::byte*>(object.data()), element_bytes(object));
    }
  }
};

/// An object of a contiguous type (is_contiguous_raw_v) kept as the task left it: its
/// archive form is its length word followed by its own elements, so it is never
/// serialized.
///
///   auto v = std::make_shared<const ObjectValue<std::vector<double>>>(std::move(x));
template <class T>
class ObjectValue final : public HeldValue {
 public:
  explicit ObjectValue(T value) : value_(std::move(value)), length_(value_.size()) {}

  std::uint64_t size() const override { return ContiguousForm<T>::size(value_); }
  void parts(std::vector<std::span<const std::byte>>& out) const override {
    ContiguousForm<T>::parts(value_, length_, out);
  }

 protected:
  const std::type_info& type() const noexcept override { return typeid(T); }
  const void* object() const noexcept override { return &value_; }

 private:
  T value_;
  std::uint64_t length_;  ///< the archive's length field, sent from here
};

/// Keeps a task's output (moved) as a shared held value: an object of a contiguous type
/// as it is; any other type as its archive form, serialized once here (it would be
/// serialized to travel, or deserialized by a reader, anyway, and keeping both the
/// object and its bytes would double the worker's memory).
///
///   outputs.push_back({i, hold_object(std::move(result))});
template <class T>
std::shared_ptr<const HeldValue> hold_object(T&& value) {
  using U = std::remove_cvref_t<T>;
  if constexpr (is_contiguous_raw_v<U> && std::is_constructible_v<U, T&&>) {
    return std::make_shared<const ObjectValue<U>>(std::forward<T>(value));
  } else {
    return std::make_shared<const BytesValue>(compss::to_bytes(value));
  }
}

/// Copies or deserializes a held value into `out`: a copy of the object when it has type
/// `T`, else from its archive form. Throws compss::Error on bytes that are not a `T`.
///
///   std::vector<double> v;
///   load_held(*held, v);
template <class T>
void load_held(const HeldValue& held, T& out) {
  if constexpr (std::is_copy_assignable_v<T>) {
    if (const T* object = held.as<T>()) {
      out = *object;
      return;
    }
  }
  std::vector<std::byte> scratch;
  from_bytes(held.view(scratch), out);
}

/// A value held in place in an object someone else owns (the master's own object, which a
/// fetch filled through an IntoObjectSink). Views it; the owner keeps it alive.
template <class T>
class InPlaceValue final : public HeldValue {
 public:
  /// `home`: the object that contains `target` (null: `target` itself).
  explicit InPlaceValue(const T& target, const void* home = nullptr)
      : target_(target), home_(home != nullptr ? home : &target), length_(target.size()) {}
  std::uint64_t size() const override { return ContiguousForm<T>::size(target_); }
  void parts(std::vector<std::span<const std::byte>>& out) const override {
    ContiguousForm<T>::parts(target_, length_, out);
  }

 protected:
  const std::type_info& type() const noexcept override { return typeid(T); }
  const void* object() const noexcept override { return &target_; }
  const void* home() const noexcept override { return home_; }

 private:
  const T& target_;
  const void* home_;
  std::uint64_t length_;
};

}  // namespace compss::detail
