// Data management API: delete_object, delete_file, file_exists, open (SPEC section 4).
// Without `__COMPSS__` every function is its sequential equivalent.
#pragma once

#include <compss/detail/data_api.hpp>
#include <compss/error.hpp>
#include <compss/future.hpp>

#include <filesystem>
#include <fstream>
#include <ios>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace compss {

/// Tells the runtime the program is done with `x` as a datum: its registry entry is
/// dropped, so the next task that uses `x` starts a new datum (new id, version 0; in
/// master-worker mode, the old copies can go). It does not wait: tasks already submitted
/// keep their dependencies, and tasks submitted later still run after them, so reusing
/// the variable stays correct. The object itself is left alone. A no-op inside a task
/// and in a sequential build.
///
///   compss::Future<Block> b = make_block();
///   consume(b);
///   compss::delete_object(b);   // the runtime no longer tracks b's value
template <class T>
void delete_object([[maybe_unused]] T& x) {
#ifdef __COMPSS__
  if constexpr (detail::is_future_v<T>) {
    if (const auto& s = detail::FutureAccess::state(x)) detail::delete_future(*s);
  } else {
    detail::delete_object(std::addressof(x));
  }
#endif
}

/// Removes the file `path` after every task submitted so far that accesses it has
/// finished (as COMPSs does), without waiting for them, and drops its datum: tasks
/// submitted later that use the path run after the removal and start a new datum.
/// Inside a task, and in a sequential build, the file is removed at once. A missing file
/// is not an error.
///
///   write_log("tmp.txt");            // a task with file_out
///   summarize("tmp.txt", result);    // a task with file_in
///   compss::delete_file("tmp.txt");  // removed once summarize has read it
inline void delete_file(const std::filesystem::path& path) {
#ifdef __COMPSS__
  detail::delete_file(path.native());
#else
  std::error_code ec;
  std::filesystem::remove(path, ec);
#endif
}

/// Waits for the tasks submitted so far that may write `path`, then says whether the file
/// (or directory) exists. Throws compss::Error if a task failed.
///
///   make_output("out.txt");                   // a task with file_out
///   if (compss::file_exists("out.txt")) ...   // true once make_output has run
inline bool file_exists(const std::filesystem::path& path) {
#ifdef __COMPSS__
  detail::wait_file_access(path.native(), true);
#endif
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

/// Opens `path` once the tasks submitted so far are done with it: a read-only mode waits
/// for the tasks that may write the file, any other mode also for the tasks that read it.
/// Throws compss::Error if a task failed or the file cannot be opened.
///
///   produce("data.txt");                                    // a task with file_out
///   std::fstream f = compss::open("data.txt", std::ios::in);
///   std::string line; std::getline(f, line);
inline std::fstream open(const std::filesystem::path& path, std::ios_base::openmode mode) {
#ifdef __COMPSS__
  bool read_only = (mode & (std::ios_base::out | std::ios_base::app | std::ios_base::trunc)) == 0;
  detail::wait_file_access(path.native(), read_only);
#endif
  std::fstream f(path, mode);
  if (!f.is_open()) throw Error("compss: cannot open '" + path.string() + "'");
  return f;
}

/// open with a PyCOMPSs-style mode: "r", "w", "a", "r+", "w+", "a+", each optionally with
/// "b". Any other mode throws compss::Error.
///
///   std::fstream log = compss::open("log.txt", "a");
///   log << "done\n";
inline std::fstream open(const std::filesystem::path& path, std::string_view mode) {
  std::string m(mode);
  std::ios_base::openmode bin{};
  if (auto b = m.find('b'); b != std::string::npos) {
    bin = std::ios_base::binary;
    m.erase(b, 1);
  }
  std::ios_base::openmode om;
  if (m == "r") om = std::ios_base::in;
  else if (m == "w") om = std::ios_base::out | std::ios_base::trunc;
  else if (m == "a") om = std::ios_base::out | std::ios_base::app;
  else if (m == "r+") om = std::ios_base::in | std::ios_base::out;
  else if (m == "w+") om = std::ios_base::in | std::ios_base::out | std::ios_base::trunc;
  else if (m == "a+") om = std::ios_base::in | std::ios_base::out | std::ios_base::app;
  else throw Error("compss: open: unknown mode '" + std::string(mode) + "' (use r, w, a, r+, w+ or a+)");
  return open(path, om | bin);
}

}  // namespace compss
