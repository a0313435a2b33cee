// A statement pragma in a header cannot be rewritten (headers are not translated).
#pragma once
inline void header_helper(int &x) {
#pragma compss barrier
  ++x;
}
