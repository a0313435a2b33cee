// Binary archives: how COMPSs turns task parameters into bytes and back.
//
// A trivially copyable type goes as its raw bytes; std::string (and std::filesystem::path, as
// its string: a file parameter of either type reaches a worker the same way) and
// std::vector/std::array of a trivially copyable type go as one length and one memcpy; other
// standard containers go
// element by element; a user type provides `template<class A> void serialize(A& ar)`.
#pragma once

#include <compss/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace compss {

class OutputArchive;
class InputArchive;

namespace detail {

template <class T>
concept HasMemberSerialize = requires(T& t, OutputArchive& o, InputArchive& i) {
  t.serialize(o);
  t.serialize(i);
};

template <class T> struct is_std_vector : std::false_type {};
template <class T, class A> struct is_std_vector<std::vector<T, A>> : std::true_type {};
template <class T> struct is_std_array : std::false_type {};
template <class T, std::size_t N> struct is_std_array<std::array<T, N>> : std::true_type {};
template <class T> struct is_std_map : std::false_type {};
template <class K, class V, class C, class A>
struct is_std_map<std::map<K, V, C, A>> : std::true_type {};
template <class K, class V, class H, class E, class A>
struct is_std_map<std::unordered_map<K, V, H, E, A>> : std::true_type {};
template <class T> struct is_std_set : std::false_type {};
template <class K, class C, class A> struct is_std_set<std::set<K, C, A>> : std::true_type {};
template <class T> struct is_std_pair : std::false_type {};
template <class A, class B> struct is_std_pair<std::pair<A, B>> : std::true_type {};
template <class T> struct is_std_tuple : std::false_type {};
template <class... Ts> struct is_std_tuple<std::tuple<Ts...>> : std::true_type {};
template <class T> struct is_std_optional : std::false_type {};
template <class T> struct is_std_optional<std::optional<T>> : std::true_type {};

/// Raw-bytes types: trivially copyable, but not pointers (an address means nothing elsewhere).
template <class T>
inline constexpr bool is_raw_v = std::is_trivially_copyable_v<T> && !std::is_pointer_v<T> &&
                                 !std::is_member_pointer_v<T> && !std::is_array_v<T> &&
                                 !std::is_same_v<T, std::nullptr_t>;

template <class T> struct serializable : std::false_type {};

template <class T>
constexpr bool check_serializable() {
  if constexpr (HasMemberSerialize<T>) {
    return true;
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::filesystem::path>) {
    return true;
  } else if constexpr (is_std_vector<T>::value || is_std_array<T>::value ||
                       is_std_set<T>::value || is_std_optional<T>::value) {
    return check_serializable<std::remove_cv_t<typename T::value_type>>();
  } else if constexpr (is_std_map<T>::value) {
    return check_serializable<typename T::key_type>() &&
           check_serializable<typename T::mapped_type>();
  } else if constexpr (is_std_pair<T>::value) {
    return check_serializable<std::remove_cv_t<typename T::first_type>>() &&
           check_serializable<typename T::second_type>();
  } else if constexpr (is_std_tuple<T>::value) {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (check_serializable<std::tuple_element_t<I, T>>() && ...);
    }(std::make_index_sequence<std::tuple_size_v<T>>{});
  } else {
    return is_raw_v<T>;
  }
}

}  // namespace detail

/// True when `T` can go through an archive (and so a task parameter of type `T` could run
/// on another node).
///
///   static_assert(compss::is_serializable_v<std::vector<double>>);
template <class T>
inline constexpr bool is_serializable_v = detail::check_serializable<std::remove_cv_t<T>>();

/// Writes values into a growing byte buffer.
///
///   compss::OutputArchive out;
///   out(x, name, values);
///   std::vector<std::byte> bytes = out.take();
class OutputArchive {
 public:
  /// Serializes each argument in order.
  ///
  ///   out(a, b, c);
  template <class... Ts>
  OutputArchive& operator()(const Ts&... values) {
    (save(values), ...);
    return *this;
  }

  /// Appends `size` raw bytes.
  ///
  ///   out.write_bytes(&header, sizeof header);
  void write_bytes(const void* data, std::size_t size) {
    if (size == 0) return;
    // One pass over the bytes: insert copies into the new capacity, where resize would
    // first zero-fill it (a second pass, costly for a large vector).
    const auto* first = static_cast<const std::byte*>(data);
    buffer_.insert(buffer_.end(), first, first + size);
  }

