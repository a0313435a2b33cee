//===- UnsyncReads.cpp - Reads that may race with a task ------------------===//

#include "UnsyncReads.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSwitch.h"
#include <climits>
#include <map>
#include <optional>

using namespace clang;

namespace compss_cc {

namespace {

/// How deep a use may read: a call that may follow pointers without end.
constexpr int Unbounded = INT_MAX / 2;

/// Data reached from a variable through Depth indirections. Var null stands
/// for `this` (a pointer: the object is at depth 1).
struct Place {
  const VarDecl *Var = nullptr;
  int Depth = 0;
};

std::string nameOf(const VarDecl *V) {
  return V ? V->getNameAsString() : "this";
}

/// Data a task submitted earlier may still be writing: the variable's data at
/// Depth and deeper.
struct Write {
  int Depth = 0;
  std::string Task;
  SourceLocation At; ///< the call that submitted it, in this body
  std::string Via;   ///< the function called at At, if not the task itself
  /// The automatic waits wait for it (a local named in the task call).
  bool Covered = false;
};

using WriteMap = llvm::MapVector<const VarDecl *, Write>;

void addWrite(WriteMap &M, const VarDecl *V, const Write &W) {
  auto [It, Added] = M.insert({V, W});
  if (Added)
    return;
  bool Covered = It->second.Covered && W.Covered;
  if (W.Depth < It->second.Depth)
    It->second = W;
  It->second.Covered = Covered;
}

WriteMap merged(WriteMap A, const WriteMap &B) {
  for (const auto &[V, W] : B)
    addWrite(A, V, W);
  return A;
}

/// What a function of the file does to the data its callers reach through its
/// parameters (and to globals): tasks left pending when it returns, and how
/// deep it reads.
struct Summary {
  WriteMap Writes;
  llvm::DenseMap<const VarDecl *, int> Reads;
};

bool isCompssFunction(const FunctionDecl *FD, llvm::StringRef Name) {
  return FD && FD->getIdentifier() && FD->getName() == Name &&
         FD->getQualifiedNameAsString() == ("compss::" + Name).str();
}

/// How many levels of std::vector / std::array wait_on waits through.
int containerLevels(QualType T) {
  T = T.getNonReferenceType().getCanonicalType();
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T->getAsCXXRecordDecl());
  if (!Spec || !Spec->isInStdNamespace() || !Spec->getIdentifier() ||
      (Spec->getName() != "vector" && Spec->getName() != "array"))
    return 0;
  const TemplateArgumentList &Args = Spec->getTemplateArgs();
  if (Args.size() == 0 || Args[0].getKind() != TemplateArgument::Type)
    return 1;
  return 1 + containerLevels(Args[0].getAsType());
}

/// A method that reads only the object's own fields (a container's size).
bool readsOnlyObject(const FunctionDecl *FD) {
  if (!FD || !FD->getIdentifier())
    return false;
  const DeclContext *DC = FD->getDeclContext();
  while (DC && !DC->isStdNamespace())
    DC = DC->getParent();
  if (!DC)
    return false;
  return llvm::StringSwitch<bool>(FD->getName())
      .Cases("size", "empty", "capacity", "max_size", "length", true)
      .Default(false);
}

class Analysis;

/// Walks one body in statement order, tracking the pending writes.
class Walker {
public:
  Walker(Analysis &A, bool Report) : A(A), Report(Report) {}

  void body(const Stmt *Body) {
    if (const auto *CS = dyn_cast_or_null<CompoundStmt>(Body))
      block(CS);
    Exit = merged(std::move(Exit), Pending);
  }

  /// After body(): what \p FD leaves pending through its parameters and
  /// globals, and how deep it reads them.
  Summary summary(const FunctionDecl *FD) const;

private:
  void block(const CompoundStmt *CS);
  void stmt(const Stmt *S);
  void loop(const Stmt *Cond, const Stmt *Inc, const Stmt *Body);
  void scan(const Stmt *S);
  void call(const CallExpr *CE);
  void arguments(const FunctionDecl *FD, const Expr *Object,
                 llvm::ArrayRef<const Expr *> Args, const Expr *Whole);
  void taskCall(const CallExpr *CE, const TaskCallWrites &T);
  void waitOn(const Expr *Arg);
  void use(const Expr *At, Place P, int Reach, const std::string &What);
  std::optional<Place> place(const Expr *E,
                             llvm::SmallVectorImpl<const Expr *> &Side) const;
  void syncBetween(std::optional<unsigned> From, std::optional<unsigned> To);

