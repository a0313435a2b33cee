// Versions of files tasks read in place, kept for remakes: net/kept_files.hpp.
#include "net/kept_files.hpp"

#include "net/attempt_files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace compss::net::kept_files {

namespace {

struct Entry {
  std::string link;
  std::weak_ptr<const std::string> owner;
  FileStamp expected;  ///< the link's stamp while the version is unchanged
  std::string dir;     ///< its directory's key in Keeper::dirs
};

struct Dir {
  std::string path;
  std::size_t links = 0;
};

// The process's kept links. Leaked: links may be dropped while statics are destroyed.
class Keeper {
 public:
  static Keeper& instance() {
    static Keeper* keeper = new Keeper;
    return *keeper;
  }

  FileStamp stamp_and_keep(const std::string& path, std::uint32_t param) {
    std::vector<std::shared_ptr<const std::string>> held;  // (released after the lock)
    std::lock_guard lock(mutex_);
    FileStamp s = stamp_file(path, param);
    if (!s.exists) return s;
    auto [first, last] = entries_.equal_range({s.device, s.inode});
    for (auto it = first; it != last; ++it) {
      std::shared_ptr<const std::string> owner = it->second.owner.lock();
      if (owner == nullptr) continue;
      held.push_back(owner);
      if (it->second.expected.same_file(s)) {  // this version is kept already
        s.kept = std::move(owner);
        return s;
      }
    }
    const std::filesystem::path p(path);
    const std::string name = p.filename().string();
    const std::string parent = p.parent_path().string();
    // One directory per file system: in the master's working directory when it is on the
    // file's (a task listing the file's directory does not see it), else beside the file;
    // where a link there fails with EXDEV (a bind mount), one beside the file.
    const std::string device_key = "device " + std::to_string(s.device);
    for (const std::string& key : {device_key, "directory " + parent}) {
      Dir* dir = dir_for(key, key == device_key ? place_on(s.device, parent) : parent);
      if (dir == nullptr) continue;  // (the working directory's refused: beside the file)
      const std::string link = dir->path + "/" + std::to_string(counter_++) + "-" + name;
      if (::link(path.c_str(), link.c_str()) != 0) {
        const int error = errno;
        drop_if_empty(key);
        if (error == EXDEV) continue;
        return s;  // (EPERM: a directory, or protected_hardlinks; ENOENT: gone meanwhile)
      }
      // The link moved the inode's ctime: the stamp is the link's, once it is checked to
      // be the same version as the path's (the path replaced between the stat and the link
      // names another inode: then no link).
      FileStamp now = stamp_file(link, param);
      if (!now.exists || now.device != s.device || now.inode != s.inode || now.size != s.size ||
          now.mtime_ns != s.mtime_ns) {
        ::unlink(link.c_str());
        drop_if_empty(key);
        return s;
      }
      now.path = path;
      ++dir->links;
      const std::pair inode{s.device, s.inode};
      std::shared_ptr<const std::string> owner(new std::string(link), [inode](const std::string* l) {
        instance().unkeep(inode, *l);
        delete l;
      });
      entries_.insert({inode, Entry{link, owner, now, key}});
      now.kept = std::move(owner);
      return now;
    }
    return s;
  }

  bool unchanged(const FileStamp& s) {
    std::lock_guard lock(mutex_);
    const Entry* e = find(s);
    return e != nullptr && stamp_file(e->link, s.param).same_file(e->expected);
  }

  int rename_over(const std::string& from, const std::string& to) {
    std::lock_guard lock(mutex_);
    const FileStamp before = entries_.empty() ? FileStamp{} : stamp_file(to, 0);
    if (::rename(from.c_str(), to.c_str()) != 0) return errno;
    lost_a_name(before);
    return 0;
  }

  void before_write_in_place(const std::string& path) {
    std::lock_guard lock(mutex_);
    if (entries_.empty()) return;
    const FileStamp now = stamp_file(path, 0);
    if (!now.exists) return;
    auto [first, last] = entries_.equal_range({now.device, now.inode});
    for (auto it = first; it != last; ++it) {
      if (!it->second.expected.same_file(now)) continue;  // (changed already: stays a change)
      const std::string copy = it->second.link + ".copy";
      std::error_code ec;
      if (!std::filesystem::copy_file(it->second.link, copy,
                                      std::filesystem::copy_options::overwrite_existing, ec) ||
          ec || ::rename(copy.c_str(), it->second.link.c_str()) != 0) {
        ::unlink(copy.c_str());
        return;
      }
      // (The rename took a name from the path's inode: no other link keeps this stamp.)
      Entry e = std::move(it->second);
      entries_.erase(it);
      FileStamp moved = stamp_file(e.link, 0);
      moved.path = e.expected.path;
      e.expected = moved;
      entries_.insert({{moved.device, moved.inode}, std::move(e)});
      return;  // (one link per stamp)
    }
  }

