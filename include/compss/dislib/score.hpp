// dislib::PendingScore: a score that tasks are still computing (an estimator's
// score_async), so that GridSearchCV can submit every candidate before waiting.
#pragma once

#include <functional>
#include <utility>

namespace dislib {

/// A score whose tasks have been submitted; get() waits for them (once) and returns it.
///
///   dislib::PendingScore s = knn.score_async(x_test, y_test);   // no wait
///   double accuracy = s.get();                                   // waits here
class PendingScore {
 public:
  explicit PendingScore(std::function<double()> wait) : wait_(std::move(wait)) {}
  double get() const { return wait_(); }

 private:
  std::function<double()> wait_;
};

}  // namespace dislib
