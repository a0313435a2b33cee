#include "net/fake_transport.hpp"

namespace compss::net {

namespace {

class FakeEndpoint final : public Endpoint {
 public:
  FakeEndpoint(std::shared_ptr<Inbox> mine, std::shared_ptr<Inbox> theirs)
      : mine_(std::move(mine)), theirs_(std::move(theirs)) {}
  ~FakeEndpoint() override { close(); }

  std::error_code send(const Message& m) override {
    if (mine_->closed()) return NetError::closed;
    Message copy;
    if (auto ec = decode_frame(encode(m), copy)) return ec;
    theirs_->push(std::move(copy));
    return {};
  }
  std::error_code receive(Message& out, std::chrono::milliseconds timeout) override {
    return mine_->pop(out, timeout);
  }
  void close() noexcept override {
    mine_->close(NetError::closed);
    theirs_->close(NetError::closed);
  }
  std::string peer() const override { return "fake"; }

 private:
  std::shared_ptr<Inbox> mine_;
  std::shared_ptr<Inbox> theirs_;
};

}  // namespace

std::pair<std::shared_ptr<Endpoint>, std::shared_ptr<Endpoint>> make_fake_pair() {
  auto a = std::make_shared<Inbox>();
  auto b = std::make_shared<Inbox>();
  return {std::make_shared<FakeEndpoint>(a, b), std::make_shared<FakeEndpoint>(b, a)};
}

}  // namespace compss::net
