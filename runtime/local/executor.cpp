#include "local/executor.hpp"

#include "core/runtime.hpp"
#include "core/thread_slot.hpp"
#include "local/constrained.hpp"
#include "local/task_binding.hpp"
#include "stream/task_threads.hpp"

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>
#include <oneapi/tbb/task_scheduler_observer.h>

#include <atomic>
#include <cstdint>
#include <mutex>

namespace compss::rt {

namespace {
// (initial-exec: a plain load, not a call to __tls_get_addr: libcompss is never dlopen()ed.)
[[gnu::tls_model("initial-exec")]] constinit thread_local const LocalExecutor* tls_executor = nullptr;
// Each thread's TBB slot in the arena of the executor numbered thread_slot.of while it is
// in that arena (core/thread_slot.hpp: set and reset by the arena's SlotKeeper when the
// thread joins and leaves it), so that the Runtime (the trace's records) reads it rather
// than asking TBB per task.
std::atomic<std::uint64_t> executor_numbers{0};

/// Marks the calling thread as running one of `executor`'s jobs until it leaves scope.
class InJob {
 public:
  explicit InJob(const LocalExecutor* executor) noexcept : outer_(tls_executor) { tls_executor = executor; }
  ~InJob() { tls_executor = outer_; }
  InJob(const InJob&) = delete;
  InJob& operator=(const InJob&) = delete;

 private:
  const LocalExecutor* outer_;
};

/// Keeps each thread's slot in an arena while the thread is in it (thread_slot): TBB calls it
/// on the thread itself when it joins the arena, before its first task, and when it leaves
/// (a thread keeps its slot while it is in the arena). A thread already in the arena when
/// observing began is told only before its next task taken from another thread or the
/// arena's queue: until then current_slot() asks TBB. Observing is begun by the first
/// current_slot() (the first observed attempt: a trace, the monitor, --summary or --graph)
/// and stays on until the executor ends, so a run without observers pays nothing when
/// threads join. A body that enters an arena of its own and runs chained tasks there
/// records the slot it holds in ours.
class SlotKeeper final : public tbb::task_scheduler_observer {
 public:
  SlotKeeper(tbb::task_arena& arena, std::uint64_t number) : task_scheduler_observer(arena), number_(number) {}
  ~SlotKeeper() override { observe(false); }
  void on_scheduler_entry(bool) override {
    const int i = tbb::this_task_arena::current_thread_index();
    if (i < 0) return;
    thread_slot.slot = static_cast<unsigned>(i);
    thread_slot.of = number_;
  }
  void on_scheduler_exit(bool) override {
    if (thread_slot.of == number_) thread_slot.of = 0;
  }

 private:
  const std::uint64_t number_;
};
}  // namespace

struct LocalExecutor::Impl {
  // Workers: one per thread; plus one slot reserved for the thread that waits at shutdown.
  // The process-wide TBB limit must allow threads + 1 participants (the default is the
  // number of cores, which would leave one worker fewer than requested).
  Impl(unsigned threads, Runtime& rt)
      : limit(tbb::global_control::max_allowed_parallelism, threads + 1),
        arena(static_cast<int>(threads) + 1, 1),
        runtime(rt),
        slots(arena, number) {
    arena.initialize();
  }
  tbb::global_control limit;
  tbb::task_arena arena;
  tbb::task_group group;
  Runtime& runtime;
  // Tasks made ready by a thread outside the arena (the main program) wait here; up to
  // `threads` puller tasks drain it, so a submitting thread rarely pays for a TBB enqueue
  // and a worker wake-up per task.
  tbb::concurrent_queue<detail::TaskBase*> ready;
  std::atomic<unsigned> pullers{0};
  // Ready tasks of `priority` task types: taken before `ready` by every puller, and each
  // also gets a runner of its own. The count keeps the common path to one relaxed load.
  tbb::concurrent_queue<detail::TaskBase*> urgent;
  std::atomic<unsigned> urgent_count{0};
  // Tasks with stream parameters: a thread each, outside the arena (stream/task_threads.hpp).
  stream::TaskThreads stream_threads;
  // Each thread's slot while it is in the arena (current_slot()).
  const std::uint64_t number = executor_numbers.fetch_add(1, std::memory_order_relaxed) + 1;  // (thread_slot.of)
  SlotKeeper slots;           // (after the arena: stops observing before it goes)
  std::once_flag slots_kept;  // (observe() must not be called twice at once)

