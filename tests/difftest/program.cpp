// Drawing random programs from a seed, and printing them.
#include "program.hpp"

#include "values.hpp"

#include <ostream>
#include <sstream>
#include <stdexcept>

namespace difftest {
namespace {

const char* const kFeatureNames[] = {
    "objects", "futures",    "files",      "arrays", "collections", "nested", "future_vectors",
    "concurrent", "commutative", "in_delete", "delete", "groups",      "big", "reuse", "by_value",
    "retries", "kills", "replicated", "distributed", "directories",
    "replicated_kills", "timeouts"};

// What a kind needs and what its arguments are. Argument letters:
//   o  a long the task writes (L, or an element E/M)     i  a long it reads (o's pools, FL)
//   j  a long passed by value (FL; o's pools too with the feature by_value)
//   l  a long of pool L (for in_delete)                   V R A F C N  an object of that pool
//   v  a Vec it reads (V, FV)    r  a Rec it reads (R, FR)
//   a b c  the result slot (FL, FV, FR)                   x y  2-4 futures of FL / 1-3 of FV
//   *  any variable               d  an L, V or R (delete_object)
struct KindInfo {
  Kind kind;
  const char* name;
  unsigned features;  // all of them are needed
  const char* args;
  int weight;
};

const KindInfo kKinds[] = {
    {Kind::l_set, "l_set", kObjects, "o#", 3},
    {Kind::l_update, "l_update", kObjects, "o#", 4},
    {Kind::l_combine, "l_combine", kObjects, "io", 4},
    {Kind::v_set, "v_set", kObjects, "Vn#", 2},
    {Kind::v_update, "v_update", kObjects, "V#", 3},
    {Kind::v_combine, "v_combine", kObjects, "vV", 3},
    {Kind::v_project, "v_project", kObjects, "vo", 3},
    {Kind::r_set, "r_set", kObjects, "R#", 2},
    {Kind::r_update, "r_update", kObjects, "Rv#", 3},
    {Kind::r_project, "r_project", kObjects, "ro", 3},
    {Kind::l_get, "l_get", kObjects | kFutures, "ai#", 4},
    {Kind::l_add, "l_add", kObjects | kFutures, "ajj", 4},
    {Kind::v_make, "v_make", kObjects | kFutures, "bv#", 3},
    {Kind::v_dot, "v_dot", kObjects | kFutures, "avi", 3},
    {Kind::r_make, "r_make", kObjects | kFutures, "crv#", 3},
    {Kind::l_consume, "l_consume", kObjects | kInDelete, "lo", 2},
    {Kind::v_consume, "v_consume", kObjects | kInDelete, "Vo", 2},
    {Kind::r_consume, "r_consume", kObjects | kInDelete, "Ro", 2},
    {Kind::l_concurrent_add, "l_concurrent_add", kObjects | kConcurrent, "o#", 4},
    {Kind::v_concurrent_add, "v_concurrent_add", kObjects | kConcurrent, "V#", 3},
    {Kind::l_commutative_add, "l_commutative_add", kObjects | kCommutative, "o#", 4},
    {Kind::v_commutative_add, "v_commutative_add", kObjects | kCommutative, "Vv", 3},
    {Kind::r_commutative_add, "r_commutative_add", kObjects | kCommutative, "R#", 3},
    {Kind::l_retry, "l_retry", kObjects | kRetries, "o#", 3},
    {Kind::v_retry, "v_retry", kObjects | kFutures | kRetries, "bv#", 2},
    {Kind::f_retry, "f_retry", kFiles | kRetries, "F#", 2},
    {Kind::l_kill, "l_kill", kObjects | kKills, "o#", 2},
    {Kind::v_kill, "v_kill", kObjects | kFutures | kKills, "bv#", 2},
    {Kind::f_kill, "f_kill", kFiles | kKills, "F#", 1},
    {Kind::l_kill_replicated, "l_kill_replicated", kObjects | kKills | kReplicated | kReplicatedKills, "o#", 2},
    {Kind::f_kill_replicated, "f_kill_replicated", kFiles | kKills | kReplicated | kReplicatedKills, "F#", 1},
    {Kind::l_replicated, "l_replicated", kObjects | kReplicated, "o#", 3},
    {Kind::v_replicated, "v_replicated", kObjects | kFutures | kReplicated, "bv#", 2},
    {Kind::f_replicated, "f_replicated", kFiles | kReplicated, "F#", 2},
    {Kind::l_distributed, "l_distributed", kObjects | kDistributed, "o#", 3},
    {Kind::v_distributed, "v_distributed", kObjects | kFutures | kDistributed, "bv#", 2},
    {Kind::f_distributed, "f_distributed", kFiles | kDistributed, "F#", 2},
    {Kind::d_set, "d_set", kDirectories, "D#", 2},
    {Kind::d_update, "d_update", kDirectories, "D#", 3},
    {Kind::d_sum, "d_sum", kDirectories | kFutures, "aD#", 3},
    {Kind::d_fold, "d_fold", kDirectories | kObjects, "Do", 3},
    {Kind::d_from, "d_from", kDirectories | kObjects, "iD", 3},
    {Kind::a_set, "a_set", kArrays, "A#", 2},
    {Kind::a_update, "a_update", kArrays, "A#", 3},
    {Kind::a_fold, "a_fold", kArrays | kObjects, "Ao", 3},
    {Kind::a_sum, "a_sum", kArrays | kFutures, "aA#", 3},
    {Kind::f_set, "f_set", kFiles, "F#", 2},
    {Kind::f_update, "f_update", kFiles, "F#", 3},
    {Kind::f_get, "f_get", kFiles | kFutures, "aF#", 3},
    {Kind::f_copy, "f_copy", kFiles, "FF#", 3},
    {Kind::f_fold, "f_fold", kFiles | kObjects, "Fo", 3},
    {Kind::f_from, "f_from", kFiles | kObjects, "iF", 3},
    {Kind::c_fold, "c_fold", kCollections | kObjects, "Co", 3},
    {Kind::c_set, "c_set", kCollections, "C#", 2},
    {Kind::c_update, "c_update", kCollections, "C#", 3},
    {Kind::c_sum, "c_sum", kCollections | kFutures, "aC#", 3},
    {Kind::n_fold, "n_fold", kNested | kObjects, "No", 3},
    {Kind::n_set, "n_set", kNested, "N#", 2},
    {Kind::n_update, "n_update", kNested, "N#", 3},
    {Kind::fl_csum, "c_sum", kFutureVectors | kFutures, "ax#", 3},
    {Kind::fl_sum, "fl_sum", kFutureVectors | kFutures, "ax#", 3},
    {Kind::fl_cfold, "c_fold", kFutureVectors | kFutures | kObjects, "xo", 3},
    {Kind::fv_concat, "fv_concat", kFutureVectors | kFutures, "by#", 2},
    {Kind::wait_on, "wait_on", 0, "*", 8},
    {Kind::read, "read", 0, "*", 14},
    {Kind::write, "write", 0, "*", 6},
    {Kind::barrier, "barrier", 0, "", 2},
    {Kind::delete_object, "delete", kDelete, "d", 3},
    {Kind::group_begin, "group_begin", kGroups, "", 3},
    {Kind::group_end, "group_end", kGroups, "", 3},
    {Kind::barrier_group, "barrier_group", kGroups, "", 2},
    {Kind::l_time_out, "l_time_out", kObjects | kTimeouts, "o#", 3},
    {Kind::f_time_out, "f_time_out", kFiles | kTimeouts, "F#", 3},
};

const KindInfo& info(Kind k) {
  for (const KindInfo& i : kKinds)
    if (i.kind == k) return i;
  throw std::logic_error("difftest: a kind without its table entry");
}

// A small deterministic generator (the same numbers under every compiler and library).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  int between(int lo, int hi) { return lo + below(hi - lo + 1); }
  bool chance(int percent) { return below(100) < percent; }