  Analysis &A;
  bool Report;
  WriteMap Pending, Exit;
  /// Local pointers and references set from a place: `float *row = B[i];`.
  llvm::DenseMap<const VarDecl *, Place> Alias;
  llvm::DenseMap<const VarDecl *, int> Reads;
};

class Analysis {
public:
  Analysis(llvm::ArrayRef<const Stmt *> Bodies, const TaskCallMap &Tasks,
           llvm::ArrayRef<SyncPoint> Syncs, ASTContext &Ctx, Diagnostics &D)
      : Tasks(Tasks), Syncs(Syncs), Ctx(Ctx), SM(Ctx.getSourceManager()), D(D),
        Bodies(Bodies.begin(), Bodies.end()) {}

  /// The summary of a function defined in the main file; null otherwise (or
  /// while it is being summarised: a recursive call).
  const Summary *summary(const FunctionDecl *FD) {
    FD = FD ? FD->getDefinition() : nullptr;
    if (!FD || !Bodies.contains(FD->getBody()) || !InProgress.insert(FD).second)
      return nullptr;
    auto Found = Done.find(FD);
    if (Found == Done.end()) {
      Walker W(*this, /*Report=*/false);
      W.body(FD->getBody());
      Found = Done.emplace(FD, W.summary(FD)).first;
    }
    InProgress.erase(FD);
    return &Found->second;
  }

  std::optional<unsigned> offset(SourceLocation L) const {
    L = SM.getExpansionLoc(L);
    if (L.isInvalid() || !SM.isInMainFile(L))
      return std::nullopt;
    return SM.getFileOffset(L);
  }

  /// `'B[i][j]'`, or `this use of 'B'` for long or macro text.
  std::string describe(const Expr *E, const VarDecl *V) const {
    CharSourceRange R = Lexer::makeFileCharRange(
        CharSourceRange::getTokenRange(E->getSourceRange()), SM,
        Ctx.getLangOpts());
    llvm::StringRef Text =
        R.isValid() ? Lexer::getSourceText(R, SM, Ctx.getLangOpts()) : "";
    if (Text.empty() || Text.size() > 48 || Text.contains('\n'))
      return "this use of '" + nameOf(V) + "'";
    return "'" + Text.str() + "'";
  }

  void warn(const Expr *At, const VarDecl *V, const Write &W,
            const std::string &What) {
    std::optional<unsigned> Off = offset(At->getBeginLoc());
    if (!Off || !Warned.insert(*Off).second)
      return;
    D.report(At->getBeginLoc(), Diag::UnsyncReadWarning)
        << What << nameOf(V) << W.Task;
    if (W.Via.empty())
      D.report(W.At, Diag::TaskSubmittedNote) << W.Task;
    else
      D.report(W.At, Diag::TaskSubmittedViaNote) << W.Task << W.Via;
    D.report(At->getBeginLoc(), Diag::BarrierBeforeReadNote);
  }

