//===- Translator.h - Translate one source file -------------------*- C++
//-*-===//
//
/// \file
/// The last stage and the library's entry point: parses a source file with
/// Clang, runs the pragma stages over it and rewrites the original text (never
/// a printed AST) with clang::Rewriter, as docs/architecture.md specifies.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_TRANSLATOR_H
#define COMPSS_CC_TRANSLATOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <string>

namespace compss_cc {

/// Translates \p SourcePath, parsed with the compiler flags \p Flags (include
/// paths, macros, -std=, -resource-dir ...; not the file itself). Diagnostics
/// are printed to stderr as Clang prints them. Returns the translated source,
/// or an error if the input had any error: then nothing must be written.
llvm::Expected<std::string> translateFile(llvm::StringRef SourcePath,
                                          llvm::ArrayRef<std::string> Flags);

} // namespace compss_cc

#endif // COMPSS_CC_TRANSLATOR_H
