// GridSearchCV's non-template half (model_selection.hpp): ranking the candidates as
// scikit-learn's cv_results_, and saving and loading the fitted search. The best estimator
// is embedded as the document its own save writes (through a file next to the search's,
// removed at once), so the search needs no knowledge of the estimator's fields.
#include <compss/dislib/model_selection.hpp>

#include "model_io.hpp"

#include <compss/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace dislib::detail {

namespace {

constexpr const char* kName = "GridSearchCV";

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw compss::Error("dislib: " + path + ": " + what);
}

// The best estimator's own model file while it is written or read; removed on every path.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& search_path) : path_(search_path + ".best_estimator.tmp") {}
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

void rank_candidates(SearchState& state) {
  CvResults& r = state.cv_results;
  r.mean_test_score.clear();
  r.std_test_score.clear();
  for (const std::vector<double>& split : r.split_test_score) {
    double mean = 0;
    for (double v : split) mean += v;
    mean /= static_cast<double>(split.size());
    double var = 0;
    for (double v : split) var += (v - mean) * (v - mean);
    r.mean_test_score.push_back(mean);
    r.std_test_score.push_back(std::sqrt(var / static_cast<double>(split.size())));
  }
  r.rank_test_score.clear();
  state.best_index = 0;
  for (std::size_t c = 0; c < r.mean_test_score.size(); ++c) {
    // 1 + the candidates of a higher mean: equal means share the lowest rank ("min").
    r.rank_test_score.push_back(1 + static_cast<std::size_t>(std::count_if(
                                        r.mean_test_score.begin(), r.mean_test_score.end(),
                                        [&](double m) { return m > r.mean_test_score[c]; })));
    if (r.mean_test_score[c] > r.mean_test_score[state.best_index]) state.best_index = c;
  }
}

void save_search(const std::string& path, const SearchState& state, std::size_t n_candidates,
                 const std::function<void(const std::string&)>& save_best) {
  Json best = nullptr;
  if (save_best) {
    const ScratchFile scratch(path);
    save_best(scratch.path());
    std::ifstream in(scratch.path());
    best = Json::parse(in);
  }
  write_model(path, kName,
              {{"cv", {{"n_splits", state.cv.n_splits},
                       {"shuffle", state.cv.shuffle},
                       {"random_state", state.cv.random_state}}},
               {"refit", state.refit},
               {"n_candidates", n_candidates}},
              {{"split_test_score", state.cv_results.split_test_score},
               {"best_index", state.best_index},
               {"best_estimator", std::move(best)}});
}

SearchState load_search(const std::string& path, std::size_t n_candidates,
                        const std::function<void(const std::string&)>& load_best) {
  const Json doc = read_model(path, kName);
  SearchState state;
  std::size_t saved_candidates = 0;
  try {
    const Json& p = doc.at("params");
    state.cv.n_splits = p.at("cv").at("n_splits").get<std::size_t>();
    state.cv.shuffle = p.at("cv").at("shuffle").get<bool>();
    state.cv.random_state = p.at("cv").at("random_state").get<std::uint32_t>();
    state.refit = p.at("refit").get<bool>();
    saved_candidates = p.at("n_candidates").get<std::size_t>();
    state.cv_results.split_test_score =
        doc.at("fitted").at("split_test_score").get<std::vector<std::vector<double>>>();
  } catch (const Json::exception& e) {
    bad(path, std::string("bad GridSearchCV model: ") + e.what());
  }
  if (saved_candidates != n_candidates || state.cv_results.split_test_score.size() != n_candidates)
    bad(path, "the search was saved with " + std::to_string(saved_candidates) +
                  " candidates, the grid given to load has " + std::to_string(n_candidates) +
                  ": load needs the grid the search was made with");
  rank_candidates(state);
  if (static_cast<std::size_t>(number_field(doc, path, "best_index")) != state.best_index)
    bad(path, "best_index does not match the saved scores");
  const Json& best = doc["fitted"].value("best_estimator", Json());
  if (state.refit != !best.is_null())
    bad(path, state.refit ? "refit is true but there is no best_estimator"
                          : "refit is false but there is a best_estimator");
  if (!best.is_null()) {
    const ScratchFile scratch(path);
    {
      std::ofstream out(scratch.path());
      out << best.dump() << '\n';
      if (!out.flush()) bad(scratch.path(), "cannot write the best estimator to load it");
    }
    load_best(scratch.path());
  }
  return state;
}

void no_best_estimator() {
  throw compss::Error(
      "dislib: GridSearchCV: best_estimator is only there after fit with refit = true "
      "(the constructor's third argument)");
}

}  // namespace dislib::detail
