// Mutual exclusion for commutative accesses.
//
// A run of commutative accesses to one datum shares one token; a task runs only while it
// holds the tokens of all its commutative data. Tokens are taken in one global order (by
// address), so two tasks that need the same two tokens cannot deadlock. A ready task that
// finds a token taken does not block its thread: it is parked on that token, and the task
// that releases the token hands it over and re-spawns the parked task, which then goes on
// taking the rest of its tokens.
#pragma once

#include <compss/detail/task_node.hpp>

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace compss::rt {

using detail::TaskBase;
class TaskExecutor;

/// Held by at most one task of a commutative run at a time.
struct ExclusionToken {
  std::mutex mutex;
  bool held = false;
  std::deque<TaskBase*> parked;  // ready tasks waiting for this token, first come first served
};

/// The tokens one task needs, sorted by address; tokens[0, held) are the task's.
struct ExclusiveSet {
  std::vector<std::shared_ptr<ExclusionToken>> tokens;
  std::size_t held = 0;
};

/// Adds `token` to the tokens `t` must hold to run (at submission, before t can start).
void add_exclusive(TaskBase* t, const std::shared_ptr<ExclusionToken>& token);

/// Takes the task's remaining tokens in order. False: the task is parked on a taken token
/// and will be spawned again, by `leave` of the holder, once it is handed that token.
bool try_enter(TaskBase* t) noexcept;

/// Releases the task's tokens (handing each to its first parked task, which is spawned on
/// `executor`) and frees the task's token set.
void leave(TaskBase* t, TaskExecutor& executor) noexcept;

}  // namespace compss::rt
