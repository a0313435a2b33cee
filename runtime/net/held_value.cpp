// Held values and the byte sink (compss/detail/held_value.hpp, value_sink.hpp): the parts
// that are not templates.
#include <compss/detail/held_value.hpp>
#include <compss/detail/value_sink.hpp>

namespace compss::detail {

std::span<const std::byte> HeldValue::view(std::vector<std::byte>& scratch) const {
  std::vector<std::span<const std::byte>> pieces;
  parts(pieces);
  if (pieces.size() == 1) return pieces.front();
  scratch = to_bytes();
  return scratch;
}

std::vector<std::byte> HeldValue::to_bytes() const {
  std::vector<std::span<const std::byte>> pieces;
  parts(pieces);
  std::vector<std::byte> joined;
  joined.reserve(size());
  for (std::span<const std::byte> p : pieces) joined.insert(joined.end(), p.begin(), p.end());
  return joined;
}

BytesValue::BytesValue(std::size_t size)
    // new T[n] without () leaves the bytes uninitialised: the receive writes each once.
    : raw_(size == 0 ? nullptr : new std::byte[size]), raw_size_(size) {}

std::span<const std::byte> BytesValue::bytes() const noexcept {
  if (raw_) return {raw_.get(), raw_size_};
  return vector_;
}

void BytesValue::parts(std::vector<std::span<const std::byte>>& out) const {
  if (!bytes().empty()) out.push_back(bytes());
}

namespace {

class ByteSink final : public ValueSink {
 public:
  std::vector<std::span<std::byte>> places(std::uint64_t size) override {
    value_ = std::make_shared<BytesValue>(static_cast<std::size_t>(size));
    if (size == 0) return {};
    return {value_->writable()};
  }
  std::shared_ptr<const HeldValue> finish() override {
    if (!value_) value_ = std::make_shared<BytesValue>(std::vector<std::byte>{});
    return std::move(value_);
  }

 private:
  std::shared_ptr<BytesValue> value_;
};

}  // namespace

std::unique_ptr<ValueSink> make_byte_sink() { return std::make_unique<ByteSink>(); }

}  // namespace compss::detail
