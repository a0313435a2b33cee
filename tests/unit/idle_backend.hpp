// A Backend for tests of the Runtime whose every hook does nothing: a test overrides the
// few it watches (core/backend.hpp).
#pragma once

#include "core/backend.hpp"

#include <string>

namespace compss_test {

/// Does nothing with the tasks (a ready task goes nowhere unless `ready` is overridden);
/// `all_local` as given. Thread-safe (it has no state).
class IdleBackend : public compss::rt::Backend {
 public:
  explicit IdleBackend(bool all_local) : all_local_(all_local) {}
  bool all_local() const noexcept override { return all_local_; }
  void submitted(compss::detail::TaskBase*, std::uint64_t) override {}
  void ready(compss::detail::TaskBase*) override {}
  void before_run(compss::detail::TaskBase*) override {}
  void finished(compss::detail::TaskBase*) noexcept override {}
  void sync(std::uintptr_t, bool) override {}
  void sync_range(std::uintptr_t, std::uintptr_t) override {}
  void sync_file(const std::string&) override {}
  void sync_all() override {}
  void forget(std::uintptr_t) noexcept override {}
  std::string node_name(int) const override { return "here"; }
  std::size_t running() const noexcept override { return 0; }
  void tell_run_ended() noexcept override {}
  void shutdown() noexcept override {}

 private:
  const bool all_local_;
};

}  // namespace compss_test
