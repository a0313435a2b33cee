//===- TaskSema.cpp - Check task pragmas against their functions ----------===//

#include "TaskSema.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/QualTypeNames.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"
#include <map>

using namespace clang;

namespace compss_cc {

namespace {

/// True if only whitespace, comments, preprocessor lines and `[[...]]`
/// attributes separate the end of a pragma from the declaration after it.
bool onlyTriviaBetween(llvm::StringRef Text) {
  size_t I = 0, N = Text.size();
  bool LineStart = true;
  while (I < N) {
    char C = Text[I];
    if (C == '\n') {
      LineStart = true;
      ++I;
    } else if (isspace(static_cast<unsigned char>(C))) {
      ++I;
    } else if (Text.substr(I).starts_with("//")) {
      I = Text.find('\n', I);
      if (I == llvm::StringRef::npos)
        return true;
    } else if (Text.substr(I).starts_with("/*")) {
      I = Text.find("*/", I + 2);
      if (I == llvm::StringRef::npos)
        return false;
      I += 2;
    } else if (C == '#' && LineStart) {
      // A directive, with its continuation lines.
      while (I < N && Text[I] != '\n')
        I += (Text[I] == '\\' && I + 1 < N) ? 2 : 1;
    } else if (Text.substr(I).starts_with("[[")) {
      I = Text.find("]]", I + 2);
      if (I == llvm::StringRef::npos)
        return false;
      I += 2;
      LineStart = false;
    } else {
      return false;
    }
  }
  return true;
}

class Checker {
public:
  Checker(ASTContext &Ctx, Diagnostics &D)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), D(D),
        Policy(Ctx.getPrintingPolicy()) {
    Policy.SuppressUnwrittenScope = true;
    Policy.SuppressInlineNamespace = true;
    Policy.AnonymousTagLocations = false;
    Policy.SuppressTagKeyword = true;
  }

