// --help and --version describe compss-cc first, then show the real compiler's.
// RUN: %compss-cc --help | %FileCheck %s --check-prefix=HELP
// RUN: %compss-cc --version | %FileCheck %s --check-prefix=VERSION
// RUN: %cxx --version | head -n 1 > %t.real
// RUN: %compss-cc --version > %t.ours
// RUN: grep -F -f %t.real %t.ours

// HELP: OVERVIEW: compss-cc, the COMPSs C++ compiler driver
// HELP: USAGE:
// HELP: compss-cc --emit-source a.cpp
// HELP: COMPSS_CXX
// HELP: The real compiler ({{.*}}):
// HELP: {{[Uu]}}sage:
// VERSION: compss-cc (COMPSs C++) {{[0-9]+\.[0-9]+\.[0-9]+}}, translator built with Clang {{[0-9]+}}
// VERSION: The real compiler ({{.*}}):
