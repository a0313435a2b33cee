// File parameters: dependencies keyed by the normalised absolute path.
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

void write_file(const std::string& path, const std::string& text) {
  pause_ms(5);
  std::ofstream(path) << text;
}
void append_file(const char* path, int n) {
  pause_ms(2);
  std::ofstream(path, std::ios::app) << n << ';';
}
void read_file(const fs::path& path, std::string& out) { out = read_all(path); }
int file_size(std::string_view path) { return static_cast<int>(fs::file_size(fs::path(path))); }

static constexpr ParamSpec write_params[] = {{Direction::out, ParamKind::file, "path"},
                                             {Direction::in, ParamKind::object, "text"}};
static constexpr TaskSpec write_task{"write_file",
                                     "void write_file(const std::string &, const std::string &)",
                                     write_params, 2};
static constexpr ParamSpec append_params[] = {{Direction::inout, ParamKind::file, "path"},
                                              {Direction::in, ParamKind::object, "n"}};
static constexpr TaskSpec append_task{"append_file", "void append_file(const char *, int)",
                                      append_params, 2};
static constexpr ParamSpec read_params[] = {{Direction::in, ParamKind::file, "path"},
                                            {Direction::out, ParamKind::object, "out"}};
static constexpr TaskSpec read_task{
    "read_file", "void read_file(const std::filesystem::path &, std::string &)", read_params, 2};
static constexpr ParamSpec size_params[] = {{Direction::in, ParamKind::file, "path"}};
static constexpr TaskSpec size_task{"file_size", "int file_size(std::string_view)", size_params,
                                    1};

class Files : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    dir_ = fs::temp_directory_path() /
           ("compss_test_files_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sub");
  }
  void TearDown() override {
    RuntimeTest::TearDown();
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

}  // namespace

TEST_F(Files, OutThenInSeesTheFile) {
  std::string path = (dir_ / "a.txt").string();
  std::string got;
  call_task<write_task, &write_file>(path, std::string("payload"));
  call_task<read_task, &read_file>(fs::path(path), got);
  compss::wait_on(got);
  EXPECT_EQ(got, "payload");
}

TEST_F(Files, InoutAppendsKeepProgramOrder) {
  std::string path = (dir_ / "log.txt").string();
  call_task<write_task, &write_file>(path, std::string("start;"));
  for (int i = 0; i < 10; ++i) call_task<append_task, &append_file>(path.c_str(), i);
  compss::wait_on_file(path);
  EXPECT_EQ(read_all(path), "start;0;1;2;3;4;5;6;7;8;9;");
}

TEST_F(Files, DifferentSpellingsOfOnePathAreOneDatum) {
  std::string plain = (dir_ / "b.txt").string();
  std::string dotted = (dir_ / "sub" / ".." / "." / "b.txt").string();
  call_task<write_task, &write_file>(dotted, std::string("12345"));
  auto size = call_task<size_task, &file_size>(std::string_view(plain));
  EXPECT_EQ(size.get(), 5);
  EXPECT_EQ(normalize_path(dotted), normalize_path(plain));
}

TEST_F(Files, RelativePathsAreMadeAbsolute) {
  fs::path cwd = fs::current_path();
  fs::current_path(dir_);
  call_task<write_task, &write_file>(std::string("rel.txt"), std::string("xy"));
  compss::wait_on_file((dir_ / "rel.txt").string());
  fs::current_path(cwd);
  EXPECT_EQ(read_all(dir_ / "rel.txt"), "xy");
  EXPECT_EQ(normalize_path("x/../y"), (cwd / "y").string());
}

TEST_F(Files, WriterWaitsForReaders) {
  std::string path = (dir_ / "c.txt").string();
  std::ofstream(path) << "old";
  std::string got1, got2;
  call_task<read_task, &read_file>(fs::path(path), got1);
  call_task<read_task, &read_file>(fs::path(path), got2);
  call_task<write_task, &write_file>(path, std::string("new"));
  compss::wait_on_file(path);
  compss::barrier();
  EXPECT_EQ(got1, "old");
  EXPECT_EQ(got2, "old");
  EXPECT_EQ(read_all(path), "new");
}
