//===- Diagnostics.h - The translator's diagnostics ---------------*- C++
//-*-===//
//
/// \file
/// Every message compss-cc can give about a pragma, registered as custom
/// diagnostics of the translation unit's DiagnosticsEngine so they print in
/// the usual `file:line:col: error: ...` form with the source line and caret.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_DIAGNOSTICS_H
#define COMPSS_CC_DIAGNOSTICS_H

#include "clang/Basic/Diagnostic.h"

namespace compss_cc {

/// The kinds of diagnostics the translator emits.
enum class Diag {
  // Pragma syntax (ClauseParser).
  MissingPragmaName,
  UnknownPragma,
  UnknownClause,
  ExpectedLParen,
  ExpectedRParen,
  ExpectedParamName,
  EmptyClauseList,
  EmptyWaitOnList,
  UnexpectedToken,
  MacroPragma,
  ClauseTakesNoArgs,
  ReplicatedAndDistributed,
  ClauseArity,
  ExpectedBool,
  BadTimeOut,
  BadOnFailure,
  OnFailureSyntax,
  ReturnsNeedsIgnore,
  ExpectedKey,
  UnknownKey,
  ExpectedEqual,
  ExpectedValue,
  WrongValueType,
  DuplicateKey,
  ExpectedTaskName,
  ExpectedRSquare,
  SectionNotAtZero,
  EmptyExtent,
  NotAnLValue,
  ExpectedGroupName,
  // Matching and checking (TaskSema).
  TaskNotBeforeFunction,
  UnsupportedTaskDecl,
  UnknownParam,
  DuplicateParam,
  PreviousClauseNote,
  WriteToConstRef,
  WriteToValue,
  FileOnNonPath,
  ConflictingTaskPragmas,
  CollectionOnNonVector,
  StreamOnNonStream,
  DirectoryOnNonPath,
  ExtentOnNonPointer,
  ExtentUnknownName,
  ExtentWithKind,
  ModifierWithoutTask,
  DuplicateModifier,
  ExternalWithBody,
  MissingLaunchKey,
  ImplementUnknownTask,
  ImplementDifferentParams,
  ImplementedTaskNote,
  ImplementDifferentResult,
  ImplementDifferentAccess,
  ImplementOfVersion,
  ImplementDifferentShape,
  VersionNotInstantiable,
  VersionAfterCall,
  VersionDeclaredNote,
  ImplicitInOutWarning,
  StmtPragmaOutsideFunction,
  DefaultArgInTaskCall,
  UnknownPlaceholder,
  UnclosedPlaceholder,
  StdioNotFileParam,
  ExternalMethod,
  ExternalResultType,
  ExtentArgSideEffects,
  GroupNeedsBlock,
  ReturnsOnVoidTask,
  NotSerializableParamWarning,
  NotSerializableResultWarning,
  AddSerializeNote,
  AddDefaultCtorNote,
  PassObjectNote,
  PassFilesNote,
  PassSerializableNote,
  GlobalNotShippableWarning,
  GlobalWrittenWarning,
  GlobalWrittenByTaskWarning,
  GlobalDeclaredNote,
  // Rewriting (Translator).
  CallInMacroWarning,
  StmtPragmaInHeaderWarning,
  // Reads that may race with a task (UnsyncReads).
  UnsyncReadWarning,
  TaskSubmittedNote,
  TaskSubmittedViaNote,
  BarrierBeforeReadNote,
};

/// Emits translator diagnostics through a clang::DiagnosticsEngine.
class Diagnostics {
public:
  explicit Diagnostics(clang::DiagnosticsEngine &Engine) : Engine(Engine) {}

  /// Starts a diagnostic of kind \p K at \p Loc; add arguments with `<<`.
  clang::DiagnosticBuilder report(clang::SourceLocation Loc, Diag K);

  bool hasErrors() const { return Engine.hasErrorOccurred(); }

private:
  clang::DiagnosticsEngine &Engine;
};

} // namespace compss_cc

#endif // COMPSS_CC_DIAGNOSTICS_H
