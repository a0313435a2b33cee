// DataPlane: the files a task wrote on a worker before it raised compss::Exception in a
// group. A local or sequential run keeps what it wrote for the group's handler to read;
// so does the master: a worker sharing its files wrote them at private paths, moved into
// place now; else the answer carries their bytes, written over the master's files (beside
// first, then a rename: write_file_atomically). Either way each gets a new number only
// the master holds, as after the program wrote it: a copy another worker keeps is never
// read as the latest.
// docs/distributed.md, "Data" (its "Files" item).
#include "net/master/data_plane.hpp"

#include "core/access.hpp"
#include "net/attempt_files.hpp"
#include "net/file_staging.hpp"

#include <compss/error.hpp>

#include <exception>

namespace compss::net {

namespace {
/// The paths `t` writes as files, by parameter index (empty: not a written file).
std::vector<std::string> written_file_paths(const detail::TaskBase& t) {
  std::vector<std::string> paths(t.param_count_);
  for (std::size_t i = 0; i < t.param_count_; ++i) {
    const detail::ParamDescriptor& d = t.params_[i];
    if (d.kind == detail::ParamKind::file && rt::writes(d.direction)) paths[i] = std::string(d.key.path);
  }
  return paths;
}
}  // namespace

std::vector<std::string> DataPlane::keep_group_exception_writes(detail::TaskBase* t, int n,
                                                                const TaskRequest& request,
                                                                const TaskFailed* failed) {
  std::vector<std::string> errors;
  std::vector<std::string> kept;  // the master's paths written over
  const std::vector<std::string> paths = written_file_paths(*t);
  if (links_.shares_files(n)) {
    errors = attempt_files::keep_writes_of_group_exception(request);
    attempt_files::remove_private_files(request);  // (those that could not be moved)
    for (const std::string& p : paths) {
      if (!p.empty()) kept.push_back(p);  // (a failed move: a new number for the same bytes)
    }
  } else if (failed != nullptr) {
    for (const WireParam& o : failed->outputs) {
      if (o.kind != static_cast<std::uint8_t>(detail::ParamKind::file) || o.data_id != 0 ||
          !o.has_value || o.version >= paths.size() || paths[o.version].empty()) {
        continue;  // (a file it did not write: it stays as it was)
      }
      const std::string& path = paths[o.version];
      try {
        write_file_atomically(path, o.value);  // (beside, then renamed; on failure none left)
      } catch (const std::exception& e) {
        errors.emplace_back(e.what());
        continue;
      }
      kept.push_back(path);
    }
  }
  Drops older;
  std::string unrecorded;
  {
    std::lock_guard data(data_mutex_);
    for (const std::string& path : kept) {
      TrackedDatum* x = directory_.find_file(path);
      if (x == nullptr) continue;  // never travelled: no copy to supersede
      try {
        const std::uint64_t old = x->version;
        NodeSet holders = directory_.master_wrote(*x);
        if (!holders.empty()) older.push_back({x->id, old, std::move(holders)});
      } catch (const std::exception& e) {
        unrecorded += (unrecorded.empty() ? "" : "; ") + ("'" + path + "': " + e.what());
      }
    }
  }
  release(older);
  if (!unrecorded.empty()) {
    // Its bytes are in place but the copies workers keep would still be named the latest.
    throw Error("compss: the files task '" + std::string(t->spec().name) +
                "' wrote before it raised compss::Exception are in place, but their new "
                "versions could not be recorded: " + unrecorded);
  }
  return errors;
}

}  // namespace compss::net
