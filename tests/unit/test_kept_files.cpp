// Versions of files tasks read in place, kept by hard links for remakes
// (net/kept_files.hpp): a rename over the path leaves the kept version readable and
// unchanged; a write in place is seen; one link per version; links and their directory go
// with the last stamp naming them, or all at once at the run's end.
#include "net/kept_files.hpp"
#include "net/kept_dir_views.hpp"
#include "net/fake_transport.hpp"
#include "net/worker_link.hpp"
#include "settings/run_config.hpp"
#include "test_dir.hpp"

#include <compss/error.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace kept_files = compss::net::kept_files;

using compss::test::contents;
using compss::test::TestDir;

// A later task's answer renames its private file over the path: the version stamped is
// still readable at the link, and unchanged (the rename moved only the old inode's ctime).
TEST(KeptFiles, ARenameOverThePathLeavesTheKeptVersionUnchanged) {
  TestDir files("compss-kept-rename");
  const std::string path = files.path("f.txt"), later = files.path("later.txt");
  std::ofstream(path) << "first";
  compss::net::FileStamp s = kept_files::stamp_and_keep(path, 3);
  ASSERT_NE(s.kept, nullptr) << "no hard link could be made in " << files.dir;
  EXPECT_EQ(s.param, 3U);
  EXPECT_EQ(s.path, path);
  EXPECT_EQ(s.read_path(), *s.kept);
  const std::filesystem::path links = std::filesystem::path(*s.kept).parent_path().parent_path();
  EXPECT_EQ(links.filename().string().rfind(".compss-kept-" + std::to_string(::getpid()) + "-", 0), 0U) << links;
  std::ofstream(later) << "later";
  ASSERT_EQ(kept_files::rename_over(later, path), 0);
  EXPECT_TRUE(kept_files::unchanged(s));
  EXPECT_EQ(contents(*s.kept), "first");
  EXPECT_EQ(contents(path), "later");
  const std::string link = *s.kept;
  s.kept.reset();  // the last stamp naming it: the link and its directory go
  EXPECT_FALSE(std::filesystem::exists(link));
  EXPECT_FALSE(std::filesystem::exists(links));
  EXPECT_EQ(files.entries(), 1U);
}

// The program writes the file in place (same inode: O_TRUNC, an append): the kept link is
// the same inode, so the version is gone, and that is seen.
TEST(KeptFiles, AWriteInPlaceIsSeen) {
  TestDir files("compss-kept-in-place");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  const compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(s.kept, nullptr);
  EXPECT_TRUE(kept_files::unchanged(s));
  std::ofstream(path, std::ios::app) << "+program";
  EXPECT_FALSE(kept_files::unchanged(s));
}

// Requests reading one version share one link; a new version (renamed in) gets its own,
// and the old link, dropped, does not make the new one look changed.
TEST(KeptFiles, OneLinkPerVersion) {
  TestDir files("compss-kept-shared");
  const std::string path = files.path("f.txt"), later = files.path("later.txt");
  std::ofstream(path) << "first";
  compss::net::FileStamp a = kept_files::stamp_and_keep(path, 0);
  const compss::net::FileStamp b = kept_files::stamp_and_keep(path, 1);
  ASSERT_NE(a.kept, nullptr);
  EXPECT_EQ(a.kept, b.kept);
  EXPECT_TRUE(kept_files::unchanged(a));  // (b's lookup took no second link)
  std::ofstream(later) << "later";
  ASSERT_EQ(kept_files::rename_over(later, path), 0);
  const compss::net::FileStamp c = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(c.kept, nullptr);
  EXPECT_NE(c.kept, a.kept);
  EXPECT_EQ(contents(*c.kept), "later");
  a = {};
  EXPECT_TRUE(kept_files::unchanged(b));
  EXPECT_TRUE(kept_files::unchanged(c));
}

