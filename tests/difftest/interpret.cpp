// The interpreter: a pool of variables per graph and one branch per operation kind. The
// variables are reached through `Vars&`, so compss-cc's automatic waits never apply:
// every wait is one the program chose (or one main must do before it reads or writes a
// variable, as SPEC requires), the same in both builds.
#include "interpret.hpp"

#include "tasks.hpp"

#include <compss/compss.hpp>

#include <cstdio>
#include <memory>
#include <set>
#include <stdexcept>

namespace difftest {

// compss::Future<T> with compss-cc, T with the plain compiler.
using FutL = decltype(l_add(0L, 0L));
using FutV = decltype(v_make(Vec{}, 0L));
using FutR = decltype(r_make(Rec{}, Vec{}, 0L));

namespace {

struct Vars {
  std::vector<long> L;
  std::vector<Vec> V;
  std::vector<Rec> R;
  std::vector<Vec> A;  // the storage of the array sections
  std::vector<std::string> F;
  std::vector<std::string> D;
  std::vector<std::vector<long>> C;
  std::vector<std::vector<std::vector<long>>> N;
  std::vector<FutL> FL;
  std::vector<FutV> FV;
  std::vector<FutR> FR;
};

// What outlives its graph unless the program lets memory be reused (feature `reuse`):
// the variables of graphs that ended, and every future a slot held before it was
// assigned again (a freed future's shared state is memory the next objects may get).
struct Kept {
  std::vector<std::unique_ptr<Vars>> vars;
  std::vector<FutL> fl;
  std::vector<FutV> fv;
  std::vector<FutR> fr;
};

Vec vec_of(long n, long v) {
  Vec x(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(mix(v, static_cast<long>(i) + 30));
  return x;
}
Rec rec_of(long v) {
  Rec r;
  r.id = mix(v, 31);
  r.xs = {v % 7, mix(v, 32)};
  r.tag = "m" + std::to_string(v % 100);
  return r;
}

class Interpreter {
 public:
  Interpreter(const Program& p, const std::string& dir, bool verbose, long kills)
      : p_(p), dir_(dir), verbose_(verbose), kills_(kills) {}

  Outcome run(Kept& kept) {
    kept_ = &kept;
    auto vars = std::make_unique<Vars>();
    x_ = vars.get();
    make_variables();
    for (std::size_t i = 0; i < p_.ops.size(); ++i) {
      op_index_ = static_cast<long>(i);
      step(p_.ops[i]);
    }
    op_index_ = -1;  // the end of the graph: close, wait, read everything
    while (!groups_.empty()) end_group();
    for (long g : lazy_groups_) compss::barrier_group("g" + std::to_string(g));
    lazy_groups_.clear();
    compss::barrier();
    for (int pool = 0; pool < kPools; ++pool)
      for (int i = 0; i < p_.shape.size(static_cast<Pool>(pool)); ++i) read(Arg{static_cast<Pool>(pool), i});
    if (!(p_.features & kReuse)) kept.vars.push_back(std::move(vars));
    return outcome_;
  }

 private:
  struct OpenGroup {
    long id;
    bool implicit_barrier;
    std::unique_ptr<compss::TaskGroup> group;
  };

  void make_variables() {
    Vars& x = *x_;
    const Shape& s = p_.shape;
    x.L.resize(static_cast<std::size_t>(s.longs));
    x.V.resize(static_cast<std::size_t>(s.vecs));
    x.R.resize(static_cast<std::size_t>(s.recs));
    x.A.resize(static_cast<std::size_t>(s.arrays));
    for (int i = 0; i < s.arrays; ++i) x.A[i].resize(static_cast<std::size_t>(s.array_len[i]));
    for (int i = 0; i < s.files; ++i)
      x.F.push_back(dir_ + "/s" + std::to_string(p_.seed) + "-g" + std::to_string(p_.graph) + "-f" +
                    std::to_string(i) + ".txt");
    for (int i = 0; i < s.dirs; ++i)
      x.D.push_back(dir_ + "/s" + std::to_string(p_.seed) + "-g" + std::to_string(p_.graph) + "-d" + std::to_string(i));
    x.C.assign(static_cast<std::size_t>(s.colls), std::vector<long>(static_cast<std::size_t>(s.coll_len)));
    x.N.assign(static_cast<std::size_t>(s.nested),
               std::vector<std::vector<long>>(static_cast<std::size_t>(s.nested_outer),
                                              std::vector<long>(static_cast<std::size_t>(s.nested_inner))));
    x.FL.resize(static_cast<std::size_t>(s.fls));
    x.FV.resize(static_cast<std::size_t>(s.fvs));
    x.FR.resize(static_cast<std::size_t>(s.frs));
    for (Pool pool : {Pool::L, Pool::E, Pool::M, Pool::V, Pool::R, Pool::A, Pool::F, Pool::FL, Pool::FV, Pool::FR, Pool::D})
      for (int i = 0; i < s.size(pool); ++i) assign(Arg{pool, i}, initial_value(p_, Arg{pool, i}, 0));
  }

  long& lref(Arg a) {
    Vars& x = *x_;
    const Shape& s = p_.shape;
    switch (a.pool) {
      case Pool::L: return x.L[a.index];
      case Pool::E: return x.C[a.index / s.coll_len][a.index % s.coll_len];
      case Pool::M: {
        const int per = s.nested_outer * s.nested_inner;
        return x.N[a.index / per][(a.index % per) / s.nested_inner][a.index % s.nested_inner];
      }
      default: throw std::logic_error("difftest: not a long variable");
    }
  }

  // Main's write of a variable, without waiting (the caller waited, or no task has it yet).
  void assign(Arg a, long v) {
    Vars& x = *x_;
    switch (a.pool) {
      case Pool::L: case Pool::E: case Pool::M: lref(a) = v; break;
      case Pool::V: x.V[a.index] = vec_of(1 + v % 4, v); break;
      case Pool::R: x.R[a.index] = rec_of(v); break;
      case Pool::A: {
        Vec& arr = x.A[a.index];
        for (std::size_t i = 0; i < arr.size(); ++i) arr[i] = static_cast<double>(mix(v, static_cast<long>(i)));
        break;
      }
      case Pool::F: write_number(x.F[a.index], v); break;
      case Pool::D: write_directory(x.D[a.index], 2, v); break;
      case Pool::C:
        for (std::size_t i = 0; i < x.C[a.index].size(); ++i) x.C[a.index][i] = mix(v, static_cast<long>(i));
        break;
      case Pool::N:
        for (auto& inner : x.N[a.index])
          for (long& e : inner) e = v = mix(v, 33);
        break;
      case Pool::FL: x.FL[a.index] = FutL(v); break;
      case Pool::FV: x.FV[a.index] = FutV(vec_of(1 + v % 3, v)); break;
      case Pool::FR: x.FR[a.index] = FutR(rec_of(v)); break;
    }
  }

  // Main's wait before it reads or writes a variable.
  void wait(Arg a) {
    Vars& x = *x_;
    switch (a.pool) {
      case Pool::L: case Pool::E: case Pool::M: compss::wait_on(lref(a)); break;
      case Pool::V: compss::wait_on(x.V[a.index]); break;
      case Pool::R: compss::wait_on(x.R[a.index]); break;
      case Pool::A: compss::wait_on(x.A[a.index][0]); break;
      case Pool::F: compss::wait_on_file(x.F[a.index]); break;
      case Pool::D: compss::wait_on_file(x.D[a.index]); break;
      case Pool::C: compss::wait_on(x.C[a.index]); break;
      case Pool::N: compss::wait_on(x.N[a.index]); break;
      case Pool::FL: compss::wait_on(x.FL[a.index]); break;
      case Pool::FV: compss::wait_on(x.FV[a.index]); break;
      case Pool::FR: compss::wait_on(x.FR[a.index]); break;
    }
  }

  void read(Arg a) {
    revive(a);
    wait(a);
    Vars& x = *x_;
    long h = 0;
    switch (a.pool) {
      case Pool::L: case Pool::E: case Pool::M: h = lref(a); break;
      case Pool::V: h = hash_of(x.V[a.index]); break;
      case Pool::R: h = hash_of(x.R[a.index]); break;
      case Pool::A: h = hash_of(x.A[a.index]); break;
      case Pool::F: h = read_number(x.F[a.index]); break;
      case Pool::D: h = read_directory(x.D[a.index]); break;
      case Pool::C: h = hash_of(x.C[a.index]); break;
      case Pool::N:
        for (const auto& inner : x.N[a.index]) h = mix(h, hash_of(inner));
        break;
      case Pool::FL: h = compss::wait_on(x.FL[a.index]); break;
      case Pool::FV: h = hash_of(compss::wait_on(x.FV[a.index])); break;
      case Pool::FR: h = hash_of(compss::wait_on(x.FR[a.index])); break;
    }
    outcome_.digest = static_cast<std::uint64_t>(mix(static_cast<long>(outcome_.digest), h));
    ++outcome_.reads;
    if (verbose_)
      std::printf("  graph %ld %s: %s = %ld\n", p_.graph, where().c_str(), arg_name(p_, a).c_str(), h);
  }

  // A variable whose datum in_delete or delete dropped is written by main (after a wait)
  // before anything uses it again: its old value is gone as far as COMPSs is concerned.
  void revive(Arg a) {
    if (deleted_.erase({static_cast<int>(a.pool), a.index}) == 0) return;
    wait(a);
    assign(a, initial_value(p_, a, ++revivals_));
    if (verbose_) std::printf("  graph %ld %s: %s rewritten after delete\n", p_.graph, where().c_str(), arg_name(p_, a).c_str());
  }
  // The prefix of the marker files of a call that fails or kills (tasks.hpp).
  std::string marker(const Op& op) const {
    return dir_ + "/s" + std::to_string(p_.seed) + "-g" + std::to_string(p_.graph) + "-o" + std::to_string(op.id);
  }
  // "op 3" while the operations run, "end" for the reads after them.
  std::string where() const { return op_index_ < 0 ? "end" : "op " + std::to_string(op_index_); }
  // Keeps the future slot `a` holds before it is assigned (unless memory may be reused).
  void keep_future(Arg a) {
    if (p_.features & kReuse) return;
    if (a.pool == Pool::FL) kept_->fl.push_back(x_->FL[a.index]);
    if (a.pool == Pool::FV) kept_->fv.push_back(x_->FV[a.index]);
    if (a.pool == Pool::FR) kept_->fr.push_back(x_->FR[a.index]);
  }
  void mark_deleted(Arg a) { deleted_.insert({static_cast<int>(a.pool), a.index}); }

  void end_group() {
    OpenGroup g = std::move(groups_.back());
    groups_.pop_back();
    // Ends the group's scope: waits (implicit barrier) and throws what a task of it threw.
    // Not g.group.reset(): unique_ptr's deleter is noexcept, so a throwing ~TaskGroup there
    // is std::terminate (bug 7, docs/testing.md); a delete-expression lets it propagate.
    delete g.group.release();
    if (!g.implicit_barrier) lazy_groups_.insert(g.id);
  }

  void step(const Op& op);
  void call(const Op& op);

  const Program& p_;
  std::string dir_;
  bool verbose_;
  long kills_;  // how many workers the run's *_kill calls may kill in all
  Vars* x_ = nullptr;
  Kept* kept_ = nullptr;
  long op_index_ = 0;
  Outcome outcome_;
  std::set<std::pair<int, int>> deleted_;
  long revivals_ = 0;
  std::vector<OpenGroup> groups_;
  std::set<long> lazy_groups_;  // ended without implicit barrier, not waited yet
};

void Interpreter::step(const Op& op) {
  switch (op.kind) {
    case Kind::wait_on: revive(op.args[0]); wait(op.args[0]); return;
    case Kind::read: read(op.args[0]); return;
    case Kind::write:
      revive(op.args[0]);
      wait(op.args[0]);
      keep_future(op.args[0]);
      assign(op.args[0], op.value);
      return;
    case Kind::barrier: compss::barrier(); return;
    case Kind::delete_object: {
      const Arg a = op.args[0];
      if (deleted_.count({static_cast<int>(a.pool), a.index})) return;
      if (a.pool == Pool::L) compss::delete_object(x_->L[a.index]);
      if (a.pool == Pool::V) compss::delete_object(x_->V[a.index]);
      if (a.pool == Pool::R) compss::delete_object(x_->R[a.index]);
      mark_deleted(a);
      return;
    }
    case Kind::group_begin:
      groups_.push_back({op.size, op.value != 0,
                         std::make_unique<compss::TaskGroup>("g" + std::to_string(op.size), op.value != 0)});
      return;
    case Kind::group_end:
      if (!groups_.empty()) end_group();
      return;
    case Kind::barrier_group:
      if (lazy_groups_.erase(op.size)) compss::barrier_group("g" + std::to_string(op.size));
      return;
    default:
      for (const Arg& a : op.args) revive(a);
      // A result slot comes first (keeping an input future there too does no harm).
      if (!op.args.empty()) keep_future(op.args[0]);
      call(op);
  }
}

// One task call. An argument that may be a variable or a future is one branch per case:
// the call must name the future itself for compss-cc to make it a dependency.
void Interpreter::call(const Op& op) {
  Vars& x = *x_;
  const std::vector<Arg>& a = op.args;
  const long v = op.value;
  auto fut = [&](std::size_t i) { return a[i].pool == Pool::FL || a[i].pool == Pool::FV || a[i].pool == Pool::FR; };
  switch (op.kind) {
    case Kind::l_set: l_set(lref(a[0]), v); break;
    case Kind::l_update: l_update(lref(a[0]), v); break;
    case Kind::l_combine:
      if (fut(0)) l_combine(x.FL[a[0].index], lref(a[1]));
      else l_combine(lref(a[0]), lref(a[1]));
      break;
    case Kind::v_set: v_set(x.V[a[0].index], op.size, v); break;
    case Kind::v_update: v_update(x.V[a[0].index], v); break;
    case Kind::v_combine:
      if (fut(0)) v_combine(x.FV[a[0].index], x.V[a[1].index]);
      else v_combine(x.V[a[0].index], x.V[a[1].index]);
      break;
    case Kind::v_project:
      if (fut(0)) v_project(x.FV[a[0].index], lref(a[1]));
      else v_project(x.V[a[0].index], lref(a[1]));
      break;
    case Kind::r_set: r_set(x.R[a[0].index], v); break;
    case Kind::r_update:
      if (fut(1)) r_update(x.R[a[0].index], x.FV[a[1].index], v);
      else r_update(x.R[a[0].index], x.V[a[1].index], v);
      break;
    case Kind::r_project:
      if (fut(0)) r_project(x.FR[a[0].index], lref(a[1]));
      else r_project(x.R[a[0].index], lref(a[1]));
      break;
    case Kind::l_get:
      if (fut(1)) x.FL[a[0].index] = l_get(x.FL[a[1].index], v);
      else x.FL[a[0].index] = l_get(lref(a[1]), v);
      break;
    case Kind::l_add:
      if (fut(1) && fut(2)) x.FL[a[0].index] = l_add(x.FL[a[1].index], x.FL[a[2].index]);
      else if (fut(1)) x.FL[a[0].index] = l_add(x.FL[a[1].index], lref(a[2]));
      else if (fut(2)) x.FL[a[0].index] = l_add(lref(a[1]), x.FL[a[2].index]);
      else x.FL[a[0].index] = l_add(lref(a[1]), lref(a[2]));
      break;
    case Kind::v_make:
      if (fut(1)) x.FV[a[0].index] = v_make(x.FV[a[1].index], v);
      else x.FV[a[0].index] = v_make(x.V[a[1].index], v);
      break;
    case Kind::v_dot:
      if (fut(1) && fut(2)) x.FL[a[0].index] = v_dot(x.FV[a[1].index], x.FL[a[2].index]);
      else if (fut(1)) x.FL[a[0].index] = v_dot(x.FV[a[1].index], lref(a[2]));
      else if (fut(2)) x.FL[a[0].index] = v_dot(x.V[a[1].index], x.FL[a[2].index]);
      else x.FL[a[0].index] = v_dot(x.V[a[1].index], lref(a[2]));
      break;
    case Kind::r_make:
      if (fut(1) && fut(2)) x.FR[a[0].index] = r_make(x.FR[a[1].index], x.FV[a[2].index], v);
      else if (fut(1)) x.FR[a[0].index] = r_make(x.FR[a[1].index], x.V[a[2].index], v);
      else if (fut(2)) x.FR[a[0].index] = r_make(x.R[a[1].index], x.FV[a[2].index], v);
      else x.FR[a[0].index] = r_make(x.R[a[1].index], x.V[a[2].index], v);
      break;
    case Kind::l_consume: l_consume(x.L[a[0].index], lref(a[1])); mark_deleted(a[0]); break;
    case Kind::v_consume: v_consume(x.V[a[0].index], lref(a[1])); mark_deleted(a[0]); break;
    case Kind::r_consume: r_consume(x.R[a[0].index], lref(a[1])); mark_deleted(a[0]); break;
    case Kind::l_concurrent_add: l_concurrent_add(lref(a[0]), v); break;
    case Kind::v_concurrent_add: v_concurrent_add(x.V[a[0].index], v); break;
    case Kind::l_commutative_add: l_commutative_add(lref(a[0]), v); break;
    case Kind::v_commutative_add:
      if (fut(1)) v_commutative_add(x.V[a[0].index], x.FV[a[1].index]);
      else v_commutative_add(x.V[a[0].index], x.V[a[1].index]);
      break;
    case Kind::r_commutative_add: r_commutative_add(x.R[a[0].index], v); break;
    case Kind::l_retry: l_retry(lref(a[0]), v, marker(op)); break;
    case Kind::v_retry:
      if (fut(1)) x.FV[a[0].index] = v_retry(x.FV[a[1].index], v, marker(op));
      else x.FV[a[0].index] = v_retry(x.V[a[1].index], v, marker(op));
      break;
    case Kind::f_retry: f_retry(x.F[a[0].index], v, marker(op)); break;
    case Kind::l_time_out: l_time_out(lref(a[0]), v); break;
    case Kind::f_time_out: f_time_out(x.F[a[0].index], v); break;
    case Kind::l_kill: l_kill(lref(a[0]), v, marker(op), kills_); break;
    case Kind::v_kill:
      if (fut(1)) x.FV[a[0].index] = v_kill(x.FV[a[1].index], v, marker(op), kills_);
      else x.FV[a[0].index] = v_kill(x.V[a[1].index], v, marker(op), kills_);
      break;
    case Kind::f_kill: f_kill(x.F[a[0].index], v, marker(op), kills_); break;
    case Kind::l_kill_replicated: l_kill_replicated(lref(a[0]), v, marker(op), kills_); break;
    case Kind::f_kill_replicated: f_kill_replicated(x.F[a[0].index], v, marker(op), kills_); break;
    case Kind::l_replicated: l_replicated(lref(a[0]), v); break;
    case Kind::v_replicated:
      if (fut(1)) x.FV[a[0].index] = v_replicated(x.FV[a[1].index], v);
      else x.FV[a[0].index] = v_replicated(x.V[a[1].index], v);
      break;
    case Kind::f_replicated: f_replicated(x.F[a[0].index], v); break;
    case Kind::l_distributed: l_distributed(lref(a[0]), v); break;
    case Kind::v_distributed:
      if (fut(1)) x.FV[a[0].index] = v_distributed(x.FV[a[1].index], v);
      else x.FV[a[0].index] = v_distributed(x.V[a[1].index], v);
      break;
    case Kind::f_distributed: f_distributed(x.F[a[0].index], v); break;
    case Kind::d_set: d_set(x.D[a[0].index], v); break;
    case Kind::d_update: d_update(x.D[a[0].index], v); break;
    case Kind::d_sum: x.FL[a[0].index] = d_sum(x.D[a[1].index], v); break;
    case Kind::d_fold: d_fold(x.D[a[0].index], lref(a[1])); break;
    case Kind::d_from:
      if (fut(0)) d_from(x.FL[a[0].index], x.D[a[1].index]);
      else d_from(lref(a[0]), x.D[a[1].index]);
      break;
    case Kind::a_set: {
      Vec& arr = x.A[a[0].index];
      const long n = static_cast<long>(arr.size());
      a_set(arr.data(), n, v);
      break;
    }
    case Kind::a_update: {
      Vec& arr = x.A[a[0].index];
      const long n = static_cast<long>(arr.size());
      a_update(arr.data(), n, v);
      break;
    }
    case Kind::a_fold: {
      const Vec& arr = x.A[a[0].index];
      const long n = static_cast<long>(arr.size());
      a_fold(arr.data(), n, lref(a[1]));
      break;
    }
    case Kind::a_sum: {
      const Vec& arr = x.A[a[1].index];
      const long n = static_cast<long>(arr.size());
      x.FL[a[0].index] = a_sum(arr.data(), n, v);
      break;
    }
    case Kind::f_set: f_set(x.F[a[0].index], v); break;
    case Kind::f_update: f_update(x.F[a[0].index], v); break;
    case Kind::f_get: x.FL[a[0].index] = f_get(x.F[a[1].index], v); break;
    case Kind::f_copy: f_copy(x.F[a[0].index], x.F[a[1].index], v); break;
    case Kind::f_fold: f_fold(x.F[a[0].index], lref(a[1])); break;
    case Kind::f_from:
      if (fut(0)) f_from(x.FL[a[0].index], x.F[a[1].index]);
      else f_from(lref(a[0]), x.F[a[1].index]);
      break;
    case Kind::c_fold: c_fold(x.C[a[0].index], lref(a[1])); break;
    case Kind::c_set: c_set(x.C[a[0].index], v); break;
    case Kind::c_update: c_update(x.C[a[0].index], v); break;
    case Kind::c_sum: x.FL[a[0].index] = c_sum(x.C[a[1].index], v); break;
    case Kind::n_fold: n_fold(x.N[a[0].index], lref(a[1])); break;
    case Kind::n_set: n_set(x.N[a[0].index], v); break;
    case Kind::n_update: n_update(x.N[a[0].index], v); break;
    case Kind::fl_csum:
    case Kind::fl_sum:
    case Kind::fl_cfold: {
      const std::size_t from = op.kind == Kind::fl_cfold ? 0 : 1;
      std::vector<FutL> xs;
      for (long i = 0; i < op.size; ++i) xs.push_back(x.FL[a[from + static_cast<std::size_t>(i)].index]);
      if (op.kind == Kind::fl_csum) x.FL[a[0].index] = c_sum(xs, v);
      else if (op.kind == Kind::fl_sum) x.FL[a[0].index] = fl_sum(xs, v);
      else c_fold(xs, lref(a.back()));
      break;
    }
    case Kind::fv_concat: {
      std::vector<FutV> xs;
      for (long i = 0; i < op.size; ++i) xs.push_back(x.FV[a[1 + static_cast<std::size_t>(i)].index]);
      x.FV[a[0].index] = fv_concat(xs, v);
      break;
    }
    default: throw std::logic_error("difftest: not a task call");
  }
}

}  // namespace

Outcome interpret(const Program& p, const std::string& dir, bool verbose, long kills) {
  static Kept kept;  // (main's thread only)
  return Interpreter(p, dir, verbose, kills).run(kept);
}

}  // namespace difftest