 private:
  std::uint64_t state_;
};

constexpr int kFeatureCount = sizeof(kFeatureNames) / sizeof(kFeatureNames[0]);

bool on(unsigned features, unsigned need) { return (features & need) == need; }
bool is_slot(char letter) { return letter == 'a' || letter == 'b' || letter == 'c'; }
bool is_future(Pool p) { return p == Pool::FL || p == Pool::FV || p == Pool::FR; }

// True when two arguments of one call are, or contain, the same datum.
bool overlaps(const Shape& s, Arg a, Arg b) {
  if (a.pool == b.pool) return a.index == b.index;
  auto inside = [&](Arg elem, Arg coll) {
    if (elem.pool == Pool::E && coll.pool == Pool::C) return elem.index / s.coll_len == coll.index;
    if (elem.pool == Pool::M && coll.pool == Pool::N)
      return elem.index / (s.nested_outer * s.nested_inner) == coll.index;
    return false;
  };
  return inside(a, b) || inside(b, a);
}

class Generator {
 public:
  Generator(Program& p, int max_ops) : p_(p), rng_(mix(static_cast<long>(p.seed), p.graph)), max_ops_(max_ops) {}

  void run() {
    draw_shape();
    int total = 0;
    for (const KindInfo& k : kKinds)
      if (on(p_.features, k.features)) total += k.weight;
    const int n = rng_.between(std::max(1, max_ops_ / 4), max_ops_);
    int depth = 0, groups = 0;
    std::vector<long> closed_lazy;  // groups without implicit barrier, not yet waited
    while (static_cast<int>(p_.ops.size()) < n) {
      int pick = rng_.below(total);
      const KindInfo* k = nullptr;
      for (const KindInfo& i : kKinds) {
        if (!on(p_.features, i.features)) continue;
        if (pick < i.weight) { k = &i; break; }
        pick -= i.weight;
      }
      Op op{k->kind, {}, rng_.between(0, 999), 0, static_cast<long>(p_.ops.size())};
      if (k->kind == Kind::group_begin) {
        if (depth >= 2) continue;
        ++depth;
        op.value = rng_.chance(70);
        op.size = groups++;
        open_.push_back(op);
      } else if (k->kind == Kind::group_end) {
        if (depth == 0) continue;
        --depth;
        if (!open_.back().value) closed_lazy.push_back(open_.back().size);
        open_.pop_back();
      } else if (k->kind == Kind::barrier_group) {
        if (closed_lazy.empty()) continue;
        const int i = rng_.below(static_cast<int>(closed_lazy.size()));
        op.size = closed_lazy[i];
        closed_lazy.erase(closed_lazy.begin() + i);
      } else if (!draw_args(*k, op)) {
        continue;
      }
      if (k->kind == Kind::v_set) op.size = draw_length();
      p_.ops.push_back(op);
    }
  }