  const TaskCallMap &Tasks;
  llvm::ArrayRef<SyncPoint> Syncs;
  ASTContext &Ctx;
  const SourceManager &SM;

private:
  Diagnostics &D;
  llvm::DenseSet<const Stmt *> Bodies;
  std::map<const FunctionDecl *, Summary> Done;
  llvm::DenseSet<const FunctionDecl *> InProgress;
  llvm::DenseSet<unsigned> Warned;
};

Summary Walker::summary(const FunctionDecl *FD) const {
  Summary S;
  auto Outside = [&](const VarDecl *V) {
    if (!V)
      return isa<CXXMethodDecl>(FD); // `this`
    if (const auto *P = dyn_cast<ParmVarDecl>(V))
      return P->getDeclContext() == FD;
    return V->hasGlobalStorage();
  };
  for (const auto &[V, W] : Exit) {
    // A by-value parameter written itself is the function's own copy.
    bool Shared = W.Depth > 0 || !isa_and_nonnull<ParmVarDecl>(V) ||
                  V->getType()->isReferenceType();
    if (Outside(V) && Shared)
      addWrite(S.Writes, V, W);
  }
  for (const auto &[V, Reach] : Reads)
    if (Outside(V))
      S.Reads[V] = Reach;
  return S;
}

void Walker::syncBetween(std::optional<unsigned> From,
                         std::optional<unsigned> To) {
  if (!From || !To)
    return;
  for (const SyncPoint &P : A.Syncs) {
    if (P.Offset < *From || P.Offset >= *To)
      continue;
    if (P.All) {
      Pending.clear();
      continue;
    }
    Pending.remove_if([&](const std::pair<const VarDecl *, Write> &E) {
      return E.first && E.first->getName() == P.Var &&
             E.second.Depth <= containerLevels(E.first->getType());
    });
  }
}

void Walker::block(const CompoundStmt *CS) {
  std::optional<unsigned> Prev = A.offset(CS->getLBracLoc());
  for (const Stmt *S : CS->body()) {
    syncBetween(Prev, A.offset(S->getBeginLoc()));
    stmt(S);
    Prev = A.offset(S->getEndLoc());
  }
  std::optional<unsigned> End = A.offset(CS->getRBracLoc());
  syncBetween(Prev, End ? std::optional<unsigned>(*End + 1) : std::nullopt);
}

void Walker::loop(const Stmt *Cond, const Stmt *Inc, const Stmt *Body) {
  // The second pass sees what the first iteration left pending.
  WriteMap Before = Pending;
  for (int Pass = 0; Pass != 2; ++Pass) {
    scan(Cond);
    stmt(Body);
    scan(Inc);
    Pending = merged(std::move(Pending), Before);
  }
}

void Walker::stmt(const Stmt *S) {
  if (!S)
    return;
  while (isa<SwitchCase, LabelStmt>(S))
    S = isa<SwitchCase>(S) ? cast<SwitchCase>(S)->getSubStmt()
                           : cast<LabelStmt>(S)->getSubStmt();
  if (const auto *CS = dyn_cast<CompoundStmt>(S))
    return block(CS);
  if (const auto *If = dyn_cast<IfStmt>(S)) {
    stmt(If->getInit());
    stmt(If->getConditionVariableDeclStmt());
    scan(If->getCond());
    WriteMap Before = Pending;
    stmt(If->getThen());
    WriteMap Then = std::move(Pending);
    Pending = std::move(Before);
    stmt(If->getElse());
    Pending = merged(std::move(Then), Pending);
    return;
  }
  if (const auto *For = dyn_cast<ForStmt>(S)) {
    stmt(For->getInit());
    return loop(For->getCond(), For->getInc(), For->getBody());
  }
  if (const auto *While = dyn_cast<WhileStmt>(S))
    return loop(While->getCond(), nullptr, While->getBody());
  if (const auto *Do = dyn_cast<DoStmt>(S))
    return loop(Do->getCond(), nullptr, Do->getBody());
  if (const auto *Range = dyn_cast<CXXForRangeStmt>(S)) {
    stmt(Range->getInit());
    llvm::SmallVector<const Expr *, 4> Side;
    const VarDecl *Element = Range->getLoopVariable();
    if (std::optional<Place> P = place(Range->getRangeInit(), Side)) {
      // The loop variable stands for the elements, one indirection down.
      Place Elements{P->Var, P->Depth + 1};
      Alias[Element] = Elements;
      if (!Element->getType()->isReferenceType())
        use(Range->getRangeInit(), Elements, Elements.Depth,
            A.describe(Range->getRangeInit(), P->Var));
      for (const Expr *E : Side)
        scan(E);
    } else {
      scan(Range->getRangeInit());
    }
    return loop(nullptr, nullptr, Range->getBody());
  }
  if (const auto *Ret = dyn_cast<ReturnStmt>(S)) {
    scan(Ret->getRetValue());
    // The automatic waits wait at a return for what they cover.
    Pending.remove_if([](const std::pair<const VarDecl *, Write> &E) {
      return E.second.Covered;
    });
    Exit = merged(std::move(Exit), Pending);
    Pending.clear();
    return;
  }
  if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *Dc : DS->decls()) {
      const auto *VD = dyn_cast<VarDecl>(Dc);
      if (!VD || !VD->getInit())
        continue;
      QualType T = VD->getType();
      llvm::SmallVector<const Expr *, 4> Side;
      std::optional<Place> P;
      if (T->isReferenceType() || T->isPointerType())
        P = place(VD->getInit(), Side);
      if (!P) {
        scan(VD->getInit());
        continue;
      }
      Alias[VD] = *P;
      // Binding a reference reads nothing; a pointer copies its value.
      if (!T->isReferenceType())
        use(VD->getInit(), *P, P->Depth, A.describe(VD->getInit(), P->Var));
      for (const Expr *E : Side)
        scan(E);
    }
    return;
  }
  if (const auto *Try = dyn_cast<CXXTryStmt>(S)) {
    stmt(Try->getTryBlock());
    for (unsigned I = 0; I != Try->getNumHandlers(); ++I)
      stmt(Try->getHandler(I)->getHandlerBlock());
    return;
  }
  if (const auto *Switch = dyn_cast<SwitchStmt>(S)) {
    stmt(Switch->getInit());
    scan(Switch->getCond());
    return stmt(Switch->getBody());
  }
  scan(S);
}

