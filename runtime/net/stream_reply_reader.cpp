#include "net/stream_reply_reader.hpp"

#include <cstring>
#include <new>

namespace compss::net {

std::uint64_t StreamReplyReader::u64(std::size_t at) const noexcept {
  std::uint64_t v = 0;  // (the archive's layout: native byte order, as memcpy'd)
  std::memcpy(&v, scratch_.data() + at, sizeof v);
  return v;
}

std::span<std::byte> StreamReplyReader::small(std::size_t n, Step then, std::error_code& bad) noexcept {
  if (n > left_) {
    bad = NetError::malformed_payload;  // (truncated: a field past the payload's end)
    return {};
  }
  left_ -= n;
  step_ = then;
  return {scratch_.data(), n};
}

std::span<std::byte> StreamReplyReader::into(std::byte* at, std::uint64_t n, Step then,
                                             std::error_code& bad) noexcept {
  step_ = then;
  if (n == 0) return next(bad);  // (nothing to read: go on with the step after)
  left_ -= n;                    // (checked by the caller against left_)
  return {at, static_cast<std::size_t>(n)};
}

std::span<std::byte> StreamReplyReader::finish(std::error_code& bad) noexcept {
  step_ = Step::done;
  if (left_ != 0) bad = NetError::trailing_bytes;
  return {};
}

std::span<std::byte> StreamReplyReader::start_element(std::error_code& bad) noexcept {
  if (index_ == count_) return finish(bad);
  return small(8, Step::bytes_size, bad);
}

std::span<std::byte> StreamReplyReader::next(std::error_code& bad) noexcept {
  try {
    switch (step_) {
      case Step::start:
        return small(8, Step::error_size, bad);
      case Step::error_size: {
        const std::uint64_t n = u64(0);
        if (n > left_) break;
        reply_.error.resize(n);
        return into(reinterpret_cast<std::byte*>(reply_.error.data()), n, Step::error_text, bad);
      }
      case Step::error_text:
        return small(16, Step::counts, bad);
      case Step::counts: {
        reply_.value = u64(0);
        count_ = u64(8);
        if (count_ > left_ / min_wire_element_bytes) break;
        reply_.elements.resize(count_);
        return start_element(bad);
      }
      case Step::element:
        return start_element(bad);
      case Step::bytes_size: {
        const std::uint64_t n = u64(0);
        if (n > left_) break;
        std::vector<std::byte>& bytes = reply_.elements[index_].bytes;
        bytes.resize(n);
        return into(bytes.data(), n, Step::bytes, bad);
      }
      case Step::bytes:
        return small(16, Step::key_host_size, bad);
      case Step::key_host_size: {
        WireElement& e = reply_.elements[index_];
        e.key = u64(0);
        const std::uint64_t n = u64(8);
        if (n > left_) break;
        e.host.resize(n);
        return into(reinterpret_cast<std::byte*>(e.host.data()), n, Step::host, bad);
      }
      case Step::host:
        return small(2 + 8, Step::port_size, bad);
      case Step::port_size: {
        WireElement& e = reply_.elements[index_];
        std::memcpy(&e.port, scratch_.data(), sizeof e.port);
        e.size = [&] {
          std::uint64_t v = 0;
          std::memcpy(&v, scratch_.data() + 2, sizeof v);
          return v;
        }();
        ++index_;
        step_ = Step::element;
        return start_element(bad);
      }
      case Step::done:
        return {};
    }
  } catch (const std::bad_alloc&) {
    bad = NetError::payload_too_large;
    return {};
  }
  bad = NetError::malformed_payload;  // a length past the payload's end
  return {};
}

}  // namespace compss::net