 private:
  void draw_shape() {
    Shape& s = p_.shape;
    const unsigned f = p_.features;
    s.longs = rng_.between(2, 5);
    if (on(f, kObjects)) {
      s.vecs = rng_.between(1, 3);
      s.recs = rng_.between(1, 2);
    }
    if (on(f, kArrays)) {
      s.arrays = rng_.between(1, 2);
      for (int i = 0; i < s.arrays; ++i) s.array_len.push_back(rng_.between(1, 6));
    }
    if (on(f, kFiles)) s.files = rng_.between(1, 3);
    if (on(f, kDirectories)) s.dirs = rng_.between(1, 2);
    if (on(f, kCollections)) {
      s.colls = rng_.between(1, 2);
      s.coll_len = rng_.between(2, 4);
    }
    if (on(f, kNested)) {
      s.nested = 1;
      s.nested_outer = 2;
      s.nested_inner = rng_.between(1, 3);
    }
    if (on(f, kFutures)) {
      s.fls = rng_.between(2, 4);
      if (on(f, kObjects)) {
        s.fvs = rng_.between(1, 2);
        s.frs = 1;
      }
    }
  }

  long draw_length() {
    if (on(p_.features, kBig) && rng_.chance(4)) return rng_.between(10000, 20000);
    return rng_.between(1, 5);
  }

  // A variable of one of `pools` (that has any), or false.
  bool pick(std::initializer_list<Pool> pools, Arg& out) {
    int total = 0;
    for (Pool p : pools) total += p_.shape.size(p);
    if (total == 0) return false;
    int i = rng_.below(total);
    for (Pool p : pools) {
      if (i < p_.shape.size(p)) {
        out = Arg{p, i};
        return true;
      }
      i -= p_.shape.size(p);
    }
    return false;
  }

