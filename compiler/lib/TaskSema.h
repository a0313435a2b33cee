//===- TaskSema.h - Check task pragmas against their functions ----*- C++
//-*-===//
//
/// \file
/// The third stage: matches each `#pragma compss task` to the function
/// declaration that follows it, checks its clauses against the function's
/// parameters (SPEC section 2) and resolves every parameter's direction and
/// kind, applying the defaults for parameters named in no clause.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_TASKSEMA_H
#define COMPSS_CC_TASKSEMA_H

#include "Diagnostics.h"
#include "PragmaModel.h"
#include "llvm/ADT/ArrayRef.h"
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class Decl;
class FunctionDecl;
class Sema;
} // namespace clang

namespace compss_cc {

/// A task parameter after checking: ParamSpec in the generated code.
struct ResolvedParam {
  std::string Name;
  Direction Dir = Direction::In;
  ParamKind Kind = ParamKind::Object;
  /// `inout(diag[n])`: the tokens of `n`; empty for a single object.
  std::vector<PragmaToken> Extent;
};

/// What runs when the task runs (mirrors compss::detail::TaskKind).
enum class TaskKind { Function, Binary, Mpi };

/// One key=value as the TaskSpec carries it.
struct SpecPair {
  std::string Key;
  std::string Value;
};

/// A task function after checking: everything code generation needs.
struct ResolvedTask {
  /// The canonical declaration; calls are matched against it.
  const clang::FunctionDecl *Decl = nullptr;
  /// Location of the pragma, for ordering.
  clang::SourceLocation PragmaLoc;
  /// Qualified name, e.g. `ns::multiply`.
  std::string Name;
  /// Stable id, e.g. `void ns::multiply(const ns::Block &, ns::Block &)`.
  std::string Signature;
  /// Fully qualified function pointer type, e.g. `void (*)(const ::ns::Block
  /// &)`.
  std::string PointerType;
  /// Fully qualified name to take the address of, e.g. `::ns::multiply`.
  std::string QualifiedRef;
  std::vector<ResolvedParam> Params;
  bool Priority = false;
  bool Replicated = false;
  bool Distributed = false;
  /// Policy name (`ignore` ...); empty for the default (retry).
  std::string OnFailure;
  /// The default result of `on_failure(ignore, returns=<expr>)`; empty if none.
  std::string OnFailureReturns;
  /// Seconds as written; empty for none.
  std::string TimeOut;
  std::vector<SpecPair> Constraints;
  TaskKind Kind = TaskKind::Function;
  std::vector<SpecPair> Launch;
  /// `#pragma compss multinode(...)`: a function task given several nodes (its
  /// settings in Launch).
  bool Multinode = false;
  /// Signature of the task this one is a version of; empty if none.
  std::string Implements;
  /// The task pragma it comes from.
  const TaskPragma *Pragma = nullptr;
  /// A function template: never called itself; each instantiation a call
  /// names is a task of its own (resolveSpecialization).
  bool IsTemplate = false;
  /// A non-static member function: Params starts with the object (`this`)
  /// and PointerType is a pointer to member.
  bool IsMethod = false;
  /// True if this TU must emit the TaskSpec even when it neither calls nor
  /// defines the task (binary/mpi tasks declared in the main file).
  bool AlwaysEmit = false;
  /// A parameter or the result cannot travel to a worker (what
  /// -Wcompss-serializable warns about): every call runs on the master.
  bool MasterOnly = false;
  /// One of them holds an address the runtime's C++ traits cannot see (a
  /// pointer member): the generated TaskSpec says master_only.
  bool HiddenAddress = false;
};

/// Options of the checks.
struct SemaOptions {
  /// -Wcompss: warn about parameters that default to inout.
  bool WarnImplicitInOut = false;
  /// -Wcompss-serializable (on by default): warn about tasks that cannot run
  /// on a worker because a parameter or the result cannot be serialized.
  bool WarnNotSerializable = true;
  /// -Wcompss-global (on by default): warn about tasks that cannot run on a
  /// worker because of a global variable they read or write (GlobalUses.h).
  bool WarnGlobals = true;
  /// -Wcompss-unsynchronized-read (on by default): warn about reads of data
  /// reached through pointers that a task may still be writing (UnsyncReads.h).
  bool WarnUnsyncRead = true;
};

/// True if only whitespace, comments, preprocessor lines and `[[...]]`
/// attributes are in \p Text: what may separate a pragma from what it
/// applies to.
bool onlyTriviaBetween(llvm::StringRef Text);

/// Matches \p Tasks to the declarations in \p Candidates (every declaration
/// of the files holding task pragmas, in any order) and checks them. Problems
/// are reported through \p Diags; the tasks without problems are returned in
/// pragma order, one per function. \p S answers questions about types that
/// the AST alone does not (can this type be default-constructed?).
std::vector<ResolvedTask>
resolveTasks(clang::Sema &S, Diagnostics &Diags,
             llvm::ArrayRef<TaskPragma> Tasks,
             llvm::ArrayRef<const clang::Decl *> Candidates,
             const SemaOptions &Options);

/// The task for \p Spec, an instantiation of the template task \p Pattern:
/// the clauses checked again against the instantiated parameter types, and
/// (per \p Options) the warning about parameters that cannot travel, for
/// those whose type depended on the template's parameters. Returns
/// std::nullopt after reporting a problem.
std::optional<ResolvedTask>
resolveSpecialization(clang::Sema &S, Diagnostics &Diags,
                      const ResolvedTask &Pattern,
                      const clang::FunctionDecl *Spec,
                      const SemaOptions &Options);

/// The instantiation of \p Version (a version of a template task) with the
/// template arguments of \p Spec, an instantiation of the task it implements:
/// the one the program already has, else made at \p Loc. Null when the
/// arguments do not fit the version (a substitution failure).
const clang::FunctionDecl *instantiateVersion(clang::Sema &S,
                                              const ResolvedTask &Version,
                                              const clang::FunctionDecl *Spec,
                                              clang::SourceLocation Loc);

} // namespace compss_cc

#endif // COMPSS_CC_TASKSEMA_H
