//===- AutoSync.cpp - Insert the waits a sequential reader expects --------===//

#include "AutoSync.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SetVector.h"

using namespace clang;

namespace compss_cc {

namespace {

using VarSet = llvm::SmallSetVector<const VarDecl *, 8>;

/// The variable an argument names directly: `x`, `(x)`, `&x`; null otherwise.
const VarDecl *namedVar(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (const auto *U = dyn_cast<UnaryOperator>(E); U && U->getOpcode() == UO_AddrOf)
    E = U->getSubExpr()->IgnoreParenImpCasts();
  const auto *DRE = dyn_cast<DeclRefExpr>(E);
  return DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
}

bool isWaitOn(const CallExpr *CE) {
  const FunctionDecl *FD = CE->getDirectCallee();
  return FD && FD->getName() == "wait_on" && FD->getQualifiedNameAsString() == "compss::wait_on";
}

/// Finds, in one statement, the variables of a set that it uses other than by
/// passing them straight to a task call, and the variables task calls in it
/// write. Lambda bodies are analysed as bodies of their own.
class UseFinder : public RecursiveASTVisitor<UseFinder> {
public:
  UseFinder(const VarSet &Pending, const TaskWrites &Writes)
      : Pending(Pending), Writes(Writes) {}

  bool TraverseLambdaExpr(LambdaExpr *) { return true; }

  bool TraverseCallExpr(CallExpr *CE) { return traverseCall(CE); }
  bool TraverseCXXMemberCallExpr(CXXMemberCallExpr *CE) {
    return traverseCall(CE);
  }

  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (Pending.count(VD))
        Used.insert(VD);
    return true;
  }

  VarSet Used, Written, Waited;

private:
  bool traverseCall(CallExpr *CE) {
    auto It = Writes.find(CE);
    if (It == Writes.end() && !isWaitOn(CE)) {
      for (Stmt *Child : CE->children())
        TraverseStmt(Child);
      return true;
    }
    if (It != Writes.end())
      Written.insert(It->second.begin(), It->second.end());
    // Arguments passed as they are make a dependency, not a use.
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE))
      if (const auto *ME = dyn_cast<MemberExpr>(MCE->getCallee()->IgnoreParens()))
        if (!namedVar(ME->getBase()))
          TraverseStmt(const_cast<Expr *>(ME->getBase()));
    for (Expr *Arg : CE->arguments()) {
      if (const VarDecl *VD = namedVar(Arg)) {
        if (isWaitOn(CE))
          Waited.insert(VD);
        continue;
      }
      TraverseStmt(Arg);
    }
    return true;
  }

  const VarSet &Pending;
  const TaskWrites &Writes;
};

class Planner {
public:
  Planner(const TaskWrites &Writes, const SourceManager &SM)
      : Writes(Writes), SM(SM) {}

  void body(const Stmt *S, bool IsMain) {
    InMain = IsMain;
    if (const auto *CS = dyn_cast_or_null<CompoundStmt>(S)) {
      VarSet Pending;
      block(CS, Pending);
    }
  }

  std::vector<WaitInsertion> Waits;

private:
  void waitBefore(SourceLocation Loc, const VarDecl *VD) {
    Loc = SM.getExpansionLoc(Loc);
    if (Loc.isValid() && SM.isInMainFile(Loc))
      Waits.push_back({Loc, VD->getNameAsString()});
  }

  /// Walks the statements of \p CS in order; \p Pending holds the variables
  /// task calls before this point may still be writing.
  void block(const CompoundStmt *CS, VarSet &Pending) {
    for (const Stmt *S : CS->body())
      statement(S, Pending);
    // Locals of this block die at its `}`: tasks must be done with them.
    // (main's own locals: finish_main waits for every task already.)
    // They are out of scope after it.
    VarSet Locals;
    for (const VarDecl *VD : Pending)
      if (declaredIn(VD, CS))
        Locals.insert(VD);
    for (const VarDecl *VD : Locals) {
      if (CS != MainBody)
        waitBefore(CS->getRBracLoc(), VD);
      Pending.remove(VD);
    }
  }

