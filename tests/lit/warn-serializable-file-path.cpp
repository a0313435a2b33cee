// A file parameter travels as its path, whatever its type (SPEC section 2:
// std::string, const char* or std::filesystem::path): a task taking its path
// as const char* or std::filesystem::path can run on a worker, so compss-cc
// does not warn, and the runtime's own verdict (the static_asserts) agrees. A
// std::filesystem::path is also an ordinary serializable object (it travels
// as its string).
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s --allow-empty --implicit-check-not=warning:
#include <compss/detail/remote_invoke.hpp>
#include <filesystem>
#include <vector>

#pragma compss task file_in(input)
void load(const std::filesystem::path &input);

#pragma compss task file_out(output)
void save(const char *output);

#pragma compss task file_inout(log)
void append(std::filesystem::path log);

#pragma compss task in(paths)
std::filesystem::path first(const std::vector<std::filesystem::path> &paths);

// The runtime agrees (compiler/lib/Serializability.cpp mirrors remote_invoke.hpp).
using compss::detail::ParamKind;
static_assert(compss::detail::remote_param_ok_v<const std::filesystem::path &, ParamKind::file>);
static_assert(compss::detail::remote_param_ok_v<std::filesystem::path, ParamKind::file>);
static_assert(compss::detail::remote_param_ok_v<const char *, ParamKind::file>);
static_assert(compss::is_serializable_v<std::vector<std::filesystem::path>>);
// A pointer that is not a path still cannot travel.
static_assert(!compss::detail::remote_param_ok_v<const char *, ParamKind::object>);

