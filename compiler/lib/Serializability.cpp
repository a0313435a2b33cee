//===- Serializability.cpp - Can a task's data travel to a worker? --------===//

#include "Serializability.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Sema/Lookup.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/StringSwitch.h"

using namespace clang;

namespace compss_cc {

namespace {

/// The standard class templates an archive handles (serialize.hpp's
/// is_std_* traits), by how it finds their element types.
enum class StdKind {
  None,
  String,   ///< exactly std::string
  Sequence, ///< vector, array, set, optional: value_type, cv removed
  Map,      ///< map, unordered_map: key_type and mapped_type as they are
  Pair,     ///< first_type (cv removed) and second_type (as it is)
  Tuple,    ///< every element as it is
};

StdKind stdKind(const CXXRecordDecl *RD) {
  if (!RD->isInStdNamespace() || !RD->getIdentifier())
    return StdKind::None;
  return llvm::StringSwitch<StdKind>(RD->getName())
      .Case("basic_string", StdKind::String)
      .Cases("vector", "array", "set", "optional", StdKind::Sequence)
      .Cases("map", "unordered_map", StdKind::Map)
      .Case("pair", StdKind::Pair)
      .Case("tuple", StdKind::Tuple)
      .Default(StdKind::None);
}

bool isStdNamed(QualType T, llvm::StringRef Name) {
  const auto *RD = T->getAsCXXRecordDecl();
  return RD && RD->isInStdNamespace() && RD->getIdentifier() &&
         RD->getName() == Name;
}

/// Declared in std or a namespace inside it (std::filesystem::path).
bool isInStd(const Decl *D) {
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent())
    if (DC->isStdNamespace())
      return true;
  return false;
}

/// std::filesystem::path (in libstdc++ std::filesystem::__cxx11::path: inline
/// namespaces are not named), not std::experimental's.
bool isFilesystemPath(QualType T) {
  const auto *RD = T->getAsCXXRecordDecl();
  return RD && RD->getIdentifier() && RD->getName() == "path" && isInStd(RD) &&
         RD->getQualifiedNameAsString() == "std::filesystem::path";
}

/// std::basic_string_view or std::span: a view into memory that stays on the master
/// (remote_invoke.hpp's is_memory_view).
bool isMemoryView(QualType T) {
  return isStdNamed(T, "basic_string_view") || isStdNamed(T, "span");
}

/// std::basic_string<char, std::char_traits<char>, std::allocator<char>>.
bool isStdString(llvm::ArrayRef<TemplateArgument> Args) {
  auto IsPlainChar = [](QualType T) {
    return T->isSpecificBuiltinType(BuiltinType::Char_S) ||
           T->isSpecificBuiltinType(BuiltinType::Char_U);
  };
  return Args.size() == 3 && Args[0].getKind() == TemplateArgument::Type &&
         IsPlainChar(Args[0].getAsType()) &&
         Args[1].getKind() == TemplateArgument::Type &&
         isStdNamed(Args[1].getAsType(), "char_traits") &&
         Args[2].getKind() == TemplateArgument::Type &&
         isStdNamed(Args[2].getAsType(), "allocator");
}

} // namespace

std::string SerializabilityChecker::name(QualType T) const {
  return T.getAsString(Policy);
}

bool SerializabilityChecker::hasSerializeMember(const CXXRecordDecl *RD,
                                                bool Const) {
  ASTContext &Ctx = S.getASTContext();
  LookupResult R(S, DeclarationName(&Ctx.Idents.get("serialize")),
                 RD->getLocation(), Sema::LookupMemberName);
  R.suppressDiagnostics();
  S.LookupQualifiedName(R, const_cast<CXXRecordDecl *>(RD));
  if (R.empty() || R.isAmbiguous())
    return false;
  // HasMemberSerialize is checked from outside the class: only a public
  // member counts. A method must take one argument (an archive).
  for (auto I = R.begin(), E = R.end(); I != E; ++I) {
    if (I.getAccess() != AS_public)
      continue;
    const NamedDecl *D = (*I)->getUnderlyingDecl();
    if (const auto *FT = dyn_cast<FunctionTemplateDecl>(D))
      D = FT->getTemplatedDecl();
    if (const auto *MD = dyn_cast<CXXMethodDecl>(D)) {
      if (MD->getMinRequiredArguments() > 1 ||
          (MD->getNumParams() == 0 && !MD->isVariadic()))
        continue;
      if (Const && MD->isInstance() && !MD->isConst())
        continue;
      return true;
    }
    // A data member that can be called (a function object): be generous.
    if (isa<FieldDecl, VarDecl>(D))
      return true;
  }
  return false;
}

