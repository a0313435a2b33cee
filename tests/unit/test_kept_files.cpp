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

// Each run starts from no worker's answer (begin_run: a Cluster; node ids start again),
// also when the test ends on an assertion.
struct NewRun {
  NewRun() { kept_files::begin_run(); }
  ~NewRun() { kept_files::begin_run(); }
  NewRun(const NewRun&) = delete;
  NewRun& operator=(const NewRun&) = delete;
};

// Workers sharing the master's files are asked whether they reach the run's directory of
// links (made at once, 0700). Links go there whatever they answer, with no wait for the
// answers; a remake placed on a worker that said it cannot, has not answered, or belongs to
// an earlier run, reads a link to the version beside the file, made then (one for all such
// remakes while it is held) and gone with its last holder, the version kept unchanged.
TEST(KeptFiles, ARemakeOnAWorkerThatDoesNotReachTheRunsDirectoryReadsALinkBesideTheFile) {
  TestDir files("compss-kept-ask"), run("compss-kept-ask-run");
  const KeptDir named(run.dir.string());
  const NewRun fresh;
  const std::string path = files.path("f.txt"), later = files.path("later.txt");
  std::ofstream(path) << "first";
  const std::string dir = kept_files::ask_worker(1);
  EXPECT_EQ(std::filesystem::path(dir).parent_path(), run.dir) << dir;
  struct stat st {};
  ASSERT_EQ(::stat(dir.c_str(), &st), 0) << dir;
  EXPECT_EQ(st.st_mode & 07777, 0700U) << std::oct << st.st_mode;
  EXPECT_TRUE(kept_files::reaches(dir));
  EXPECT_EQ(kept_files::ask_worker(2), dir);
  EXPECT_EQ(kept_files::ask_worker(3), dir);
  compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);  // (3 has not answered: no wait)
  ASSERT_NE(s.kept, nullptr);
  EXPECT_EQ(links_place(s), run.dir);
  kept_files::worker_answered(1, true);
  kept_files::worker_answered(2, false);
  EXPECT_EQ(links_place(kept_files::stamp_and_keep(path, 0)), run.dir);  // (the same link)
  std::ofstream(later) << "later";
  ASSERT_EQ(kept_files::rename_over(later, path), 0);  // (a later task's answer)

  EXPECT_EQ(kept_files::link_for(s, 1), s.kept);  // (it reaches it)
  std::shared_ptr<const std::string> for_2 = kept_files::link_for(s, 2);
  ASSERT_NE(for_2, nullptr);
  EXPECT_EQ(std::filesystem::path(*for_2).parent_path().parent_path().parent_path(), files.dir) << *for_2;
  EXPECT_EQ(std::filesystem::path(*for_2).filename(), "f.txt");
  EXPECT_EQ(contents(*for_2), "first");
  EXPECT_TRUE(kept_files::is_kept(*for_2));
  EXPECT_EQ(kept_files::link_for(s, 3), for_2);  // (not answered yet: the same one)
  EXPECT_TRUE(kept_files::unchanged(s)) << "the link beside moved its ctime unseen";
  const std::string beside = *for_2;
  for_2.reset();
  EXPECT_FALSE(std::filesystem::exists(beside));
  EXPECT_EQ(files.entries(), 1U);
  EXPECT_TRUE(kept_files::unchanged(s)) << "the link beside, gone, moved its ctime unseen";

  kept_files::worker_gone(1);
  kept_files::worker_answered(1, true);  // (after its loss: ignored)
  EXPECT_NE(kept_files::link_for(s, 1), s.kept);
  EXPECT_EQ(kept_files::ask_worker(4), dir);
  kept_files::worker_answered(4, true);
  kept_files::begin_run();  // (another run: its worker 4 is another)
  EXPECT_NE(kept_files::link_for(s, 4), s.kept);
  EXPECT_EQ(contents(*s.kept), "first");
}

// A link made beside the file for a remake goes with the remake: a request stamping the
// same version meanwhile gets a link in the run's directory, not that one.
TEST(KeptFiles, ALinkMadeBesideForARemakeIsNotSharedWithLaterRequests) {
  TestDir files("compss-kept-forremake"), run("compss-kept-forremake-run");
  const KeptDir named(run.dir.string());
  const NewRun fresh;
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(s.kept, nullptr);
  ASSERT_EQ(links_place(s), run.dir);
  const std::shared_ptr<const std::string> for_remake = kept_files::link_for(s, 2);  // (never asked)
  ASSERT_NE(for_remake, nullptr);
  ASSERT_NE(for_remake, s.kept);
  s.kept.reset();  // (its record gone; the remake still runs)
  const compss::net::FileStamp again = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(again.kept, nullptr);
  EXPECT_NE(*again.kept, *for_remake);
  EXPECT_EQ(links_place(again), run.dir);
  EXPECT_TRUE(kept_files::unchanged(again));
}

