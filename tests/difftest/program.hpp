// A random COMPSs program, as data: a pool of variables and a sequence of operations on
// them (task calls, waits, barriers, groups, main's reads and writes). Drawn from a seed
// and a graph number by generate(), run by interpret.cpp, printed as a readable trace by
// print_program(). Any subset of a program's operations is itself a valid program (the
// interpreter repairs what a dropped operation leaves behind), so a failing program can be
// shrunk by dropping operations.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace difftest {

// Features a program may use; each can be switched off (--features).
enum Feature : unsigned {
  kObjects = 1u << 0,        // long, vector<double> and Rec objects: in/out/inout
  kFutures = 1u << 1,        // task results, passed on and read by main
  kFiles = 1u << 2,          // file_in/out/inout
  kArrays = 1u << 3,         // array sections inout(p[n])
  kCollections = 1u << 4,    // collection_in/out/inout of vector<long>, and their elements
  kNested = 1u << 5,         // collections of vector<vector<long>>, and their elements
  kFutureVectors = 1u << 6,  // std::vector<Future<T>> passed as std::vector<T>
  kConcurrent = 1u << 7,
  kCommutative = 1u << 8,
  kInDelete = 1u << 9,
  kDelete = 1u << 10,        // delete_object / delete_file from main
  kGroups = 1u << 11,        // task groups (nested, with and without implicit barrier)
  kBig = 1u << 12,           // some vectors of 80 KB and more
  kReuse = 1u << 13,         // a graph's objects die at its end: the next graph's reuse
                             // their addresses (else they live until the process ends)
  kByValue = 1u << 14,       // long objects passed by value (else only futures are)
  kRetries = 1u << 15,       // tasks with on_failure(retry) whose first attempt throws
  kKills = 1u << 16,         // tasks that SIGKILL their worker on their first attempt
  kReplicated = 1u << 17,    // replicated tasks (run on every node)
  kDistributed = 1u << 18,   // distributed tasks (round-robin over the nodes)
  kDirectories = 1u << 19,   // directory_in/out/inout (each directory holds 1-4 files)
  kReplicatedKills = 1u << 20,  // with kills and replicated: replicated calls that kill
  kTimeouts = 1u << 21,      // time_out(1) on_failure(ignore) tasks whose body waits for it
  kAllFeatures = (1u << 22) - 1,
};
// What the CI test runs ("default"): the features that give the sequential answer in
// every mode (docs/testing.md lists the bugs each feature found and their fixes).
// Off: kills (its own CI test, difftest.kills: a run of 250 graphs would kill one worker),
// directories (they pass, but double the test's time: their tasks run on the master),
// timeouts (each of their calls lasts its time-out, 1 s: its own test, difftest.timeouts).
constexpr unsigned kDefaultFeatures =
    kObjects | kFutures | kFiles | kArrays | kInDelete | kDelete | kGroups | kBig |
    kCollections | kNested | kFutureVectors | kConcurrent | kCommutative | kReuse | kByValue |
    kRetries | kReplicated | kDistributed;
// "objects,futures", "all", "default,-files": the mask, or throws std::invalid_argument.
unsigned parse_features(const std::string& list);
std::string feature_names(unsigned mask);

// The variables of a program. E are the elements of the C collections, M the innermost
// elements of the N nested collections; FL, FV, FR hold futures of long, Vec and Rec;
// D are directories (last: the other pools' initial values do not change with them).
enum class Pool : std::uint8_t { L, E, M, V, R, A, F, C, N, FL, FV, FR, D };
constexpr int kPools = 13;
const char* pool_name(Pool p);

struct Arg {
  Pool pool;
  int index;
};

enum class Kind : std::uint8_t {
  // Task calls (tasks.hpp); the name of each is its task's name.
  l_set, l_update, l_combine, v_set, v_update, v_combine, v_project, r_set, r_update,
  r_project, l_get, l_add, v_make, v_dot, r_make, l_consume, v_consume, r_consume,
  l_concurrent_add, v_concurrent_add, l_commutative_add, v_commutative_add,
  r_commutative_add, l_retry, v_retry, f_retry, l_kill, v_kill, f_kill, l_kill_replicated, f_kill_replicated,
  l_replicated, v_replicated, f_replicated, l_distributed, v_distributed, f_distributed,
  d_set, d_update, d_sum, d_fold, d_from, a_set, a_update, a_fold, a_sum, f_set, f_update, f_get, f_copy,
  f_fold, f_from, c_fold, c_set, c_update, c_sum, n_fold, n_set, n_update, fl_csum,
  fl_sum, fl_cfold, fv_concat, l_time_out, f_time_out,
  // Main's operations.
  wait_on, read, write, barrier, delete_object, group_begin, group_end, barrier_group,
};

struct Op {
  Kind kind;
  std::vector<Arg> args;  // in the task's parameter order; a result slot first
  long value = 0;         // the task's value argument; for groups: implicit barrier
  long size = 0;          // v_set's length; for groups: the group's number
  long id = 0;            // its number in the drawn graph (kept by --keep): names its
                          // marker files (retries, kills)
};

struct Shape {
  int longs = 0, vecs = 0, recs = 0, arrays = 0, files = 0, colls = 0, coll_len = 0,
      nested = 0, nested_outer = 0, nested_inner = 0, fls = 0, fvs = 0, frs = 0, dirs = 0;
  std::vector<int> array_len;
  int size(Pool p) const;  // how many variables the pool has
};

struct Program {
  std::uint64_t seed = 0;
  long graph = 0;
  unsigned features = 0;
  Shape shape;
  std::vector<Op> ops;
};

// Graph `graph` of seed `seed`: between min_ops and max_ops operations.
Program generate(std::uint64_t seed, long graph, unsigned features, int max_ops);
// The program as C++-like text, one operation a line, numbered.
void print_program(const Program& p, std::ostream& out);
std::string arg_name(const Program& p, Arg a);

// The value main gives variable `a` at the start of a graph or when it writes it.
long initial_value(const Program& p, Arg a, long salt);

}  // namespace difftest