std::optional<Place>
Walker::place(const Expr *E, llvm::SmallVectorImpl<const Expr *> &Side) const {
  int Depth = 0;
  while (E) {
    E = E->IgnoreParens();
    if (const auto *C = dyn_cast<CastExpr>(E)) {
      switch (C->getCastKind()) {
      case CK_NoOp:
      case CK_LValueToRValue:
      case CK_ArrayToPointerDecay:
      case CK_BitCast:
      case CK_DerivedToBase:
      case CK_UncheckedDerivedToBase:
      case CK_BaseToDerived:
      case CK_Dynamic:
        E = C->getSubExpr();
        continue;
      default:
        return std::nullopt;
      }
    }
    if (const auto *U = dyn_cast<UnaryOperator>(E)) {
      if (U->getOpcode() == UO_Deref)
        ++Depth;
      else if (U->getOpcode() == UO_AddrOf)
        --Depth;
      else if (!U->isIncrementDecrementOp())
        return std::nullopt;
      E = U->getSubExpr();
      continue;
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      Side.push_back(AS->getIdx());
      // An element of an array is inside the array; of a pointer, behind it.
      if (!AS->getBase()->IgnoreParenImpCasts()->getType()->isArrayType())
        ++Depth;
      E = AS->getBase();
      continue;
    }
    if (const auto *M = dyn_cast<MemberExpr>(E)) {
      if (!isa<FieldDecl>(M->getMemberDecl()))
        return std::nullopt;
      if (M->isArrow())
        ++Depth;
      E = M->getBase();
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      OverloadedOperatorKind K = Op->getOperator();
      if (K == OO_Subscript && Op->getNumArgs() == 2)
        Side.push_back(Op->getArg(1));
      else if (K != OO_Star && K != OO_Arrow)
        return std::nullopt;
      // `p->x` counts its indirection at the member.
      if (K != OO_Arrow)
        ++Depth;
      E = Op->getArg(0);
      continue;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      const CXXMethodDecl *MD = MC->getMethodDecl();
      if (!MD || !MD->getIdentifier())
        return std::nullopt;
      llvm::StringRef Name = MD->getName();
      if (Name == "at" || Name == "front" || Name == "back")
        ++Depth;
      else if (Name != "data" && Name != "get")
        return std::nullopt;
      for (const Expr *Arg : MC->arguments())
        Side.push_back(Arg);
      E = MC->getImplicitObjectArgument();
      continue;
    }
    if (const auto *B = dyn_cast<BinaryOperator>(E)) {
      if (!B->isAdditiveOp() || !B->getType()->isPointerType())
        return std::nullopt;
      bool LeftIsPointer = B->getLHS()->getType()->isPointerType();
      Side.push_back(LeftIsPointer ? B->getRHS() : B->getLHS());
      E = LeftIsPointer ? B->getLHS() : B->getRHS();
      continue;
    }
    if (isa<CXXThisExpr>(E))
      return Place{nullptr, Depth};
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (!VD)
      return std::nullopt;
    auto It = Alias.find(VD);
    if (It != Alias.end())
      return Place{It->second.Var, It->second.Depth + Depth};
    return Place{VD, Depth};
  }
  return std::nullopt;
}

