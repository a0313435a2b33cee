// The task signatures the differential tester draws its calls from: objects of three
// kinds (long, a vector of doubles, a class with serialize) in every access mode, array
// sections, files, collections (flat, nested, and vectors of futures) and futures.
// Declared here, defined in tasks.cpp, called only from interpret.cpp.
#pragma once

#include "values.hpp"

#include <string>
#include <vector>

namespace difftest {

// --- long objects ---
#pragma compss task out(x)
void l_set(long& x, long v);
#pragma compss task inout(x)
void l_update(long& x, long v);
#pragma compss task in(a) inout(x)
void l_combine(const long& a, long& x);
#pragma compss task in(a)
long l_get(const long& a, long v);
#pragma compss task
long l_add(long a, long b);
#pragma compss task in_delete(a) inout(x)
void l_consume(const long& a, long& x);
#pragma compss task concurrent(x)
void l_concurrent_add(long& x, long v);
#pragma compss task commutative(x)
void l_commutative_add(long& x, long v);

// --- vectors of doubles ---
#pragma compss task out(x)
void v_set(Vec& x, long n, long v);
#pragma compss task inout(x)
void v_update(Vec& x, long v);
#pragma compss task in(a) inout(x)
void v_combine(const Vec& a, Vec& x);
#pragma compss task in(a)
Vec v_make(const Vec& a, long v);
#pragma compss task in(a, b)
long v_dot(const Vec& a, const long& b);
#pragma compss task in(a) out(x)
void v_project(const Vec& a, long& x);
#pragma compss task in_delete(a) inout(x)
void v_consume(const Vec& a, long& x);
#pragma compss task concurrent(x)
void v_concurrent_add(Vec& x, long v);
#pragma compss task commutative(x) in(a)
void v_commutative_add(Vec& x, const Vec& a);

// --- a class with serialize ---
#pragma compss task out(r)
void r_set(Rec& r, long v);
#pragma compss task inout(r) in(a)
void r_update(Rec& r, const Vec& a, long v);
#pragma compss task in(a, b)
Rec r_make(const Rec& a, const Vec& b, long c);
#pragma compss task in(a) out(x)
void r_project(const Rec& a, long& x);
#pragma compss task in_delete(a) inout(x)
void r_consume(const Rec& a, long& x);
#pragma compss task commutative(r)
void r_commutative_add(Rec& r, long v);

// --- time-outs (feature timeouts) ---
// Built with compss-cc, the body waits for its time-out (this_task::stop_requested) and
// returns without writing: on_failure(ignore) then leaves x (the file) as it was, which the
// plain build (no time-out) gives by not writing at all. Every run of it does so, a remake
// from lineage too: the version after it is the one before it.
#pragma compss task inout(x) time_out(1) on_failure(ignore)
void l_time_out(long& x, long v);
#pragma compss task file_inout(path) time_out(1) on_failure(ignore)
void f_time_out(const std::string& path, long v);

// --- failures (features retries, kills) ---
// `marker` names the call (its graph and operation, in the run's --dir): the first
// attempt of a *_retry call throws (compss-cc build only: the plain build has no retry),
// before it modifies anything; the first attempt of a *_kill call that runs in a worker
// process SIGKILLs it, at most `kills` times per run (a run must keep workers).
#pragma compss task inout(x) on_failure(retry)
void l_retry(long& x, long v, const std::string& marker);
#pragma compss task in(a) on_failure(retry)
Vec v_retry(const Vec& a, long v, const std::string& marker);
#pragma compss task file_inout(path) on_failure(retry)
void f_retry(const std::string& path, long v, const std::string& marker);
#pragma compss task inout(x)
void l_kill(long& x, long v, const std::string& marker, long kills);
#pragma compss task in(a)
Vec v_kill(const Vec& a, long v, const std::string& marker, long kills);
#pragma compss task file_inout(path)
void f_kill(const std::string& path, long v, const std::string& marker, long kills);
// (One replica kills its worker: that replica comes back lost and counts as one replica
// fewer; the call's attempt does not fail and is not retried, the other replicas end it
// (compss::WorkerLost only when every replica's node is lost).)
#pragma compss task inout(x) replicated
void l_kill_replicated(long& x, long v, const std::string& marker, long kills);
#pragma compss task file_inout(path) replicated
void f_kill_replicated(const std::string& path, long v, const std::string& marker, long kills);

// --- replicated (every node runs the call) and distributed (round-robin) tasks ---
#pragma compss task inout(x) replicated
void l_replicated(long& x, long v);
#pragma compss task in(a) replicated
Vec v_replicated(const Vec& a, long v);
#pragma compss task file_inout(path) replicated
void f_replicated(const std::string& path, long v);
#pragma compss task inout(x) distributed
void l_distributed(long& x, long v);
#pragma compss task in(a) distributed
Vec v_distributed(const Vec& a, long v);
#pragma compss task file_inout(path) distributed
void f_distributed(const std::string& path, long v);

// --- directories (values.hpp: read_directory, write_directory) ---
#pragma compss task directory_out(path)
void d_set(const std::string& path, long v);
#pragma compss task directory_inout(path)
void d_update(const std::string& path, long v);
#pragma compss task directory_in(path)
long d_sum(const std::string& path, long v);
#pragma compss task directory_in(path) inout(x)
void d_fold(const std::string& path, long& x);
#pragma compss task in(x) directory_out(path)
void d_from(const long& x, const std::string& path);

// --- array sections ---
#pragma compss task out(p[n])
void a_set(double* p, long n, long v);
#pragma compss task inout(p[n])
void a_update(double* p, long n, long v);
#pragma compss task in(p[n]) inout(x)
void a_fold(const double* p, long n, long& x);
#pragma compss task in(p[n])
long a_sum(const double* p, long n, long v);

// --- files (each holds one number as text) ---
#pragma compss task file_out(path)
void f_set(const std::string& path, long v);
#pragma compss task file_inout(path)
void f_update(const std::string& path, long v);
#pragma compss task file_in(path)
long f_get(const std::string& path, long v);
#pragma compss task file_in(src) file_out(dst)
void f_copy(const std::string& src, const std::string& dst, long v);
#pragma compss task file_in(path) inout(x)
void f_fold(const std::string& path, long& x);
#pragma compss task in(x) file_out(path)
void f_from(const long& x, const std::string& path);

// --- collections (each element a datum), nested, and vectors of futures ---
#pragma compss task collection_in(c) inout(x)
void c_fold(const std::vector<long>& c, long& x);
#pragma compss task collection_out(c)
void c_set(std::vector<long>& c, long v);
#pragma compss task collection_inout(c)
void c_update(std::vector<long>& c, long v);
#pragma compss task collection_in(c)
long c_sum(const std::vector<long>& c, long v);
#pragma compss task collection_in(c) inout(x)
void n_fold(const std::vector<std::vector<long>>& c, long& x);
#pragma compss task collection_out(c)
void n_set(std::vector<std::vector<long>>& c, long v);
#pragma compss task collection_inout(c)
void n_update(std::vector<std::vector<long>>& c, long v);
// Plain `in` of a whole vector: given a std::vector<compss::Future<T>>, one dependency
// per future.
#pragma compss task in(xs)
long fl_sum(const std::vector<long>& xs, long v);
#pragma compss task in(xs)
Vec fv_concat(const std::vector<Vec>& xs, long v);

}  // namespace difftest
