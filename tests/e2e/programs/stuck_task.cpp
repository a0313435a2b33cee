// A task that ignores its time-out and never returns: the program must still end (exit
// code 1, the failure on stderr), not wait for the stuck thread. Written as compss-cc's
// output would be (hand-written TaskSpec), so it does not depend on the translator's
// support for time_out.
#include <compss/compss.hpp>

#include <chrono>
#include <thread>

namespace {
void stuck(int& x) {
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));  // ignores stop_requested
  x = 1;
}
constexpr ::compss::detail::ParamSpec stuck_params[] = {
    {::compss::detail::Direction::inout, ::compss::detail::ParamKind::object, "x"}};
constexpr ::compss::detail::TaskSpec stuck_task{
    .name = "stuck", .signature = "void stuck(int &)", .params = stuck_params,
    .param_count = 1, .on_failure = ::compss::detail::OnFailure::fail, .time_out = 0.2};

int user_main() {
  static int x = 0;
  ::compss::detail::call_task<stuck_task, &stuck>(x);
  ::compss::wait_on(x);
  return 0;
}
}  // namespace

int main(int argc, char** argv) { return ::compss::detail::run_main(argc, argv, &user_main); }
