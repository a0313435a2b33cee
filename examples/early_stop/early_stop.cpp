// early_stop: a parameter search that stops as soon as one candidate converges.
//
// Every candidate learning rate trains a toy model in its own task. The task that
// converges throws compss::Exception: the runtime cancels the candidates that have not
// started, asks the running ones to stop (compss::this_task::stop_requested()), and
// rethrows the exception in main at the end of the task group, where main reacts.
// Compiled with any C++ compiler the same program runs the candidates one after the other
// and the exception simply propagates: both builds print the same thing.
#include <compss/compss.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

struct Fit {
  double learning_rate = 0;
  int iterations = 0;  // 0: not trained (cancelled or stopped early)
  double loss = 0;
};

constexpr double target = 3.0;       // the model: minimise (w - target)^2
constexpr double tolerance = 1e-12;  // converged when the loss is below this
constexpr int budget = 200000;       // iterations a candidate may use

// Gradient descent on one learning rate. Writes its fit; throws when it converges.
#pragma compss task out(fit)
void train(double learning_rate, Fit& fit) {
  double w = 0;
  for (int it = 1; it <= budget; ++it) {
    if (compss::this_task::stop_requested()) return;  // another candidate converged
    w -= learning_rate * 2 * (w - target);
    double loss = (w - target) * (w - target);
    if (loss < tolerance) {
      fit = {learning_rate, it, loss};
      char text[96];
      std::snprintf(text, sizeof text, "learning rate %.2f converged after %d iterations",
                    learning_rate, it);
      throw compss::Exception(text);
    }
    if (!std::isfinite(loss)) break;  // diverged
  }
  fit = {learning_rate, budget, (w - target) * (w - target)};
}

int main() {
  // Only 0.45 converges within the budget: the others are too slow (or diverge).
  const std::vector<double> rates = {0.0000001, 0.0000002, 0.0000005, 0.000001,
                                     0.45,      0.000002,  0.000005,  0.00001};
  std::vector<Fit> fits(rates.size());
  try {
    // The group's end waits for its tasks and rethrows the exception (compss-cc turns the
    // pragma into a compss::TaskGroup scope around the block; a plain compiler ignores it).
#pragma compss group("search")
    {
      for (std::size_t i = 0; i < rates.size(); ++i) train(rates[i], fits[i]);
    }
  } catch (const compss::Exception& e) {
    // In the COMPSs build the exception arrives here when the group ends; e.task_name()
    // and e.task_id() say which task threw it.
    std::printf("search stopped early: %s\n", e.what());
    return 0;
  }
  std::printf("no candidate converged\n");
  return 0;
}