  void remove_all() noexcept {
    std::lock_guard lock(mutex_);
    for (const auto& [inode, e] : entries_) ::unlink(e.link.c_str());
    entries_.clear();
    for (const auto& [key, dir] : dirs_) {
      std::error_code ec;
      std::filesystem::remove_all(dir.path, ec);  // (only links of this run: safe to empty)
    }
    dirs_.clear();
  }

 private:
  Keeper() = default;

  // Called by the last owner of a link, without the lock.
  void unkeep(std::pair<std::uint64_t, std::uint64_t> inode, const std::string& link) noexcept {
    std::lock_guard lock(mutex_);
    auto [first, last] = entries_.equal_range(inode);
    auto it = std::find_if(first, last, [&](const auto& e) { return e.second.link == link; });
    if (it == last) {  // (moved to a copy of its own: another inode)
      it = std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e.second.link == link; });
    }
    if (it == entries_.end()) {
      ::unlink(link.c_str());  // (after remove_all: gone already)
      return;
    }
    const std::string key = it->second.dir;
    entries_.erase(it);
    const FileStamp before = stamp_file(link, 0);
    ::unlink(link.c_str());
    lost_a_name(before);  // (another link to it, at another stamp, may still be right)
    if (auto d = dirs_.find(key); d != dirs_.end() && d->second.links > 0) --d->second.links;
    drop_if_empty(key);
  }

  // `before` stamped an inode just before the master took one of its names away (a rename
  // over it, an unlink), which moves its ctime and nothing else: a kept link at that stamp
  // still holds that version and takes the new ctime.
  void lost_a_name(const FileStamp& before) {
    if (!before.exists) return;
    auto [first, last] = entries_.equal_range({before.device, before.inode});
    for (auto it = first; it != last; ++it) {
      Entry& e = it->second;
      if (!e.expected.same_file(before)) continue;  // (changed before: stays a change)
      const FileStamp now = stamp_file(e.link, 0);
      if (now.exists && now.inode == before.inode && now.size == before.size &&
          now.mtime_ns == before.mtime_ns) {
        e.expected.ctime_ns = now.ctime_ns;
      }
    }
  }

  const Entry* find(const FileStamp& s) const {
    auto named = [&](const auto& e) { return e.second.link == *s.kept; };
    auto [first, last] = entries_.equal_range({s.device, s.inode});
    if (auto it = std::find_if(first, last, named); it != last) return &it->second;
    // (moved to a copy of its own since: another inode)
    auto it = std::find_if(entries_.begin(), entries_.end(), named);
    return it == entries_.end() ? nullptr : &it->second;
  }

  // Where to make the directory of links of the file system `device`: the working
  // directory when it is on it (absolute: the workers' differ), else `parent`.
  static std::string place_on(std::uint64_t device, const std::string& parent) {
    std::error_code ec;
    const std::filesystem::path cwd = std::filesystem::current_path(ec);
    struct stat st {};
    if (ec || ::stat(cwd.c_str(), &st) != 0 || static_cast<std::uint64_t>(st.st_dev) != device) {
      return parent;
    }
    return cwd.string();
  }

  // The directory of links `key` names, made in `parent` when there is none; null when it
  // cannot be made.
  Dir* dir_for(const std::string& key, const std::string& parent) {
    if (auto it = dirs_.find(key); it != dirs_.end()) return &it->second;
    const std::string path = parent + "/.compss-kept-" + std::to_string(::getpid()) + "-" +
                             attempt_files::run_nonce() + "-" + std::to_string(dir_count_++);
    if (::mkdir(path.c_str(), 0700) != 0) return nullptr;
    static const bool at_exit = std::atexit([] { instance().remove_all(); }) == 0;
    (void)at_exit;
    return &dirs_.emplace(key, Dir{path, 0}).first->second;
  }

  void drop_if_empty(const std::string& key) {
    auto it = dirs_.find(key);
    if (it == dirs_.end() || it->second.links > 0) return;
    ::rmdir(it->second.path.c_str());
    dirs_.erase(it);
  }

  std::mutex mutex_;
  std::multimap<std::pair<std::uint64_t, std::uint64_t>, Entry> entries_;  // by (device, inode)
  std::map<std::string, Dir> dirs_;
  std::uint64_t counter_ = 0;
  std::uint64_t dir_count_ = 0;
};

}  // namespace

FileStamp stamp_and_keep(const std::string& path, std::uint32_t param) {
  return Keeper::instance().stamp_and_keep(path, param);
}

bool unchanged(const FileStamp& s) {
  if (s.kept == nullptr) return stamp_file(s.path, s.param).same_file(s);
  return Keeper::instance().unchanged(s);
}

int rename_over(const std::string& from, const std::string& to) {
  return Keeper::instance().rename_over(from, to);
}

void before_write_in_place(const std::string& path) { Keeper::instance().before_write_in_place(path); }

void remove_all() noexcept { Keeper::instance().remove_all(); }

}  // namespace compss::net::kept_files