  bool draw_args(const KindInfo& k, Op& op) {
    const bool slot_first = is_slot(k.args[0]);
    for (const char* c = k.args; *c; ++c) {
      Arg a{};
      bool ok = false;
      switch (*c) {
        case 'o': ok = pick({Pool::L, Pool::E, Pool::M}, a); break;
        case 'i': ok = pick({Pool::L, Pool::E, Pool::M, Pool::FL}, a); break;
        case 'j':
          ok = on(p_.features, kByValue) ? pick({Pool::L, Pool::E, Pool::M, Pool::FL}, a) : pick({Pool::FL}, a);
          break;
        case 'l': ok = pick({Pool::L}, a); break;
        case 'v': ok = pick({Pool::V, Pool::FV}, a); break;
        case 'r': ok = pick({Pool::R, Pool::FR}, a); break;
        case 'V': ok = pick({Pool::V}, a); break;
        case 'R': ok = pick({Pool::R}, a); break;
        case 'A': ok = pick({Pool::A}, a); break;
        case 'F': ok = pick({Pool::F}, a); break;
        case 'D': ok = pick({Pool::D}, a); break;
        case 'C': ok = pick({Pool::C}, a); break;
        case 'N': ok = pick({Pool::N}, a); break;
        case 'a': ok = pick({Pool::FL}, a); break;
        case 'b': ok = pick({Pool::FV}, a); break;
        case 'c': ok = pick({Pool::FR}, a); break;
        case 'd': ok = pick({Pool::L, Pool::V, Pool::R}, a); break;
        case '*':
          ok = pick({Pool::L, Pool::E, Pool::M, Pool::V, Pool::R, Pool::A, Pool::F, Pool::C,
                     Pool::N, Pool::FL, Pool::FV, Pool::FR, Pool::D}, a);
          break;
        case 'x':
        case 'y':
          op.size = *c == 'x' ? rng_.between(2, 4) : rng_.between(1, 3);
          for (long i = 0; i < op.size; ++i) {
            if (!pick({*c == 'x' ? Pool::FL : Pool::FV}, a)) return false;
            op.args.push_back(a);
          }
          continue;
        case 'n':
        case '#': continue;  // v_set's length, the value: drawn by the caller
        default: throw std::logic_error("difftest: unknown argument letter");
      }
      if (!ok) return false;
      // One datum in two parameters of one call is left out (its sequential meaning
      // would depend on the body), except futures, which tasks only read, and a
      // result slot, which is assigned after the call.
      for (std::size_t j = slot_first ? 1 : 0; j < op.args.size(); ++j)
        if (!(is_future(a.pool) && is_future(op.args[j].pool)) && overlaps(p_.shape, a, op.args[j]))
          return false;
      op.args.push_back(a);
    }
    return true;
  }

  Program& p_;
  Rng rng_;
  int max_ops_;
  std::vector<Op> open_;
};

}  // namespace

int Shape::size(Pool p) const {
  switch (p) {
    case Pool::L: return longs;
    case Pool::E: return colls * coll_len;
    case Pool::M: return nested * nested_outer * nested_inner;
    case Pool::V: return vecs;
    case Pool::R: return recs;
    case Pool::A: return arrays;
    case Pool::F: return files;
    case Pool::D: return dirs;
    case Pool::C: return colls;
    case Pool::N: return nested;
    case Pool::FL: return fls;
    case Pool::FV: return fvs;
    case Pool::FR: return frs;
  }
  return 0;
}

const char* pool_name(Pool p) {
  static const char* const names[] = {"L", "E", "M", "V", "R", "A", "F", "C", "N", "FL", "FV", "FR", "D"};
  return names[static_cast<int>(p)];
}

unsigned parse_features(const std::string& list) {
  unsigned mask = 0;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    const bool off = !item.empty() && item[0] == '-';
    const std::string name = off ? item.substr(1) : item;
    unsigned bit = 0;
    if (name == "all") bit = kAllFeatures;
    if (name == "default") bit = kDefaultFeatures;
    for (int i = 0; i < kFeatureCount; ++i)
      if (name == kFeatureNames[i]) bit = 1u << i;
    if (bit == 0)
      throw std::invalid_argument("unknown feature '" + name + "' (known: all, default, " + feature_names(kAllFeatures) + ")");
    mask = off ? mask & ~bit : mask | bit;
  }
  return mask;
}

