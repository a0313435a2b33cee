// The versions of files tasks read in place (workers sharing the master's files), kept for
// a remake from lineage. A task's file is replaced by a rename (attempt_files: a later
// task's private file moved over the path, or an inout producer's own answer), so the old
// inode lives on while a name is left to it: a hard link taken when the request is stamped,
// `<d>/.compss-kept-<pid>-<nonce>-<k>/<n>/<name>` (the file's own name kept), keeps that
// version's bytes at no copy cost. `d` is the run's directory, COMPSS_KEPT_DIR or by
// default the master's working directory at launch (config::MasterSettings::working_dir),
// when it is on the file's file system (same st_dev: a hard link needs it) and every
// worker sharing the master's files said it reaches the directory of links there (0700:
// the same user; ask_worker, KeptDirViews); else, or when no link can be made there, (or
// COMPSS_KEPT_DIR=beside) beside the file, in its directory (0711 there), which workers
// sharing the master's files are promised to see. A worker checks that it can read a link
// before the body runs (require_readable): a clear error, never a body reading a missing
// file (a worker that joined after links were made where it cannot read them).
// A remake reads the link in place; its stamp (net/file_stamp.hpp) is checked on the link,
// so a file changed in place (same inode, O_TRUNC) still fails the run clearly (but for a
// task on the master, which writes in place: the kept version moves to a copy first). One link
// per distinct inode and stamp, shared by every request that stamped it; the link goes
// when the last request (lineage record) naming it does, its directory when empty, and
// all at exit (std::atexit; Cluster::tell_run_ended for the master's quick exit). A killed
// master leaves its directories (SIGKILL, SIGINT, SIGTERM, std::terminate, abort run no
// handler; a fork()ed
// child's exit removes nothing). Without a link (a bind mount, EPERM under
// fs.protected_hardlinks, a directory, no right to create the directory;
// COMPSS_KEEP_READ_FILES=0) the stamp alone, as before: a change fails the run.
// docs/distributed.md, "Files a remake reads".
//
// Thread-safe: one process-wide mutex serializes the stats, links, unlinks and renames it
// is told of (a link or unlink moves the inode's ctime: a stamp taken between them would
// be stale); before_write_in_place copies outside it, marking the entry (another caller for
// it waits on a condition of that mutex); stamp_and_keep waits on another, bounded
// (KeptDirViews::answer_wait after the last question), for workers' answers to ask_worker,
// which their links' receivers tell with that lock only. Under it, only config::run_config() (an atomic load once the run
// started: launch.cpp loads it). A leaf: taken under the data plane's data lock (record_made's renames, a
// record dropped), never the other way; a link's last owner is released outside it.
#pragma once

#include "net/file_stamp.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace compss::net::kept_files {

/// The stamp of the file at `path` (stamp_file), taken once its version is kept: then
/// `kept` names the link (and the stamp is the link's, its ctime moved by the link).
FileStamp stamp_and_keep(const std::string& path, std::uint32_t param);

/// Whether the version `s` stamps is still readable as it was: at its link when it has
/// one (a rename over the path changes nothing there), else at its path.
bool unchanged(const FileStamp& s);

/// How many times the version `s` names moved to a copy of its own (before_write_in_place):
/// a remake that read its link while it moved may have read the task's write (the old
/// inode), so the master compares this before and after a remake.
std::uint64_t moves(const FileStamp& s);

/// Whether `path` names a kept link (a component `.compss-kept-`).
bool is_kept(std::string_view path);

/// On a worker sharing the master's files, before a body reads the kept link `path`:
/// throws compss::Error naming it and why when it cannot be read (a worker that does
/// not see the directory, or runs as a user without the right).
void require_readable(const std::string& path);

/// Renames `from` over `to` (rename(2)) for the master, under the keeper's lock: a kept
/// link to the inode `to` named, at the stamp it had just before, still holds that
/// version, and the ctime the kernel moved for the name it lost is taken as its stamp. (A
/// rename the master did not do, `mv` by the program, is seen as a change.) Returns 0 or
/// the rename's errno.
int rename_over(const std::string& from, const std::string& to);

/// A task on the master is about to write `path` in place (tasks there write the user's
/// file, as locally): a version of it kept by a link moves to a copy of its own first (the
/// link's name stays; one copy, only then), so that the write does not change it. When the
/// copy fails, the link stays: the write is seen as a change (a clear error at a remake).
/// Two callers at once (`concurrent` tasks): the second waits for the first's copy, then
/// looks again (nothing left to move once it moved).
void before_write_in_place(const std::string& path);

/// The master admitted worker `node`, which shares its files: the directory of links in
/// the run's directory (made now, kept while the run goes on) for the worker to check
/// (reaches), after which new links go there only once every worker asked answered that it
/// reaches it; empty when there is nothing to ask (links beside: told, not keeping, no
/// directory can be made there, or a worker said it cannot).
std::string ask_worker(int node);

/// Worker `node`'s answer to ask_worker: whether it reaches that directory.
void worker_answered(int node, bool sees);

/// Worker `node` is gone (lost before it answered, it never will).
void worker_gone(int node);

/// On a worker: whether it reaches the directory `dir` the master named (access X_OK: it
/// sees the path and may traverse it).
bool reaches(const std::string& dir);

/// Removes every kept link and directory (the master's exit without destructors). The
/// links of records still alive are gone: a later remake reading one fails clearly.
void remove_all() noexcept;

}  // namespace compss::net::kept_files
