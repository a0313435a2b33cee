//===- Diagnostics.cpp - The translator's diagnostics ---------------------===//

#include "Diagnostics.h"

using namespace clang;

namespace compss_cc {

namespace {
struct DiagInfo {
  DiagnosticsEngine::Level Level;
  const char *Format;
};
} // namespace

static DiagInfo info(Diag K) {
  using L = DiagnosticsEngine::Level;
  switch (K) {
  case Diag::MissingPragmaName:
    return {L::Error, "expected a compss pragma name after '#pragma compss'"};
  case Diag::UnknownPragma:
    return {L::Error, "unknown compss pragma '%0'"};
  case Diag::UnsupportedPragma:
    return {L::Error, "'#pragma compss %0' is not supported yet"};
  case Diag::UnknownClause:
    return {L::Error, "unknown clause '%0' in '#pragma compss task'"};
  case Diag::UnsupportedClause:
    return {L::Error,
            "clause '%0' of '#pragma compss task' is not supported yet"};
  case Diag::ExpectedLParen:
    return {L::Error, "expected '(' after '%0'"};
  case Diag::ExpectedRParen:
    return {L::Error, "expected ')' to close '%0('"};
  case Diag::ExpectedParamName:
    return {L::Error, "expected a parameter name in the '%0' clause"};
  case Diag::EmptyClauseList:
    return {L::Error, "empty parameter list in the '%0' clause"};
  case Diag::UnsupportedArrayExtent:
    return {L::Error, "array extents in the '%0' clause are not supported yet"};
  case Diag::EmptyWaitOnList:
    return {L::Error, "'%0' needs at least one argument"};
  case Diag::UnexpectedToken:
    return {L::Error, "unexpected '%0' in '#pragma compss %1'"};
  case Diag::MacroPragma:
    return {L::Error, "compss pragmas must be written as '#pragma compss', "
                      "not produced by _Pragma or a macro"};
  case Diag::TaskNotBeforeFunction:
    return {L::Error,
            "'#pragma compss task' must be followed by a function declaration"};
  case Diag::UnsupportedTaskDecl:
    return {L::Error, "%0 cannot be a task yet"};
  case Diag::UnknownParam:
    return {L::Error, "'%0' is not a parameter of task '%1'"};
  case Diag::DuplicateParam:
    return {L::Error, "parameter '%0' appears in more than one clause"};
  case Diag::PreviousClauseNote:
    return {L::Note, "first listed here"};
  case Diag::WriteToConstRef:
    return {L::Error,
            "'%0' clause on parameter '%1' of type %2, which refers to "
            "const data: the task cannot write to it"};
  case Diag::WriteToValue:
    return {L::Error, "'%0' clause on parameter '%1' passed by value (%2): "
                      "the task cannot write back to the caller"};
  case Diag::FileOnNonPath:
    return {L::Error, "'%0' clause on parameter '%1' of type %2: a file "
                      "parameter must be a std::string, const char* or "
                      "std::filesystem::path, by value or const reference"};
  case Diag::ConflictingTaskPragmas:
    return {L::Error, "task '%0' is declared again with different clauses"};
  case Diag::StmtPragmaOutsideFunction:
    return {L::Error, "'#pragma compss %0' must be inside a function body"};
  case Diag::DefaultArgInTaskCall:
    return {L::Error, "call to task '%0' relies on a default argument; a task "
                      "call must pass every argument"};
  case Diag::CallInMacroWarning:
    return {L::Warning, "call to task '%0' inside a macro expansion runs "
                        "synchronously, not as a task"};
  case Diag::StmtPragmaInHeaderWarning:
    return {L::Warning, "'#pragma compss %0' in a header is ignored; write it "
                        "in the source file"};
  }
  llvm_unreachable("unknown compss diagnostic");
}

DiagnosticBuilder Diagnostics::report(SourceLocation Loc, Diag K) {
  DiagInfo I = info(K);
  // Custom IDs are uniqued by level and text, so asking again is cheap.
  unsigned ID = Engine.getDiagnosticIDs()->getCustomDiagID(
      static_cast<DiagnosticIDs::Level>(I.Level), I.Format);
  return Engine.Report(Loc, ID);
}

} // namespace compss_cc
