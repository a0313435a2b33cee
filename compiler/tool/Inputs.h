//===- Inputs.h - What each input file of a command line is -------*- C++
//-*-===//
//
/// \file
/// How compss-cc takes an input file: as a C++ source to translate or as
/// something the real compiler gets unchanged. It follows g++: `-x <lang>`
/// applies to the inputs after it until the next `-x` (`-x none`: by
/// extension again), and a C++ driver compiles `.c` files as C++. What g++
/// would feed to the C++ parser although it is not text (an object file
/// after `-x c++`) and what the translation would silently drop (a
/// `#pragma compss` in a file compiled as C) are errors, not surprises.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_INPUTS_H
#define COMPSS_CC_INPUTS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace compss_cc {

/// True for the extensions g++ compiles as C++ (not `.c`).
bool isCxxSourceName(llvm::StringRef File);

/// True for a `.c` file, which a C++ driver (g++, clang++) compiles as C++.
bool isCSourceName(llvm::StringRef File);

/// True if \p Compiler (the real compiler's command) is a C++ driver, as
/// `c++`, `g++-12`, `clang++` or `ccache g++` are: it compiles `.c` as C++.
bool isCxxDriver(llvm::ArrayRef<std::string> Compiler);

/// What \p File is if it is not text ("an object file", "an archive", "a
/// shared library", "a binary file"); nullopt for text or a file that cannot
/// be read (the compiler will report that).
std::optional<std::string> describeBinary(llvm::StringRef File);

/// True if \p File has a line `#pragma compss ...` (or `_Pragma("compss`).
bool hasCompssPragma(llvm::StringRef File);

} // namespace compss_cc

#endif // COMPSS_CC_INPUTS_H
