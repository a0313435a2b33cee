//===- TaskSema.cpp - Check task pragmas against their functions ----------===//

#include "TaskSema.h"
#include "Serializability.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/QualTypeNames.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"
#include <map>

using namespace clang;

namespace compss_cc {

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

/// The declaration's name with its namespaces and classes (`std::filesystem::path`).
static std::string qualifiedName(const NamedDecl *D, const PrintingPolicy &Policy) {
  std::string Name;
  llvm::raw_string_ostream OS(Name);
  D->printQualifiedName(OS, Policy);
  return OS.str();
}

namespace {

SourceLocation taskTokenLoc(const TaskPragma &T) {
  return T.Raw->Tokens.empty() ? T.Raw->HashLoc : T.Raw->Tokens.front().Loc;
}

class Checker {
public:
  Checker(Sema &S, Diagnostics &D, const SemaOptions &Options)
      : Ctx(S.getASTContext()), S(S), SM(Ctx.getSourceManager()), D(D),
        Options(Options), Policy(Ctx.getPrintingPolicy()) {
    Policy.SuppressUnwrittenScope = true;
    Policy.SuppressInlineNamespace = true;
    Policy.AnonymousTagLocations = false;
    Policy.SuppressTagKeyword = true;
  }

  std::vector<ResolvedTask> run(llvm::ArrayRef<TaskPragma> Tasks,
                                llvm::ArrayRef<const Decl *> Candidates);
  std::optional<ResolvedTask> specialize(const ResolvedTask &Pattern,
                                         const FunctionDecl *Spec);

private:
  const FunctionDecl *match(const TaskPragma &T,
                            llvm::ArrayRef<const Decl *> Candidates);
  bool checkDecl(const TaskPragma &T, const FunctionDecl *FD);
  bool resolve(const TaskPragma &T, const FunctionDecl *FD, ResolvedTask &R);
  bool checkKind(const DataClause &C, const ClauseArg &A, QualType PT);
  std::string templateArgs(const FunctionDecl *FD, bool Global) const;
  void nameTask(const FunctionDecl *FD, ResolvedTask &R) const;
  bool checkExtent(const DataClause &C, const ClauseArg &A,
                   const FunctionDecl *FD,
                   const llvm::StringMap<unsigned> &Index);
  bool isVisible(llvm::StringRef Name, const FunctionDecl *FD) const;
  bool isPathType(QualType T) const;
  bool isCollectionType(QualType T) const;
  bool isStreamType(QualType T) const;
  /// binary(...)/mpi(...): a free function returning void or an integer,
  /// `{{p}}` naming parameters, stdin/stdout/stderr naming file parameters.
  bool checkExternal(const TaskPragma &M, const FunctionDecl *FD,
                     const ResolvedTask &R);
  /// An MPI task without scale_by_cu: computing_units = processes x the
  /// computing_units per process (default 1).
  void reserveMpiCores(ResolvedTask &R);
  bool applyModifier(const TaskPragma &M, const FunctionDecl *FD,
                     ResolvedTask &R);
  void resolveImplements(std::vector<ResolvedTask> &Result);
  /// \p Self may be a version of \p Base: same result type, each parameter
  /// accessed as the task accesses it, a plain function. Reports otherwise.
  bool checkVersion(const TaskPragma &M, const ResolvedTask &Self,
                    const ResolvedTask &Base);
  static std::string baseName(llvm::ArrayRef<ResolvedTask> Result,
                              const ResolvedTask &V);
  void warnImplicitInOut(const TaskPragma &T, const FunctionDecl *FD,
                         const ResolvedTask &R);
  /// Marks a task that cannot travel, whether or not it warns: the runtime
  /// follows the mark where it cannot see why (TaskSpec::master_only).
  void warnNotSerializable(const TaskPragma &T, const FunctionDecl *FD,
                           ResolvedTask &R, const FunctionDecl *Pattern) {
    if (R.Kind == TaskKind::Function)
      checkMasterOnly(S, D, Policy, taskTokenLoc(T), FD, R, Pattern,
                      Options.WarnNotSerializable);
  }
  std::string typeName(QualType T, bool GlobalPrefix) const {
    return TypeName::getFullyQualifiedName(T, Ctx, Policy, GlobalPrefix);
  }