const FieldDecl *SerializabilityChecker::addressMember(const CXXRecordDecl *RD,
                                                      std::string &Path) {
  if (!RD->hasDefinition())
    return nullptr;
  for (const CXXBaseSpecifier &B : RD->bases())
    if (const CXXRecordDecl *Base = B.getType()->getAsCXXRecordDecl())
      if (const FieldDecl *F = addressMember(Base, Path))
        return F;
  for (const FieldDecl *F : RD->fields()) {
    QualType FT = S.getASTContext().getBaseElementType(F->getType());
    QualType C = FT.getCanonicalType();
    std::string Name =
        F->getName().empty() ? "<anonymous>" : F->getNameAsString();
    if (C->isPointerType() || C->isMemberPointerType() ||
        C->isNullPtrType() || C->isReferenceType() || isMemoryView(C)) {
      Path = Name;
      return F;
    }
    const CXXRecordDecl *Inner = C->getAsCXXRecordDecl();
    if (!Inner)
      continue;
    std::string InnerPath;
    if (const FieldDecl *Found = addressMember(Inner, InnerPath)) {
      // Inside a standard class the member itself is named, not its
      // implementation's fields.
      if (isInStd(Inner)) {
        Path = Name;
        return F;
      }
      // An anonymous struct or union member adds no name of its own.
      Path = F->isAnonymousStructOrUnion() ? InnerPath : Name + "." + InnerPath;
      return Found;
    }
  }
  return nullptr;
}

SerializabilityChecker::Verdict
SerializabilityChecker::raw(QualType T, TravelBlocker &Why) {
  QualType C = T.getCanonicalType();
  if (C->isPointerType() || C->isMemberPointerType() || C->isNullPtrType()) {
    Why.Reason = "'" + name(T) + "' is a pointer: an address means nothing "
                 "on another node";
    return Verdict::No;
  }
  if (C->isArrayType()) {
    Why.Reason = "'" + name(T) + "' is a C array";
    return Verdict::No;
  }
  if (C->isReferenceType()) {
    Why.Reason = "'" + name(T) + "' is a reference";
    return Verdict::No;
  }
  if (C->isIncompleteType())
    return Verdict::Unknown;
  const CXXRecordDecl *RD = C->getAsCXXRecordDecl();
  if (T.isTriviallyCopyableType(S.getASTContext())) {
    // Its bytes travel as they are: an address inside would point into the
    // sender's memory on the receiver (a crash, or garbage read silently).
    std::string Path;
    const FieldDecl *F = RD ? addressMember(RD, Path) : nullptr;
    if (!F)
      return Verdict::Yes;
    Why.Reason = "'" + name(T) + "' holds an address: member '" + Path +
                 "' of type '" + name(F->getType()) + "' (line " +
                 std::to_string(S.getSourceManager().getPresumedLineNumber(
                     F->getLocation())) +
                 ") would be sent as its bytes";
    Why.How = TravelBlocker::Fix::AddSerialize;
    Why.Record = RD;
    Why.HiddenFromRuntime = true;
    return Verdict::No;
  }
  if (RD && isInStd(RD)) {
    Why.Reason = "'" + name(T) + "' is not one of the standard types an "
                 "archive handles";
  } else if (RD) {
    Why.Reason = "'" + name(T) + "' is not trivially copyable and has no "
                 "public 'serialize' member";
    Why.How = TravelBlocker::Fix::AddSerialize;
    Why.Record = RD;
  } else {
    Why.Reason = "'" + name(T) + "' is not trivially copyable";
  }
  return Verdict::No;
}

