// Versions of files tasks read in place, kept for remakes: net/kept_files.hpp.
#include "net/kept_files.hpp"

#include "net/attempt_files.hpp"
#include "net/kept_dir_views.hpp"
#include "settings/run_config.hpp"

#include <compss/error.hpp>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace compss::net::kept_files {

namespace {

// A directory of links: the directory it is made in, and whether that is the run's
// (COMPSS_KEPT_DIR or the working directory: 0700) rather than a file's own (0711). A file
// in the working directory kept beside (a worker that does not reach the run's) gets one
// of each.
using DirKey = std::pair<std::string, bool>;

struct Entry {
  std::string link;
  std::weak_ptr<const std::string> owner;
  FileStamp expected;  ///< the link's stamp while the version is unchanged
  DirKey dir;          ///< its directory's key in Keeper::dirs
  std::uint64_t moves = 0;  ///< times moved to a copy of its own (before_write_in_place)
  bool copying = false;     ///< a before_write_in_place copies it now (others wait: copied_)
};

struct Dir {
  std::string path;
  std::size_t links = 0;
  bool held = false;  ///< named to workers (KeptDirViews): stays while the run goes on
};

// `now` stamps the same inode and bytes as `then`, whatever its ctime (which a link, a
// rename or an unlink of another name moves, and nothing else here).
bool same_but_ctime(const FileStamp& now, const FileStamp& then) {
  return now.exists && now.device == then.device && now.inode == then.inode && now.size == then.size &&
         now.mtime_ns == then.mtime_ns;
}

// The process's kept links. Leaked: links may be dropped while statics are destroyed.
class Keeper {
 public:
  static Keeper& instance() {
    static Keeper* keeper = new Keeper;
    return *keeper;
  }

  FileStamp stamp_and_keep(const std::string& path, std::uint32_t param) {
    std::vector<std::shared_ptr<const std::string>> held;  // (released after the lock)
    std::unique_lock lock(mutex_);
    // (Workers asked whether they reach the run's directory, not all answered yet: a
    // little wait for them, bounded. Their answers come on their links' receivers, which
    // take only this lock.)
    if (const auto due = views_.answers_due()) {
      answered_.wait_until(lock, *due, [&] { return !views_.answers_due(); });
    }
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
    // In the run's directory (the master's working directory, COMPSS_KEPT_DIR) when it is
    // on the file's file system (a hard link needs it), not to be seen in the user's
    // directory; else, or when no link can be made there, beside the file.
    for (const DirKey& place : places(p.parent_path().string(), s.device)) {
      if (std::optional<FileStamp> kept = keep_in(place, path, name, s, param)) return *std::move(kept);
    }
    return s;  // (no link: the stamp alone)
  }

  bool unchanged(const FileStamp& s) {
    std::lock_guard lock(mutex_);
    const Entry* e = find(s);
    return e != nullptr && stamp_file(e->link, s.param).same_file(e->expected);
  }

  std::uint64_t moves(const FileStamp& s) {
    std::lock_guard lock(mutex_);
    const Entry* e = find(s);
    return e == nullptr ? 0 : e->moves;
  }

  int rename_over(const std::string& from, const std::string& to) {
    std::lock_guard lock(mutex_);
    const FileStamp before = entries_.empty() ? FileStamp{} : stamp_file(to, 0);
    if (::rename(from.c_str(), to.c_str()) != 0) return errno;
    lost_a_name(before);
    return 0;
  }