  ASTContext &Ctx;
  Sema &S;
  const SourceManager &SM;
  Diagnostics &D;
  const SemaOptions &Options;
  PrintingPolicy Policy;
  /// implement(...) pragmas, applied once every task is resolved.
  std::vector<std::pair<const TaskPragma *, const FunctionDecl *>> Implements;
};

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
    D.report(taskTokenLoc(T), Diag::TaskNotBeforeFunction)
        << taskPragmaName(T.Kind);
    return nullptr;
  }
  // A template task: a task per instantiation, resolved at each call.
  if (const auto *FT = dyn_cast<FunctionTemplateDecl>(Best))
    return FT->getTemplatedDecl();
  return cast<FunctionDecl>(Best);
}

bool Checker::checkDecl(const TaskPragma &T, const FunctionDecl *FD) {
  const char *What = nullptr;
  if (isa<CXXConstructorDecl, CXXDestructorDecl, CXXConversionDecl>(FD))
    What = "a constructor, destructor or conversion";
  else if (FD->isTemplated() && !FD->getDescribedFunctionTemplate())
    What = "a member of a class template";
  else if (const auto *MD = dyn_cast<CXXMethodDecl>(FD);
           MD && (MD->getRefQualifier() != RQ_None || MD->isVolatile() ||
                  MD->isExplicitObjectMemberFunction()))
    What = "a ref-qualified, volatile or explicit-object member function";
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
  std::string Name = qualifiedName(RD, Policy);
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
      if (!A.Extent.empty() && !checkExtent(C, A, FD, Index))
        Ok = false;
      // In a template, checked again for each instantiation.
      if (!PT->isDependentType() && !checkKind(C, A, PT))
        Ok = false;
    }
  }
  // In a template whose result is dependent, call_task_or's static_assert says it.
  if (!T.OnFailureReturns.empty() && FD->getReturnType()->isVoidType()) {
    D.report(T.ReturnsLoc, Diag::ReturnsOnVoidTask) << FnName;
    Ok = false;
  }
  if (!Ok)
    return false;

  R.Decl = FD->getCanonicalDecl();
  R.PragmaLoc = T.Raw->HashLoc;
  R.Pragma = &T;
  R.IsTemplate = FD->getDescribedFunctionTemplate() != nullptr;
  nameTask(FD, R);
  // A non-static member function: the object is the first datum, written
  // unless the method is const.
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD); MD && MD->isInstance()) {
    ResolvedParam This;
    This.Name = "this";
    This.Dir = MD->isConst() ? Direction::In : Direction::InOut;
    R.Params.push_back(std::move(This));
  }
  for (unsigned I = 0; I != FD->getNumParams(); ++I) {
    const ParmVarDecl *P = FD->getParamDecl(I);
    ResolvedParam RP;
    RP.Name = P->getNameAsString();
    auto It = Named.find(I);
    if (It != Named.end()) {
      RP.Dir = It->second.first->Dir;
      RP.Kind = It->second.first->Kind;
      RP.Extent = It->second.second->Extent;
    } else {
      RP.Dir = defaultDirection(P->getType());
    }
    R.Params.push_back(std::move(RP));
  }
  R.Priority = T.Priority;
  R.Replicated = T.Replicated;
  R.Distributed = T.Distributed;
  R.OnFailure = T.OnFailure;
  R.OnFailureReturns = T.OnFailureReturns;
  R.TimeOut = T.TimeOut;
  for (const KeyValue &KV : T.Constraints)
    R.Constraints.push_back({KV.Key, KV.Text});
  return true;
}

/// `<int, 3>`: the template arguments of a specialization, every type fully
/// qualified (from the global namespace when \p Global).
std::string Checker::templateArgs(const FunctionDecl *FD, bool Global) const {
  const TemplateArgumentList *Args = FD->getTemplateSpecializationArgs();
  if (!Args)
    return "";
  std::string Text = "<";
  for (unsigned I = 0; I != Args->size(); ++I) {
    const TemplateArgument &A = Args->get(I);
    if (I)
      Text += ", ";
    if (A.getKind() == TemplateArgument::Type) {
      Text += typeName(A.getAsType(), Global);
    } else {
      llvm::raw_string_ostream OS(Text);
      A.print(Policy, OS, /*IncludeType=*/true);
    }
  }
  return Text + ">";
}