  /// Appends a length (64-bit, native byte order).
  ///
  ///   out.write_size(v.size());
  void write_size(std::uint64_t n) { write_bytes(&n, sizeof n); }

  /// The bytes written so far.
  ///
  ///   send(out.bytes());
  std::span<const std::byte> bytes() const noexcept { return buffer_; }

  /// Moves the buffer out, leaving the archive empty.
  ///
  ///   std::vector<std::byte> b = out.take();
  std::vector<std::byte> take() noexcept { return std::move(buffer_); }

 private:
  template <class T>
  void save(const T& v);

  std::vector<std::byte> buffer_;
};

/// Reads values from a byte span. Truncated or malformed input throws compss::Error; a
/// length is checked against the remaining bytes before anything is allocated.
///
///   compss::InputArchive in(bytes);
///   in(x, name, values);
class InputArchive {
 public:
  /// Reads from `bytes`, which must outlive the archive.
  ///
  ///   compss::InputArchive in(std::span<const std::byte>(buf));
  explicit InputArchive(std::span<const std::byte> bytes) noexcept
      : pos_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  /// Deserializes into each argument in order.
  ///
  ///   in(a, b, c);
  template <class... Ts>
  InputArchive& operator()(Ts&... values) {
    (load(values), ...);
    return *this;
  }

  /// Copies the next `size` bytes into `out`; throws compss::Error if fewer remain.
  ///
  ///   in.read_bytes(&header, sizeof header);
  void read_bytes(void* out, std::size_t size) {
    if (size > remaining()) fail("truncated input");
    if (size != 0) std::memcpy(out, pos_, size);
    pos_ += size;
  }

  /// Reads a length and checks that `n * min_element_bytes` bytes can still follow.
  ///
  ///   std::uint64_t n = in.read_size(sizeof(double));
  std::uint64_t read_size(std::size_t min_element_bytes) {
    std::uint64_t n = 0;
    read_bytes(&n, sizeof n);
    std::size_t per = min_element_bytes == 0 ? 1 : min_element_bytes;
    if (n > remaining() / per) fail("length exceeds the remaining input");
    return n;
  }

  /// Bytes not consumed yet.
  ///
  ///   if (in.remaining() != 0) { /* trailing data */ }
  std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - pos_); }

 private:
  [[noreturn]] static void fail(const char* what) {
    throw Error(std::string("compss: cannot deserialize: ") + what);
  }
  template <class T>
  void load(T& v);

  const std::byte* pos_;
  const std::byte* end_;
};

template <class T>
void OutputArchive::save(const T& v) {
  static_assert(is_serializable_v<T>,
                "compss: this type cannot be serialized; give it a member "
                "`template<class A> void serialize(A& ar) { ar(members...); }`");
  using namespace detail;
  if constexpr (HasMemberSerialize<T>) {
    const_cast<T&>(v).serialize(*this);
  } else if constexpr (std::is_same_v<T, std::string>) {
    write_size(v.size());
    write_bytes(v.data(), v.size());
  } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
    save(v.string());  // the bytes of a std::string: either type reads them
  } else if constexpr (is_std_vector<T>::value || is_std_array<T>::value) {
    using E = typename T::value_type;
    write_size(v.size());
    if constexpr (is_raw_v<E> && !std::is_same_v<T, std::vector<bool>>) {
      write_bytes(v.data(), v.size() * sizeof(E));
    } else {
      for (const auto& e : v) save(static_cast<const E&>(e));
    }
  } else if constexpr (is_std_set<T>::value || is_std_map<T>::value) {
    write_size(v.size());
    if constexpr (is_std_map<T>::value) {
      for (const auto& [k, m] : v) (save(k), save(m));
    } else {
      for (const auto& e : v) save(e);
    }
  } else if constexpr (is_std_optional<T>::value) {
    std::uint8_t has = v.has_value() ? 1 : 0;
    write_bytes(&has, 1);
    if (has) save(*v);
  } else if constexpr (is_std_pair<T>::value) {
    save(v.first);
    save(v.second);
  } else if constexpr (is_std_tuple<T>::value) {
    std::apply([this](const auto&... e) { (save(e), ...); }, v);
  } else {
    write_bytes(&v, sizeof(T));
  }
}