  void before_write_in_place(const std::string& path) {
    std::string link;
    std::string copy;
    FileStamp expected;
    {
      std::unique_lock lock(mutex_);
      for (;;) {
        if (entries_.empty()) return;
        const FileStamp now = stamp_file(path, 0);
        if (!now.exists) return;
        auto [first, last] = entries_.equal_range({now.device, now.inode});
        auto it = std::find_if(first, last, [&](const auto& e) { return e.second.expected.same_file(now); });
        if (it == last) return;  // (none, or changed already: stays a change)
        // Another task writing this file (`concurrent`) copies it now: wait, then look
        // again (moved: the path's inode is no longer kept; else its copy failed).
        if (it->second.copying) {
          copied_.wait(lock);
          continue;
        }
        it->second.copying = true;
        link = it->second.link;
        expected = it->second.expected;
        // (A name of its own: a copy left by a failed call is never another's.)
        copy = link + ".copy-" + std::to_string(counter_++);
        break;
      }
    }
    // Copied outside the lock (a large file: record_made's renames wait on it, under the
    // data lock); put in place only when the link is still that version.
    std::error_code ec;
    const bool copied = std::filesystem::copy_file(link, copy, ec) && !ec;
    std::lock_guard lock(mutex_);
    copied_.notify_all();  // (woken once this lock is released)
    // (Only this call moves it, while copying: still at the inode it had.)
    auto [first, last] = entries_.equal_range({expected.device, expected.inode});
    auto it = std::find_if(first, last, [&](const auto& e) { return e.second.link == link; });
    if (it != last) it->second.copying = false;
    if (!copied || it == last || !stamp_file(link, 0).same_file(it->second.expected) ||
        ::rename(copy.c_str(), link.c_str()) != 0) {
      // (The link stays: the write is seen as a change. Its last owner gone meanwhile,
      // the copy kept its directories from going: they go now; a rmdir of one in use fails.)
      remove_link(copy);
      ::rmdir(std::filesystem::path(copy).parent_path().parent_path().c_str());
      return;
    }
    // (The rename took a name from the path's inode: no other link keeps this stamp.) A
    // remake reading the link meanwhile may have opened the old inode, which the task now
    // writes: counted, so that its check after the run fails (moves()).
    Entry e = std::move(it->second);
    entries_.erase(it);
    FileStamp moved = stamp_file(e.link, 0);
    moved.path = e.expected.path;
    e.expected = moved;
    ++e.moves;
    entries_.insert({{moved.device, moved.inode}, std::move(e)});
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

  std::string ask_worker(int node) {
    std::lock_guard lock(mutex_);
    const config::MasterSettings& c = config::run_config().master;
    const std::string base = run_dir();
    if (!c.keep_read_files || base.empty() || views_.blind() || unmade_.count(base) != 0) return "";
    Dir* dir = dir_for({base, true});
    if (dir == nullptr) {
      unmade_.insert(base);
      return "";
    }
    dir->held = true;  // (its name is the one the worker checks)
    views_.asked(node);
    return dir->path;
  }

  void worker_answered(int node, bool sees) {
    {
      std::lock_guard lock(mutex_);
      views_.answered(node, sees);
    }
    answered_.notify_all();
  }

  void worker_gone(int node) {
    {
      std::lock_guard lock(mutex_);
      views_.gone(node);
    }
    answered_.notify_all();
  }

 private:
  // The run's directory for links: COMPSS_KEPT_DIR, else the master's working directory
  // at launch; empty when beside (told, or no working directory).
  static std::string run_dir() {
    const config::MasterSettings& c = config::run_config().master;
    if (c.kept_beside) return "";
    return c.kept_dir.empty() ? c.working_dir : c.kept_dir;
  }

  // The directories to try for a link to the file in `parent` on `device`, best first.
  std::vector<DirKey> places(const std::string& parent, std::uint64_t device) const {
    std::vector<DirKey> v;
    const std::string base = run_dir();
    struct stat st {};
    if (!base.empty() && views_.usable() && unmade_.count(base) == 0 &&
        no_link_.count({base, device}) == 0 && ::stat(base.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
        static_cast<std::uint64_t>(st.st_dev) == device) {
      v.push_back({base, true});
    }
    v.push_back({parent, false});
    return v;
  }

  // A link to the version `s` stamps at `path`, in a directory of links made in `base`:
  // its stamp, or none when it cannot be made there. Under the lock.
  std::optional<FileStamp> keep_in(const DirKey& place, const std::string& path, const std::string& name,
                                   const FileStamp& s, std::uint32_t param) {
    const auto& [base, in_run_dir] = place;
    Dir* dir = dir_for(place);
    if (dir == nullptr) {  // (no right to create it)
      if (in_run_dir) unmade_.insert(base);  // (not tried again: links go beside)
      return std::nullopt;
    }
    // `<dir>/<n>/<name>`: the body made again sees its file's own name (a label).
    const std::string sub = dir->path + "/" + std::to_string(counter_++);
    if (!make_dir(sub)) {
      drop_if_empty(place);
      return std::nullopt;
    }
    const std::string link = sub + "/" + name;
    // (A symlinked path: the link is to its file, whose version was stamped, not to the symlink.)
    if (::linkat(AT_FDCWD, path.c_str(), AT_FDCWD, link.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      // (EPERM: a directory, or protected_hardlinks; EXDEV: a bind mount; ENOENT: gone)
      if (errno == EXDEV && in_run_dir) no_link_.insert({base, s.device});  // (not tried again)
      ::rmdir(sub.c_str());
      drop_if_empty(place);
      return std::nullopt;
    }
    // The link moved the inode's ctime: the stamp is the link's, once it is checked to be
    // the same version as the path's (the path replaced between the stat and the link
    // names another inode: then no link).
    FileStamp now = stamp_file(link, param);
    if (!same_but_ctime(now, s)) {
      remove_link(link);
      drop_if_empty(place);
      return std::nullopt;
    }
    now.path = path;
    ++dir->links;
    const std::pair inode{s.device, s.inode};
    std::shared_ptr<const std::string> owner(new std::string(link), [inode](const std::string* l) {
      instance().unkeep(inode, *l);
      delete l;
    });
    entries_.insert({inode, Entry{link, owner, now, place}});
    now.kept = std::move(owner);
    return now;
  }

  // Called by the last owner of a link, without the lock.
  void unkeep(std::pair<std::uint64_t, std::uint64_t> inode, const std::string& link) noexcept {
    std::lock_guard lock(mutex_);
    auto it = entry_of(inode, link);
    if (it == entries_.end()) {
      remove_link(link);  // (after remove_all: gone already)
      return;
    }
    const DirKey key = it->second.dir;
    entries_.erase(it);
    const FileStamp before = stamp_file(link, 0);
    remove_link(link);
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
      if (same_but_ctime(now, before)) e.expected.ctime_ns = now.ctime_ns;
    }
  }

  using Entries = std::multimap<std::pair<std::uint64_t, std::uint64_t>, Entry>;  // by (device, inode)

  // The entry of `link`, looked for at `inode` first, then everywhere (moved to a copy of
  // its own since: another inode); end() when none.
  Entries::iterator entry_of(std::pair<std::uint64_t, std::uint64_t> inode, const std::string& link) {
    auto named = [&](const auto& e) { return e.second.link == link; };
    auto [first, last] = entries_.equal_range(inode);
    if (auto it = std::find_if(first, last, named); it != last) return it;
    return std::find_if(entries_.begin(), entries_.end(), named);
  }

  const Entry* find(const FileStamp& s) {
    auto it = entry_of({s.device, s.inode}, *s.kept);
    return it == entries_.end() ? nullptr : &it->second;
  }

  // A directory of links, `mode` whatever the umask (which mkdir applies).
  static bool make_dir(const std::string& path, ::mode_t mode = 0711) {
    if (::mkdir(path.c_str(), mode) != 0) return false;
    if (::chmod(path.c_str(), mode) == 0) return true;
    ::rmdir(path.c_str());
    return false;
  }

  // A link and its own directory `<dir>/<n>`.
  static void remove_link(const std::string& link) noexcept {
    ::unlink(link.c_str());
    ::rmdir(std::filesystem::path(link).parent_path().c_str());
  }

  // The directory of links `key` names (made in its directory when there is none); null
  // when it cannot be made.
  Dir* dir_for(const DirKey& key) {
    if (auto it = dirs_.find(key); it != dirs_.end()) return &it->second;
    const auto& [parent, in_run_dir] = key;
    const std::string path = parent + "/.compss-kept-" + std::to_string(::getpid()) + "-" +
                             attempt_files::run_nonce() + "-" + std::to_string(dir_count_++);
    // Beside the file, 0711: a worker running as another user reaches the links by name
    // (a link has its file's own permissions), without listing them, and only through the
    // file's directory, as it reaches the file. In the run's directory, 0700: no other
    // user reaches a file there that its own directory keeps from them (a worker that is
    // another user says it cannot reach it: KeptDirViews, links beside).
    if (!make_dir(path, in_run_dir ? 0700 : 0711)) return nullptr;
    // Only in this process: a fork()ed child that exit()s inherits the handler.
    static const pid_t registered_by = ::getpid();
    static const bool at_exit = std::atexit([] {
      if (::getpid() == registered_by) instance().remove_all();
    }) == 0;
    (void)at_exit;
    return &dirs_.emplace(key, Dir{path, 0}).first->second;
  }

  void drop_if_empty(const DirKey& key) {
    auto it = dirs_.find(key);
    if (it == dirs_.end() || it->second.links > 0 || it->second.held) return;
    ::rmdir(it->second.path.c_str());
    dirs_.erase(it);
  }

  std::mutex mutex_;
  std::condition_variable copied_;    // an Entry::copying ended
  std::condition_variable answered_;  // a worker asked answered, or is gone (views_)
  Entries entries_;
  std::map<DirKey, Dir> dirs_;
  KeptDirViews views_;                // whether workers reach the run's directory
  std::set<std::string> unmade_;      // run directories where no directory of links can be made
  std::set<std::pair<std::string, std::uint64_t>> no_link_;  // (run directory, device): EXDEV
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

std::uint64_t moves(const FileStamp& s) {
  return s.kept == nullptr ? 0 : Keeper::instance().moves(s);
}

bool is_kept(std::string_view path) { return path.find("/.compss-kept-") != std::string_view::npos; }

void require_readable(const std::string& path) {
  if (::access(path.c_str(), R_OK) == 0) return;
  const int error = errno;
  throw Error("compss: this worker cannot read " + path + ", the version of a file its task " +
              "read that the master kept for this remake (" + std::strerror(error) +
              "): workers sharing the master's files must see it at the same path (the " +
              "master's working directory, COMPSS_KEPT_DIR, or the file's own directory with " +
              "COMPSS_KEPT_DIR=beside), as the same user or one with read access");
}

void remove_all() noexcept { Keeper::instance().remove_all(); }

std::string ask_worker(int node) { return Keeper::instance().ask_worker(node); }

void worker_answered(int node, bool sees) { Keeper::instance().worker_answered(node, sees); }

void worker_gone(int node) { Keeper::instance().worker_gone(node); }

bool reaches(const std::string& dir) { return ::access(dir.c_str(), X_OK) == 0; }

}  // namespace compss::net::kept_files
