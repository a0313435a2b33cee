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
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class Decl;
class FunctionDecl;
} // namespace clang

namespace compss_cc {

/// A task parameter after checking: ParamSpec in the generated code.
struct ResolvedParam {
  std::string Name;
  Direction Dir = Direction::In;
  ParamKind Kind = ParamKind::Object;
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
};

/// Matches \p Tasks to the declarations in \p Candidates (every declaration
/// of the files holding task pragmas, in any order) and checks them. Problems
/// are reported through \p Diags; the tasks without problems are returned in
/// pragma order, one per function.
std::vector<ResolvedTask>
resolveTasks(clang::ASTContext &Ctx, Diagnostics &Diags,
             llvm::ArrayRef<TaskPragma> Tasks,
             llvm::ArrayRef<const clang::Decl *> Candidates);

} // namespace compss_cc

#endif // COMPSS_CC_TASKSEMA_H
