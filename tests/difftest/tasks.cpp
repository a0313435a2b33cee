// The tasks' bodies: each a deterministic function of its inputs (values.hpp).
#include "tasks.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#ifdef __COMPSS__
#include <compss/this_task.hpp>
#endif

#include <fcntl.h>
#include <unistd.h>

namespace difftest {
namespace {
void fill(std::vector<long>& c, long v) {
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = mix(v, static_cast<long>(i) + 20);
}
void update_all(std::vector<long>& c, long v) {
  for (long& e : c) e = mix(e, v);
}
// (Not v_make itself: a task called from a task body would be a nested task.)
Vec extended(const Vec& a, long v) {
  Vec r(a);
  r.push_back(static_cast<double>(mix(hash_of(a), v)));
  return r;
}
// True for the one caller that creates `path` (processes of one run share --dir).
bool first_to_create(const std::string& path) {
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}
void fail_first_attempt(const std::string& marker) {
#ifdef __COMPSS__
  if (first_to_create(marker + ".failed")) throw std::runtime_error("difftest: a planned failure of " + marker);
#else
  (void)marker;
#endif
}
// Only in a worker process (compss-run sets COMPSS_WORKER_NAME there; the master, local
// runs and the plain build have none); a remake or a second attempt does not kill. At
// most one kill per graph: two deaths while a task runs make the master give it up as
// one that kills its workers (docs/failures.md), which an innocent task running where
// two kill calls of a graph ran in turn would be.
void kill_first_attempt(const std::string& marker, long kills) {
  if (std::getenv("COMPSS_WORKER_NAME") == nullptr || !first_to_create(marker + ".killer")) return;
  if (!first_to_create(marker.substr(0, marker.rfind("-o")) + ".killed")) return;
  const std::string dir = marker.substr(0, marker.rfind('/'));
  for (long i = 0; i < kills; ++i)
    if (first_to_create(dir + "/kill-" + std::to_string(i))) std::raise(SIGKILL);
}
// Built with compss-cc: waits until the task's time-out asks it to stop (true), at most
// 30 s; a time-out that never comes (false) makes the caller write, and the run's answer
// differ from the plain build's. The plain build does not wait (true at once).
bool timed_out() {
#ifdef __COMPSS__
  for (auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       std::chrono::steady_clock::now() < end;) {
    if (compss::this_task::stop_requested()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
#else
  return true;
#endif
}
}  // namespace

void l_time_out(long& x, long v) {
  if (!timed_out()) x = mix(x, v + 17);
}
void f_time_out(const std::string& path, long v) {
  if (!timed_out()) write_number(path, mix(read_number(path), v + 18));
}

void l_retry(long& x, long v, const std::string& marker) {
  fail_first_attempt(marker);
  x = mix(x, v + 11);
}
Vec v_retry(const Vec& a, long v, const std::string& marker) {
  fail_first_attempt(marker);
  return extended(a, v + 12);
}
void f_retry(const std::string& path, long v, const std::string& marker) {
  fail_first_attempt(marker);
  write_number(path, mix(read_number(path), v + 13));
}
void l_kill(long& x, long v, const std::string& marker, long kills) {
  kill_first_attempt(marker, kills);
  x = mix(x, v + 14);
}
Vec v_kill(const Vec& a, long v, const std::string& marker, long kills) {
  kill_first_attempt(marker, kills);
  return extended(a, v + 15);
}
void f_kill(const std::string& path, long v, const std::string& marker, long kills) {
  kill_first_attempt(marker, kills);
  write_number(path, mix(read_number(path), v + 16));
}

void l_set(long& x, long v) { x = mix(v, 1); }
void l_update(long& x, long v) { x = mix(x, v); }
void l_combine(const long& a, long& x) { x = mix(x, a); }
long l_get(const long& a, long v) { return mix(a, v); }
long l_add(long a, long b) { return mix(a, b) ^ 1; }
void l_consume(const long& a, long& x) { x = mix(x, a + 5); }
// Additions commute: the user keeps concurrent tasks coherent with an atomic.
void l_concurrent_add(long& x, long v) { std::atomic_ref<long>(x).fetch_add(mix(v, 2)); }
void l_commutative_add(long& x, long v) { x += mix(v, 3); }

void v_set(Vec& x, long n, long v) {
  x.assign(static_cast<std::size_t>(n), 0.0);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(mix(v, static_cast<long>(i)));
}
void v_update(Vec& x, long v) {
  for (double& d : x) d = static_cast<double>(mix(static_cast<long>(d), v));
  if (v % 3 == 0) x.push_back(static_cast<double>(v));  // sizes change too
}
void v_combine(const Vec& a, Vec& x) {
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<double>(mix(static_cast<long>(x[i]), static_cast<long>(a[i % a.size()])));
}
Vec v_make(const Vec& a, long v) {
  Vec r(a);
  r.push_back(static_cast<double>(mix(hash_of(a), v)));
  return r;
}
long v_dot(const Vec& a, const long& b) { return mix(hash_of(a), b); }
void v_project(const Vec& a, long& x) { x = hash_of(a); }
void v_consume(const Vec& a, long& x) { x = mix(x, hash_of(a) + 7); }
// Element-wise additions of whole numbers: exact in any order; no resize, so concurrent
// tasks never move the elements under each other.
void v_concurrent_add(Vec& x, long v) {
  for (double& d : x) std::atomic_ref<double>(d).fetch_add(static_cast<double>(mix(v, 4)));
}
void v_commutative_add(Vec& x, const Vec& a) {
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += a[i % a.size()];
}

void r_set(Rec& r, long v) {
  r.id = mix(v, 5);
  r.xs.assign(static_cast<std::size_t>(v % 4), v);
  r.tag = "r" + std::to_string(v % 1000);
}
void r_update(Rec& r, const Vec& a, long v) {
  r.xs.push_back(mix(hash_of(a), v));
  r.id = mix(r.id, v);
  r.tag += static_cast<char>('a' + v % 26);
}
Rec r_make(const Rec& a, const Vec& b, long c) {
  Rec r = a;
  r.id = mix(hash_of(a), mix(hash_of(b), c));
  r.xs.push_back(c);
  return r;
}
void r_project(const Rec& a, long& x) { x = hash_of(a); }
void r_consume(const Rec& a, long& x) { x = mix(x, hash_of(a) + 9); }
void r_commutative_add(Rec& r, long v) { r.id += mix(v, 6); }

void l_kill_replicated(long& x, long v, const std::string& marker, long kills) {
  kill_first_attempt(marker, kills);
  x = mix(x, v + 23);
}
void f_kill_replicated(const std::string& path, long v, const std::string& marker, long kills) {
  kill_first_attempt(marker, kills);
  write_number(path, mix(read_number(path), v + 24));
}
void l_replicated(long& x, long v) { x = mix(x, v + 17); }
Vec v_replicated(const Vec& a, long v) { return extended(a, v + 18); }
void f_replicated(const std::string& path, long v) { write_number(path, mix(read_number(path), v + 19)); }
void l_distributed(long& x, long v) { x = mix(x, v + 20); }
Vec v_distributed(const Vec& a, long v) { return extended(a, v + 21); }
void f_distributed(const std::string& path, long v) { write_number(path, mix(read_number(path), v + 22)); }

void d_set(const std::string& path, long v) { write_directory(path, 1 + v % 3, v); }
void d_update(const std::string& path, long v) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(path)) files.push_back(e.path());
  for (const auto& f : files) write_number(f.string(), mix(read_number(f.string()), v));
  if (v % 4 == 0 && files.size() < 4) write_number(path + "/u" + std::to_string(v) + ".txt", v);  // counts change too
}
long d_sum(const std::string& path, long v) { return mix(read_directory(path), v); }
void d_fold(const std::string& path, long& x) { x = mix(x, read_directory(path)); }
void d_from(const long& x, const std::string& path) { write_directory(path, 1 + (x & 3), x); }

void a_set(double* p, long n, long v) {
  for (long i = 0; i < n; ++i) p[i] = static_cast<double>(mix(v, i));
}
void a_update(double* p, long n, long v) {
  for (long i = 0; i < n; ++i) p[i] = static_cast<double>(mix(static_cast<long>(p[i]), v + i));
}
void a_fold(const double* p, long n, long& x) {
  for (long i = 0; i < n; ++i) x = mix(x, static_cast<long>(p[i]));
}
long a_sum(const double* p, long n, long v) {
  long h = v;
  for (long i = 0; i < n; ++i) h = mix(h, static_cast<long>(p[i]));
  return h;
}

void f_set(const std::string& path, long v) { write_number(path, mix(v, 7)); }
void f_update(const std::string& path, long v) { write_number(path, mix(read_number(path), v)); }
long f_get(const std::string& path, long v) { return mix(read_number(path), v); }
void f_copy(const std::string& src, const std::string& dst, long v) {
  write_number(dst, mix(read_number(src), v));
}
void f_fold(const std::string& path, long& x) { x = mix(x, read_number(path)); }
void f_from(const long& x, const std::string& path) { write_number(path, mix(x, 8)); }

void c_fold(const std::vector<long>& c, long& x) { x = mix(x, hash_of(c)); }
void c_set(std::vector<long>& c, long v) { fill(c, v); }
void c_update(std::vector<long>& c, long v) { update_all(c, v); }
long c_sum(const std::vector<long>& c, long v) { return mix(hash_of(c), v); }
void n_fold(const std::vector<std::vector<long>>& c, long& x) {
  for (const auto& inner : c) x = mix(x, hash_of(inner));
}
void n_set(std::vector<std::vector<long>>& c, long v) {
  for (std::size_t i = 0; i < c.size(); ++i) fill(c[i], mix(v, static_cast<long>(i)));
}
void n_update(std::vector<std::vector<long>>& c, long v) {
  for (auto& inner : c) update_all(inner, v);
}
long fl_sum(const std::vector<long>& xs, long v) { return mix(hash_of(xs), v); }
Vec fv_concat(const std::vector<Vec>& xs, long v) {
  Vec r;
  for (const Vec& x : xs) r.insert(r.end(), x.begin(), x.end());
  r.push_back(static_cast<double>(v));
  return r;
}

}  // namespace difftest
