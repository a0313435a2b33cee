//===- compss-cc.cpp - The COMPSs C++ compiler driver ---------------------===//
//
/// \file
/// `compss-cc`: a drop-in C++ compiler driver. It translates each C++ source
/// (task pragmas become task submissions), compiles the result with the real
/// compiler (`$COMPSS_CXX`, default `c++`) and links the COMPSs runtime.
/// See Driver.h for the command line.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/InitLLVM.h"
#include <cstdio>

int main(int argc, const char **argv) {
  llvm::InitLLVM X(argc, argv);
  // `@file` response files, as GCC and Clang read them (CMake and Make use
  // them for long command lines).
  llvm::SmallVector<const char *, 64> Args(argv, argv + argc);
  llvm::BumpPtrAllocator Alloc;
  llvm::cl::ExpansionContext Expander(Alloc, llvm::cl::TokenizeGNUCommandLine);
  if (llvm::Error E = Expander.expandResponseFiles(Args)) {
    std::fprintf(stderr, "compss-cc: error: %s\n",
                 llvm::toString(std::move(E)).c_str());
    return 1;
  }
  return compss_cc::runDriver(static_cast<int>(Args.size()), Args.data());
}
