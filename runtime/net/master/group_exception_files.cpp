// DataPlane: the files a task wrote on a worker without the master's files before it
// raised compss::Exception in a group. A local or sequential run keeps what it wrote for
// the group's handler to read; so does the master: it writes them over its files (beside
// first, then a rename) and gives each a new number only the master holds, as after the
// program wrote it. docs/distributed.md, "Data" (its "Files" item).
#include "net/master/data_plane.hpp"

#include "core/access.hpp"
#include "net/attempt_files.hpp"
#include "net/file_staging.hpp"

#include <exception>

namespace compss::net {

std::vector<std::string> DataPlane::keep_group_exception_files(detail::TaskBase* t,
                                                               const TaskFailed& failed) {
  std::vector<std::string> errors;
  for (const WireParam& o : failed.outputs) {
    if (o.kind != static_cast<std::uint8_t>(detail::ParamKind::file) || o.data_id != 0 ||
        !o.has_value || o.version >= t->param_count_) {
      continue;  // (a file it did not write: it stays as it was)
    }
    const detail::ParamDescriptor& d = t->params_[o.version];
    if (d.kind != detail::ParamKind::file || !rt::writes(d.direction)) continue;
    const std::string path(d.key.path);
    try {
      const std::string mine = attempt_files::private_path(path);
      write_file_atomically(mine, o.value);
      attempt_files::move_into_place(mine, path);
    } catch (const std::exception& e) {
      errors.emplace_back(e.what());
      continue;
    }
    Drop older;
    {
      std::lock_guard data(data_mutex_);
      if (TrackedDatum* x = directory_.find_file(path)) {
        older.id = x->id;
        older.version = x->version;
        older.holders = directory_.master_wrote(*x);
      }
    }
    release(older);
  }
  return errors;
}

}  // namespace compss::net
