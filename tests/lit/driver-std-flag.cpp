// Without -std= the translation and the real compilation use C++20; a user -std= is
// kept.
// RUN: %compss-cc -fsyntax-only %s
// RUN: %compss-cc -std=c++23 -fsyntax-only -DNEED_23 %s

#if __cplusplus < 202002L
#error "expected at least C++20"
#endif
#if defined(NEED_23) && __cplusplus <= 202002L
#error "expected C++23"
#endif

#pragma compss task
void work(int &x);

void user(int &x) { work(x); }