// The master's own unlink of a link (its last stamp gone) moves the inode's ctime: another
// link to the same inode, still right, stays unchanged.
TEST(KeptFiles, DroppingALinkLeavesAnotherOfTheSameInodeUnchanged) {
  TestDir files("compss-kept-drop");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  compss::net::FileStamp a = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(a.kept, nullptr);
  ::chmod(path.c_str(), 0600);  // (an attribute change: a new stamp, the same bytes)
  const compss::net::FileStamp b = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(b.kept, nullptr);
  ASSERT_NE(a.kept, b.kept);
  a = {};
  EXPECT_TRUE(kept_files::unchanged(b));
}

// A directory cannot be linked: its stamp alone, as before (a change fails the run).
TEST(KeptFiles, ADirectoryIsStampedOnly) {
  TestDir files("compss-kept-dir");
  const std::string path = files.path("d");
  std::filesystem::create_directories(path);
  const compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
  EXPECT_TRUE(s.exists);
  EXPECT_EQ(s.kept, nullptr);
  EXPECT_EQ(s.read_path(), path);
  EXPECT_TRUE(kept_files::unchanged(s));
  std::size_t all = 0;  // (no directory of links left behind: entries() would skip it)
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(files.dir)) ++all;
  EXPECT_EQ(all, 1U);
}

// The master's exit without destructors (Cluster::tell_run_ended): every link and
// directory goes; a stamp still naming one reads as changed (a clear error, not a read of
// a missing file).
TEST(KeptFiles, RemoveAllLeavesNothing) {
  TestDir files("compss-kept-all");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  const compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(s.kept, nullptr);
  const std::filesystem::path links = std::filesystem::path(*s.kept).parent_path().parent_path();
  kept_files::remove_all();
  EXPECT_FALSE(std::filesystem::exists(links));
  EXPECT_EQ(files.entries(), 1U);
  EXPECT_FALSE(kept_files::unchanged(s));
}

// A task on the master writes the file in place: told first, the kept version moves to a
// copy of its own (its link's name stays) and stays unchanged; the write is not seen there.
TEST(KeptFiles, AWriteInPlaceByATaskOnTheMasterLeavesTheKeptVersion) {
  TestDir files("compss-kept-master");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(s.kept, nullptr);
  const std::string link = *s.kept;
  kept_files::before_write_in_place(path);
  std::ofstream(path, std::ios::trunc) << "later";
  EXPECT_TRUE(kept_files::unchanged(s));
  EXPECT_EQ(contents(link), "first");
  EXPECT_EQ(contents(path), "later");
  s.kept.reset();
  EXPECT_FALSE(std::filesystem::exists(link));
  EXPECT_EQ(files.entries(), 1U);
}

// COMPSS_KEPT_DIR set to `value` while it lives (the run's configuration read again).
struct KeptDir {
  explicit KeptDir(const std::string& value) {
    ::setenv("COMPSS_KEPT_DIR", value.c_str(), 1);
    compss::config::load_run_config();
  }
  ~KeptDir() {
    ::unsetenv("COMPSS_KEPT_DIR");
    compss::config::load_run_config();
  }
  KeptDir(const KeptDir&) = delete;
  KeptDir& operator=(const KeptDir&) = delete;
};

// The directory of links the kept version `s` is in (`<it>/.compss-kept-*/<n>/<name>`).
std::filesystem::path links_place(const compss::net::FileStamp& s) {
  return std::filesystem::path(*s.kept).parent_path().parent_path().parent_path();
}

