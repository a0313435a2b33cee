// file_in/file_out/file_inout on the path types of SPEC section 2: std::string,
// const char* and std::filesystem::path, by value or const reference.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s
#include <filesystem>
#include <string>

#pragma compss task file_in(src) file_out(dst) file_inout(log) file_in(name)
void copy(std::string src, const std::filesystem::path &dst,
          const std::string &log, const char *name, int mode);

void user() {
  std::filesystem::path out = "out.txt";
  copy("in.txt", out, std::string("log.txt"), "name", 0);
}

// CHECK:      {{^}}    {::compss::detail::Direction::in, ::compss::detail::ParamKind::file, "src"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::out, ::compss::detail::ParamKind::file, "dst"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::inout, ::compss::detail::ParamKind::file, "log"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::in, ::compss::detail::ParamKind::file, "name"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::in, ::compss::detail::ParamKind::object, "mode"}};
// CHECK-NEXT: {{^}}static constexpr ::compss::detail::TaskSpec __compss_task_0{
// CHECK-NEXT: {{^}}    "copy", "void copy(std::string, const std::filesystem::path &, const std::string &, const char *, int)", __compss_params_0, 5};
// CHECK:      {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(::std::string, const ::std::filesystem::path &, const ::std::string &, const char *, int)>(&::copy)>("in.txt", out, std::string("log.txt"), "name", 0);
