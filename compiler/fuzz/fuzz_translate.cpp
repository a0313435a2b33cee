//===- fuzz_translate.cpp - libFuzzer targets for compss-cc ---------------===//
//
/// \file
/// Two libFuzzer targets over translateFile in one binary (built once): with
/// COMPSS_FUZZ_MODE=clauses in the environment the input is the rest of a
/// `#pragma compss ` line before a fixed task and body (the clause parser and
/// the checks), otherwise a whole source file. Any input must give a
/// translation or diagnostics, never a crash.
//
//===----------------------------------------------------------------------===//

#include "Translator.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

static bool ClauseMode = false;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  const char *Mode = std::getenv("COMPSS_FUZZ_MODE");
  ClauseMode = Mode && std::strcmp(Mode, "clauses") == 0;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Input(reinterpret_cast<const char *>(Data), Size);
  // One pragma line: a newline in the input would end it early, as in a file.
  if (ClauseMode)
    Input = "#pragma compss " + Input +
            "\nvoid f(int &a, int *b, int n, const char *p);\n"
            "void g(int &x) {\n  f(x, &x, 1, \"p\");\n}\n";
  static std::string Path = [] {
    llvm::SmallString<128> P;
    llvm::sys::fs::createTemporaryFile("compss-fuzz", "cpp", P);
    return std::string(P);
  }();
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    if (EC)
      return 0;
    OS << Input;
  }
  llvm::Expected<std::string> Out = compss_cc::translateFile(
      Path, {"-resource-dir", COMPSS_CLANG_RESOURCE_DIR, "-std=c++20",
             "-nostdinc++", "-ferror-limit=5"});
  if (!Out)
    llvm::consumeError(Out.takeError());
  return 0;
}
