//===- UnsyncReads.h - Reads that may race with a task ------------*- C++
//-*-===//
//
/// \file
/// -Wcompss-unsynchronized-read (docs/pragmas.md, "Reads that may race with a
/// task"): automatic waits (AutoSync.h) follow local variables named in task
/// calls, not data reached through pointers, references, container elements
/// or the parameters of a function that submits tasks. This check warns at the
/// first use of such data that a task submitted before it in the same body may
/// still be writing, with no barrier or wait_on in between.
///
/// The model: a place is a variable and a depth, the number of indirections
/// (`*`, `->`, a subscript of a pointer, a container's `[]`) taken from it;
/// `BENCH[i][j]` is BENCH at depth 2. A task call writing `BENCH[k]` through
/// an array section leaves BENCH pending at depth 2; a use of BENCH at depth 2
/// or more, or a call that may follow the pointer, races with it. A function
/// of the file that submits tasks is summarised (what it leaves pending
/// through its parameters and globals, how deep it reads them), so its calls
/// count as submissions and reads. The walk is straight-line per body, as in
/// AutoSync: both branches of an `if` merge, loop bodies run twice.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_UNSYNCREADS_H
#define COMPSS_CC_UNSYNCREADS_H

#include "Diagnostics.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class CallExpr;
class Expr;
class Stmt;
} // namespace clang

namespace compss_cc {

/// A task call: its name and the arguments it may write.
struct TaskCallWrites {
  std::string Task;
  llvm::SmallVector<const clang::Expr *, 4> Written;
};
using TaskCallMap = llvm::DenseMap<const clang::CallExpr *, TaskCallWrites>;

/// A statement pragma that waits: at file offset \p Offset of the main file,
/// every task (`barrier`, `barrier_group`, the end of a group with an implicit
/// barrier) or the data reached from variable \p Var (`wait_on`).
struct SyncPoint {
  unsigned Offset = 0;
  bool All = true;
  std::string Var;
};

/// Warns in the function bodies \p Bodies (those of the main file).
void warnUnsynchronizedReads(llvm::ArrayRef<const clang::Stmt *> Bodies,
                             const TaskCallMap &Tasks,
                             llvm::ArrayRef<SyncPoint> Syncs,
                             clang::ASTContext &Ctx, Diagnostics &D);

} // namespace compss_cc

#endif // COMPSS_CC_UNSYNCREADS_H
