//===- GlobalUses.cpp - Global variables a task reads or writes -----------===//

#include "GlobalUses.h"
#include "Serializability.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"

using namespace clang;

namespace compss_cc {

namespace {

/// Where a global is first read or written, and the function that is in.
struct Site {
  SourceLocation Loc;
  const FunctionDecl *In = nullptr;
};

/// The first read and first write of one global.
struct Use {
  Site Read, Write;
};

/// A variable of the program whose value a worker may not have: non-const,
/// one per process (not thread_local), not a parameter or an automatic local,
/// not the standard library's (std::cout, errno).
bool isGlobalState(const VarDecl *V, const SourceManager &SM) {
  return V && V->hasGlobalStorage() && V->getTLSKind() == VarDecl::TLS_None &&
         !V->getType().isConstQualified() && !V->getType()->isDependentType() &&
         !SM.isInSystemHeader(V->getLocation());
}

/// A member function with a const overload of the same name (operator[],
/// at, begin, data ...): an accessor, which writes nothing by itself.
bool isAccessor(const CXXMethodDecl *MD) {
  if (!MD || MD->isConst())
    return MD != nullptr;
  for (const NamedDecl *ND : MD->getParent()->lookup(MD->getDeclName())) {
    const NamedDecl *U = ND->getUnderlyingDecl();
    if (const auto *FT = dyn_cast<FunctionTemplateDecl>(U))
      U = FT->getTemplatedDecl();
    if (const auto *Other = dyn_cast<CXXMethodDecl>(U); Other && Other->isConst())
      return true;
  }
  return false;
}

/// The global an lvalue expression designates part of (`g`, `g.m`, `g[i]`
/// for an array or through an accessor), or null.
const VarDecl *baseVar(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return dyn_cast<VarDecl>(DRE->getDecl());
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (ME->isArrow())
        return nullptr;
      E = ME->getBase();
    } else if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      if (!AS->getBase()->IgnoreParenImpCasts()->getType()->isArrayType())
        return nullptr;
      E = AS->getBase();
    } else if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E)) {
      const auto *MD = dyn_cast_or_null<CXXMethodDecl>(OC->getDirectCallee());
      if (!MD || !isAccessor(MD) || OC->getNumArgs() == 0)
        return nullptr;
      E = OC->getArg(0);
    } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      if (!isAccessor(MC->getMethodDecl()))
        return nullptr;
      E = MC->getImplicitObjectArgument();
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

/// Walks one function body: the globals it reads and writes, the functions it
/// calls.
class BodyWalker : public RecursiveASTVisitor<BodyWalker> {
  using Base = RecursiveASTVisitor<BodyWalker>;

public:
  BodyWalker(const SourceManager &SM,
             llvm::MapVector<const VarDecl *, Use> &Uses,
             std::vector<const FunctionDecl *> &Callees)
      : SM(SM), Uses(Uses), Callees(Callees) {}

  void walk(const FunctionDecl *FD) {
    In = FD;
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD))
      for (const CXXCtorInitializer *Init : Ctor->inits())
        TraverseStmt(Init->getInit());
    TraverseStmt(FD->getBody());
  }

  bool shouldVisitImplicitCode() const { return true; }

  // Operands that are never evaluated read nothing.
  bool TraverseUnaryExprOrTypeTraitExpr(UnaryExprOrTypeTraitExpr *) {
    return true;
  }
  bool TraverseCXXNoexceptExpr(CXXNoexceptExpr *) { return true; }
  bool TraverseDecltypeTypeLoc(DecltypeTypeLoc) { return true; }
  bool TraverseCXXTypeidExpr(CXXTypeidExpr *E) {
    return E->isPotentiallyEvaluated() ? Base::TraverseCXXTypeidExpr(E) : true;
  }

  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    read(dyn_cast<VarDecl>(DRE->getDecl()), DRE->getLocation());
    return true;
  }

  /// `object.static_member`
  bool VisitMemberExpr(MemberExpr *ME) {
    read(dyn_cast<VarDecl>(ME->getMemberDecl()), ME->getMemberLoc());
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp())
      written(BO->getLHS());
    return true;
  }

  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->isIncrementDecrementOp())
      written(UO->getSubExpr());
    else if (UO->getOpcode() == UO_AddrOf && !pointsToConst(UO->getType()))
      written(UO->getSubExpr()); // may be written through
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (Callee)
      Callees.push_back(Callee);
    if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(CE)) {
      const auto *MD = dyn_cast_or_null<CXXMethodDecl>(Callee);
      if (MD && MD->isInstance() && !isAccessor(MD) && OC->getNumArgs() > 0)
        written(OC->getArg(0)); // `g = x`, `g += x`
      if (MD && MD->isInstance()) // the object is not among the parameters
        return writtenArgs(Callee, CE->getNumArgs() > 0 ? CE->arguments().begin() + 1
                                                        : CE->arguments().begin(),
                           CE->arguments().end());
    } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
      if (const CXXMethodDecl *MD = MC->getMethodDecl();
          MD && !isAccessor(MD) && !MD->isStatic())
        written(MC->getImplicitObjectArgument());
    }
    if (Callee)
      writtenArgs(Callee, CE->arguments().begin(), CE->arguments().end());
    return true;
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    if (const CXXConstructorDecl *Ctor = CE->getConstructor()) {
      Callees.push_back(Ctor);
      writtenArgs(Ctor, CE->arguments().begin(), CE->arguments().end());
    }
    return true;
  }