SerializabilityChecker::Verdict
SerializabilityChecker::serializable(QualType T, TravelBlocker &Why) {
  QualType C = T.getCanonicalType();
  if (C->isDependentType())
    return Verdict::Unknown;
  const CXXRecordDecl *RD = C->getAsCXXRecordDecl();
  if (!RD || C->isReferenceType())
    return raw(T, Why);
  // A standard class template named only in declarations is not instantiated
  // yet: instantiate it to see whether it is trivially copyable (a user
  // template is left alone, its instantiation might not compile).
  if (!RD->hasDefinition() && isInStd(RD) &&
      isa<ClassTemplateSpecializationDecl>(RD))
    (void)S.isCompleteType(Where, C);
  RD = C->getAsCXXRecordDecl();
  bool Qualified = C.hasQualifiers();
  if (RD->hasDefinition() && hasSerializeMember(RD, C.isConstQualified()))
    return Verdict::Yes;
  // The archive sends a std::filesystem::path as its string (serialize.hpp).
  if (!Qualified && isFilesystemPath(C))
    return Verdict::Yes;
  // The standard templates are matched on the exact type, so a cv-qualified
  // one (`std::tuple<const std::string>`) falls through to is_raw_v.
  const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
  StdKind Kind = Spec && !Qualified ? stdKind(RD) : StdKind::None;
  if (Kind == StdKind::None) {
    if (!RD->hasDefinition())
      return Verdict::Unknown;
    return raw(T, Why);
  }
  llvm::ArrayRef<TemplateArgument> Args = Spec->getTemplateArgs().asArray();
  auto Element = [&](unsigned I, bool RemoveCV) {
    if (I >= Args.size() || Args[I].getKind() != TemplateArgument::Type)
      return Verdict::Unknown;
    QualType E = Args[I].getAsType();
    return serializable(RemoveCV ? E.getUnqualifiedType() : E, Why);
  };
  auto Both = [](Verdict A, Verdict B) {
    if (A == Verdict::No || B == Verdict::No)
      return Verdict::No;
    return A == Verdict::Unknown ? A : B;
  };
  switch (Kind) {
  case StdKind::None:
    break;
  case StdKind::String:
    if (isStdString(Args))
      return Verdict::Yes;
    return raw(T, Why);
  case StdKind::Sequence:
    return Element(0, /*RemoveCV=*/true);
  case StdKind::Map: {
    Verdict Key = Element(0, false);
    return Key == Verdict::No ? Key : Both(Key, Element(1, false));
  }
  case StdKind::Pair: {
    Verdict First = Element(0, true);
    return First == Verdict::No ? First : Both(First, Element(1, false));
  }
  case StdKind::Tuple: {
    if (Args.empty() || Args[0].getKind() != TemplateArgument::Pack)
      return Verdict::Unknown;
    Verdict All = Verdict::Yes;
    for (const TemplateArgument &A : Args[0].getPackAsArray()) {
      if (A.getKind() != TemplateArgument::Type)
        return Verdict::Unknown;
      All = Both(All, serializable(A.getAsType(), Why));
      if (All == Verdict::No)
        return All;
    }
    return All;
  }
  }
  return raw(T, Why);
}

void SerializabilityChecker::markHiddenAddress(QualType Element,
                                               TravelBlocker &Why) {
  TravelBlocker Inner;
  if (!Element->isDependentType() &&
      serializable(Element.getUnqualifiedType(), Inner) == Verdict::No &&
      Inner.HiddenFromRuntime)
    Why.HiddenFromRuntime = true;
}

SerializabilityChecker::Verdict
SerializabilityChecker::defaultConstructible(QualType T, SourceLocation Loc) {
  QualType C = T.getCanonicalType();
  if (C->isDependentType() || C->isIncompleteType())
    return Verdict::Unknown;
  // std::is_default_constructible is __is_constructible(T): ask Sema.
  ASTContext &Ctx = S.getASTContext();
  TypeSourceInfo *Info = Ctx.getTrivialTypeSourceInfo(T, Loc);
  ExprResult E = S.BuildTypeTrait(TT_IsConstructible, Loc, {Info}, Loc);
  const auto *Trait = E.isUsable() ? dyn_cast<TypeTraitExpr>(E.get()) : nullptr;
  if (!Trait || Trait->isValueDependent())
    return Verdict::Unknown;
  return Trait->getValue() ? Verdict::Yes : Verdict::No;
}

