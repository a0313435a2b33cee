// A statement pragma in a header is left alone, with a warning at its place.
// RUN: %compss-cc --emit-source -I %inputs %s 2>&1 >/dev/null | %FileCheck %s
// RUN: %compss-cc -fsyntax-only -I %inputs %s 2>/dev/null
#include "stmt-pragma.h"

void user(int &x) { header_helper(x); }

// CHECK: stmt-pragma.h:4:1: warning: '#pragma compss barrier' in a header is ignored; write it in the source file