private:
  static bool pointsToConst(QualType T) {
    return T->isPointerType() && T->getPointeeType().isConstQualified();
  }

  /// Arguments bound to a non-const reference or pointer parameter.
  template <class It>
  bool writtenArgs(const FunctionDecl *Callee, It Begin, It End) {
    unsigned I = 0;
    for (It A = Begin; A != End && I < Callee->getNumParams(); ++A, ++I) {
      QualType P = Callee->getParamDecl(I)->getType();
      bool MayWrite =
          (P->isReferenceType() && !P->getPointeeType().isConstQualified()) ||
          (P->isPointerType() && !pointsToConst(P) &&
           (*A)->IgnoreParenImpCasts()->getType()->isArrayType());
      if (MayWrite)
        written(*A);
    }
    return true;
  }

  void read(const VarDecl *V, SourceLocation Loc) { note(V, &Use::Read, Loc); }

  /// \p E is written (or may be, through what it gives): at its start, the global.
  void written(const Expr *E) {
    note(baseVar(E), &Use::Write, E->getBeginLoc());
  }

  /// Records the first site of a read or a write of \p V.
  void note(const VarDecl *V, Site Use::*Which, SourceLocation Loc) {
    if (!isGlobalState(V, SM))
      return;
    Site &S = Uses[V->getCanonicalDecl()].*Which;
    if (S.Loc.isInvalid())
      S = {Loc, In};
  }

  const SourceManager &SM;
  llvm::MapVector<const VarDecl *, Use> &Uses;
  std::vector<const FunctionDecl *> &Callees;
  const FunctionDecl *In = nullptr;
};

/// `::ns::name`, naming \p V from the global namespace (unnamed and inline
/// namespaces left out: lookup finds their members anyway).
std::string globalRef(const VarDecl *V, const PrintingPolicy &Policy) {
  PrintingPolicy P(Policy);
  P.SuppressUnwrittenScope = true;
  P.SuppressInlineNamespace = true;
  std::string Name;
  llvm::raw_string_ostream OS(Name);
  V->printQualifiedName(OS, P);
  return "::" + Name;
}

/// Why the value of \p V cannot be sent to a worker, or empty.
std::string unshippable(SerializabilityChecker &Travel, const VarDecl *V) {
  if (V->getType()->isReferenceType())
    return "a reference";
  if (isa<VarTemplateSpecializationDecl>(V))
    return "a variable template";
  if (V->isStaticDataMember() && V->getAccess() != AS_public)
    return "a member the generated code cannot name: it is not public";
  for (const DeclContext *DC = V->getDeclContext(); DC; DC = DC->getParent())
    if (DC->isFunctionOrMethod())
      return "declared inside a function";
  // A C array of trivially copyable elements travels as its bytes
  // (task_globals.hpp's global_var).
  ASTContext &Ctx = V->getASTContext();
  if (const ConstantArrayType *Array = Ctx.getAsConstantArrayType(V->getType())) {
    QualType E = Ctx.getBaseElementType(Array);
    if (E->isPointerType() || E->isMemberPointerType())
      return "an array of pointers: an address means nothing on another node";
    if (!E.isTriviallyCopyableType(Ctx))
      return "an array of '" + E.getAsString() + "', which is not trivially copyable";
    // What C++ cannot see: a trivially copyable element holding an address
    // (a pointer member, a std::string_view) means nothing on another node.
    if (auto B = Travel.checkParam(E, ParamKind::Object, false, V->getLocation()))
      return "an array of '" + E.getAsString() + "': " + B->Reason;
    return "";
  }
  if (auto B = Travel.checkParam(V->getType(), ParamKind::Object, false,
                                 V->getLocation()))
    return B->Reason;
  return "";
}