std::optional<TravelBlocker>
SerializabilityChecker::checkParam(QualType P, ParamKind K, bool HasExtent,
                                   SourceLocation Loc) {
  Where = Loc;
  TravelBlocker Why;
  Why.How = TravelBlocker::Fix::PassObject;
  switch (K) {
  case ParamKind::Collection:
    Why.Reason = "collection parameters cannot be sent to a worker yet";
    if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
            P.getNonReferenceType()->getAsCXXRecordDecl()))
      if (Spec->getTemplateArgs().size() != 0 &&
          Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type)
        markHiddenAddress(Spec->getTemplateArgs()[0].getAsType(), Why);
    return Why;
  case ParamKind::Stream: {
    // A stream travels as a ticket onto the master's stream service when its
    // elements do (ObjectStream<T>::travels; a FileStream always does).
    const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
        P.getNonReferenceType()->getAsCXXRecordDecl());
    if (!Spec || Spec->getTemplateArgs().size() == 0 ||
        Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
      return std::nullopt;
    QualType Element = Spec->getTemplateArgs()[0].getAsType();
    if (Element->isDependentType() || serializable(Element, Why) != Verdict::No)
      return std::nullopt;
    Why.Reason = "the elements of a stream parameter must be serializable to "
                 "be sent to a worker";
    return Why;
  }
  case ParamKind::Directory:
    Why.Reason = "directory parameters cannot be sent to a worker yet";
    Why.How = TravelBlocker::Fix::PassFiles;
    return Why;
  case ParamKind::File:
    // Every path type TaskSema accepts travels (remote_param_ok_v): a
    // `const char *` as the std::string it is stored in, a
    // std::filesystem::path as its string.
    return std::nullopt;
  case ParamKind::Object:
    break;
  }
  // remote_storage_t: the value without reference and cv-qualifiers.
  QualType Storage = P.getNonReferenceType().getUnqualifiedType();
  if (Storage->isDependentType() || Storage->isUndeducedType())
    return std::nullopt;
  if (Storage->isPointerType()) {
    if (HasExtent)
      markHiddenAddress(Storage->getPointeeType(), Why);
    Why.How = TravelBlocker::Fix::PassSerializable;
    if (!HasExtent) {
      Why.Reason = "a pointer: an address means nothing on another node";
      return Why;
    }
    // An array section travels as its elements (section_param_ok_v): the
    // rules below apply to the element type.
    Storage = Storage->getPointeeType().getUnqualifiedType();
    if (Storage->isDependentType() || Storage->isUndeducedType())
      return std::nullopt;
    if (Storage->isVoidType() || Storage->isFunctionType() ||
        Storage->isBooleanType()) {
      Why.Reason = "an array section of '" + name(Storage) +
                   "' elements cannot be sent to a worker yet";
      return Why;
    }
  }
  Why.How = TravelBlocker::Fix::PassSerializable;
  if (isMemoryView(Storage.getCanonicalType())) {
    Why.Reason = "a view: the memory it refers to stays on the master";
    return Why;
  }
  if (serializable(Storage, Why) != Verdict::No) {
    if (defaultConstructible(Storage, Loc) != Verdict::No)
      return std::nullopt;
    TravelBlocker Ctor;
    Ctor.Reason = "'" + name(Storage) + "' cannot be default-constructed";
    Ctor.How = TravelBlocker::Fix::AddDefaultCtor;
    Ctor.Record = Storage->getAsCXXRecordDecl();
    if (!Ctor.Record)
      Ctor.How = TravelBlocker::Fix::PassSerializable;
    return Ctor;
  }
  return Why;
}

std::optional<TravelBlocker>
SerializabilityChecker::checkResult(QualType R, SourceLocation Loc) {
  Where = Loc;
  if (R->isVoidType() || R->isUndeducedType())
    return std::nullopt;
  TravelBlocker Why;
  Why.How = TravelBlocker::Fix::PassSerializable;
  if (isMemoryView(R.getUnqualifiedType().getCanonicalType())) {
    Why.Reason = "a view: the memory it refers to stays on the worker";
    return Why;
  }
  if (serializable(R.getUnqualifiedType(), Why) == Verdict::No)
    return Why;
  return std::nullopt;
}