void Checker::nameTask(const FunctionDecl *FD, ResolvedTask &R) const {
  std::string TArgs = templateArgs(FD, false);
  R.Name = qualifiedName(FD, Policy) + TArgs;
  const auto *MD = dyn_cast<CXXMethodDecl>(FD);
  bool Instance = MD && MD->isInstance();
  bool Const = Instance && MD->isConst();
  // The stable id: return type, qualified name and parameter types, with
  // every type fully qualified so it reads the same from any scope.
  std::string Sig = typeName(FD->getReturnType(), false) + " " + R.Name + "(";
  for (unsigned I = 0; I != FD->getNumParams(); ++I)
    Sig += (I ? ", " : "") + typeName(FD->getParamDecl(I)->getType(), false);
  R.Signature = Sig + ")" + (Const ? " const" : "");
  // `::ns::S::f<int>`: inline and anonymous namespaces need no spelling.
  std::string Ref = "::" + FD->getNameAsString() + templateArgs(FD, true);
  const DeclContext *DC = FD->getDeclContext();
  for (; DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (!NS->isAnonymousNamespace() && !NS->isInline())
        Ref = "::" + NS->getNameAsString() + Ref;
    } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
      Ref = "::" + RD->getNameAsString() + Ref;
    }
  }
  R.QualifiedRef = Ref;
  // The pointer type, every type spelled from the global namespace so that
  // it means the same at any call site.
  std::string Params;
  for (unsigned I = 0; I != FD->getNumParams(); ++I)
    Params += (I ? ", " : "") + typeName(FD->getParamDecl(I)->getType(), true);
  QualType Ret = FD->getReturnType();
  std::string Declarator = "(*)";
  if (Instance) {
    Declarator = "(" +
                 typeName(QualType(MD->getParent()->getTypeForDecl(), 0), true) +
                 "::*)";
    R.IsMethod = true;
  }
  std::string Tail = "(" + Params + ")" + (Const ? " const" : "");
  if (Ret->isFunctionPointerType() || Ret->isMemberPointerType())
    R.PointerType = "auto " + Declarator + Tail + " -> " + typeName(Ret, true);
  else
    R.PointerType = typeName(Ret, true) + " " + Declarator + Tail;
}

bool Checker::checkKind(const DataClause &C, const ClauseArg &A,
                        QualType PT) {
  switch (C.Kind) {
  case ParamKind::File:
  case ParamKind::Directory:
    // The parameter is a name: the task writes the file, not the string.
    if (isPathType(PT))
      return true;
    D.report(A.Loc, C.Kind == ParamKind::File ? Diag::FileOnNonPath
                                              : Diag::DirectoryOnNonPath)
        << C.ClauseName << A.Name << PT;
    return false;
  case ParamKind::Stream:
    if (isStreamType(PT))
      return true;
    D.report(A.Loc, Diag::StreamOnNonStream) << C.ClauseName << A.Name << PT;
    return false;
  case ParamKind::Collection:
    if (!isCollectionType(PT)) {
      D.report(A.Loc, Diag::CollectionOnNonVector)
          << C.ClauseName << A.Name << PT;
      return false;
    }
    break;
  case ParamKind::Object:
    break;
  }
  if (C.Dir == Direction::In || C.Dir == Direction::InDelete)
    return true;
  if (PT->isReferenceType() || PT->isPointerType()) {
    if (PT->getPointeeType().isConstQualified()) {
      D.report(A.Loc, Diag::WriteToConstRef) << C.ClauseName << A.Name << PT;
      return false;
    }
    return true;
  }
  if (C.Kind == ParamKind::Collection)
    return true; // A std::span by value still writes to the caller's data.
  D.report(A.Loc, Diag::WriteToValue) << C.ClauseName << A.Name << PT;
  return false;
}

bool Checker::checkExtent(const DataClause &C, const ClauseArg &A,
                          const FunctionDecl *FD,
                          const llvm::StringMap<unsigned> &Index) {
  if (C.Kind != ParamKind::Object) {
    D.report(A.Loc, Diag::ExtentWithKind) << C.ClauseName;
    return false;
  }
  QualType PT = FD->getParamDecl(Index.lookup(A.Name))->getType();
  if (!PT->isPointerType()) {
    D.report(A.Loc, Diag::ExtentOnNonPointer) << A.Name << PT;
    return false;
  }
  for (size_t K = 0; K != A.Extent.size(); ++K) {
    const PragmaToken &T = A.Extent[K];
    if (T.Kind != tok::identifier || Index.count(T.Spelling))
      continue;
    // `ns::N`, `s.n`, `p->n`: only the first name of a chain is looked up.
    if (K > 0 && (A.Extent[K - 1].Kind == tok::coloncolon ||
                  A.Extent[K - 1].Kind == tok::period ||
                  A.Extent[K - 1].Kind == tok::arrow))
      continue;
    if (!isVisible(T.Spelling, FD)) {
      D.report(T.Loc, Diag::ExtentUnknownName) << T.Spelling << A.Name;
      return false;
    }
  }
  return true;
}