/// The body of task \p T in this translation unit, or null.
const FunctionDecl *taskBody(const ResolvedTask &T) {
  const FunctionDecl *Def = nullptr;
  if (T.Kind != TaskKind::Function || T.IsTemplate || !T.Decl->hasBody(Def))
    return nullptr;
  return Def;
}

/// The globals \p Def reads and writes, itself and through the functions of
/// the translation unit it calls.
llvm::MapVector<const VarDecl *, Use> findUses(const SourceManager &SM,
                                               const FunctionDecl *Def) {
  llvm::MapVector<const VarDecl *, Use> Uses;
  std::vector<const FunctionDecl *> Work = {Def};
  llvm::DenseSet<const FunctionDecl *> Seen = {Def->getCanonicalDecl()};
  for (size_t I = 0; I != Work.size(); ++I) {
    std::vector<const FunctionDecl *> Callees;
    BodyWalker(SM, Uses, Callees).walk(Work[I]);
    // The standard library's functions are not walked: its own state is its own.
    for (const FunctionDecl *C : Callees) {
      const FunctionDecl *Body = nullptr;
      if (C->hasBody(Body) && !SM.isInSystemHeader(Body->getLocation()) &&
          Seen.insert(Body->getCanonicalDecl()).second)
        Work.push_back(Body);
    }
  }
  return Uses;
}

} // namespace

GlobalsTasksWrite findGlobalsTasksWrite(Sema &S,
                                        llvm::ArrayRef<const ResolvedTask *> Tasks) {
  GlobalsTasksWrite Written;
  for (const ResolvedTask *T : Tasks)
    if (const FunctionDecl *Def = taskBody(*T))
      for (const auto &[V, U] : findUses(S.getSourceManager(), Def))
        if (U.Write.Loc.isValid())
          Written.insert({V, T->Name});
  return Written;
}

TaskGlobals findTaskGlobals(Sema &S, Diagnostics &D, const PrintingPolicy &Policy,
                            const ResolvedTask &T,
                            const GlobalsTasksWrite &TasksWrite, bool Warn) {
  TaskGlobals Result;
  const FunctionDecl *Def = taskBody(T);
  if (!Def)
    return Result;
  auto Uses = findUses(S.getSourceManager(), Def);

  SerializabilityChecker Travel(S, Policy);
  auto Through = [&](const FunctionDecl *In) {
    if (!In || In == Def)
      return std::string();
    return " (in '" + In->getQualifiedNameAsString() + "', which it calls)";
  };
  for (const auto &[V, U] : Uses) {
    std::string Name = V->getQualifiedNameAsString();
    if (U.Write.Loc.isValid()) {
      if (Result.MasterOnly.empty()) {
        Result.MasterOnly = "it writes global '" + Name +
                            "' (a worker's write would be lost)";
        if (Warn) {
          D.report(U.Write.Loc, Diag::GlobalWrittenWarning)
              << T.Name << Name << Through(U.Write.In);
          D.report(V->getLocation(), Diag::GlobalDeclaredNote) << Name;
        }
      }
      continue;
    }
    // A value sent at submission would be the one from before the writing
    // task ran (and taken while it may be writing it): read it here instead,
    // where the task's dependences order it after the write.
    if (auto Writer = TasksWrite.find(V); Writer != TasksWrite.end()) {
      if (Result.MasterOnly.empty()) {
        Result.MasterOnly = "it reads global '" + Name + "', which task '" +
                            Writer->second + "' writes";
        if (Warn) {
          D.report(U.Read.Loc, Diag::GlobalWrittenByTaskWarning)
              << T.Name << Name << Through(U.Read.In) << Writer->second;
          D.report(V->getLocation(), Diag::GlobalDeclaredNote) << Name;
        }
      }
      continue;
    }
    if (V->isStaticLocal())
      continue; // read only: each process's own, as its initializer made it
    std::string Why = unshippable(Travel, V);
    if (Why.empty()) {
      Result.Shipped.push_back({globalRef(V, Policy), Name});
      continue;
    }
    if (Result.MasterOnly.empty()) {
      Result.MasterOnly = "it reads global '" + Name +
                          "', which cannot be sent to a worker (" + Why + ")";
      if (Warn) {
        D.report(U.Read.Loc, Diag::GlobalNotShippableWarning)
            << T.Name << Name << V->getType() << Why << Through(U.Read.In);
        D.report(V->getLocation(), Diag::GlobalDeclaredNote) << Name;
      }
    }
  }
  if (!Result.MasterOnly.empty())
    Result.Shipped.clear(); // it never travels: nothing to send
  return Result;
}

} // namespace compss_cc