static void noteFix(Diagnostics &D, ASTContext &Ctx,
                    const PrintingPolicy &Policy, const TravelBlocker &B,
                    SourceLocation Loc) {
  switch (B.How) {
  case TravelBlocker::Fix::AddSerialize:
  case TravelBlocker::Fix::AddDefaultCtor: {
    SourceLocation At = B.Record->getLocation();
    D.report(At.isValid() ? At : Loc,
             B.How == TravelBlocker::Fix::AddSerialize
                 ? Diag::AddSerializeNote
                 : Diag::AddDefaultCtorNote)
        << Ctx.getRecordType(B.Record).getAsString(Policy);
    return;
  }
  case TravelBlocker::Fix::PassObject:
    D.report(Loc, Diag::PassObjectNote);
    return;
  case TravelBlocker::Fix::PassFiles:
    D.report(Loc, Diag::PassFilesNote);
    return;
  case TravelBlocker::Fix::PassSerializable:
    D.report(Loc, Diag::PassSerializableNote);
    return;
  }
}

void checkMasterOnly(Sema &S, Diagnostics &D, const PrintingPolicy &Policy,
                     SourceLocation TaskLoc, const FunctionDecl *FD,
                     ResolvedTask &R, const FunctionDecl *Pattern,
                     bool Report) {
  ASTContext &Ctx = S.getASTContext();
  SerializabilityChecker Travel(S, Policy);
  auto IsNew = [&](unsigned I) {
    if (!Pattern || I >= Pattern->getNumParams())
      return true;
    const ParmVarDecl *P = Pattern->getParamDecl(I);
    return P->isParameterPack() || P->getType()->isDependentType();
  };
  // Warns at the first blocker only, but looks at every one: a blocker C++
  // cannot see (a member holding an address) must be marked in the TaskSpec.
  auto Found = [&](SourceLocation Loc, llvm::StringRef Name, QualType Type,
                   const TravelBlocker &B, bool IsResult) {
    if (B.HiddenFromRuntime)
      R.HiddenAddress = true;
    bool First = !R.MasterOnly;
    R.MasterOnly = true;
    if (!Report || !First)
      return;
    if (IsResult)
      D.report(Loc, Diag::NotSerializableResultWarning)
          << R.Name << Type << B.Reason;
    else
      D.report(Loc, Diag::NotSerializableParamWarning)
          << R.Name << Name << Type << B.Reason;
    noteFix(D, Ctx, Policy, B, Loc);
  };
  unsigned First = 0;
  if (R.IsMethod) {
    First = 1;
    QualType Object = Ctx.getRecordType(cast<CXXMethodDecl>(FD)->getParent());
    if (!Pattern)
      if (auto B = Travel.checkParam(Object, ParamKind::Object, false, TaskLoc))
        Found(TaskLoc, "this", Object, *B, false);
  }
  for (unsigned I = 0; I != FD->getNumParams(); ++I) {
    if (!IsNew(I))
      continue;
    const ParmVarDecl *P = FD->getParamDecl(I);
    const ResolvedParam &RP = R.Params[I + First];
    // Where the clause names it, else at the parameter.
    SourceLocation Loc = P->getLocation();
    for (const DataClause &C : R.Pragma->Clauses)
      for (const ClauseArg &A : C.Args)
        if (A.Name == RP.Name)
          Loc = A.Loc;
    if (auto B = Travel.checkParam(P->getType(), RP.Kind, !RP.Extent.empty(),
                                   Loc))
      Found(Loc, RP.Name, P->getType(), *B, false);
  }
  QualType Result = FD->getReturnType();
  if (Pattern && !Pattern->getReturnType()->isDependentType() &&
      !Pattern->getReturnType()->isUndeducedType())
    return;
  if (auto B = Travel.checkResult(Result, TaskLoc))
    Found(TaskLoc, "", Result, *B, true);
}

} // namespace compss_cc