// By default in the master's working directory (here on the user's file system): a listing
// of the user's directory while the version is kept shows what the sequential build's
// does, and the directory can be removed, the link living on (beside it before).
TEST(KeptFiles, ByDefaultAListingOfTheUsersDirectoryShowsNoExtraEntry) {
  struct InWorkingDir {  // (removed also when an assertion ends the test)
    std::filesystem::path dir = std::filesystem::current_path() / ("compss-kept-listing-" + std::to_string(::getpid()));
    InWorkingDir() {
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(dir);
    }
    ~InWorkingDir() { std::filesystem::remove_all(dir); }
  } made;
  const std::filesystem::path& user = made.dir;
  const std::string path = (user / "f.txt").string();
  std::ofstream(path) << "first";
  compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(s.kept, nullptr);
  std::vector<std::string> listed;
  for (const auto& e : std::filesystem::directory_iterator(user)) listed.push_back(e.path().filename().string());
  EXPECT_EQ(listed, std::vector<std::string>{"f.txt"});
  EXPECT_EQ(links_place(s), std::filesystem::current_path());
  ASSERT_EQ(::unlink(path.c_str()), 0);  // (the program's own: the version is still kept)
  EXPECT_EQ(::rmdir(user.c_str()), 0) << std::strerror(errno);
  EXPECT_EQ(contents(*s.kept), "first");
}

// COMPSS_KEPT_DIR names the run's directory for them (on the file's file system), under the
// file's own name (a body made again that uses its file's name sees the same one). Its
// directory of links is 0700: another user does not reach, through it, a file its own
// directory keeps from them (links beside the file are 0711: TheDirectoriesBesideAre0711).
TEST(KeptFiles, TheLinkIsInTheNamedDirectoryUnderItsOwnName) {
  TestDir files("compss-kept-named"), run("compss-kept-run");
  const KeptDir named(run.dir.string());
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(s.kept, nullptr);
  const std::filesystem::path link(*s.kept);
  EXPECT_EQ(link.filename(), "f.txt");
  EXPECT_EQ(links_place(s), run.dir);
  struct stat st {};
  ASSERT_EQ(::stat(link.parent_path().parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700U) << std::oct << st.st_mode;
  EXPECT_TRUE(kept_files::is_kept(*s.kept));
  EXPECT_FALSE(kept_files::is_kept(path));
  EXPECT_EQ(files.entries(), 1U);
  s.kept.reset();
  EXPECT_TRUE(std::filesystem::is_empty(run.dir));
}

// Beside the file (its directory, which workers sharing the master's files are promised to
// see) when told (COMPSS_KEPT_DIR=beside), or when the named directory cannot hold a link
// to it: on another file system (a hard link cannot cross one). (A missing one is an error
// at launch: test_run_config.)
TEST(KeptFiles, TheLinkIsBesideTheFileWhenToldOrWhenTheNamedDirectoryCannotHoldIt) {
  TestDir files("compss-kept-beside");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  std::vector<std::string> settings{"beside"};
  struct stat shm {}, here {};
  if (::stat("/dev/shm", &shm) == 0 && ::stat(files.dir.c_str(), &here) == 0 && shm.st_dev != here.st_dev) {
    settings.push_back("/dev/shm");  // (another file system where the machine has one)
  }
  for (const std::string& setting : settings) {
    const KeptDir told(setting);
    compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
    ASSERT_NE(s.kept, nullptr) << setting;
    EXPECT_EQ(std::filesystem::path(*s.kept).filename(), "f.txt") << setting;
    EXPECT_EQ(links_place(s), files.dir) << setting;
    s.kept.reset();
  }
}

// A task on the master writing the file in place while a remake reads the link: the
// version moved to a copy (its link's name stays) and is counted, so the master's check
// after the remake tells (the remake may have read the old inode, which the task writes).
TEST(KeptFiles, AMoveToACopyIsCounted) {
  TestDir files("compss-kept-moves");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  const compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(s.kept, nullptr);
  const std::uint64_t before = kept_files::moves(s);
  kept_files::before_write_in_place(path);
  std::ofstream(path, std::ios::trunc) << "later";
  EXPECT_TRUE(kept_files::unchanged(s));  // (the kept bytes are right: the count tells)
  EXPECT_EQ(kept_files::moves(s), before + 1);
}

// Two tasks on the master writing the file in place at once (`concurrent`): one moves the
// kept version to its copy, the other waits and then finds nothing left to move; never both
// copying into one name while the first task writes the file (mixed bytes at the link).
// (The race is inside the copy, which no test can pause: a large file, tried many times.)
TEST(KeptFiles, TwoWritersInPlaceAtOnceLeaveTheKeptVersionWhole) {
  TestDir files("compss-kept-two-writers");
  const std::string path = files.path("f.bin");
  const std::string first(4 << 20, 'a');
  for (int round = 0; round < 12; ++round) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << first;
    compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
    ASSERT_NE(s.kept, nullptr);
    auto task = [&](char c) {
      kept_files::before_write_in_place(path);
      std::ofstream(path, std::ios::binary | std::ios::trunc) << std::string(1 << 20, c);
    };
    std::thread one(task, 'b'), two(task, 'c');
    one.join();
    two.join();
    ASSERT_TRUE(kept_files::unchanged(s)) << "round " << round;
    ASSERT_TRUE(contents(*s.kept) == first) << "round " << round << ": mixed bytes at the link";
    s.kept.reset();
    EXPECT_EQ(files.entries(), 1U) << "round " << round;  // (no copy left behind)
  }
}

