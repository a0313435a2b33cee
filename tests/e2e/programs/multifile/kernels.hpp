// Tasks declared in a header, defined in kernels.cpp, called from main.cpp.
#pragma once
#include <vector>

namespace kernels {

#pragma compss task in(v) out(result)
void sum_into(const std::vector<int>& v, long& result);

#pragma compss task inout(v)
void scale(std::vector<int>& v, int factor);

#pragma compss task
long max_of(const std::vector<int>& v);

}  // namespace kernels
