// File streams without a shared file system (include/compss/detail/stream_files.hpp,
// docs/streams.md "File streams"): whether files travel with their elements, and reading
// and writing them for the handles.
#include "net/file_staging.hpp"
#include "settings/run_config.hpp"

#include <compss/detail/stream_files.hpp>
#include <compss/error.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace compss::detail {

namespace fs = std::filesystem;

bool stream_files_travel() noexcept {
  // COMPSS_SHARED_FS=0: set for every process of the run by compss-run --shared-fs no
  // (checked when the configuration is read, at start).
  return !config::run_config().shared_fs;
}

std::shared_ptr<const std::vector<std::byte>> read_stream_file(const fs::path& path) {
  // (Not read_file_bytes: a read error there ends the file early, without an error.)
  auto fail = [&](const std::string& why) {
    return UnreadableStreamFile("compss: file stream: cannot read '" + path.string() + "' (" + why +
                                ") to send it to its consumers (publish a file that exists, in the "
                                "stream's directory, once it is complete)");
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(std::strerror(errno));
  auto bytes = std::make_shared<std::vector<std::byte>>();
  std::byte chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      throw fail(std::strerror(error));
    }
    if (n == 0) break;
    bytes->insert(bytes->end(), chunk, chunk + n);
  }
  ::close(fd);
  return bytes;
}

std::size_t stream_files_message_bytes() noexcept {
  return config::run_config().stream_files_message_bytes;
}

fs::path write_stream_file(const fs::path& dir, const StreamFile& file) {
  const fs::path target = (dir / file.name).lexically_normal();
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) throw Error("compss: file stream: cannot create '" + target.parent_path().string() + "': " + ec.message());
  static const std::vector<std::byte> empty;
  net::write_file_atomically(target, file.content ? *file.content : empty);
  return target;
}

LocalStreamDir::LocalStreamDir(std::uint64_t stream) {
  static std::atomic<unsigned> counter{0};
  path_ = fs::current_path() / ".compss-streams" /
          (std::to_string(getpid()) + "-" + std::to_string(stream) + "-" + std::to_string(counter++));
  const std::error_code ec = net::create_shared_parent_directories(path_);
  if (ec) throw Error("compss: file stream: cannot create the directory '" + path_.string() + "': " + ec.message());
}

LocalStreamDir::~LocalStreamDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
  fs::remove(path_.parent_path(), ec);  // .compss-streams itself, once no handle uses it
}

}  // namespace compss::detail
