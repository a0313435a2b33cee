//===- UnknownPragmas.h - Warn about pragmas nobody handles -------*- C++
//-*-===//
//
/// \file
/// The real compiler compiles the translation with -Wno-unknown-pragmas (the
/// headers still hold `#pragma compss`), so the warnings about the user's
/// unknown pragmas come from here: Clang sees the original sources. A pragma
/// whose name is close to `compss` (`comps`, `COMPSS`, `compss_`) is almost
/// surely a misspelled task pragma, and the program would silently run that
/// call synchronously or race: it is warned about by default, with a
/// "did you mean 'compss'?" and a fix-it. Other unknown pragmas are warned
/// about as g++ does: with -Wall or -Wunknown-pragmas.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_UNKNOWNPRAGMAS_H
#define COMPSS_CC_UNKNOWNPRAGMAS_H

#include "clang/Lex/Pragma.h"
#include "llvm/ADT/StringRef.h"
#include <optional>

namespace compss_cc {

/// What the command line's warning flags make of unknown pragmas, read with
/// g++'s rules: -Wall or -Wunknown-pragmas warn about every unknown pragma,
/// -Wno-unknown-pragmas and -w about none, -Werror (or
/// -Werror=unknown-pragmas, which also enables it) makes them errors.
class UnknownPragmaPolicy {
public:
  enum class Level { Off, Warning, Error };

  /// Takes \p Flag into account if it is one of the flags above; returns
  /// false for every other flag.
  bool consume(llvm::StringRef Flag);

  /// For a pragma whose name is close to `compss`.
  Level nearMiss() const { return level(Explicit.value_or(true)); }
  /// For any other unknown pragma.
  Level other() const { return level(Explicit.value_or(All)); }

private:
  Level level(bool Enabled) const;

  std::optional<bool> Explicit;      ///< -W[no-]unknown-pragmas, last wins.
  bool All = false;                  ///< -Wall (-Wno-all undoes it).
  bool Silent = false;               ///< -w, wherever it is.
  std::optional<bool> ErrorExplicit; ///< -W[no-]error=unknown-pragmas.
  bool ErrorAll = false;             ///< -Werror (-Wno-error undoes it).
};

/// True if \p Name is not `compss` but is within two edits of it (ignoring
/// case): `comps`, `compsss`, `COMPSS`, `compss_`.
bool isNearCompss(llvm::StringRef Name);

/// Catch-all handler (registered under the empty name) for the pragmas of the
/// root namespace that no other handler knows: reports them per the policy,
/// in the user's files only (not in system headers), and ignores them as
/// the compilers do.
class UnknownPragmaHandler : public clang::PragmaHandler {
public:
  explicit UnknownPragmaHandler(const UnknownPragmaPolicy &Policy)
      : clang::PragmaHandler(""), Policy(Policy) {}

  void HandlePragma(clang::Preprocessor &PP, clang::PragmaIntroducer Introducer,
                    clang::Token &FirstToken) override;

private:
  const UnknownPragmaPolicy &Policy;
};

} // namespace compss_cc

#endif // COMPSS_CC_UNKNOWNPRAGMAS_H
