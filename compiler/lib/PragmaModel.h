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
enum class Direction { In, Out, InOut, Concurrent, Commutative, InDelete };

/// What a parameter denotes (mirrors compss::detail::ParamKind).
enum class ParamKind { Object, File, Directory, Collection, Stream };

/// One name listed in a clause, e.g. `b` in `in(a, b)` or `diag` in
/// `inout(diag[n])`.
struct ClauseArg {
  std::string Name;
  clang::SourceLocation Loc;
  /// The array extent's tokens (`n` of `diag[n]` or of `row[0:n]`); empty
  /// when the clause names a single object.
  std::vector<PragmaToken> Extent;
};

/// One `key=value` of constraint(...), binary(...) or mpi(...).
struct KeyValue {
  std::string Key;
  clang::SourceLocation KeyLoc;
  /// The value as written; a string literal keeps its quotes here.
  PragmaToken Value;
  /// The value as the TaskSpec carries it: strings unquoted.
  std::string Text;
};

/// A data clause of `#pragma compss task`, e.g. `file_out(path)`.
struct DataClause {
  std::string ClauseName;
  clang::SourceLocation Loc;
  Direction Dir;
  ParamKind Kind;
  std::vector<ClauseArg> Args;
};

/// A pragma written before a function: `#pragma compss task <clauses>` or one
/// of the pragmas that qualify a task (`constraint`, `implement`, `binary`,
/// `mpi`).
struct TaskPragma {
  enum KindTy { Task, Constraint, Implement, Binary, Mpi, Multinode };
  const RawPragma *Raw = nullptr;
  KindTy Kind = Task;
  /// Location of the pragma's name (`task`, `constraint` ...).
  clang::SourceLocation NameLoc;
  std::vector<DataClause> Clauses;
  bool Priority = false;
  bool Replicated = false;
  bool Distributed = false;
  /// Where `replicated` / `distributed` is written (for the error when both are).
  clang::SourceLocation ReplicatedLoc, DistributedLoc;
  /// `on_failure(...)` policy name; empty when absent.
  std::string OnFailure;
  /// `on_failure(ignore, returns=<expr>)`: the expression as written; empty
  /// when absent. ReturnsLoc is where `returns` is.
  std::string OnFailureReturns;
  clang::SourceLocation ReturnsLoc;
  /// `time_out(...)` seconds as written; empty when absent.
  std::string TimeOut;
  /// `constraint(...)` pairs (task clause or constraint pragma), keys
  /// canonical; or the settings of binary(...)/mpi(...).
  std::vector<KeyValue> Constraints;
  std::vector<KeyValue> Launch;
  /// `implement(name)`: the name as written, possibly qualified.
  std::string Implements;
  clang::SourceLocation ImplementsLoc;
};

/// A pragma that stands for a statement inside a function body.
struct StmtPragma {
  enum KindTy {
    WaitOn,
    WaitOnFile,
    Barrier,
    Group,
    BarrierGroup,
    Delete,
    DeleteFile
  };
  const RawPragma *Raw = nullptr;
  KindTy Kind = Barrier;
  /// Source text of each argument of wait_on/wait_on_file/delete/delete_file,
  /// or the group name of group/barrier_group (a string literal, quoted).
  std::vector<std::string> Args;
  /// `barrier no_more_tasks`.
  bool NoMoreTasks = false;
  /// `group(...) implicit_barrier(false)`.
  bool ImplicitBarrier = true;
};

/// The pragma's name as written after `compss`.
const char *stmtPragmaName(StmtPragma::KindTy K);
const char *taskPragmaName(TaskPragma::KindTy K);

/// The pragmas of one translation unit, after clause parsing.
struct ParsedPragmas {
  std::vector<TaskPragma> Tasks;
  std::vector<StmtPragma> Statements;
};

} // namespace compss_cc

#endif // COMPSS_CC_PRAGMAMODEL_H
