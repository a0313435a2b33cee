//===- PragmaModel.h - Typed model of compss pragmas -------------*- C++
//-*-===//
//
/// \file
/// The data every stage of the translator passes on: the raw tokens of a
/// `#pragma compss ...` line as captured by the preprocessor, and the typed
/// model the clause parser builds from them. Nothing here depends on the AST.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_PRAGMAMODEL_H
#define COMPSS_CC_PRAGMAMODEL_H

#include "clang/Basic/SourceLocation.h"
#include "clang/Basic/TokenKinds.h"
#include <string>
#include <vector>

namespace compss_cc {

/// One token of a pragma line, kept with its spelling and where it was written.
struct PragmaToken {
  clang::tok::TokenKind Kind;
  std::string Spelling;
  clang::SourceLocation Loc;
  /// Location just past the token's last character.
  clang::SourceLocation EndLoc;
};

/// A `#pragma compss` line exactly as the preprocessor saw it.
struct RawPragma {
  /// Location of the `#` (or of `_Pragma`).
  clang::SourceLocation HashLoc;
  /// Location of the `compss` namespace token.
  clang::SourceLocation NamespaceLoc;
  /// Location of the end of the directive (the newline ending it).
  clang::SourceLocation EndLoc;
  /// True for `#pragma`, false for `_Pragma("...")`/`__pragma(...)`.
  bool IsDirective = true;
  /// The tokens after `compss`, up to the end of the line.
  std::vector<PragmaToken> Tokens;
};

/// How a task accesses a parameter (mirrors compss::detail::Direction).
enum class Direction { In, Out, InOut };

/// What a parameter denotes (mirrors compss::detail::ParamKind).
enum class ParamKind { Object, File };

/// One name listed in a clause, e.g. `b` in `in(a, b)`.
struct ClauseArg {
  std::string Name;
  clang::SourceLocation Loc;
};

/// A data clause of `#pragma compss task`, e.g. `file_out(path)`.
struct DataClause {
  std::string ClauseName;
  clang::SourceLocation Loc;
  Direction Dir;
  ParamKind Kind;
  std::vector<ClauseArg> Args;
};

/// `#pragma compss task <clauses>`.
struct TaskPragma {
  const RawPragma *Raw = nullptr;
  std::vector<DataClause> Clauses;
};

/// A pragma that stands for a statement inside a function body.
struct StmtPragma {
  enum KindTy { WaitOn, WaitOnFile, Barrier };
  const RawPragma *Raw = nullptr;
  KindTy Kind = Barrier;
  /// Source text of each argument of wait_on/wait_on_file.
  std::vector<std::string> Args;
  /// `barrier no_more_tasks`.
  bool NoMoreTasks = false;
};

/// The pragmas of one translation unit, after clause parsing.
struct ParsedPragmas {
  std::vector<TaskPragma> Tasks;
  std::vector<StmtPragma> Statements;
};

} // namespace compss_cc

#endif // COMPSS_CC_PRAGMAMODEL_H