void Walker::use(const Expr *At, Place P, int Reach, const std::string &What) {
  int &Deepest = Reads.try_emplace(P.Var, INT_MIN).first->second;
  Deepest = std::max(Deepest, Reach);
  auto It = Pending.find(P.Var);
  if (It == Pending.end())
    return;
  // The automatic waits wait before any use of what they cover.
  if (!It->second.Covered && Reach < It->second.Depth)
    return;
  Write W = It->second;
  Pending.erase(It);
  if (Report && !W.Covered)
    A.warn(At, P.Var, W, What);
}

void Walker::scan(const Stmt *S) {
  if (!S || isa<LambdaExpr, UnaryExprOrTypeTraitExpr>(S))
    return;
  if (const auto *E = dyn_cast<Expr>(S)) {
    llvm::SmallVector<const Expr *, 4> Side;
    if (std::optional<Place> P = place(E, Side)) {
      use(E, *P, P->Depth, A.describe(E, P->Var));
      for (const Expr *I : Side)
        scan(I);
      return;
    }
  }
  if (const auto *CE = dyn_cast<CallExpr>(S))
    return call(CE);
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(S))
    return arguments(
        Construct->getConstructor(), nullptr,
        llvm::ArrayRef(Construct->getArgs(), Construct->getNumArgs()),
        Construct);
  if (const auto *Delete = dyn_cast<CXXDeleteExpr>(S)) {
    llvm::SmallVector<const Expr *, 4> Side;
    if (std::optional<Place> P = place(Delete->getArgument(), Side)) {
      use(Delete, *P, Unbounded, A.describe(Delete, P->Var));
      for (const Expr *I : Side)
        scan(I);
      return;
    }
  }
  for (const Stmt *Child : S->children())
    scan(Child);
}

void Walker::taskCall(const CallExpr *CE, const TaskCallWrites &T) {
  for (const Expr *Arg : T.Written) {
    llvm::SmallVector<const Expr *, 4> Side;
    std::optional<Place> P = place(Arg, Side);
    if (!P)
      continue;
    // An array section (a pointer argument): the task writes what it points to.
    const Expr *Bare = Arg->IgnoreParenImpCasts();
    int Depth = P->Depth + (Bare->getType()->isPointerType() ? 1 : 0);
    if (const auto *U = dyn_cast<UnaryOperator>(Bare);
        U && U->getOpcode() == UO_AddrOf)
      Bare = U->getSubExpr()->IgnoreParenImpCasts();
    const auto *DRE = dyn_cast<DeclRefExpr>(Bare);
    const auto *Named = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    bool Covered = Named && Named->hasLocalStorage() &&
                   !Named->getType()->isReferenceType() && !Alias.count(Named);
    addWrite(Pending, P->Var, {Depth, T.Task, CE->getBeginLoc(), "", Covered});
  }
}

void Walker::waitOn(const Expr *Arg) {
  llvm::SmallVector<const Expr *, 4> Side;
  std::optional<Place> P = place(Arg, Side);
  // wait_on(c[0]) waits for one element: the others may still be written.
  if (!P || !Side.empty())
    return;
  auto It = Pending.find(P->Var);
  int Levels = containerLevels(Arg->getType());
  if (It != Pending.end() && It->second.Depth <= P->Depth + Levels)
    Pending.erase(It);
}

void Walker::call(const CallExpr *CE) {
  auto Task = A.Tasks.find(CE);
  if (Task != A.Tasks.end())
    return taskCall(CE, Task->second);
  const FunctionDecl *FD = CE->getDirectCallee();
  // snapshot() waits for every task as barrier() does (compss/resources.hpp).
  if (isCompssFunction(FD, "barrier") ||
      isCompssFunction(FD, "barrier_group") ||
      isCompssFunction(FD, "snapshot")) {
    Pending.clear();
    return;
  }
  if (isCompssFunction(FD, "wait_on")) {
    for (const Expr *Arg : CE->arguments())
      waitOn(Arg);
    return;
  }
  if (!FD)
    scan(CE->getCallee());
  const Expr *Object = nullptr;
  llvm::ArrayRef<const Expr *> Args(CE->getArgs(), CE->getNumArgs());
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
    Object = MC->getImplicitObjectArgument();
  } else if (isa<CXXOperatorCallExpr>(CE) &&
             isa_and_nonnull<CXXMethodDecl>(FD) &&
             !cast<CXXMethodDecl>(FD)->isStatic() && !Args.empty()) {
    Object = Args.front();
    Args = Args.drop_front();
  }
  arguments(FD, Object, Args, CE);
}

