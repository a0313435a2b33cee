// A task declared in a header, with its pragma; defined in Inputs/tasks.cpp.
#pragma once

namespace lib {
#pragma compss task inout(total)
void accumulate(long &total, int amount);
} // namespace lib
