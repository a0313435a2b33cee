// Entry points of libcompss behind <compss/data.hpp> (built with compss-cc only).
#pragma once

#include <string_view>

namespace compss::detail {

struct FutureStateBase;

/// Forgets the datum at `address` (see compss::delete_object).
void delete_object(const void* address);

/// Forgets a future's value as a datum.
void delete_future(FutureStateBase& state);

/// Removes the file once the tasks that access it have finished; forgets the datum.
void delete_file(std::string_view path);

/// Waits for the tasks that may write the file (`writers_only`) or that access it at all.
void wait_file_access(std::string_view path, bool writers_only);

}  // namespace compss::detail
