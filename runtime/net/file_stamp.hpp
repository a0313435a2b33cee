// The stamp of a file a task reads in place (a worker sharing the master's files): what
// identifies its contents cheaply, so that a remake from lineage can tell that the version
// the task first read is gone (the program wrote it in place: another mtime, ctime or
// size; without a kept link, net/kept_files.hpp, a later task moved its private file over
// it: a new inode) and fail clearly instead of computing from the later file.
// The ctime catches a file put back with its old mtime (touch -r, cp -p): only the
// kernel sets it. docs/distributed.md, "Workers that die". Limits: a change that keeps
// the inode, the size, the mtime and the ctime (to the nanosecond; the kernel's own
// granularity on older kernels and file systems) is not seen (a clock set back, or two
// writes within one tick), nor is a changed file on another host's view of a shared
// file system whose attributes that host caches (NFS).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace compss::net {

struct FileStamp {
  std::uint32_t param = 0;  ///< the request's parameter that names the file
  std::string path;         ///< the master's path
  bool exists = false;
  std::uint64_t device = 0, inode = 0, size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;  ///< (changes with any write or attribute change, never set back)
  /// A hard link keeping this version after a rename replaced the path (net/kept_files.hpp);
  /// null when none could be made. Removed when the last stamp naming it goes.
  std::shared_ptr<const std::string> kept;

  /// Where a remake reads this version: its kept link, else the path.
  const std::string& read_path() const { return kept ? *kept : path; }

  /// Whether `other` stamps the same contents (the parameter, path and link aside).
  bool same_file(const FileStamp& other) const {
    return exists == other.exists && device == other.device && inode == other.inode &&
           size == other.size && mtime_ns == other.mtime_ns && ctime_ns == other.ctime_ns;
  }
};

/// The stamp of the file at `path` now (one stat; a missing file stamps as missing).
FileStamp stamp_file(const std::string& path, std::uint32_t param);

}  // namespace compss::net
