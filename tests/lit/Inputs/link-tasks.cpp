// The task definitions of driver-link-two-tus.cpp, in their own TU.
#include "link-main.h"

void add_to(long &acc, int amount) { acc += amount; }

long twice(long value) { return 2 * value; }
