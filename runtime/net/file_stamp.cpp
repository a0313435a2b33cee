// The stamp of a file a task reads in place: net/file_stamp.hpp.
#include "net/file_stamp.hpp"

#include <sys/stat.h>

namespace compss::net {

FileStamp stamp_file(const std::string& path, std::uint32_t param) {
  FileStamp s;
  s.param = param;
  s.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return s;  // (missing, or unreadable: as missing)
  s.exists = true;
  s.device = static_cast<std::uint64_t>(st.st_dev);
  s.inode = static_cast<std::uint64_t>(st.st_ino);
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.ctime_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  return s;
}

}  // namespace compss::net
