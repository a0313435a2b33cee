// Shared by driver-link-two-tus.cpp and Inputs/link-tasks.cpp.
#pragma once

#pragma compss task inout(acc)
void add_to(long &acc, int amount);

#pragma compss task
long twice(long value);
