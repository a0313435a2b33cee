// A program as compss-cc would emit it, for test_net_worker: run normally it runs its
// tasks locally; with COMPSS_WORKER set, run_main serves them to a master instead.
#include <compss/compss.hpp>
#include <compss/detail/call_task.hpp>
#include <compss/detail/run_main.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

using namespace compss::detail;

void square_all(std::vector<double>& v) {
  for (double& x : v) x *= x;
}
std::string greet(const std::string& who) {
  if (who.empty()) throw std::runtime_error("nobody to greet");
  return "hello " + who;
}

static constexpr ParamSpec square_params[] = {{Direction::inout, ParamKind::object, "v"}};
static constexpr TaskSpec square_spec{"square_all", "void square_all(std::vector<double> &)",
                                      square_params, 1};
static constexpr ParamSpec greet_params[] = {{Direction::in, ParamKind::object, "who"}};
static constexpr TaskSpec greet_spec{"greet", "std::string greet(const std::string &)",
                                     greet_params, 1};

static int user_main() {
  std::vector<double> v{1, 2, 3};
  call_task<square_spec, &square_all>(v);
  auto g = call_task<greet_spec, &greet>(std::string("local"));
  std::printf("%s %g\n", g.get().c_str(), (compss::wait_on(v), v[2]));
  return 0;
}

int main(int argc, char** argv) { return run_main(argc, argv, &user_main); }
