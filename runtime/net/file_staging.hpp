// File parameters for workers that do not see the master's files (COMPSS_SHARED_FS=0):
// a file is a datum whose versions' bytes are its contents. The worker writes the version
// a task reads (sent by the master, held, or fetched from a peer) to a staging directory
// of its own, the task gets the local path, and a file the task wrote stays on the worker
// as a new version until someone needs it. docs/distributed.md, "Data".
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace compss::net {

/// A file parameter as it travels to a worker without the master's files: the master's
/// path (its name is kept; for messages) and, for a file the task reads, its bytes:
/// inline, or (`from_store`) the version the parameter names, which the worker holds or
/// fetches from the parameter's source like any other datum.
///
///   StagedFile f = staged_from_master("/data/in.txt", true);
struct StagedFile {
  std::string path;
  bool from_store = false;
  bool has_content = false;
  std::vector<std::byte> content;
  template <class A> void serialize(A& ar) { ar(path, from_store, has_content, content); }
};

/// The flags of an encoded StagedFile, read without copying its contents. Throws
/// compss::Error when the bytes are not a StagedFile.
///
///   StagedFileHead head = staged_file_head(param.value);
struct StagedFileHead {
  bool from_store = false;
  bool has_content = false;
};
StagedFileHead staged_file_head(std::span<const std::byte> bytes);

/// The master's side: the file's bytes when `with_content` and the file exists. Throws
/// compss::Error naming the path when it exists but cannot be read.
StagedFile staged_from_master(const std::string& path, bool with_content);

/// Writes `bytes` to `path` through a temporary file (`<path>.compss-tmp-<pid>-<n>`), an
/// fsync and a rename, so readers never see half a file. Every step is checked: on any
/// failure (a full disk, no permission...) the temporary file is removed, `path` keeps what
/// it had, and compss::Error names the path, the step and the system's reason.
void write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes);

/// The bytes of a file, or nullopt when it does not exist. Throws when it cannot be read.
std::optional<std::vector<std::byte>> read_file_bytes(const std::filesystem::path& path);

/// Creates `dir` and its missing parents. Made again when a parent it made is removed
/// before `dir` is in it: the handles below share their parent (.compss-staging,
/// .compss-streams) and remove it once empty as they go, from other threads or processes
/// of the run. The error of the last try (none: empty).
std::error_code create_shared_parent_directories(const std::filesystem::path& dir);

/// The worker's side for one task: a fresh directory under `<cwd>/.compss-staging/`,
/// removed with the object.
///
///   TaskFileStage stage;
///   std::string local = stage.stage_in(file);   // what the task is given
class TaskFileStage {
 public:
  TaskFileStage();
  ~TaskFileStage();
  TaskFileStage(const TaskFileStage&) = delete;
  TaskFileStage& operator=(const TaskFileStage&) = delete;

  /// Writes the file's bytes (if any) into the stage; returns its local path.
  std::string stage_in(const StagedFile& file);

 private:
  std::filesystem::path dir_;
  unsigned next_ = 0;
};

}  // namespace compss::net