bool Checker::isVisible(llvm::StringRef Name, const FunctionDecl *FD) const {
  DeclarationName DN(&Ctx.Idents.get(Name));
  for (const DeclContext *DC = FD->getDeclContext(); DC; DC = DC->getParent())
    if (!DC->lookup(DN).empty())
      return true;
  return false;
}

static bool isRecordNamed(QualType T, llvm::ArrayRef<llvm::StringRef> Names,
                          const PrintingPolicy &Policy) {
  const CXXRecordDecl *RD = T.getCanonicalType()->getAsCXXRecordDecl();
  if (!RD)
    return false;
  return llvm::is_contained(Names, qualifiedName(RD, Policy));
}

bool Checker::isCollectionType(QualType T) const {
  if (isRecordNamed(T.getNonReferenceType(), {"std::span"}, Policy))
    return !T->isRValueReferenceType();
  return T->isLValueReferenceType() &&
         isRecordNamed(T.getNonReferenceType(), {"std::vector"}, Policy);
}

bool Checker::isStreamType(QualType T) const {
  return T->isLValueReferenceType() &&
         !T.getNonReferenceType().isConstQualified() &&
         isRecordNamed(T.getNonReferenceType(),
                       {"compss::ObjectStream", "compss::FileStream"}, Policy);
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
  std::vector<const FunctionDecl *> FirstDecl; // parallel to Result
  // Qualifying pragmas (constraint, implement, binary, mpi) may come before
  // or after `task`: they are applied once the task pragmas are resolved.
  std::vector<std::pair<const TaskPragma *, const FunctionDecl *>> Modifiers;
  for (const TaskPragma &T : Tasks) {
    const FunctionDecl *FD = match(T, Candidates);
    if (!FD || !checkDecl(T, FD))
      continue;
    if (T.Kind != TaskPragma::Task) {
      Modifiers.push_back({&T, FD});
      continue;
    }
    ResolvedTask R;
    if (!resolve(T, FD, R))
      continue;
    auto Prev = llvm::find_if(
        Result, [&](const ResolvedTask &X) { return X.Decl == R.Decl; });
    if (Prev == Result.end()) {
      warnImplicitInOut(T, FD, R);
      FirstDecl.push_back(FD);
      Result.push_back(std::move(R));
    } else if (!sameParams(*Prev, R)) {
      D.report(taskTokenLoc(T), Diag::ConflictingTaskPragmas) << R.Name;
    }
  }
  for (auto [M, FD] : Modifiers) {
    auto It = llvm::find_if(Result, [&](const ResolvedTask &X) {
      return X.Decl == FD->getCanonicalDecl();
    });
    if (It == Result.end()) {
      D.report(M->NameLoc, Diag::ModifierWithoutTask)
          << taskPragmaName(M->Kind) << FD->getQualifiedNameAsString();
      continue;
    }
    applyModifier(*M, FD, *It);
  }
  // An MPI task reserves a core per process (times its computing_units).
  for (ResolvedTask &R : Result)
    reserveMpiCores(R);
  resolveImplements(Result);
  // After the modifiers: a binary or MPI task has no function to send.
  for (size_t I = 0; I != Result.size(); ++I)
    warnNotSerializable(*Result[I].Pragma, FirstDecl[I], Result[I], nullptr);
  return Result;
}

std::optional<ResolvedTask>
Checker::specialize(const ResolvedTask &Pattern, const FunctionDecl *Spec) {
  ResolvedTask R;
  if (!resolve(*Pattern.Pragma, Spec, R))
    return std::nullopt;
  // What the qualifying pragmas added to the template holds for every
  // instantiation.
  R.Constraints = Pattern.Constraints;
  R.Kind = Pattern.Kind;
  R.Launch = Pattern.Launch;
  R.Multinode = Pattern.Multinode;
  // A version's instantiation implements an instantiation of its task: the
  // translator names which (the calls decide the template arguments).
  R.Implements.clear();
  // Once the template itself cannot travel, neither can any instantiation:
  // it was said once, for the template.
  if (Pattern.MasterOnly) {
    R.MasterOnly = true;
    R.HiddenAddress = Pattern.HiddenAddress;
  } else
    warnNotSerializable(*Pattern.Pragma, Spec, R, Pattern.Decl);
  return R;
}