// The umask (here 077) does not narrow the directories of links beside the file: another
// user reaches them (through the file's directory, as it reaches the file).
TEST(KeptFiles, TheDirectoriesBesideAre0711WhateverTheUmask) {
  TestDir files("compss-kept-umask");
  const KeptDir beside("beside");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  const ::mode_t old = ::umask(077);
  const compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
  ::umask(old);
  ASSERT_NE(s.kept, nullptr);
  const std::filesystem::path sub = std::filesystem::path(*s.kept).parent_path();
  for (const std::filesystem::path& d : {sub, sub.parent_path()}) {
    struct stat st {};
    ASSERT_EQ(::stat(d.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0711U) << d << " " << std::oct << st.st_mode;
  }
}

// A link the worker cannot read (it does not see the directory, or runs as another user):
// a clear error naming it, before the body would read a missing file.
TEST(KeptFiles, RequireReadableNamesTheLinkAndWhy) {
  TestDir files("compss-kept-readable");
  const std::string missing = files.path(".compss-kept-1-x-0/0/f.txt");
  try {
    kept_files::require_readable(missing);
    ADD_FAILURE() << "no error for " << missing;
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("with COMPSS_KEPT_DIR=beside"), std::string::npos) << e.what();  // (the way out)
  }
}

// A fork()ed child that exits runs the atexit handlers it inherited: the parent's links
// stay.
TEST(KeptFiles, AForkedChildsExitLeavesTheParentsLinks) {
  TestDir files("compss-kept-fork");
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  const compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(s.kept, nullptr);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) std::exit(0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(std::filesystem::exists(*s.kept));
}

