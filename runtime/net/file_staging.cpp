#include "net/file_staging.hpp"

#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <atomic>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>
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

void write_file_atomically(const fs::path& path, std::span<const std::byte> bytes) {
  static std::atomic<unsigned> counter{0};
  fs::path tmp = path;
  tmp += ".compss-tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("compss: cannot write file '" + path.string() + "'");
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw Error("compss: cannot write file '" + path.string() + "'");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error("compss: cannot write file '" + path.string() + "': " + ec.message());
  }
}

TaskFileStage::TaskFileStage() {
  static std::atomic<unsigned> counter{0};
  dir_ = fs::current_path() / ".compss-staging" /
         (std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::error_code ec;
  fs::create_directories(dir_, ec);
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
