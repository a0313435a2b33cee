// The definition of the header's task; this TU defines it, so it gets a TaskSpec.
#include "tasks.h"

namespace lib {
void accumulate(long &total, int amount) { total += amount; }
} // namespace lib