void Checker::warnImplicitInOut(const TaskPragma &T, const FunctionDecl *FD,
                                const ResolvedTask &R) {
  if (!Options.WarnImplicitInOut)
    return;
  for (unsigned I = 0; I != FD->getNumParams(); ++I) {
    const ParmVarDecl *P = FD->getParamDecl(I);
    bool Named = llvm::any_of(T.Clauses, [&](const DataClause &C) {
      return llvm::any_of(C.Args,
                          [&](const ClauseArg &A) { return A.Name == P->getName(); });
    });
    if (!Named && R.Params[I + (R.IsMethod ? 1 : 0)].Dir == Direction::InOut)
      D.report(P->getLocation(), Diag::ImplicitInOutWarning)
          << P->getName() << R.Name << P->getType();
  }
}

bool Checker::applyModifier(const TaskPragma &M, const FunctionDecl *FD,
                            ResolvedTask &R) {
  auto AddPairs = [&](llvm::ArrayRef<KeyValue> From,
                      std::vector<SpecPair> &To) {
    for (const KeyValue &KV : From) {
      if (llvm::any_of(To, [&](const SpecPair &P) { return P.Key == KV.Key; })) {
        D.report(KV.KeyLoc, Diag::DuplicateModifier) << KV.Key << R.Name;
        return false;
      }
      To.push_back({KV.Key, KV.Text});
    }
    return true;
  };
  switch (M.Kind) {
  case TaskPragma::Task:
    return true;
  case TaskPragma::Constraint:
    return AddPairs(M.Constraints, R.Constraints);
  case TaskPragma::Implement:
    Implements.push_back({&M, FD});
    return true;
  case TaskPragma::Multinode:
    if (R.Kind != TaskKind::Function || R.Multinode) {
      D.report(M.NameLoc, Diag::DuplicateModifier) << "multinode" << R.Name;
      return false;
    }
    R.Multinode = true;
    return AddPairs(M.Launch, R.Launch);
  case TaskPragma::Binary:
  case TaskPragma::Mpi: {
    const char *What = taskPragmaName(M.Kind);
    if (R.Multinode) {
      D.report(M.NameLoc, Diag::DuplicateModifier) << What << R.Name;
      return false;
    }
    if (R.Kind != TaskKind::Function) {
      D.report(M.NameLoc, Diag::DuplicateModifier) << What << R.Name;
      return false;
    }
    if (FD->isDefined()) {
      D.report(M.NameLoc, Diag::ExternalWithBody)
          << R.Name << (M.Kind == TaskPragma::Binary ? "a binary" : "an MPI");
      return false;
    }
    llvm::SmallVector<const char *, 2> Required = {"binary"};
    if (M.Kind == TaskPragma::Mpi)
      Required.push_back("runner");
    for (const char *Key : Required)
      if (llvm::none_of(M.Launch,
                        [&](const KeyValue &KV) { return KV.Key == Key; })) {
        D.report(M.NameLoc, Diag::MissingLaunchKey) << What << Key;
        return false;
      }
    if (!checkExternal(M, FD, R))
      return false;
    R.Kind = M.Kind == TaskPragma::Binary ? TaskKind::Binary : TaskKind::Mpi;
    R.AlwaysEmit = SM.isInMainFile(SM.getExpansionLoc(M.NameLoc));
    return AddPairs(M.Launch, R.Launch);
  }
  }
  return true;
}

/// The parameter of R named Name, or null (R.Params lists a method's object
/// first, under no name).
static const ResolvedParam *paramNamed(const ResolvedTask &R,
                                       llvm::StringRef Name) {
  for (const ResolvedParam &P : R.Params)
    if (P.Name == Name)
      return &P;
  return nullptr;
}

