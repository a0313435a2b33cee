// Which workers sharing the master's files reach the run's directory of kept links
// (net/kept_files.hpp), as each one told at its admission: the master asks each such
// worker to check it (access X_OK on its path, a Heartbeat naming it). Per worker: a remake
// placed on one that said it cannot, or has not answered yet, reads a link to its version
// made beside the file instead (kept_files::link_for), which those workers are promised to
// see. Where links are first made does not depend on it: nothing but a remake reads them.
//
// Not thread-safe: its owner (the keeper) holds it under its own lock.
#pragma once

#include <map>

namespace compss::net::kept_files {

class KeptDirViews {
 public:
  /// Worker `node` was asked (its answer is awaited; a node id is never reused in a run).
  void asked(int node) { views_[node] = View::asked; }
  /// Worker `node` answered: it reaches the directory, or not. (An answer from a worker
  /// not asked, or gone since, is ignored.)
  void answered(int node, bool sees) {
    if (auto it = views_.find(node); it != views_.end()) it->second = sees ? View::reaches : View::blind;
  }
  /// Worker `node` is gone: nothing is placed on it again.
  void gone(int node) { views_.erase(node); }
  /// Whether worker `node` said it reaches the directory.
  bool reaches(int node) const {
    auto it = views_.find(node);
    return it != views_.end() && it->second == View::reaches;
  }
  /// Forgets every worker (a new run: its node ids start again).
  void clear() { views_.clear(); }

 private:
  enum class View { asked, reaches, blind };
  std::map<int, View> views_;
};

}  // namespace compss::net::kept_files
