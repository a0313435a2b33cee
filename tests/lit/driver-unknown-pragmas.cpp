// Unknown pragmas of the user's sources are warned about by the translator, at the
// user's file and line (the real compiler gets -Wno-unknown-pragmas: headers still hold
// `#pragma compss`). As in g++, -Wall or -Wunknown-pragmas warn about every one; a name
// close to `compss` (a misspelled task pragma: the call would silently not be a task) is
// warned about even without them, with "did you mean 'compss'?". `#pragma compss` itself
// and the pragmas in system headers never warn; -Wno-unknown-pragmas and -w silence
// them; -Werror makes them errors.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %compss-cc -c %s -o %t/default.o 2>&1 | %FileCheck %s --check-prefix=DEFAULT --implicit-check-not=warning:
// RUN: %compss-cc -Wall -c %s -o %t/wall.o 2>&1 | %FileCheck %s --check-prefixes=DEFAULT,ALL --implicit-check-not=warning:
// RUN: %compss-cc -Wunknown-pragmas -c %s -o %t/wunknown.o 2>&1 | %FileCheck %s --check-prefixes=DEFAULT,ALL --implicit-check-not=warning:
// RUN: %compss-cc -Wall -Wno-unknown-pragmas -c %s -o %t/off.o 2>&1 | not grep .
// RUN: %compss-cc -Wall -w -c %s -o %t/w.o 2>&1 | not grep .
// RUN: not %compss-cc -Werror -c %s -o %t/werror.o 2>&1 | %FileCheck %s --check-prefix=WERROR
// RUN: not test -e %t/werror.o
// RUN: %compss-cc -Werror -Wno-error=unknown-pragmas -c %s -o %t/noerror.o 2>&1 | %FileCheck %s --check-prefix=DEFAULT
// RUN: %compss-cc -Wall --emit-source %s -o %t/emitted.cpp 2>&1 | %FileCheck %s --check-prefixes=DEFAULT,ALL
// The translation keeps no `#pragma compss` for the real compiler to warn about.
// RUN: %compss-cc -Wall -c %S/Inputs/tasks.cpp -I %S/Inputs -o %t/tasks.o 2>&1 | not grep .
#include <vector>

#pragma compss task
void work(const int &x);  // (read only: no task writes x, so no unsynchronized-read warning)

#pragma comps task
void misspelled(int &x);

#pragma COMPSS task
void shouting(int &x);

#pragma compss_ task
void trailing(int &x);

#pragma vendor_unroll 4
void user(int &x) {
  work(x);
  misspelled(x);
  shouting(x);
  trailing(x);
}

// DEFAULT: driver-unknown-pragmas.cpp:[[@LINE-17]]:9: warning: ignoring unknown '#pragma comps'; did you mean 'compss'? [-Wunknown-pragmas]
// DEFAULT: driver-unknown-pragmas.cpp:[[@LINE-15]]:9: warning: ignoring unknown '#pragma COMPSS'; did you mean 'compss'? [-Wunknown-pragmas]
// DEFAULT: driver-unknown-pragmas.cpp:[[@LINE-13]]:9: warning: ignoring unknown '#pragma compss_'; did you mean 'compss'? [-Wunknown-pragmas]
// ALL: driver-unknown-pragmas.cpp:[[@LINE-11]]:9: warning: ignoring unknown '#pragma vendor_unroll' [-Wunknown-pragmas]
// WERROR: driver-unknown-pragmas.cpp:[[@LINE-21]]:9: error: ignoring unknown '#pragma comps'; did you mean 'compss'? [-Werror=unknown-pragmas]