  static bool declaredIn(const VarDecl *VD, const CompoundStmt *CS) {
    for (const Stmt *S : CS->body())
      if (const auto *DS = dyn_cast<DeclStmt>(S))
        for (const Decl *D : DS->decls())
          if (D == VD)
            return true;
    return false;
  }

  void statement(const Stmt *S, VarSet &Pending) {
    while (isa<SwitchCase, LabelStmt>(S))
      S = isa<SwitchCase>(S) ? cast<SwitchCase>(S)->getSubStmt()
                             : cast<LabelStmt>(S)->getSubStmt();
    if (const auto *CS = dyn_cast<CompoundStmt>(S)) {
      block(CS, Pending);
      return;
    }
    UseFinder F(Pending, Writes);
    F.TraverseStmt(const_cast<Stmt *>(S));
    for (const VarDecl *VD : F.Waited)
      Pending.remove(VD);
    for (const VarDecl *VD : F.Used) {
      if (!Pending.count(VD))
        continue;
      waitBefore(S->getBeginLoc(), VD);
      Pending.remove(VD);
    }
    // A return ends the locals' lives while tasks may still use them.
    if (isa<ReturnStmt>(S) && !InMain) {
      for (const VarDecl *VD : Pending)
        waitBefore(S->getBeginLoc(), VD);
      return;
    }
    // Nested blocks (loop and branch bodies) see what is pending here; a use
    // after a task call in the same iteration waits inside the body. In a
    // loop, what the body's tasks write is pending at the start of the next
    // iteration, and for the condition and increment.
    bool Loop = isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(S);
    for (const Stmt *Child : S->children())
      if (const auto *CS = dyn_cast_or_null<CompoundStmt>(Child)) {
        VarSet Inner = Pending;
        if (Loop) {
          Inner.insert(F.Written.begin(), F.Written.end());
          loopControlWaits(S, CS, F.Written);
        }
        block(CS, Inner);
      }
    for (const VarDecl *VD : F.Written)
      if (VD->hasLocalStorage() && !VD->getType()->isReferenceType())
        Pending.insert(VD);
  }

  /// `while (x < n) { t(x); }`: the condition reads what the body's tasks
  /// write, so the iteration ends with a wait.
  void loopControlWaits(const Stmt *Loop, const CompoundStmt *Body,
                        const VarSet &Written) {
    llvm::SmallVector<const Stmt *, 2> Control;
    if (const auto *F = dyn_cast<ForStmt>(Loop))
      Control = {F->getCond(), F->getInc()};
    else if (const auto *W = dyn_cast<WhileStmt>(Loop))
      Control = {W->getCond()};
    else if (const auto *D = dyn_cast<DoStmt>(Loop))
      Control = {D->getCond()};
    VarSet Used;
    for (const Stmt *C : Control) {
      if (!C)
        continue;
      UseFinder U(Written, Writes);
      U.TraverseStmt(const_cast<Stmt *>(C));
      Used.insert(U.Used.begin(), U.Used.end());
    }
    for (const VarDecl *VD : Used)
      waitBefore(Body->getRBracLoc(), VD);
  }

  const TaskWrites &Writes;
  const SourceManager &SM;
  bool InMain = false;

public:
  const Stmt *MainBody = nullptr;
};

} // namespace

std::vector<WaitInsertion> planWaits(llvm::ArrayRef<const Stmt *> Bodies,
                                     const Stmt *MainBody,
                                     const TaskWrites &Writes,
                                     const SourceManager &SM) {
  Planner P(Writes, SM);
  P.MainBody = MainBody;
  for (const Stmt *Body : Bodies)
    P.body(Body, Body == MainBody);
  return std::move(P.Waits);
}

} // namespace compss_cc
