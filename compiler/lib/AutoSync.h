//===- AutoSync.h - Insert the waits a sequential reader expects --*- C++ -*-===//
//
/// \file
/// Automatic synchronisation (docs/pragmas.md, "Automatic waits"): within one
/// function body, before the first statement that uses a local variable that
/// a task call before it may still be writing, compss-cc inserts
/// `::compss::wait_on(x);`. A straight-line analysis over the compound
/// statements of the body; data reached through pointers, references or
/// aliases is not tracked (write the wait_on yourself).
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_AUTOSYNC_H
#define COMPSS_CC_AUTOSYNC_H

#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include <string>
#include <vector>

namespace clang {
class CallExpr;
class Stmt;
class VarDecl;
class SourceManager;
} // namespace clang

namespace compss_cc {

/// The task calls of a translation unit and, for each, the local variables
/// it may write (passed to an out/inout/concurrent/commutative parameter, or
/// the object of a non-const member task).
using TaskWrites =
    llvm::DenseMap<const clang::CallExpr *,
                   llvm::SmallVector<const clang::VarDecl *, 4>>;

/// `::compss::wait_on(<Var>);` goes right before \p Loc.
struct WaitInsertion {
  clang::SourceLocation Loc;
  std::string Var;
};

/// The waits to insert in the function bodies \p Bodies. \p MainBody, the
/// body of `main` (or null), needs none at its returns and closing brace:
/// finish_main waits for every task there.
std::vector<WaitInsertion> planWaits(llvm::ArrayRef<const clang::Stmt *> Bodies,
                                     const clang::Stmt *MainBody,
                                     const TaskWrites &Writes,
                                     const clang::SourceManager &SM);

} // namespace compss_cc

#endif // COMPSS_CC_AUTOSYNC_H
