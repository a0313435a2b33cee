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
#include "llvm/Support/InitLLVM.h"

int main(int argc, const char **argv) {
  llvm::InitLLVM X(argc, argv);
  return compss_cc::runDriver(argc, argv);
}