std::string feature_names(unsigned mask) {
  std::string s;
  for (int i = 0; i < kFeatureCount; ++i)
    if (mask & (1u << i)) s += (s.empty() ? "" : ",") + std::string(kFeatureNames[i]);
  return s;
}

Program generate(std::uint64_t seed, long graph, unsigned features, int max_ops) {
  Program p;
  p.seed = seed;
  p.graph = graph;
  p.features = features;
  Generator(p, max_ops).run();
  return p;
}

long initial_value(const Program& p, Arg a, long salt) {
  return mix(mix(static_cast<long>(p.seed), p.graph), salt * 4096 + static_cast<long>(a.pool) * 256 + a.index);
}

std::string arg_name(const Program& p, Arg a) {
  const Shape& s = p.shape;
  std::ostringstream o;
  if (a.pool == Pool::E) {
    o << "C" << a.index / s.coll_len << "[" << a.index % s.coll_len << "]";
  } else if (a.pool == Pool::M) {
    o << "N" << a.index / (s.nested_outer * s.nested_inner) << "[" << (a.index / s.nested_inner) % s.nested_outer
      << "][" << a.index % s.nested_inner << "]";
  } else {
    o << pool_name(a.pool) << a.index;
  }
  return o.str();
}

void print_program(const Program& p, std::ostream& out) {
  const Shape& s = p.shape;
  out << "// difftest --seed " << p.seed << " --graph " << p.graph << " --features " << feature_names(p.features)
      << ": " << p.ops.size() << " operations\n";
  out << "// variables: long L0.." << s.longs - 1;
  if (s.vecs) out << "; Vec V0.." << s.vecs - 1;
  if (s.recs) out << "; Rec R0.." << s.recs - 1;
  if (s.arrays) {
    out << "; double A0.." << s.arrays - 1 << " of lengths";
    for (int n : s.array_len) out << " " << n;
  }
  if (s.files) out << "; files F0.." << s.files - 1;
  if (s.dirs) out << "; directories D0.." << s.dirs - 1;
  if (s.colls) out << "; vector<long> C0.." << s.colls - 1 << " of " << s.coll_len;
  if (s.nested) out << "; vector<vector<long>> N0 of " << s.nested_outer << "x" << s.nested_inner;
  if (s.fls) out << "; Future<long> FL0.." << s.fls - 1;
  if (s.fvs) out << "; Future<Vec> FV0.." << s.fvs - 1;
  if (s.frs) out << "; Future<Rec> FR0.." << s.frs - 1;
  out << "\n";
  int depth = 0;
  for (std::size_t i = 0; i < p.ops.size(); ++i) {
    const Op& op = p.ops[i];
    const KindInfo& k = info(op.kind);
    if (op.kind == Kind::group_end) --depth;
    out << "/*" << i << "*/ " << std::string(static_cast<std::size_t>(std::max(depth, 0)) * 2, ' ');
    switch (op.kind) {
      case Kind::group_begin:
        out << "{ compss::TaskGroup g" << op.size << "(\"g" << op.size << "\", " << (op.value ? "true" : "false")
            << ");\n";
        ++depth;
        continue;
      case Kind::group_end: out << "}  // end of the group\n"; continue;
      case Kind::barrier_group: out << "compss::barrier_group(\"g" << op.size << "\");\n"; continue;
      case Kind::barrier: out << "compss::barrier();\n"; continue;
      case Kind::read: out << "print(" << arg_name(p, op.args[0]) << ");  // waits first\n"; continue;
      case Kind::write:
        out << arg_name(p, op.args[0]) << " = <value " << op.value << ">;  // waits first\n";
        continue;
      default: break;
    }
    std::size_t next = 0;
    if (is_slot(k.args[0])) out << arg_name(p, op.args[next++]) << " = ";
    out << k.name << "(";
    bool first = true;
    for (const char* c = k.args + next; *c; ++c) {
      out << (first ? "" : ", ");
      first = false;
      if (*c == '#') {
        out << op.value;
      } else if (*c == 'n') {
        out << op.size;
      } else if (*c == 'x' || *c == 'y') {
        out << "{";
        for (long j = 0; j < op.size; ++j) out << (j ? ", " : "") << arg_name(p, op.args[next++]);
        out << "}";
      } else {
        out << arg_name(p, op.args[next++]);
      }
    }
    out << ");\n";
  }
}

}  // namespace difftest