bool Checker::checkExternal(const TaskPragma &M, const FunctionDecl *FD,
                            const ResolvedTask &R) {
  const char *What = M.Kind == TaskPragma::Binary ? "a binary" : "an MPI";
  if (isa<CXXMethodDecl>(FD)) {
    D.report(M.NameLoc, Diag::ExternalMethod) << R.Name;
    return false;
  }
  QualType Result = FD->getReturnType();
  if (!Result->isVoidType() && !Result->isIntegerType()) {
    D.report(FD->getReturnTypeSourceRange().getBegin(),
             Diag::ExternalResultType)
        << R.Name << What << Result.getAsString();
    return false;
  }
  bool Ok = true;
  for (const KeyValue &KV : M.Launch) {
    if (KV.Value.Kind != tok::string_literal)
      continue;
    // Text is the literal without its quotes, escapes as written: offset + 1
    // is the column in the source.
    llvm::StringRef Text = KV.Text;
    for (size_t Open = Text.find("{{"); Open != llvm::StringRef::npos;
         Open = Text.find("{{", Open + 2)) {
      SourceLocation Loc = KV.Value.Loc.getLocWithOffset(1 + Open);
      size_t Close = Text.find("}}", Open + 2);
      if (Close == llvm::StringRef::npos) {
        D.report(Loc, Diag::UnclosedPlaceholder) << KV.Key;
        Ok = false;
        break;
      }
      llvm::StringRef Name = Text.slice(Open + 2, Close).trim();
      if (!paramNamed(R, Name)) {
        D.report(Loc, Diag::UnknownPlaceholder) << Name << R.Name;
        Ok = false;
      }
    }
    // stdin/stdout/stderr: exactly one file parameter of the right direction,
    // so the runtime orders the program after (or before) its users.
    bool In = KV.Key == "stdin";
    if (!In && KV.Key != "stdout" && KV.Key != "stderr")
      continue;
    const ResolvedParam *P = nullptr;
    if (Text.starts_with("{{") && Text.ends_with("}}"))
      P = paramNamed(R, Text.drop_front(2).drop_back(2).trim());
    bool Good = P && P->Kind == ParamKind::File &&
                (In ? P->Dir == Direction::In : P->Dir != Direction::In);
    if (!Good) {
      D.report(KV.Value.Loc, Diag::StdioNotFileParam)
          << KV.Key << (In ? "file_in" : "file_out or file_inout")
          << (In ? "input" : KV.Key == "stdout" ? "output" : "error");
      Ok = false;
    }
  }
  return Ok;
}

void Checker::reserveMpiCores(ResolvedTask &R) {
  if (R.Kind != TaskKind::Mpi)
    return;
  auto Setting = [&](llvm::StringRef Key) -> std::string {
    for (const SpecPair &P : R.Launch)
      if (P.Key == Key)
        return P.Value;
    return "";
  };
  if (Setting("scale_by_cu") == "true")
    return;  // processes = computing_units: the constraint reserves them
  unsigned long long Processes = 1, PerProcess = 1;
  if (llvm::StringRef(Setting("processes")).getAsInteger(10, Processes))
    Processes = 1;
  auto CU = llvm::find_if(R.Constraints, [](const SpecPair &P) {
    return P.Key == "computing_units";
  });
  if (CU != R.Constraints.end() &&
      llvm::StringRef(CU->Value).getAsInteger(10, PerProcess))
    return;  // "$VAR": known at run time only; it reserves what it says
  std::string Total = std::to_string(Processes * PerProcess);
  if (CU != R.Constraints.end())
    CU->Value = Total;
  else
    R.Constraints.push_back({"computing_units", Total});
}

static bool sameParamTypes(ASTContext &Ctx, const FunctionDecl *A,
                           const FunctionDecl *B) {
  if (A->getNumParams() != B->getNumParams())
    return false;
  for (unsigned I = 0; I != A->getNumParams(); ++I)
    if (!Ctx.hasSameType(A->getParamDecl(I)->getType(),
                         B->getParamDecl(I)->getType()))
      return false;
  return true;
}

/// The class of a member function (null for a free function).
static const CXXRecordDecl *classOf(const FunctionDecl *FD) {
  const auto *MD = dyn_cast<CXXMethodDecl>(FD);
  return MD ? MD->getParent()->getCanonicalDecl() : nullptr;
}

static bool sameClass(const FunctionDecl *A, const FunctionDecl *B) {
  return classOf(A) == classOf(B);
}

/// Two function templates whose template parameters are of the same kinds
/// (and types, for values), in the same order: an instantiation of one names
/// the same instantiation of the other.
static bool sameTemplateParams(ASTContext &Ctx, const FunctionDecl *A,
                               const FunctionDecl *B) {
  const TemplateParameterList *PA =
      A->getDescribedFunctionTemplate()->getTemplateParameters();
  const TemplateParameterList *PB =
      B->getDescribedFunctionTemplate()->getTemplateParameters();
  if (PA->size() != PB->size())
    return false;
  for (unsigned I = 0; I != PA->size(); ++I) {
    const NamedDecl *X = PA->getParam(I), *Y = PB->getParam(I);
    if (X->getKind() != Y->getKind() ||
        X->isTemplateParameterPack() != Y->isTemplateParameterPack())
      return false;
    if (const auto *NX = dyn_cast<NonTypeTemplateParmDecl>(X))
      if (!Ctx.hasSameType(NX->getType(),
                           cast<NonTypeTemplateParmDecl>(Y)->getType()))
        return false;
  }
  return true;
}