  std::vector<ResolvedTask> run(llvm::ArrayRef<TaskPragma> Tasks,
                                llvm::ArrayRef<const Decl *> Candidates);

private:
  const FunctionDecl *match(const TaskPragma &T,
                            llvm::ArrayRef<const Decl *> Candidates);
  bool checkDecl(const TaskPragma &T, const FunctionDecl *FD);
  bool resolve(const TaskPragma &T, const FunctionDecl *FD, ResolvedTask &R);
  bool isPathType(QualType T) const;
  std::string typeName(QualType T, bool GlobalPrefix) const {
    return TypeName::getFullyQualifiedName(T, Ctx, Policy, GlobalPrefix);
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  Diagnostics &D;
  PrintingPolicy Policy;
};

SourceLocation taskTokenLoc(const TaskPragma &T) {
  return T.Raw->Tokens.empty() ? T.Raw->HashLoc : T.Raw->Tokens.front().Loc;
}

const FunctionDecl *Checker::match(const TaskPragma &T,
                                   llvm::ArrayRef<const Decl *> Candidates) {
  FileID File = SM.getFileID(T.Raw->EndLoc);
  unsigned After = SM.getFileOffset(T.Raw->EndLoc);
  const Decl *Best = nullptr;
  unsigned BestOffset = 0;
  for (const Decl *Cand : Candidates) {
    SourceLocation Loc = SM.getExpansionLoc(Cand->getBeginLoc());
    if (Loc.isInvalid() || SM.getFileID(Loc) != File)
      continue;
    unsigned Offset = SM.getFileOffset(Loc);
    if (Offset < After || (Best && Offset > BestOffset))
      continue;
    // Of the declarations starting at the same place, a template wins over
    // its pattern, and a function over anything else.
    if (Best && Offset == BestOffset &&
        (isa<FunctionTemplateDecl>(Best) ||
         (isa<FunctionDecl>(Best) && !isa<FunctionTemplateDecl>(Cand))))
      continue;
    Best = Cand;
    BestOffset = Offset;
  }
  if (Best) {
    llvm::StringRef Buffer = SM.getBufferData(File);
    if (!onlyTriviaBetween(Buffer.slice(After, BestOffset)))
      Best = nullptr;
  }
  if (!Best || !isa<FunctionDecl, FunctionTemplateDecl>(Best)) {
    D.report(taskTokenLoc(T), Diag::TaskNotBeforeFunction);
    return nullptr;
  }
  if (isa<FunctionTemplateDecl>(Best)) {
    D.report(taskTokenLoc(T), Diag::UnsupportedTaskDecl)
        << "a function template";
    return nullptr;
  }
  return cast<FunctionDecl>(Best);
}

bool Checker::checkDecl(const TaskPragma &T, const FunctionDecl *FD) {
  const char *What = nullptr;
  if (isa<CXXMethodDecl>(FD))
    What = "a member function";
  else if (FD->isTemplated())
    What = "a function template";
  else if (FD->isMain())
    What = "'main'";
  else if (FD->isConsteval())
    What = "a consteval function";
  else if (FD->isVariadic())
    What = "a variadic function";
  else if (FD->isOverloadedOperator())
    What = "an operator function";
  else if (FD->getReturnType()->isReferenceType())
    What = "a function returning a reference";
  if (!What)
    return true;
  D.report(taskTokenLoc(T), Diag::UnsupportedTaskDecl) << What;
  return false;
}

bool Checker::isPathType(QualType T) const {
  if (const auto *Ref = T->getAs<LValueReferenceType>()) {
    T = Ref->getPointeeType();
    if (!T.isConstQualified())
      return false;
  } else if (T->isReferenceType()) {
    return false;
  }
  T = T.getCanonicalType();
  if (const auto *Ptr = T->getAs<PointerType>()) {
    QualType P = Ptr->getPointeeType();
    return P.isConstQualified() &&
           (P->isSpecificBuiltinType(BuiltinType::Char_S) ||
            P->isSpecificBuiltinType(BuiltinType::Char_U));
  }
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD)
    return false;
  std::string Name;
  llvm::raw_string_ostream OS(Name);
  RD->printQualifiedName(OS, Policy);
  OS.flush();
  if (Name == "std::filesystem::path")
    return true;
  if (Name != "std::basic_string")
    return false;
  const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
  return Spec && Spec->getTemplateArgs().size() > 0 &&
         Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type &&
         Spec->getTemplateArgs()[0].getAsType()->isCharType() &&
         !Spec->getTemplateArgs()[0].getAsType()->isWideCharType();
}

/// SPEC section 2: by value, `const T&`, `const T*` are in; `T&`, `T*` inout.
Direction defaultDirection(QualType T) {
  if (T->isRValueReferenceType())
    return Direction::In;
  if (T->isReferenceType() || T->isPointerType()) {
    QualType P = T->getPointeeType();
    if (P.isConstQualified() || P->isFunctionType())
      return Direction::In;
    return Direction::InOut;
  }
  return Direction::In;
}

bool Checker::resolve(const TaskPragma &T, const FunctionDecl *FD,
                      ResolvedTask &R) {
  bool Ok = true;
  // Parameter index by name.
  llvm::StringMap<unsigned> Index;
  for (unsigned I = 0; I != FD->getNumParams(); ++I)
    if (!FD->getParamDecl(I)->getName().empty())
      Index[FD->getParamDecl(I)->getName()] = I;

  std::string FnName = FD->getNameAsString();
  std::map<unsigned, std::pair<const DataClause *, const ClauseArg *>> Named;
  for (const DataClause &C : T.Clauses) {
    for (const ClauseArg &A : C.Args) {
      auto It = Index.find(A.Name);
      if (It == Index.end()) {
        D.report(A.Loc, Diag::UnknownParam) << A.Name << FnName;
        Ok = false;
        continue;
      }
      auto [Prev, Inserted] = Named.insert({It->second, {&C, &A}});
      if (!Inserted) {
        D.report(A.Loc, Diag::DuplicateParam) << A.Name;
        D.report(Prev->second.second->Loc, Diag::PreviousClauseNote);
        Ok = false;
        continue;
      }
      QualType PT = FD->getParamDecl(It->second)->getType();
      if (C.Kind == ParamKind::File) {
        if (!isPathType(PT)) {
          D.report(A.Loc, Diag::FileOnNonPath) << C.ClauseName << A.Name << PT;
          Ok = false;
        }
        continue;
      }
      if (C.Dir == Direction::In)
        continue;
      if (PT->isReferenceType() || PT->isPointerType()) {
        if (PT->getPointeeType().isConstQualified()) {
          D.report(A.Loc, Diag::WriteToConstRef)
              << C.ClauseName << A.Name << PT;
          Ok = false;
        }
      } else {
        D.report(A.Loc, Diag::WriteToValue) << C.ClauseName << A.Name << PT;
        Ok = false;
      }
    }
  }
  if (!Ok)
    return false;

  R.Decl = FD->getCanonicalDecl();
  R.PragmaLoc = T.Raw->HashLoc;
  {
    llvm::raw_string_ostream OS(R.Name);
    FD->printQualifiedName(OS, Policy);
  }
  // The stable id: return type, qualified name and parameter types, with
  // every type fully qualified so it reads the same from any scope.
  std::string Sig = typeName(FD->getReturnType(), false) + " " + R.Name + "(";
  for (unsigned I = 0; I != FD->getNumParams(); ++I)
    Sig += (I ? ", " : "") + typeName(FD->getParamDecl(I)->getType(), false);
  R.Signature = Sig + ")";
  // The pointer type, every type spelled from the global namespace so that
  // it means the same at any call site.
  std::string Params;
  for (unsigned I = 0; I != FD->getNumParams(); ++I)
    Params += (I ? ", " : "") + typeName(FD->getParamDecl(I)->getType(), true);
  QualType Ret = FD->getReturnType();
  if (Ret->isFunctionPointerType() || Ret->isMemberPointerType())
    R.PointerType = "auto (*)(" + Params + ") -> " + typeName(Ret, true);
  else
    R.PointerType = typeName(Ret, true) + " (*)(" + Params + ")";
  // `::ns::f`: inline and anonymous namespaces need no spelling.
  std::string Ref = "::" + FnName;
  for (const DeclContext *DC = FD->getDeclContext(); DC; DC = DC->getParent()) {
    const auto *NS = dyn_cast<NamespaceDecl>(DC);
    if (NS && !NS->isAnonymousNamespace() && !NS->isInline())
      Ref = "::" + NS->getNameAsString() + Ref;
  }
  R.QualifiedRef = Ref;
  for (unsigned I = 0; I != FD->getNumParams(); ++I) {
    const ParmVarDecl *P = FD->getParamDecl(I);
    ResolvedParam RP;
    RP.Name = P->getNameAsString();
    auto It = Named.find(I);
    if (It != Named.end()) {
      RP.Dir = It->second.first->Dir;
      RP.Kind = It->second.first->Kind;
    } else {
      RP.Dir = defaultDirection(P->getType());
    }
    R.Params.push_back(std::move(RP));
  }
  return true;
}

bool sameParams(const ResolvedTask &A, const ResolvedTask &B) {
  if (A.Params.size() != B.Params.size())
    return false;
  for (size_t I = 0; I != A.Params.size(); ++I)
    if (A.Params[I].Dir != B.Params[I].Dir ||
        A.Params[I].Kind != B.Params[I].Kind)
      return false;
  return true;
}

std::vector<ResolvedTask>
Checker::run(llvm::ArrayRef<TaskPragma> Tasks,
             llvm::ArrayRef<const Decl *> Candidates) {
  std::vector<ResolvedTask> Result;
  for (const TaskPragma &T : Tasks) {
    const FunctionDecl *FD = match(T, Candidates);
    if (!FD || !checkDecl(T, FD))
      continue;
    ResolvedTask R;
    if (!resolve(T, FD, R))
      continue;
    auto Prev = llvm::find_if(
        Result, [&](const ResolvedTask &X) { return X.Decl == R.Decl; });
    if (Prev == Result.end()) {
      Result.push_back(std::move(R));
    } else if (!sameParams(*Prev, R)) {
      D.report(taskTokenLoc(T), Diag::ConflictingTaskPragmas) << R.Name;
    }
  }
  return Result;
}

} // namespace

std::vector<ResolvedTask>
resolveTasks(ASTContext &Ctx, Diagnostics &Diags,
             llvm::ArrayRef<TaskPragma> Tasks,
             llvm::ArrayRef<const Decl *> Candidates) {
  return Checker(Ctx, Diags).run(Tasks, Candidates);
}

} // namespace compss_cc
