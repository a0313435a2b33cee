// A file stream's elements (docs/streams.md, "File streams"), and how they cross machines
// that do not share a file system.
//
// With a shared file system (the default) an element is the file's path: every node sees
// the file there. In a run whose workers do not see the master's files (compss-run
// --shared-fs no, COMPSS_SHARED_FS=0 in every process of the run), an element that crosses
// the network carries the file's bytes and its name inside the stream's directory; the
// handle that polls it writes it (atomically: a consumer never sees half a file) into its
// own directory under that name. On a worker that directory is one of the task's own
// (local_stream_dir); on the master it is the stream's base_dir.
#pragma once

#include <compss/detail/stream_channel.hpp>
#include <compss/detail/stream_remote.hpp>
#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace compss::detail {

/// One file of a file stream, as the channel holds it.
///
///   StreamFile f{.path = "/data/frames/f1", .name = "f1"};
struct StreamFile {
  std::filesystem::path path;  ///< where the file is for the process that made this element
  std::string name;            ///< its path relative to the stream's directory ("a/f1")
  /// Its bytes, when they travelled with it (no shared file system), else null.
  std::shared_ptr<const std::vector<std::byte>> content;
};

/// A file stream element's name (its channel knows files by it: StreamChannel, "Files").
inline const std::string& stream_file_name(const void* element) {
  return static_cast<const StreamFile*>(element)->name;
}

/// What a StreamFile is on the wire: the bytes go along when `stream_files_travel()`.
struct WireStreamFile {
  std::string path;
  std::string name;
  bool has_content = false;
  std::vector<std::byte> content;
  template <class A> void serialize(A& ar) { ar(path, name, has_content, content); }
};

/// A directory of a worker's own for one file stream handle (below).
class LocalStreamDir;

/// A file whose bytes had to be read to travel and could not be (gone, unreadable): the
/// handle skips it, sends the others, and tells the consumers (FileStream::pick_up).
class UnreadableStreamFile : public Error {
 public:
  using Error::Error;
};

// ---- defined in libcompss (runtime/net/stream_files.cpp) -------------------------------
// (Programs built by compss-cc only: a sequential build has no worker and no network.)
#ifdef __COMPSS__

/// True in a run whose nodes do not share their files (COMPSS_SHARED_FS=0): file stream
/// elements then carry their files' bytes across the network.
bool stream_files_travel() noexcept;
/// The bytes of `path`. Throws UnreadableStreamFile naming the path and the reason (a read
/// error too: never fewer bytes than the file has).
std::shared_ptr<const std::vector<std::byte>> read_stream_file(const std::filesystem::path& path);
/// The bytes of files a handle sends in one message (a producer's unpublished files go in
/// messages of about this size, each file whole): 64 MiB, well under a frame's 1 GiB.
/// COMPSS_STREAM_FILES_MESSAGE_BYTES (a number > 0) sets another (tests use small ones).
std::size_t stream_files_message_bytes() noexcept;
/// Writes `file`'s bytes to `dir / file.name` (a temporary file, fsync, rename: never seen
/// half written) and returns that path. Throws compss::Error naming the path and the step.
std::filesystem::path write_stream_file(const std::filesystem::path& dir, const StreamFile& file);

/// A directory of a worker's own for one file stream handle (in its working directory,
/// under .compss-streams/), removed with the last copy of the handle.
class LocalStreamDir {
 public:
  explicit LocalStreamDir(std::uint64_t stream);
  ~LocalStreamDir();
  LocalStreamDir(const LocalStreamDir&) = delete;
  LocalStreamDir& operator=(const LocalStreamDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

/// File streams' codec: a StreamFile's path and name, and its bytes when files travel
/// (read from its path when the element does not hold them yet).
template <>
inline const ElementCodec* codec_for<StreamFile>() noexcept {
  static const ElementCodec codec{
      [](const void* e) {
        const auto& f = *static_cast<const StreamFile*>(e);
        WireStreamFile w{f.path.string(), f.name, false, {}};
        if (stream_files_travel()) {
          w.has_content = true;
          w.content = f.content ? *f.content : *read_stream_file(f.path);
        }
        return to_bytes(w);
      },
      [](std::span<const std::byte> b) -> std::shared_ptr<void> {
        WireStreamFile w;
        from_bytes(b, w);
        auto f = std::make_shared<StreamFile>();
        f->path = std::move(w.path);
        f->name = std::move(w.name);
        if (w.has_content) f->content = std::make_shared<const std::vector<std::byte>>(std::move(w.content));
        return f;
      }};
  return &codec;
}
#endif  // __COMPSS__

}  // namespace compss::detail