void Walker::arguments(const FunctionDecl *FD, const Expr *Object,
                       llvm::ArrayRef<const Expr *> Args, const Expr *Whole) {
  const Summary *Sum = A.summary(FD);
  std::string What = FD && FD->getIdentifier()
                         ? "the call to '" + FD->getNameAsString() + "'"
                         : std::string("this call");
  auto Reach = [&](const Expr *Arg, Place P, const ParmVarDecl *Param) {
    if (Sum && Param) {
      auto R = Sum->Reads.find(Param);
      if (R == Sum->Reads.end() || R->second == INT_MIN)
        return INT_MIN;
      return R->second >= Unbounded ? Unbounded : P.Depth + R->second;
    }
    // Unknown code may follow a pointer or reference, or copy a container.
    QualType T = Param ? Param->getType() : Arg->getType();
    if (T->isReferenceType() || T->isPointerType() || T->isRecordType() ||
        T->isArrayType())
      return Unbounded;
    return P.Depth;
  };
  llvm::SmallVector<std::optional<Place>, 4> Places;
  // The object as the callee's `this` sees it: a pointer, one level up.
  std::optional<Place> This;
  if (Object) {
    llvm::SmallVector<const Expr *, 4> Side;
    if (std::optional<Place> P = place(Object, Side)) {
      This = Place{P->Var, P->Depth - 1};
      int R = Unbounded;
      if (readsOnlyObject(FD)) {
        R = P->Depth;
      } else if (Sum) {
        auto It = Sum->Reads.find(nullptr);
        R = It == Sum->Reads.end() || It->second == INT_MIN ? INT_MIN
            : It->second >= Unbounded                       ? Unbounded
                                      : This->Depth + It->second;
      }
      if (R != INT_MIN)
        use(Object, *P, R, What);
      for (const Expr *E : Side)
        scan(E);
    } else {
      scan(Object);
    }
  }
  for (unsigned I = 0; I != Args.size(); ++I) {
    const ParmVarDecl *Param =
        FD && I < FD->getNumParams() ? FD->getParamDecl(I) : nullptr;
    llvm::SmallVector<const Expr *, 4> Side;
    std::optional<Place> P = place(Args[I], Side);
    Places.push_back(P);
    if (!P) {
      scan(Args[I]);
      continue;
    }
    int R = Reach(Args[I], *P, Param);
    // A value copied into unknown code: the argument itself is the read.
    bool Copied = !(Sum && Param) && R == P->Depth;
    if (R != INT_MIN)
      use(Args[I], *P, R, Copied ? A.describe(Args[I], P->Var) : What);
    for (const Expr *E : Side)
      scan(E);
  }
  if (!Sum)
    return;
  // The callee reads globals, then leaves tasks pending.
  for (const auto &[V, R] : Sum->Reads)
    if (V && !isa<ParmVarDecl>(V) && R != INT_MIN)
      use(Whole, {V, 0}, R, What);
  for (const auto &[V, W] : Sum->Writes) {
    Write Here = W;
    Here.At = Whole->getBeginLoc();
    Here.Via = FD->getNameAsString();
    Here.Covered = false;
    if (!V) {
      if (This) {
        Here.Depth += This->Depth;
        addWrite(Pending, This->Var, Here);
      }
      continue;
    }
    const auto *Param = dyn_cast<ParmVarDecl>(V);
    if (!Param) {
      addWrite(Pending, V, Here);
      continue;
    }
    unsigned I = Param->getFunctionScopeIndex();
    if (I >= Places.size() || !Places[I])
      continue;
    Here.Depth += Places[I]->Depth;
    addWrite(Pending, Places[I]->Var, Here);
  }
}

} // namespace

void warnUnsynchronizedReads(llvm::ArrayRef<const Stmt *> Bodies,
                             const TaskCallMap &Tasks,
                             llvm::ArrayRef<SyncPoint> Syncs, ASTContext &Ctx,
                             Diagnostics &D) {
  Analysis A(Bodies, Tasks, Syncs, Ctx, D);
  for (const Stmt *Body : Bodies) {
    Walker W(A, /*Report=*/true);
    W.body(Body);
  }
}

} // namespace compss_cc
