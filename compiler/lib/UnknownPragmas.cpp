//===- UnknownPragmas.cpp - Warn about pragmas nobody handles -------------===//

#include "UnknownPragmas.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Preprocessor.h"

using namespace clang;

namespace compss_cc {

bool UnknownPragmaPolicy::consume(llvm::StringRef Flag) {
  if (Flag == "-Wunknown-pragmas" || Flag == "-Wno-unknown-pragmas")
    Explicit = Flag == "-Wunknown-pragmas";
  else if (Flag == "-Wall" || Flag == "-Wno-all" || Flag == "-Weverything")
    All = Flag != "-Wno-all";
  else if (Flag == "-w")
    Silent = true;
  else if (Flag == "-Werror" || Flag == "-Wno-error")
    ErrorAll = Flag == "-Werror";
  else if (Flag == "-Werror=unknown-pragmas") {
    ErrorExplicit = true;
    Explicit = true;
  } else if (Flag == "-Wno-error=unknown-pragmas")
    ErrorExplicit = false;
  else
    return false;
  return true;
}

UnknownPragmaPolicy::Level UnknownPragmaPolicy::level(bool Enabled) const {
  if (Silent || !Enabled)
    return Level::Off;
  return ErrorExplicit.value_or(ErrorAll) ? Level::Error : Level::Warning;
}

bool isNearCompss(llvm::StringRef Name) {
  if (Name == "compss" || Name.empty())
    return false;
  return Name.lower() == "compss" ||
         llvm::StringRef(Name.lower())
                 .edit_distance("compss", /*AllowReplacements=*/true,
                                /*MaxEditDistance=*/2) <= 2;
}

void UnknownPragmaHandler::HandlePragma(Preprocessor &PP,
                                        PragmaIntroducer Introducer,
                                        Token &FirstToken) {
  SourceManager &SM = PP.getSourceManager();
  SourceLocation Loc = FirstToken.getLocation();
  if (SM.isInSystemHeader(SM.getExpansionLoc(Loc)))
    return;
  std::string Name = FirstToken.is(tok::eod) ? "" : PP.getSpelling(FirstToken);
  bool Near = FirstToken.getIdentifierInfo() && isNearCompss(Name);
  UnknownPragmaPolicy::Level L = Near ? Policy.nearMiss() : Policy.other();
  if (L == UnknownPragmaPolicy::Level::Off)
    return;
  // Custom diagnostics cannot be mapped by -W flags (Clang 19): the level and
  // the flag in the text come from the policy.
  bool IsError = L == UnknownPragmaPolicy::Level::Error;
  std::string Text = Name.empty() ? "ignoring '#pragma' without a name"
                                  : "ignoring unknown '#pragma %0'";
  if (Near)
    Text += "; did you mean 'compss'?";
  Text += IsError ? " [-Werror=unknown-pragmas]" : " [-Wunknown-pragmas]";
  DiagnosticsEngine &Diags = PP.getDiagnostics();
  unsigned ID = Diags.getDiagnosticIDs()->getCustomDiagID(
      IsError ? DiagnosticIDs::Error : DiagnosticIDs::Warning, Text);
  DiagnosticBuilder B = Diags.Report(Loc, ID);
  if (!Name.empty())
    B << Name;
  if (Near)
    B << FixItHint::CreateReplacement(CharSourceRange::getTokenRange(Loc, Loc),
                                      "compss");
}

} // namespace compss_cc
