// delete_object, delete_file, file_exists, open; directory parameters.
#include "test_support.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

using namespace compss::detail;
using compss_test::pause_ms;
using compss_test::read_all;
using compss_test::RuntimeTest;
namespace fs = std::filesystem;

namespace {

void inc(int& x) {
  pause_ms(2);
  ++x;
}
void write_file(const std::string& path, const std::string& text) {
  pause_ms(20);
  std::ofstream(path) << text;
}
void read_file(const std::string& path, std::string& out) {
  pause_ms(20);
  out = read_all(path);
}
// Writes `n` files into the directory.
void fill_dir(const fs::path& dir, int n) {
  pause_ms(20);
  fs::create_directories(dir);
  for (int i = 0; i < n; ++i) std::ofstream(dir / ("f" + std::to_string(i))) << i;
}
void count_dir(const std::string& dir, int& out) {
  out = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++out;
}

constexpr ParamSpec inc_params[] = {{Direction::inout, ParamKind::object, "x"}};
constexpr TaskSpec inc_task{"inc", "void inc(int &)", inc_params, 1};
constexpr ParamSpec write_params[] = {{Direction::out, ParamKind::file, "path"},
                                      {Direction::in, ParamKind::object, "text"}};
constexpr TaskSpec write_task{"write_file",
                              "void write_file(const std::string &, const std::string &)",
                              write_params, 2};
constexpr ParamSpec read_params[] = {{Direction::in, ParamKind::file, "path"},
                                     {Direction::out, ParamKind::object, "out"}};
constexpr TaskSpec read_task{"read_file", "void read_file(const std::string &, std::string &)",
                             read_params, 2};
constexpr ParamSpec fill_params[] = {{Direction::out, ParamKind::directory, "dir"},
                                     {Direction::in, ParamKind::object, "n"}};
constexpr TaskSpec fill_task{"fill_dir", "void fill_dir(const std::filesystem::path &, int)",
                             fill_params, 2};
constexpr ParamSpec count_params[] = {{Direction::in, ParamKind::directory, "dir"},
                                      {Direction::out, ParamKind::object, "out"}};
constexpr TaskSpec count_task{"count_dir", "void count_dir(const std::string &, int &)",
                              count_params, 2};

std::mutex ids_mutex;
std::vector<std::uint64_t> first_ids;
void record_ids(const TaskBase& t) {
  std::lock_guard lock(ids_mutex);
  first_ids.push_back(t.params()[0].data_id);
}

class DataApi : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    dir_ = fs::temp_directory_path() /
           ("compss_test_data_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::lock_guard lock(ids_mutex);
    first_ids.clear();
  }
  void TearDown() override {
    set_submit_hook(nullptr);
    RuntimeTest::TearDown();
    fs::remove_all(dir_);
  }
  std::string path(const char* name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

}  // namespace

TEST_F(DataApi, DeleteObjectStartsAFreshDatumAndKeepsOrder) {
  int x = 0;
  set_submit_hook(&record_ids);
  for (int i = 0; i < 3; ++i) call_task<inc_task, &inc>(x);
  compss::delete_object(x);  // does not wait
  call_task<inc_task, &inc>(x);
  compss::wait_on(x);
  EXPECT_EQ(x, 4);
  std::lock_guard lock(ids_mutex);
  ASSERT_EQ(first_ids.size(), 4u);
  EXPECT_EQ(first_ids[0], first_ids[2]);
  EXPECT_NE(first_ids[3], first_ids[2]);
}

TEST_F(DataApi, DeleteObjectOfAnIdleDatumShrinksTheRegistry) {
  int x = 0;
  call_task<inc_task, &inc>(x);
  compss::wait_on(x);
  std::size_t before = registry_size();
  compss::delete_object(x);
  EXPECT_EQ(registry_size(), before - 1);
}

TEST_F(DataApi, DeleteFileRemovesItAfterItsReaders) {
  std::string p = path("tmp.txt"), got;
  call_task<write_task, &write_file>(p, std::string("hello"));
  call_task<read_task, &read_file>(p, got);
  compss::delete_file(p);
  compss::wait_on(got);
  EXPECT_EQ(got, "hello");
  compss::barrier();
  EXPECT_FALSE(fs::exists(p));
}

TEST_F(DataApi, FileWrittenAfterDeleteSurvives) {
  std::string p = path("again.txt"), got;
  call_task<write_task, &write_file>(p, std::string("old"));
  compss::delete_file(p);
  call_task<write_task, &write_file>(p, std::string("new"));  // after the removal
  call_task<read_task, &read_file>(p, got);
  compss::wait_on(got);
  EXPECT_EQ(got, "new");
  compss::barrier();
  EXPECT_TRUE(fs::exists(p));
}

TEST_F(DataApi, FileExistsWaitsForTheWriter) {
  std::string p = path("made.txt");
  call_task<write_task, &write_file>(p, std::string("x"));
  EXPECT_TRUE(compss::file_exists(p));
  EXPECT_FALSE(compss::file_exists(path("never.txt")));
}

TEST_F(DataApi, OpenForReadingWaitsForTheWriter) {
  std::string p = path("r.txt");
  call_task<write_task, &write_file>(p, std::string("content"));
  std::fstream f = compss::open(p, "r");
  std::string s;
  f >> s;
  EXPECT_EQ(s, "content");
}

TEST_F(DataApi, OpenForWritingWaitsForTheReaders) {
  std::string p = path("w.txt"), got;
  std::ofstream(p) << "before";
  call_task<read_task, &read_file>(p, got);
  {
    std::fstream f = compss::open(p, std::ios::out | std::ios::trunc);
    f << "after";
  }
  compss::wait_on(got);
  EXPECT_EQ(got, "before");
  EXPECT_EQ(read_all(p), "after");
}

TEST_F(DataApi, OpenRejectsUnknownModeAndMissingFile) {
  EXPECT_THROW(compss::open(path("x.txt"), "rw"), compss::Error);
  EXPECT_THROW(compss::open(path("missing.txt"), "r"), compss::Error);
}

TEST_F(DataApi, DirectoryIsOneDatumWhateverTheTrailingSlash) {
  fs::path d = dir_ / "out";
  int n = -1;
  call_task<fill_task, &fill_dir>(fs::path(d.string() + "/"), 3);
  call_task<count_task, &count_dir>(d.string(), n);
  compss::wait_on(n);
  EXPECT_EQ(n, 3);
}
