// Whether every worker sharing the master's files reaches the run's directory of kept
// links (net/kept_files.hpp), as each one told at its admission: the master asks each
// such worker to check it (access X_OK on its path, a Heartbeat naming it) before sending
// it any request, and puts a new link there only while no worker said it cannot and none
// has yet to answer; else beside the file, which those workers are promised to see. A
// worker that cannot is remembered for the rest of the run (started again, it would not
// see it either), so the links made after it answered are never where it cannot read them.
//
// Not thread-safe: its owner (the keeper) holds it under its own lock.
#pragma once

#include <set>

namespace compss::net::kept_files {

class KeptDirViews {
 public:
  /// Worker `node` was asked (its answer is awaited).
  void asked(int node) { pending_.insert(node); }
  /// Worker `node` answered: it reaches the directory, or not.
  void answered(int node, bool sees) {
    pending_.erase(node);
    if (!sees) blind_ = true;
  }
  /// Worker `node` is gone (lost before it answered: it never will).
  void gone(int node) { pending_.erase(node); }
  /// Whether a new link may go in the run's directory.
  bool usable() const { return !blind_ && pending_.empty(); }
  /// Whether a worker said it cannot reach it.
  bool blind() const { return blind_; }

 private:
  std::set<int> pending_;
  bool blind_ = false;
};

}  // namespace compss::net::kept_files