template <class T>
void InputArchive::load(T& v) {
  static_assert(is_serializable_v<T>,
                "compss: this type cannot be deserialized; give it a member "
                "`template<class A> void serialize(A& ar) { ar(members...); }`");
  using namespace detail;
  if constexpr (HasMemberSerialize<T>) {
    v.serialize(*this);
  } else if constexpr (std::is_same_v<T, bool>) {
    unsigned char byte = 0;  // a byte other than 0 or 1 would be an invalid bool
    read_bytes(&byte, 1);
    if (byte > 1) fail("a bool is neither 0 nor 1");
    v = byte != 0;
  } else if constexpr (std::is_same_v<T, std::string>) {
    std::uint64_t n = read_size(1);
    v.assign(reinterpret_cast<const char*>(pos_), n);  // one pass: no zero-fill first
    pos_ += n;
  } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
    std::string s;
    load(s);
    v = std::move(s);
  } else if constexpr (is_std_array<T>::value) {
    using E = typename T::value_type;
    std::uint64_t n = read_size(is_raw_v<E> ? sizeof(E) : 0);
    if (n != v.size()) fail("array length mismatch");
    if constexpr (is_raw_v<E>) {
      read_bytes(v.data(), n * sizeof(E));
    } else {
      for (auto& e : v) load(e);
    }
  } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
    std::uint64_t n = read_size(1);
    v.assign(n, false);
    for (std::uint64_t i = 0; i < n; ++i) {
      bool b = false;
      load(b);
      v[i] = b;
    }
  } else if constexpr (is_std_vector<T>::value) {
    using E = typename T::value_type;
    std::uint64_t n = read_size(is_raw_v<E> ? sizeof(E) : 1);
    if constexpr (is_raw_v<E>) {
      if (reinterpret_cast<std::uintptr_t>(pos_) % alignof(E) == 0) {
        // One pass: assign copies the elements' bytes (a memmove for a trivially copyable
        // E) into fresh storage; resize + read_bytes would zero-fill it first.
        const E* first = reinterpret_cast<const E*>(pos_);
        v.assign(first, first + n);
        pos_ += n * sizeof(E);
      } else {  // misaligned for E (a value after an odd-sized field): byte copy
        v.clear();
        v.resize(n);
        read_bytes(v.data(), n * sizeof(E));
      }
    } else {
      v.clear();
      v.resize(n);
      for (auto& e : v) load(e);
    }
  } else if constexpr (is_std_set<T>::value) {
    std::uint64_t n = read_size(1);
    v.clear();
    for (std::uint64_t i = 0; i < n; ++i) {
      typename T::value_type e{};
      load(e);
      v.insert(std::move(e));
    }
  } else if constexpr (is_std_map<T>::value) {
    std::uint64_t n = read_size(1);
    v.clear();
    for (std::uint64_t i = 0; i < n; ++i) {
      typename T::key_type k{};
      typename T::mapped_type m{};
      load(k);
      load(m);
      v.insert_or_assign(std::move(k), std::move(m));
    }
  } else if constexpr (is_std_optional<T>::value) {
    std::uint8_t has = 0;
    read_bytes(&has, 1);
    if (has > 1) fail("bad optional flag");
    if (has) {
      v.emplace();
      load(*v);
    } else {
      v.reset();
    }
  } else if constexpr (is_std_pair<T>::value) {
    load(const_cast<std::remove_const_t<typename T::first_type>&>(v.first));
    load(v.second);
  } else if constexpr (is_std_tuple<T>::value) {
    std::apply([this](auto&... e) { (load(e), ...); }, v);
  } else {
    read_bytes(&v, sizeof(T));
  }
}

/// Serializes one value into a fresh byte vector.
///
///   std::vector<std::byte> b = compss::to_bytes(matrix);
template <class T>
std::vector<std::byte> to_bytes(const T& value) {
  OutputArchive out;
  out(value);
  return out.take();
}

/// Deserializes `bytes` into `value`; throws compss::Error on truncated, malformed or
/// trailing input.
///
///   Matrix m;
///   compss::from_bytes(b, m);
template <class T>
void from_bytes(std::span<const std::byte> bytes, T& value) {
  InputArchive in(bytes);
  in(value);
  if (in.remaining() != 0) throw Error("compss: cannot deserialize: trailing bytes");
}

}  // namespace compss