// No link can be made beside the file (its directory is gone): a remake on a worker that
// does not reach the run's directory is a clear error naming the worker and the file,
// never a body reading a missing input.
TEST(KeptFiles, NoLinkBesideForAWorkerThatDoesNotReachTheRunsDirectoryIsAClearError) {
  TestDir files("compss-kept-nolink"), run("compss-kept-nolink-run");
  const KeptDir named(run.dir.string());
  const NewRun fresh;
  std::filesystem::create_directories(files.dir / "sub");
  const std::string path = (files.dir / "sub" / "f.txt").string();
  std::ofstream(path) << "first";
  EXPECT_FALSE(kept_files::ask_worker(2).empty());
  kept_files::worker_answered(2, false);
  const compss::net::FileStamp s = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(s.kept, nullptr);
  ASSERT_EQ(links_place(s), run.dir);
  const std::string later = (files.dir / "later.txt").string();
  std::ofstream(later) << "later";
  ASSERT_EQ(kept_files::rename_over(later, path), 0);  // (a later task's answer)
  std::filesystem::remove_all(files.dir / "sub");  // (then the program's: the version is still kept)
  ASSERT_TRUE(kept_files::unchanged(s));
  try {
    kept_files::link_for(s, 2);
    ADD_FAILURE() << "a link the worker cannot reach, or none";
  } catch (const compss::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("worker 2 does not reach"), std::string::npos) << what;
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find("no link to it could be made beside the file"), std::string::npos) << what;
  }
  EXPECT_EQ(contents(*s.kept), "first");
}

// The directory named to workers is held while the run goes on (they checked its name);
// a new run (begin_run) lets it go once no link is left in it.
TEST(KeptFiles, ANewRunLetsTheLastRunsNamedDirectoryGo) {
  TestDir run("compss-kept-held-run");
  const KeptDir named(run.dir.string());
  const NewRun fresh;
  const std::string dir = kept_files::ask_worker(1);
  ASSERT_FALSE(dir.empty());
  kept_files::worker_gone(1);
  EXPECT_TRUE(std::filesystem::is_directory(dir));  // (held: still named)
  kept_files::begin_run();
  EXPECT_FALSE(std::filesystem::exists(dir));
  EXPECT_TRUE(std::filesystem::is_empty(run.dir));
}

// A worker admitted while the master ends the run (Cluster::tell_run_ended's remove_all,
// then a quick exit) is not asked: no directory is made that nothing would remove.
TEST(KeptFiles, AWorkerAdmittedOnceTheRunEndedIsNotAsked) {
  TestDir run("compss-kept-ended-run");
  const KeptDir named(run.dir.string());
  const NewRun fresh;
  kept_files::remove_all();
  EXPECT_EQ(kept_files::ask_worker(1), "");
  EXPECT_TRUE(std::filesystem::is_empty(run.dir));
  kept_files::begin_run();
  EXPECT_NE(kept_files::ask_worker(2), "");
}

// The answers alone (KeptDirViews), per worker: only one that said it reaches the
// directory does; an answer from one not asked, or gone since, changes nothing.
TEST(KeptDirViews, OnlyAWorkerThatSaidItReachesItDoes) {
  compss::net::kept_files::KeptDirViews v;
  EXPECT_FALSE(v.reaches(1));
  v.answered(1, true);  // (never asked)
  EXPECT_FALSE(v.reaches(1));
  v.asked(1);
  v.asked(2);
  EXPECT_FALSE(v.reaches(1));  // (not answered yet)
  v.answered(1, true);
  v.answered(2, false);
  EXPECT_TRUE(v.reaches(1));
  EXPECT_FALSE(v.reaches(2));  // (and 1 still does: per worker)
  v.asked(3);
  v.answered(3, true);
  EXPECT_TRUE(v.reaches(3));
  v.gone(3);
  v.answered(3, true);
  EXPECT_FALSE(v.reaches(3));
  v.clear();
  EXPECT_FALSE(v.reaches(1));
}

// The master's side over a link (net/worker_link.hpp): a worker sharing its files is asked
// at its admission, and its answer decides which link a remake placed on it reads.
TEST(KeptFiles, AWorkersAnswerAtItsAdmissionDecidesWhichLinkItsRemakesRead) {
  TestDir files("compss-kept-link"), run("compss-kept-link-run");
  using namespace compss::net;
  const KeptDir named(run.dir.string());
  const NewRun fresh;
  const std::string path = files.path("f.txt");
  std::ofstream(path) << "first";
  const FileStamp s = kept_files::stamp_and_keep(path, 0);
  ASSERT_NE(s.kept, nullptr);
  ASSERT_EQ(links_place(s), run.dir);
  // Whether a remake on `node` reads the run's link once it does (bounded: the answer is
  // read by the link's thread).
  auto reads_the_runs_link = [&](int node, bool want) {
    for (int i = 0; i < 500 && (kept_files::link_for(s, node) == s.kept) != want; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return (kept_files::link_for(s, node) == s.kept) == want;
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
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(std::filesystem::path(dir).parent_path(), run.dir) << dir;
  EXPECT_TRUE(reads_the_runs_link(1, false)) << "before worker 1 answered";
  one.second->send(Heartbeat{.kept_dir = dir, .sees_kept_dir = true});
  EXPECT_TRUE(reads_the_runs_link(1, true)) << "once worker 1 said it reaches it";
  auto two = make_fake_pair();
  auto [second, again] = admitted(2, two);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(again, dir);
  two.second->send(Heartbeat{.kept_dir = dir, .sees_kept_dir = false});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // (its answer read: nothing changes)
  EXPECT_TRUE(reads_the_runs_link(2, false)) << "worker 2 said it does not reach it";
  EXPECT_TRUE(reads_the_runs_link(1, true)) << "worker 2's answer changed worker 1's";
}