static std::string paramTypes(const FunctionDecl *FD) {
  std::string Text = "(";
  for (unsigned I = 0; I != FD->getNumParams(); ++I)
    Text += (I ? ", " : "") + FD->getParamDecl(I)->getType().getAsString();
  return Text + ")";
}

void Checker::resolveImplements(std::vector<ResolvedTask> &Result) {
  for (auto [M, FD] : Implements) {
    llvm::StringRef Wanted = llvm::StringRef(M->Implements).ltrim(':');
    auto Self = llvm::find_if(Result, [&](const ResolvedTask &X) {
      return X.Decl == FD->getCanonicalDecl();
    });
    const ResolvedTask *Named = nullptr, *Same = nullptr;
    for (const ResolvedTask &X : Result) {
      llvm::StringRef N = X.Name;
      if (&X == &*Self || !(N == Wanted || N.ends_with("::" + Wanted.str())))
        continue;
      if (!Named)
        Named = &X;
      // Of tasks with the same parameter types, one of the version's own
      // class wins (`implement(fill)` in two classes).
      if (sameParamTypes(Ctx, X.Decl, FD) &&
          (!Same || (!sameClass(Same->Decl, FD) && sameClass(X.Decl, FD))))
        Same = &X;
    }
    if (!Named) {
      D.report(M->ImplementsLoc, Diag::ImplementUnknownTask) << M->Implements;
      continue;
    }
    if (!Same) {
      D.report(M->ImplementsLoc, Diag::ImplementDifferentParams)
          << Self->Name << Named->Name << paramTypes(FD)
          << paramTypes(Named->Decl);
      D.report(Named->Decl->getLocation(), Diag::ImplementedTaskNote)
          << Named->Name;
      continue;
    }
    if (!Self->Implements.empty()) {
      D.report(M->NameLoc, Diag::DuplicateModifier) << "implement" << Self->Name;
      continue;
    }
    if (checkVersion(*M, *Self, *Same))
      Self->Implements = Same->Signature;
  }
  // A version of a version: the chain is not followed (a call runs the task
  // it names or one of that task's own versions).
  for (auto [M, FD] : Implements) {
    auto Self = llvm::find_if(Result, [&](const ResolvedTask &X) {
      return X.Decl == FD->getCanonicalDecl();
    });
    if (Self == Result.end() || Self->Implements.empty())
      continue;
    auto Base = llvm::find_if(Result, [&](const ResolvedTask &X) {
      return X.Signature == Self->Implements;
    });
    if (Base != Result.end() && !Base->Implements.empty())
      D.report(M->ImplementsLoc, Diag::ImplementOfVersion)
          << Self->Name << Base->Name << baseName(Result, *Base);
  }
}

/// The name of the task \p V is a version of.
std::string Checker::baseName(llvm::ArrayRef<ResolvedTask> Result,
                              const ResolvedTask &V) {
  for (const ResolvedTask &X : Result)
    if (X.Signature == V.Implements)
      return X.Name;
  return V.Implements;
}

/// How a task accesses \p P, as the clause that says it (`file_inout`).
static std::string accessText(const ResolvedParam &P) {
  static const char *const Kinds[] = {"", "file_", "directory_", "collection_",
                                      "stream_"};
  static const char *const Dirs[] = {"in",          "out",        "inout",
                                     "concurrent",  "commutative", "in_delete"};
  std::string Text = std::string(Kinds[static_cast<int>(P.Kind)]) +
                     Dirs[static_cast<int>(P.Dir)];
  return P.Extent.empty() ? Text : Text + " (an array section)";
}

