// Attempt-private files: a file a task writes on a worker that shares the master's files is
// named, in that attempt's request, to a path of its own beside the master's file (an inout
// file first gets the current contents there). The body writes that path; the master moves
// it into place (a rename, atomic in one directory) only when it records the attempt's
// answer, and removes it for an attempt whose answer it does not record (failed, timed
// out, superseded, late, lost, a remake from lineage, a replica not chosen); a worker
// removes those of a body that returns after the master gave it to another (fenced). A
// body the master gave up on that still writes later writes a file nobody reads.
// Costs and limits (docs/distributed.md): an inout file is copied per attempt, replica
// and remake, on the master's blocking lane; the rename replaces a link by a plain file
// and the new file's mode/owner/ACLs replace the old one's; a task passing one path twice
// (inout + in) reads the old file through the in name.
// docs/distributed.md, "Data" (its "Files" item).
#pragma once

#include "net/message.hpp"

#include <compss/detail/task_spec.hpp>
#include <compss/error.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace compss::net::attempt_files {

/// Whether a file written with `direction` gets a private path: `out` and `inout`.
/// `concurrent` and `commutative` files stay written in place (tasks sharing one append
/// to it, at once or in turn: a copy per attempt would lose the others' writes); their
/// tasks, and those with directories, run on the master only, in place as locally.
inline bool gets_private_path(detail::Direction direction) {
  return direction == detail::Direction::out || direction == detail::Direction::inout;
}

/// A new private path for the file the program passed as `path` (give it absolute: the
/// master and the workers resolve a relative one against different directories), in the
/// file's own directory, keeping its extension (libraries choose a format by it):
/// `<stem>.compss-attempt-<pid>-<run nonce>-<n><ext>`, n counting in this process, the
/// nonce random per process (a rerun with the same pid, as in a container, names others).
///
///   std::string mine = private_path("/d/f.tar.gz");  // "/d/f.compss-attempt-4711-3e0c…-0.tar.gz"
std::string private_path(std::string_view path);

/// 16 hex digits, random per process: a rerun with the same pid and counter (a
/// container's) names other files (private_path, net/kept_files.hpp).
const std::string& run_nonce();

/// Whether `path` has the form private_path gives (the tail after the file's name).
bool is_private(std::string_view path);

/// The path a private path was made from (`path` itself when it is not one).
std::string master_path_of(std::string_view path);

/// The private path parameter `w` of a request names (a file written on a worker sharing
/// the master's files), else empty.
std::string private_path_of(const WireParam& w);

/// Readies the private path `to` of the file `from` before a request names it: removes
/// whatever is there (a leftover of a killed run would otherwise be moved into place for
/// an out file the body leaves alone or appends to), then, when the task `reads` the file
/// (inout), copies `from`'s current contents there (nothing when `from` does not exist:
/// the body creates it). Throws compss::Error naming both paths and the system's reason
/// (and removes what it began).
void prepare(const std::string& from, const std::string& to, bool reads);

/// Moves the private file `from` over `to` (a rename). False when `from` does not exist
/// (the attempt did not write the file: it stays as it was, as for a body that leaves an
/// out file alone in place). Throws compss::Error naming both paths and the system's
/// reason when the rename fails (then `to` keeps what it had).
bool move_into_place(const std::string& from, const std::string& to);

/// Recording an answer moved some of its files into place, then could not move the next:
/// those it moved hold the attempt's output and cannot be put back (their old bytes are
/// gone), so the task is not run again (it would read them as its inputs). The message
/// names the files of both kinds.
struct PartlyMoved : Error {
  using Error::Error;
};

/// The private paths the parameters of `request` name.
std::vector<std::string> private_paths_of(const TaskRequest& request);

/// Removes the private files `record` names. Errors are ignored (a file already gone).
void remove_private_files(const TaskRequest& record) noexcept;

/// Moves the private files `record` names into place: the writes of a task that raised
/// compss::Exception in a group stay, as in a local or sequential run (the group's
/// handler reads them). Records no version: DataPlane::keep_group_exception_writes does.
/// Returns the message of each move that failed (that file keeps what it had; the rest
/// are moved).
std::vector<std::string> keep_writes_of_group_exception(const TaskRequest& record);

/// Removes the private files a request names when it goes out of scope, unless kept (its
/// answer was recorded, or is kept to be). Not thread-safe: one scope's.
///
///   attempt_files::RemovedUnlessKept files(&request);
///   if (recorded) files.keep();
class RemovedUnlessKept {
 public:
  explicit RemovedUnlessKept(const TaskRequest* request) noexcept : request_(request) {}
  RemovedUnlessKept(const RemovedUnlessKept&) = delete;
  RemovedUnlessKept& operator=(const RemovedUnlessKept&) = delete;
  ~RemovedUnlessKept() {
    if (request_ != nullptr) remove_private_files(*request_);
  }
  void keep() noexcept { request_ = nullptr; }

 private:
  const TaskRequest* request_;
};

}  // namespace compss::net::attempt_files
