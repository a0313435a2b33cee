#include "net/file_staging.hpp"

#include "net/kept_files.hpp"

#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <atomic>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace compss::net {

namespace fs = std::filesystem;

std::optional<std::vector<std::byte>> read_file_bytes(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("compss: cannot read file '" + path.string() + "' to send it to a worker");
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  if (!chars.empty()) std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

StagedFileHead staged_file_head(std::span<const std::byte> bytes) {
  InputArchive in(bytes);
  std::string path;  // (short; the contents that follow are not read)
  StagedFileHead head;
  in(path, head.from_store, head.has_content);
  return head;
}

StagedFile staged_from_master(const std::string& path, bool with_content) {
  StagedFile f;
  f.path = path;
  if (with_content) {
    if (auto bytes = read_file_bytes(path)) {
      f.has_content = true;
      f.content = std::move(*bytes);
    }
  }
  return f;
}

namespace {
/// The temporary file write_file_atomically writes before its rename: its descriptor and
/// name, removed unless kept (renamed into place). Every step that can fail throws
/// compss::Error naming the user's path, the step and the system's reason.
class TemporaryFile {
 public:
  TemporaryFile(const fs::path& target) : target_(target) {
    static std::atomic<unsigned> counter{0};
    path_ = target;
    path_ += ".compss-tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ < 0) fail("creating a temporary file beside it", errno);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) ::unlink(path_.c_str());
  }

  void write_all(std::span<const std::byte> bytes) {
    const char* p = reinterpret_cast<const char*>(bytes.data());
    std::size_t left = bytes.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("writing", errno);
      if (n == 0) fail("writing", ENOSPC);  // (no progress: nothing else explains it)
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }

  /// Flushes to the device (a file system that defers allocation reports a full disk
  /// only here or at close), closes, then renames over the target.
  void commit() {
    if (::fsync(fd_) != 0 && errno != EINVAL) fail("flushing it to disk", errno);  // EINVAL: cannot sync (pipes, some special files)
    int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) fail("closing it", errno);
    // (Through the keeper: a version a remake reads stays kept, net/kept_files.hpp.)
    if (int e = kept_files::rename_over(path_, target_); e != 0) fail("renaming the temporary file into place", e);
    kept_ = true;
  }

 private:
  [[noreturn]] void fail(const char* step, int error) const {
    throw Error("compss: cannot write file '" + target_.string() + "' (" + step +
                "): " + std::generic_category().message(error) +
                "; the file was left as it was");
  }

  fs::path target_;
  fs::path path_;
  int fd_ = -1;
  bool kept_ = false;
};
}  // namespace

void write_file_atomically(const fs::path& path, std::span<const std::byte> bytes) {
  TemporaryFile tmp(path);
  tmp.write_all(bytes);
  tmp.commit();
}

std::error_code create_shared_parent_directories(const fs::path& dir) {
  std::error_code ec;
  // A lost race shows as "No such file or directory" (the parent went before the mkdir
  // of `dir`) or "File exists" (another handle made the parent, and it went again before
  // it was checked). Each means another handle ended just then: a few tries are plenty.
  for (int tries = 0; tries < 100; ++tries) {
    fs::create_directories(dir, ec);
    if (ec != std::errc::no_such_file_or_directory && ec != std::errc::file_exists) break;
  }
  return ec;
}

TaskFileStage::TaskFileStage() {
  static std::atomic<unsigned> counter{0};
  dir_ = fs::current_path() / ".compss-staging" /
         (std::to_string(getpid()) + "-" + std::to_string(counter++));
  const std::error_code ec = create_shared_parent_directories(dir_);
  if (ec) throw Error("compss: cannot create the staging directory '" + dir_.string() + "': " + ec.message());
}

TaskFileStage::~TaskFileStage() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
  fs::remove(dir_.parent_path(), ec);  // .compss-staging itself, once no task uses it
}

std::string TaskFileStage::stage_in(const StagedFile& file) {
  // One subdirectory per parameter keeps the file's own name (tasks may look at it).
  fs::path sub = dir_ / std::to_string(next_++);
  fs::create_directories(sub);
  fs::path name = fs::path(file.path).filename();
  fs::path local = sub / (name.empty() ? fs::path("file") : name);
  if (file.has_content) write_file_atomically(local, file.content);
  return local.string();
}

}  // namespace compss::net