bool Checker::checkVersion(const TaskPragma &M, const ResolvedTask &Self,
                           const ResolvedTask &Base) {
  // The runtime runs a version with the call's arguments through a function
  // of the task's own type: the shapes must agree (call_task.hpp, Version).
  std::string Shape;
  if (Self.IsMethod != Base.IsMethod)
    Shape = std::string(Self.IsMethod ? "it is" : "'" + Base.Name + "' is") +
            " a non-static member function and the other is not: a version "
            "of a member function is a member function of the same class; "
            "of a free or static function, a free or static function";
  else if (Self.IsMethod && !sameClass(Self.Decl, Base.Decl))
    Shape = "a version of a member function must be a member of the same "
            "class ('" + classOf(Base.Decl)->getNameAsString() + "', not '" +
            classOf(Self.Decl)->getNameAsString() + "'): declare it there";
  else if (Self.IsMethod && cast<CXXMethodDecl>(Self.Decl)->isConst() !=
                                cast<CXXMethodDecl>(Base.Decl)->isConst())
    Shape = "one is a const member function and the other is not: a version "
            "reads or writes the object as its task does (make both const or "
            "neither)";
  else if (Self.IsTemplate != Base.IsTemplate)
    Shape = std::string(Self.IsTemplate ? "it is" : "'" + Base.Name + "' is") +
            " a function template and the other is not: a version of a "
            "function template is a function template with the same template "
            "parameters (each instantiation of the task runs the same "
            "instantiation of its versions)";
  else if (Self.IsTemplate && !sameTemplateParams(Ctx, Self.Decl, Base.Decl))
    Shape = "their template parameters differ: a version of a function "
            "template has the same template parameters, in the same order "
            "(each instantiation of the task runs the same instantiation of "
            "its versions)";
  if (!Shape.empty()) {
    D.report(M.ImplementsLoc, Diag::ImplementDifferentShape)
        << Self.Name << Base.Name << Shape;
    D.report(Base.Decl->getLocation(), Diag::ImplementedTaskNote) << Base.Name;
    return false;
  }
  QualType Mine = Self.Decl->getReturnType();
  QualType Theirs = Base.Decl->getReturnType();
  if (!Ctx.hasSameType(Mine, Theirs)) {
    D.report(M.ImplementsLoc, Diag::ImplementDifferentResult)
        << Self.Name << Base.Name << Mine.getAsString() << Theirs.getAsString();
    D.report(Base.Decl->getLocation(), Diag::ImplementedTaskNote) << Base.Name;
    return false;
  }
  for (size_t I = 0; I != Self.Params.size() && I != Base.Params.size(); ++I) {
    const ResolvedParam &A = Self.Params[I], &B = Base.Params[I];
    if (A.Dir == B.Dir && A.Kind == B.Kind && A.Extent.empty() == B.Extent.empty())
      continue;
    D.report(M.ImplementsLoc, Diag::ImplementDifferentAccess)
        << Self.Name << Base.Name << "'" + A.Name + "'" << accessText(A)
        << accessText(B);
    D.report(Base.Decl->getLocation(), Diag::ImplementedTaskNote) << Base.Name;
    return false;
  }
  return true;
}

} // namespace

std::optional<ResolvedTask> resolveSpecialization(Sema &S, Diagnostics &Diags,
                                                  const ResolvedTask &Pattern,
                                                  const FunctionDecl *Spec,
                                                  const SemaOptions &Options) {
  SemaOptions ForSpec = Options;
  ForSpec.WarnImplicitInOut = false; // -Wcompss spoke about the template.
  return Checker(S, Diags, ForSpec).specialize(Pattern, Spec);
}

const FunctionDecl *instantiateVersion(Sema &S, const ResolvedTask &Version,
                                       const FunctionDecl *Spec,
                                       SourceLocation Loc) {
  FunctionTemplateDecl *FTD = Version.Decl->getDescribedFunctionTemplate();
  const TemplateArgumentList *Args = Spec->getTemplateSpecializationArgs();
  if (!FTD || !Args)
    return nullptr;
  void *InsertPos = nullptr;
  if (FunctionDecl *Known = FTD->findSpecialization(Args->asArray(), InsertPos))
    return Known;
  // A failed substitution is an answer here, not an error of the program.
  Sema::SFINAETrap Trap(S);
  FunctionDecl *Made = S.InstantiateFunctionDeclaration(FTD, Args, Loc);
  if (!Made || Trap.hasErrorOccurred())
    return nullptr;
  // Substituting the declaration does not check its constraints (requires).
  ConstraintSatisfaction Satisfied;
  if (S.CheckInstantiatedFunctionTemplateConstraints(Loc, Made, Args->asArray(),
                                                     Satisfied) ||
      !Satisfied.IsSatisfied)
    return nullptr;
  return Made;
}

std::vector<ResolvedTask>
resolveTasks(Sema &S, Diagnostics &Diags, llvm::ArrayRef<TaskPragma> Tasks,
             llvm::ArrayRef<const Decl *> Candidates,
             const SemaOptions &Options) {
  return Checker(S, Diags, Options).run(Tasks, Candidates);
}

} // namespace compss_cc