// The umask (here 022, 077) does not widen or narrow the run's directory of links: 0700.
TEST(KeptFiles, TheRunsDirectoryOfLinksIs0700WhateverTheUmask) {
  TestDir files("compss-kept-umask-run"), run("compss-kept-umask-rundir");
  const KeptDir named(run.dir.string());
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  for (::mode_t mask : {022, 077, 0}) {
    const ::mode_t old = ::umask(mask);
    compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
    ::umask(old);
    ASSERT_NE(s.kept, nullptr);
    ASSERT_EQ(links_place(s), run.dir);
    struct stat st {};
    const std::filesystem::path links = std::filesystem::path(*s.kept).parent_path().parent_path();
    ASSERT_EQ(::stat(links.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700U) << "umask " << std::oct << mask << ": " << st.st_mode;
    s.kept.reset();
  }
}

// A path that is a symlink to the file (the user's): the link is to the file, whose version
// was stamped, so a rename over the file leaves the kept version (a link to the symlink
// would follow it to the new file).
TEST(KeptFiles, ASymlinkedPathKeepsTheFilesVersion) {
  TestDir files("compss-kept-symlink");
  const std::string target = files.path("f.txt"), named = files.path("named.txt"), later = files.path("later.txt");
  std::ofstream(target) << "first";
  ASSERT_EQ(::symlink(target.c_str(), named.c_str()), 0) << std::strerror(errno);  // (absolute)
  compss::net::FileStamp s = kept_files::stamp_and_keep(named, 0);
  ASSERT_NE(s.kept, nullptr);
  struct stat st {};
  ASSERT_EQ(::lstat(s.kept->c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode)) << *s.kept << " is not the file itself: " << std::oct << st.st_mode;
  std::ofstream(later) << "later";
  ASSERT_EQ(kept_files::rename_over(later, target), 0);
  EXPECT_TRUE(kept_files::unchanged(s));
  EXPECT_EQ(contents(*s.kept), "first");
  EXPECT_EQ(contents(named), "later");
}

// `check` run in a child process (the keeper's answers from workers last for the process's
// run): its failures, printed there, fail the test here.
void in_child(const std::function<std::string()>& check) {
  std::fflush(nullptr);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string failure;
    try {
      failure = check();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    kept_files::remove_all();  // (_exit runs no atexit handler)
    if (!failure.empty()) std::fprintf(stderr, "%s\n", failure.c_str());
    std::fflush(nullptr);
    ::_exit(failure.empty() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child's failure is printed above";
}

// Workers sharing the master's files are asked whether they reach the run's directory of
// links (made at once, 0700): a new link goes there only once every worker asked answered
// that it does (a link to be made waits a little for answers: the first requests are built
// right after the admission); beside the file when one has not answered by then, and for
// the rest of the run once one said it cannot (never a link where a worker cannot read it).
TEST(KeptFiles, ALinkGoesInTheRunsDirectoryOnlyWhenEveryWorkerAskedReachesIt) {
  TestDir files("compss-kept-ask"), run("compss-kept-ask-run");
  in_child([&]() -> std::string {
    const KeptDir named(run.dir.string());
    const std::string path = files.path("f.txt");
    std::ofstream(path) << "first";
    auto place_of_new_link = [&] {  // (the last one gone with its stamp: a new one each time)
      const compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
      return s.kept == nullptr ? std::filesystem::path() : links_place(s);
    };
    const std::string dir = kept_files::ask_worker(1);
    if (std::filesystem::path(dir).parent_path() != run.dir) return "asked about " + dir + ", not in " + run.dir.string();
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || (st.st_mode & 07777) != 0700) return "no 0700 directory " + dir;
    if (!kept_files::reaches(dir)) return "this process does not reach " + dir;
    if (place_of_new_link() != files.dir) return "a link in the run's directory before worker 1 answered";
    kept_files::worker_answered(1, true);
    if (place_of_new_link() != run.dir) return "no link in the run's directory once worker 1 reaches it";
    if (kept_files::ask_worker(5) != dir) return "worker 5 asked about another directory";
    std::thread answer([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      kept_files::worker_answered(5, true);
    });
    const std::filesystem::path waited = place_of_new_link();  // (its answer comes meanwhile)
    answer.join();
    if (waited != run.dir) return "a link made while worker 5's answer was on its way did not wait for it";
    if (kept_files::ask_worker(2) != dir) return "worker 2 asked about another directory";
    kept_files::worker_gone(2);  // (lost before it answered)
    if (place_of_new_link() != run.dir) return "a worker lost before it answered kept links beside";
    if (kept_files::ask_worker(3) != dir) return "worker 3 asked about another directory";
    kept_files::worker_answered(3, false);
    if (place_of_new_link() != files.dir) return "a link in the run's directory that worker 3 does not reach";
    kept_files::worker_gone(3);
    if (!kept_files::ask_worker(4).empty()) return "asked again once a worker does not reach it";
    if (place_of_new_link() != files.dir) return "a link in the run's directory after worker 3 (which it does not reach) left";
    return "";
  });
}

// The decision alone (KeptDirViews): usable while nobody is pending and nobody said no.
TEST(KeptDirViews, UsableOnlyWhenNoWorkerIsPendingAndNoneSaidItCannot) {
  compss::net::kept_files::KeptDirViews v;
  EXPECT_TRUE(v.usable());  // (no worker sharing the master's files: no link is read)
  EXPECT_FALSE(v.answers_due());
  const auto t0 = compss::net::kept_files::KeptDirViews::Clock::now();
  v.asked(1, t0);
  v.asked(2, t0 + std::chrono::seconds(1));
  EXPECT_FALSE(v.usable());
  EXPECT_EQ(v.answers_due(), t0 + std::chrono::seconds(1) + v.answer_wait);  // (the last one's)
  v.answered(1, true);
  EXPECT_FALSE(v.usable());  // (2 has yet to answer)
  v.gone(2);
  EXPECT_TRUE(v.usable());
  v.asked(2);  // (started again)
  v.answered(2, false);
  EXPECT_FALSE(v.usable());
  EXPECT_TRUE(v.blind());
  v.asked(3);
  EXPECT_FALSE(v.answers_due());  // (nothing to wait for: beside whatever 3 says)
  v.gone(2);
  v.asked(2);
  v.answered(2, true);  // (another start that reaches it: the links made meanwhile are beside)
  EXPECT_FALSE(v.usable());
}

// The master's side over a link (net/worker_link.hpp): a worker sharing its files is asked
// first thing, and its answer decides where the next links go.
TEST(KeptFiles, AWorkersAnswerAtItsAdmissionDecidesWhereLinksGo) {
  TestDir files("compss-kept-link"), run("compss-kept-link-run");
  in_child([&]() -> std::string {
    using namespace compss::net;
    const KeptDir named(run.dir.string());
    const std::string path = files.path("f.txt");
    std::ofstream(path) << "first";
    auto place_of_new_link = [&] {
      const FileStamp s = kept_files::stamp_and_keep(path, 0);
      return s.kept == nullptr ? std::filesystem::path() : links_place(s);
    };
    // The place of a new link once it is `want` (bounded: the answer is read by the link's thread).
    auto settles_at = [&](const std::filesystem::path& want) {
      for (int i = 0; i < 500 && place_of_new_link() != want; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return place_of_new_link() == want;
    };
    auto admitted = [&](int node, auto& ends) -> std::pair<std::unique_ptr<WorkerLink>, std::string> {
      auto link = std::make_unique<WorkerLink>(node, ends.first, Hello{"s", "w", 1, 1}, "127.0.0.1",
                                               [](int, const std::string&) {});
      link->ask_whether_it_reaches_kept_links();  // (as Cluster::add_worker does)
      Message m;
      if (ends.second->receive(m, std::chrono::seconds(10)) || !std::holds_alternative<Heartbeat>(m)) return {};
      return {std::move(link), std::get<Heartbeat>(m).kept_dir};
    };
    auto one = make_fake_pair();
    auto [first, dir] = admitted(1, one);
    if (first == nullptr || std::filesystem::path(dir).parent_path() != run.dir) return "worker 1 was not asked about a directory in the run's: " + dir;
    if (place_of_new_link() != files.dir) return "a link in the run's directory before worker 1 answered";
    one.second->send(Heartbeat{.kept_dir = dir, .sees_kept_dir = true});
    if (!settles_at(run.dir)) return "no link in the run's directory once worker 1 said it reaches it";
    auto two = make_fake_pair();
    auto [second, again] = admitted(2, two);
    if (second == nullptr || again != dir) return "worker 2 was not asked about " + dir + " (" + again + ")";
    two.second->send(Heartbeat{.kept_dir = dir, .sees_kept_dir = false});
    if (!settles_at(files.dir)) return "a link in the run's directory that worker 2 does not reach";
    return "";
  });
}