  bool pop(detail::TaskBase*& t) {
    if (urgent_count.load(std::memory_order_relaxed) != 0 && urgent.try_pop(t)) {
      urgent_count.fetch_sub(1, std::memory_order_relaxed);
      return true;
    }
    return ready.try_pop(t);
  }
};

LocalExecutor::LocalExecutor(unsigned threads, Runtime& runtime)
    : threads_(threads), impl_(std::make_unique<Impl>(threads, runtime)) {}

LocalExecutor::~LocalExecutor() { wait_idle(); }

void LocalExecutor::enforce_constraints() {
  constrained_ = std::make_unique<ConstrainedTasks>(impl_->runtime, *this, master_resources(threads_));
}

std::optional<std::string> LocalExecutor::never_fits(const detail::TaskBase& task) {
  if (constrained_ == nullptr) return std::nullopt;
  return constrained_->never_fits(task.spec());
}

void LocalExecutor::spawn(detail::TaskBase* task) {
  Impl* impl = impl_.get();
  if (task_state(task).stream_task) {
    // Before constraints: a stream task holds no core, so it never waits for one
    // (docs/streams.md, "Threads"). What it makes ready goes to the cores.
    impl->stream_threads.start([this, impl, task] {
      detail::TaskBase* next = nullptr;
      {
        // It reserves no core, but its body is told the cores it asked for (unbound).
        TaskBindingScope bound(task->spec_ != nullptr ? declared_computing_units(*task->spec_) : 1, {});
        next = impl->runtime.execute_one(task);
      }
      if (next != nullptr) spawn(next);
    });
    return;
  }
  if (constrained_ != nullptr && needs_placement(*task)) {
    constrained_->submit(task);
    return;
  }
  if (task->spec_ != nullptr && task->spec_->priority) {
    spawn_priority(task);
    return;
  }
  auto body = [this, impl, task] {
    const InJob job(this);
    impl->runtime.execute_chain(task);
  };
  if (tls_executor == this) {
    impl->group.run(std::move(body));
    return;
  }
  impl->ready.push(task);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (impl->pullers.load(std::memory_order_seq_cst) >= threads_) return;
  if (impl->pullers.fetch_add(1, std::memory_order_seq_cst) >= threads_) {
    impl->pullers.fetch_sub(1, std::memory_order_seq_cst);
    return;
  }
  impl->arena.enqueue(impl->group.defer([this, impl] {
    const InJob job(this);
    for (;;) {
      detail::TaskBase* t = nullptr;
      while (impl->pop(t)) impl->runtime.execute_chain(t);
      impl->pullers.fetch_sub(1, std::memory_order_seq_cst);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      // A task pushed while this puller was still counted would be stranded: recheck.
      if (impl->ready.empty()) break;
      if (impl->pullers.fetch_add(1, std::memory_order_seq_cst) >= threads_) {
        impl->pullers.fetch_sub(1, std::memory_order_seq_cst);
        break;
      }
    }
  }));
}

void LocalExecutor::spawn_priority(detail::TaskBase* task) {
  Impl* impl = impl_.get();
  impl->urgent.push(task);
  impl->urgent_count.fetch_add(1, std::memory_order_relaxed);
  // One runner per priority task; a puller may take the task first, then the runner finds
  // nothing to do.
  auto runner = [impl] {
    detail::TaskBase* t = nullptr;
    if (impl->urgent.try_pop(t)) {
      impl->urgent_count.fetch_sub(1, std::memory_order_relaxed);
      impl->runtime.execute_chain(t);
    }
  };
  run_job(std::move(runner));
}

void LocalExecutor::run_job(std::function<void()> job) {
  auto body = [this, job = std::move(job)] {
    const InJob in_job(this);
    job();
  };
  if (tls_executor == this) {
    impl_->group.run(std::move(body));
  } else {
    impl_->arena.enqueue(impl_->group.defer(std::move(body)));
  }
}

unsigned LocalExecutor::current_slot() const noexcept {
  Impl* impl = impl_.get();
  if (thread_slot.of == impl->number) [[likely]] return thread_slot.slot;
  // Not kept (yet): asked. The first call begins keeping them (SlotKeeper).
  try {
    std::call_once(impl->slots_kept, [impl] { impl->slots.observe(true); });
  } catch (...) {
    // (Out of memory in TBB: the slot is asked each time.)
  }
  const int i = tbb::this_task_arena::current_thread_index();
  return i < 0 ? 0u : static_cast<unsigned>(i);
}

std::uint64_t LocalExecutor::slot_key() const noexcept { return impl_->number; }

void LocalExecutor::wait_idle() {
  // Stream tasks and arena tasks may start each other: wait until both are quiet.
  do {
    impl_->arena.execute([this] { impl_->group.wait(); });
  } while (impl_->stream_threads.join_all());
}

}  // namespace compss::rt
