//===- Driver.h - The compss-cc command line ----------------------*- C++
//-*-===//
//
/// \file
/// The compss-cc driver:
///
///   compss-cc [flags] a.cpp b.o -o app      translate, compile, link libcompss
///   compss-cc [flags] -c a.cpp [-o a.o]     translate and compile only
///   compss-cc --emit-source a.cpp [-o f]    print the translation
///   compss-cc --emit-source -p <build> a.cpp  ... with a.cpp's flags from
///                                           <build>/compile_commands.json
///   compss-cc --launch <c++> <args>         as a CMake CXX_COMPILER_LAUNCHER
///   compss-cc --help | --version            compss-cc's, then the compiler's
///
/// Every other argument goes to the real compiler (`$COMPSS_CXX`, default
/// `c++`; the one after `--launch` in launch mode). Which inputs are C++
/// sources follows g++ (Inputs.h). `COMPSS_HOME` overrides
/// where the COMPSs headers and library are looked up; `COMPSS_CC_VERBOSE=1`
/// prints each command before running it.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_DRIVER_H
#define COMPSS_CC_DRIVER_H

namespace compss_cc {

/// Runs compss-cc with the process arguments; returns the exit code.
int runDriver(int Argc, const char **Argv);

} // namespace compss_cc

#endif // COMPSS_CC_DRIVER_H
