//===- Translator.cpp - Translate one source file -------------------------===//

#include "Translator.h"
#include "AutoSync.h"
#include "ClauseParser.h"
#include "CodeGen.h"
#include "GlobalUses.h"
#include "PragmaCapture.h"
#include "TaskSema.h"
#include "UnknownPragmas.h"
#include "UnsyncReads.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Rewrite/Core/Rewriter.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace clang;

namespace compss_cc {

namespace {

/// What one translation produces.
struct TranslationOutput {
  bool Done = false;
  std::string Text;
};

/// Collects, in one walk over the parts of the AST written in interesting
/// files (the main file and the files holding task pragmas): candidate
/// declarations for the task pragmas, calls, function bodies and `main`.
class Collector : public RecursiveASTVisitor<Collector> {
  using Base = RecursiveASTVisitor<Collector>;

public:
  Collector(const SourceManager &SM, const llvm::DenseSet<FileID> &TaskFiles)
      : SM(SM), MainFID(SM.getMainFileID()), TaskFiles(TaskFiles) {}

  bool shouldVisitTemplateInstantiations() const { return false; }
  bool shouldVisitImplicitCode() const { return false; }

  bool TraverseDecl(Decl *D) {
    if (!D)
      return true;
    if (!isa<TranslationUnitDecl>(D)) {
      SourceLocation L = SM.getExpansionLoc(D->getLocation());
      if (L.isValid() && SM.getFileID(L) != MainFID &&
          !TaskFiles.contains(SM.getFileID(L)))
        return true; // Nothing of interest in system or other headers.
    }
    return Base::TraverseDecl(D);
  }

  bool VisitDecl(Decl *D) {
    SourceLocation L = SM.getExpansionLoc(D->getBeginLoc());
    if (L.isValid() && !D->isImplicit() && TaskFiles.contains(SM.getFileID(L)))
      Candidates.push_back(D);
    return true;
  }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (!FD->doesThisDeclarationHaveABody())
      return true;
    if (const auto *Body = dyn_cast_or_null<CompoundStmt>(FD->getBody()))
      addBody(Body);
    if (FD->isMain() && FD->getLocation().isFileID() &&
        SM.getFileID(FD->getLocation()) == MainFID)
      Main = FD;
    return true;
  }

  bool VisitCompoundStmt(CompoundStmt *CS) {
    SourceLocation B = CS->getLBracLoc(), E = CS->getRBracLoc();
    if (B.isFileID() && E.isFileID() && SM.getFileID(B) == MainFID &&
        SM.getFileID(E) == MainFID)
      Blocks.push_back({SM.getFileOffset(B), E});
    return true;
  }

  bool VisitLambdaExpr(LambdaExpr *L) {
    addBody(L->getBody());
    return true;
  }

  // Calls in unevaluated operands (sizeof, noexcept ...) are never run, so
  // they stay as written. Calls in decltype are rewritten: decltype names the
  // type a call yields, and under compss-cc that is a compss::Future.
#define COMPSS_UNEVALUATED(NODE, ARG)                                          \
  bool Traverse##NODE(ARG X) {                                                 \
    ++Unevaluated;                                                             \
    bool Result = Base::Traverse##NODE(X);                                     \
    --Unevaluated;                                                             \
    return Result;                                                             \
  }
  COMPSS_UNEVALUATED(UnaryExprOrTypeTraitExpr, UnaryExprOrTypeTraitExpr *)
  COMPSS_UNEVALUATED(CXXNoexceptExpr, CXXNoexceptExpr *)
  COMPSS_UNEVALUATED(CXXTypeidExpr, CXXTypeidExpr *)
  COMPSS_UNEVALUATED(RequiresExpr, RequiresExpr *)
#undef COMPSS_UNEVALUATED

  bool VisitCallExpr(CallExpr *CE) {
    if (Unevaluated)
      return true;
    if (const FunctionDecl *Callee = CE->getDirectCallee())
      Calls.push_back({CE, Callee->getCanonicalDecl()});
    return true;
  }

  std::vector<const Decl *> Candidates;
  std::vector<std::pair<const CallExpr *, const FunctionDecl *>> Calls;
  /// Offsets of `{` and `}` of the function bodies in the main file.
  std::vector<std::pair<unsigned, unsigned>> Bodies;
  /// The same bodies, for the automatic waits.
  std::vector<const Stmt *> BodyStmts;
  /// Offset of `{` and location of `}` of every block in the main file.
  std::vector<std::pair<unsigned, SourceLocation>> Blocks;
  const FunctionDecl *Main = nullptr;

private:
  void addBody(const Stmt *Body) {
    const auto *CS = dyn_cast_or_null<CompoundStmt>(Body);
    if (!CS)
      return;
    SourceLocation B = CS->getLBracLoc(), E = CS->getRBracLoc();
    if (B.isFileID() && E.isFileID() && SM.getFileID(B) == MainFID &&
        SM.getFileID(E) == MainFID) {
      Bodies.push_back({SM.getFileOffset(B), SM.getFileOffset(E)});
      BodyStmts.push_back(CS);
    }
  }

  const SourceManager &SM;
  FileID MainFID;
  const llvm::DenseSet<FileID> &TaskFiles;
  unsigned Unevaluated = 0;
};

/// The return statements of `main` itself (not of lambdas or local classes in
/// it): each returned value passes through ::compss::detail::finish_main, which
/// waits for every task before main's local objects are destroyed.
class MainReturns : public RecursiveASTVisitor<MainReturns> {
public:
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool TraverseCXXRecordDecl(CXXRecordDecl *) { return true; }
  bool VisitReturnStmt(ReturnStmt *RS) {
    if (RS->getRetValue())
      Returns.push_back(RS);
    return true;
  }
  std::vector<const ReturnStmt *> Returns;
};

/// Runs the stages after parsing and rewrites the main file.
class TranslateConsumer : public ASTConsumer {
public:
  TranslateConsumer(CompilerInstance &CI, const PragmaTable &Table,
                    const SemaOptions &Options, TranslationOutput &Out)
      : CI(CI), Table(Table), Options(Options), Out(Out) {}

  void HandleTranslationUnit(ASTContext &Ctx) override;

private:
  /// Replaces [Begin, End) of the main file by \p Text followed by as many
  /// newlines as the replaced text had, so that no line moves.
  void replaceKeepingLines(Rewriter &R, SourceLocation Begin,
                           SourceLocation End, std::string Text);
  std::string mainFilePath(const SourceManager &SM) const;

  /// Its Sema, still alive when the translation unit is handed over.
  CompilerInstance &CI;
  const PragmaTable &Table;
  const SemaOptions &Options;
  TranslationOutput &Out;
};

/// The pieces of `obj.m(args)` / `p->m(args)` / `m(args)` that are rewritten
/// into `call_task<...>(obj, args)`; nullopt when written by a macro.
struct MethodCallParts {
  const MemberExpr *Member;
  CharSourceRange Base; ///< Invalid for an implicit `this`.
  SourceLocation LParen;
};

static std::optional<MethodCallParts>
methodCallParts(const CallExpr *CE, const SourceManager &SM, ASTContext &Ctx) {
  const auto *ME = dyn_cast<MemberExpr>(CE->getCallee()->IgnoreParens());
  if (!ME || ME->getBeginLoc().isMacroID() || ME->getEndLoc().isMacroID())
    return std::nullopt;
  std::optional<Token> Paren =
      Lexer::findNextToken(ME->getEndLoc(), SM, Ctx.getLangOpts());
  if (!Paren || Paren->isNot(tok::l_paren) || Paren->getLocation().isMacroID())
    return std::nullopt;
  MethodCallParts Parts{ME, CharSourceRange(), Paren->getLocation()};
  if (!ME->isImplicitAccess()) {
    Parts.Base = Lexer::makeFileCharRange(
        CharSourceRange::getTokenRange(ME->getBase()->getSourceRange()), SM,
        Ctx.getLangOpts());
    if (Parts.Base.isInvalid())
      return std::nullopt;
  }
  return Parts;
}

/// `obj.m(a)` -> `<Callee>(obj, a)`, `p->m(a)` -> `<Callee>(*(p), a)`,
/// `m(a)` in a member -> `<Callee>(*this, a)`: the object is the task's first
/// argument (include/compss/detail/call_method.hpp).
static void rewriteMethodCall(Rewriter &R, ASTContext &Ctx,
                              const CallExpr *CE, const std::string &Callee) {
  std::optional<MethodCallParts> Parts =
      methodCallParts(CE, R.getSourceMgr(), Ctx);
  if (!Parts)
    return; // Reported when the calls were collected.
  std::string Sep = CE->getNumArgs() ? ", " : "";
  SourceLocation AfterParen = Parts->LParen.getLocWithOffset(1);
  if (Parts->Base.isInvalid()) {
    R.ReplaceText(CharSourceRange::getCharRange(Parts->Member->getBeginLoc(),
                                                AfterParen),
                  Callee + "(*this" + Sep);
    return;
  }
  bool Arrow = Parts->Member->isArrow();
  R.InsertTextBefore(Parts->Base.getBegin(), Callee + (Arrow ? "(*(" : "("));
  R.ReplaceText(CharSourceRange::getCharRange(Parts->Base.getEnd(), AfterParen),
                (Arrow ? ")" : "") + Sep);
}

/// The text of an argument of a call, as written.
static std::string argText(const Expr *Arg, const SourceManager &SM,
                           const LangOptions &LO) {
  CharSourceRange Range = Lexer::makeFileCharRange(
      CharSourceRange::getTokenRange(Arg->getSourceRange()), SM, LO);
  return Range.isValid() ? Lexer::getSourceText(Range, SM, LO).str() : "";
}

/// `inout(diag[n])` at a call `f(d, k)`: the extent `n` with each parameter
/// replaced by the parenthesized argument, `(k)`.
static std::string extentText(const ResolvedTask &T, const ResolvedParam &P,
                              const CallExpr *CE, const SourceManager &SM,
                              const LangOptions &LO) {
  std::string Text;
  for (const PragmaToken &Tok : P.Extent) {
    auto It = llvm::find_if(T.Params, [&](const ResolvedParam &Q) {
      return Tok.Kind == tok::identifier && Q.Name == Tok.Spelling;
    });
    if (!Text.empty())
      Text += ' ';
    if (It == T.Params.end())
      Text += Tok.Spelling;
    else
      Text += "(" + argText(CE->getArg(It - T.Params.begin()), SM, LO) + ")";
  }
  return Text;
}

/// The statement pragmas of the main file that wait, where they wait.
static std::vector<SyncPoint> syncPoints(
    const ParsedPragmas &Pragmas,
    const llvm::DenseMap<const StmtPragma *, SourceLocation> &GroupEnd,
    const SourceManager &SM) {
  std::vector<SyncPoint> Points;
  for (const StmtPragma &S : Pragmas.Statements) {
    if (!SM.isInMainFile(S.Raw->HashLoc))
      continue;
    unsigned At = SM.getFileOffset(S.Raw->HashLoc);
    switch (S.Kind) {
    case StmtPragma::Barrier:
    case StmtPragma::BarrierGroup:
      Points.push_back({At, true, ""});
      break;
    case StmtPragma::WaitOn:
      for (const std::string &Arg : S.Args)
        Points.push_back({At, false, Arg});
      break;
    case StmtPragma::Group:
      // The group waits for its tasks at the `}` of its block.
      if (S.ImplicitBarrier && GroupEnd.count(&S))
        Points.push_back({SM.getFileOffset(GroupEnd.lookup(&S)), true, ""});
      break;
    default:
      break;
    }
  }
  return Points;
}

void TranslateConsumer::replaceKeepingLines(Rewriter &R, SourceLocation Begin,
                                            SourceLocation End,
                                            std::string Text) {
  const SourceManager &SM = R.getSourceMgr();
  unsigned Length = SM.getFileOffset(End) - SM.getFileOffset(Begin);
  llvm::StringRef Old(SM.getCharacterData(Begin), Length);
  Text.append(Old.count('\n'), '\n');
  R.ReplaceText(Begin, Length, Text);
}

std::string TranslateConsumer::mainFilePath(const SourceManager &SM) const {
  OptionalFileEntryRef Entry = SM.getFileEntryRefForID(SM.getMainFileID());
  llvm::SmallString<256> Path(Entry ? Entry->getName() : "");
  llvm::sys::fs::make_absolute(Path);
  llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  return std::string(Path);
}

void TranslateConsumer::HandleTranslationUnit(ASTContext &Ctx) {
  DiagnosticsEngine &Engine = Ctx.getDiagnostics();
  if (Engine.hasErrorOccurred())
    return;
  SourceManager &SM = Ctx.getSourceManager();
  FileID MainFID = SM.getMainFileID();
  Diagnostics D(Engine);

  ParsedPragmas Pragmas = parsePragmas(Table, SM, D);
  llvm::DenseSet<FileID> TaskFiles;
  for (const TaskPragma &T : Pragmas.Tasks)
    TaskFiles.insert(SM.getFileID(T.Raw->HashLoc));

  Collector C(SM, TaskFiles);
  C.TraverseDecl(Ctx.getTranslationUnitDecl());
  std::vector<ResolvedTask> Tasks =
      resolveTasks(CI.getSema(), D, Pragmas.Tasks, C.Candidates, Options);

  llvm::StringRef Buffer = SM.getBufferData(MainFID);
  // Statement pragmas stand for statements of the main file; a group, for a
  // block whose `}` closes the TaskGroup's scope.
  llvm::DenseMap<const StmtPragma *, SourceLocation> GroupEnd;
  for (const StmtPragma &S : Pragmas.Statements) {
    const char *Name = stmtPragmaName(S.Kind);
    if (SM.getFileID(S.Raw->HashLoc) != MainFID) {
      D.report(S.Raw->HashLoc, Diag::StmtPragmaInHeaderWarning) << Name;
      continue;
    }
    unsigned Offset = SM.getFileOffset(S.Raw->HashLoc);
    bool InBody = llvm::any_of(C.Bodies, [&](auto Body) {
      return Body.first < Offset && Offset < Body.second;
    });
    if (!InBody) {
      D.report(S.Raw->Tokens.front().Loc, Diag::StmtPragmaOutsideFunction)
          << Name;
      continue;
    }
    if (S.Kind != StmtPragma::Group)
      continue;
    unsigned After = SM.getFileOffset(S.Raw->EndLoc);
    const std::pair<unsigned, SourceLocation> *Next = nullptr;
    for (const auto &B : C.Blocks)
      if (B.first >= After && (!Next || B.first < Next->first))
        Next = &B;
    if (!Next || !onlyTriviaBetween(Buffer.slice(After, Next->first))) {
      D.report(S.Raw->Tokens.front().Loc, Diag::GroupNeedsBlock);
      continue;
    }
    GroupEnd[&S] = Next->second;
  }
  if (D.hasErrors())
    return;

  // The calls to rewrite: in the main file, not inside a macro expansion.
  llvm::DenseMap<const FunctionDecl *, unsigned> TaskOf;
  for (unsigned I = 0; I != Tasks.size(); ++I)
    TaskOf[Tasks[I].Decl] = I;
  struct CalleeEdit {
    CharSourceRange Range;
    unsigned Task;
    bool Parenthesize;
    const CallExpr *Call;
  };
  // Each instantiation of a template task that a call names is a task.
  struct Instantiation {
    unsigned Pattern, Spec;
    SourceLocation CallLoc;
  };
  std::vector<Instantiation> Instantiated;
  const unsigned PatternCount = Tasks.size();
  auto Specialize = [&](unsigned Pattern, const FunctionDecl *Callee) {
    std::optional<ResolvedTask> Spec = resolveSpecialization(
        CI.getSema(), D, Tasks[Pattern], Callee, Options);
    if (!Spec)
      return false;
    TaskOf[Callee] = Tasks.size();
    Tasks.push_back(std::move(*Spec));
    return true;
  };
  for (auto [CE, Callee] : C.Calls) {
    const FunctionTemplateDecl *Primary = Callee->getPrimaryTemplate();
    if (!Primary || TaskOf.count(Callee))
      continue;
    auto Pattern = TaskOf.find(Primary->getTemplatedDecl()->getCanonicalDecl());
    if (Pattern != TaskOf.end() && Specialize(Pattern->second, Callee))
      Instantiated.push_back({Pattern->second, TaskOf[Callee], CE->getExprLoc()});
  }
  // The versions of a template task are templates of the same parameters:
  // each instantiation of the task runs the same instantiation of each.
  for (const Instantiation &I : Instantiated)
    for (unsigned V = 0; V != PatternCount; ++V) {
      if (!Tasks[V].IsTemplate ||
          Tasks[V].Implements != Tasks[I.Pattern].Signature)
        continue;
      const FunctionDecl *VersionSpec = instantiateVersion(
          CI.getSema(), Tasks[V], Tasks[I.Spec].Decl, I.CallLoc);
      if (!VersionSpec) {
        D.report(I.CallLoc, Diag::VersionNotInstantiable)
            << Tasks[I.Spec].Name << Tasks[V].Name;
        continue;
      }
      if (!TaskOf.count(VersionSpec) && !Specialize(V, VersionSpec))
        continue;
      Tasks[TaskOf[VersionSpec]].Implements = Tasks[I.Spec].Signature;
    }
  if (D.hasErrors())
    return;
  std::vector<CalleeEdit> Callees;
  llvm::DenseSet<unsigned> SeenOffsets;
  std::vector<bool> Used(Tasks.size());
  for (auto [CE, Callee] : C.Calls) {
    auto It = TaskOf.find(Callee);
    if (It == TaskOf.end())
      continue;
    const Expr *E = CE->getCallee();
    if (E->getBeginLoc().isInvalid())
      continue;
    // The callee's text in the file: also when it is written in a macro
    // argument, not when it comes from a macro's definition.
    CharSourceRange Range = Lexer::makeFileCharRange(
        CharSourceRange::getTokenRange(E->getSourceRange()), SM,
        Ctx.getLangOpts());
    if (Range.isInvalid()) {
      SourceLocation Expansion = SM.getExpansionLoc(E->getBeginLoc());
      if (SM.isInMainFile(Expansion))
        D.report(Expansion, Diag::CallInMacroWarning) << Tasks[It->second].Name;
      continue;
    }
    if (SM.getFileID(Range.getBegin()) != MainFID ||
        !SeenOffsets.insert(SM.getFileOffset(Range.getBegin())).second)
      continue;
    if (llvm::any_of(CE->arguments(),
                     [](const Expr *A) { return isa<CXXDefaultArgExpr>(A); })) {
      D.report(CE->getRParenLoc(), Diag::DefaultArgInTaskCall)
          << Tasks[It->second].Name;
      continue;
    }
    // In a macro argument the callee's top-level comma would split the
    // argument: there it is parenthesized.
    const ResolvedTask &Task = Tasks[It->second];
    // Arguments named by an array extent are evaluated twice: once as the
    // argument, once in the extent.
    for (const ResolvedParam &P : Task.Params)
      for (const PragmaToken &Tok : P.Extent)
        for (unsigned K = 0; K != Task.Params.size(); ++K)
          if (Tok.Kind == tok::identifier && Task.Params[K].Name == Tok.Spelling &&
              K < CE->getNumArgs() && CE->getArg(K)->HasSideEffects(Ctx))
            D.report(CE->getArg(K)->getExprLoc(), Diag::ExtentArgSideEffects)
                << argText(CE->getArg(K), SM, Ctx.getLangOpts()) << Task.Name;
    bool InMacroArg = E->getBeginLoc().isMacroID();
    if (Task.IsMethod && (InMacroArg || !methodCallParts(CE, SM, Ctx))) {
      D.report(Range.getBegin(), Diag::CallInMacroWarning) << Task.Name;
      continue;
    }
    // The call names the task's versions (implement): each must be declared
    // before it.
    for (const ResolvedTask &V : Tasks)
      if (V.Implements == Task.Signature &&
          !SM.isBeforeInTranslationUnit(V.Decl->getLocation(),
                                        Range.getBegin())) {
        D.report(Range.getBegin(), Diag::VersionAfterCall) << Task.Name << V.Name;
        D.report(V.Decl->getLocation(), Diag::VersionDeclaredNote) << V.Name;
      }
    Callees.push_back({Range, It->second, InMacroArg, CE});
    Used[It->second] = true;
  }
  if (D.hasErrors())
    return;
  // The versions of a called task are referenced by its calls.
  for (unsigned I = 0; I != Tasks.size(); ++I)
    if (Used[I])
      for (unsigned J = 0; J != Tasks.size(); ++J)
        if (Tasks[J].Implements == Tasks[I].Signature)
          Used[J] = true;
  // Every task called or defined here gets its TaskSpec, numbered in order.
  std::vector<const ResolvedTask *> Emitted;
  llvm::SmallVector<bool, 8> EmittedCalled;
  std::vector<unsigned> Number(Tasks.size());
  for (unsigned I = 0; I != Tasks.size(); ++I) {
    if (Tasks[I].IsTemplate ||
        (!Used[I] && !Tasks[I].Decl->isDefined() && !Tasks[I].AlwaysEmit))
      continue;
    Number[I] = Emitted.size();
    Emitted.push_back(&Tasks[I]);
    EmittedCalled.push_back(Used[I]);
  }

  Rewriter R(SM, Ctx.getLangOpts());
  for (const CalleeEdit &C : Callees) {
    const ResolvedTask &T = Tasks[C.Task];
    std::vector<VersionRef> Versions;
    for (unsigned J = 0; J != Tasks.size(); ++J)
      if (Tasks[J].Implements == T.Signature)
        Versions.push_back({Number[J], &Tasks[J]});
    std::string Text = emitCallee(Number[C.Task], T, Versions);
    if (T.IsMethod)
      rewriteMethodCall(R, Ctx, C.Call, Text);
    else
      R.ReplaceText(C.Range, C.Parenthesize ? "(" + Text + ")" : Text);
    for (unsigned K = 0; K != T.Params.size(); ++K) {
      if (T.Params[K].Extent.empty() || K >= C.Call->getNumArgs())
        continue;
      CharSourceRange Arg = Lexer::makeFileCharRange(
          CharSourceRange::getTokenRange(C.Call->getArg(K)->getSourceRange()),
          SM, Ctx.getLangOpts());
      if (Arg.isInvalid())
        continue;
      R.InsertTextBefore(Arg.getBegin(), "::compss::detail::section(");
      R.InsertTextAfter(Arg.getEnd(),
                        ", " +
                            extentText(T, T.Params[K], C.Call, SM,
                                       Ctx.getLangOpts()) +
                            ")");
    }
  }
  for (const TaskPragma &T : Pragmas.Tasks)
    if (SM.getFileID(T.Raw->HashLoc) == MainFID)
      replaceKeepingLines(R, T.Raw->HashLoc, T.Raw->EndLoc, "");
  // Automatic waits: before the first plain use of a local a task may write.
  // The same calls with every argument they may write, for
  // -Wcompss-unsynchronized-read.
  TaskWrites Writes;
  TaskCallMap WrittenArgs;
  for (const CalleeEdit &C : Callees) {
    const ResolvedTask &T = Tasks[C.Task];
    auto &Vars = Writes[C.Call];
    TaskCallWrites &Args = WrittenArgs[C.Call];
    Args.Task = T.Name;
    unsigned First = 0;
    if (T.IsMethod) {
      First = 1;
      const auto *ME = dyn_cast<MemberExpr>(C.Call->getCallee()->IgnoreParens());
      if (T.Params[0].Dir != Direction::In && ME)
        Args.Written.push_back(ME->getBase());
      if (T.Params[0].Dir != Direction::In && ME)
        if (const auto *DRE =
                dyn_cast<DeclRefExpr>(ME->getBase()->IgnoreParenImpCasts()))
          if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
            Vars.push_back(VD);
    }
    for (unsigned K = First; K < T.Params.size(); ++K) {
      const ResolvedParam &P = T.Params[K];
      bool Writes = P.Dir != Direction::In && P.Dir != Direction::InDelete &&
                    (P.Kind == ParamKind::Object ||
                     P.Kind == ParamKind::Collection);
      if (!Writes || K - First >= C.Call->getNumArgs())
        continue;
      Args.Written.push_back(C.Call->getArg(K - First));
      const Expr *Arg = C.Call->getArg(K - First)->IgnoreParenImpCasts();
      if (const auto *U = dyn_cast<UnaryOperator>(Arg);
          U && U->getOpcode() == UO_AddrOf)
        Arg = U->getSubExpr()->IgnoreParenImpCasts();
      if (const auto *DRE = dyn_cast<DeclRefExpr>(Arg))
        if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
          Vars.push_back(VD);
    }
  }
  for (const WaitInsertion &W : planWaits(C.BodyStmts, C.Main ? C.Main->getBody() : nullptr, Writes, SM))
    R.InsertTextBefore(W.Loc, "::compss::wait_on(" + W.Var + ");");
  if (Options.WarnUnsyncRead)
    warnUnsynchronizedReads(C.BodyStmts, WrittenArgs,
                            syncPoints(Pragmas, GroupEnd, SM), Ctx, D);

  unsigned GroupNumber = 0;
  for (const StmtPragma &S : Pragmas.Statements) {
    if (SM.getFileID(S.Raw->HashLoc) != MainFID)
      continue;
    if (S.Kind != StmtPragma::Group) {
      replaceKeepingLines(R, S.Raw->HashLoc, S.Raw->EndLoc, emitStatement(S));
      continue;
    }
    replaceKeepingLines(R, S.Raw->HashLoc, S.Raw->EndLoc,
                        emitGroupOpen(S, GroupNumber++));
    R.InsertTextAfterToken(GroupEnd.lookup(&S), "}");
  }

  // The globals each task defined here reads, registered at the end (after
  // every declaration they may need).
  std::string Globals;
  GlobalsTasksWrite TasksWrite = findGlobalsTasksWrite(CI.getSema(), Emitted);
  for (unsigned N = 0; N != Emitted.size(); ++N) {
    const ResolvedTask &T = *Emitted[N];
    TaskGlobals G =
        findTaskGlobals(CI.getSema(), D, Ctx.getPrintingPolicy(), T, TasksWrite,
                        Options.WarnGlobals && !T.MasterOnly);
    Globals += emitTaskGlobals(N, T, G.Shipped, G.MasterOnly);
  }
  if (!Globals.empty())
    R.InsertTextAfter(SM.getLocForEndOfFile(MainFID), "\n" + Globals);

  if (const FunctionDecl *Main = C.Main) {
    R.ReplaceText(Main->getLocation(), 4, UserMainName);
    MainReturns Returns;
    Returns.TraverseStmt(Main->getBody());
    for (const ReturnStmt *RS : Returns.Returns) {
      CharSourceRange Value = Lexer::makeFileCharRange(
          CharSourceRange::getTokenRange(RS->getRetValue()->getSourceRange()),
          SM, Ctx.getLangOpts());
      if (Value.isInvalid() || SM.getFileID(Value.getBegin()) != MainFID)
        continue; // Written by a macro: run_main's final barrier covers it.
      R.InsertTextBefore(Value.getBegin(), "::compss::detail::finish_main(");
      R.InsertTextAfter(Value.getEnd(), ")");
    }
    if (const auto *Body = dyn_cast<CompoundStmt>(Main->getBody()))
      R.InsertTextBefore(Body->getRBracLoc(),
                         "return ::compss::detail::finish_main(0);");
    std::string Epilogue = emitMainEpilogue();
    if (!Buffer.empty() && !Buffer.ends_with("\n"))
      Epilogue.insert(0, "\n");
    R.InsertTextAfter(SM.getLocForEndOfFile(MainFID), Epilogue);
  }
  R.InsertTextBefore(SM.getLocForStartOfFile(MainFID),
                     emitPrologue(Emitted, EmittedCalled, mainFilePath(SM)));
  if (D.hasErrors())
    return;
  const RewriteBuffer &RB = R.getEditBuffer(MainFID);
  Out.Text.assign(RB.begin(), RB.end());
  Out.Done = true;
}

/// Registers the pragma handler for the file and runs TranslateConsumer.
class TranslateAction : public ASTFrontendAction {
public:
  TranslateAction(const SemaOptions &Options,
                  const UnknownPragmaPolicy &Unknown, TranslationOutput &Out)
      : Options(Options), Out(Out), UnknownHandler(Unknown) {}

  bool BeginSourceFileAction(CompilerInstance &CI) override {
    Handler = std::make_unique<CompssPragmaHandler>(Table);
    CI.getPreprocessor().AddPragmaHandler(Handler.get());
    CI.getPreprocessor().AddPragmaHandler(&UnknownHandler);
    return true;
  }

  void EndSourceFileAction() override {
    Preprocessor &PP = getCompilerInstance().getPreprocessor();
    PP.RemovePragmaHandler(Handler.get());
    PP.RemovePragmaHandler(&UnknownHandler);
  }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    return std::make_unique<TranslateConsumer>(CI, Table, Options, Out);
  }

private:
  const SemaOptions &Options;
  TranslationOutput &Out;
  PragmaTable Table;
  std::unique_ptr<CompssPragmaHandler> Handler;
  UnknownPragmaHandler UnknownHandler;
};

} // namespace

llvm::Expected<std::string> translateFile(llvm::StringRef SourcePath,
                                          llvm::ArrayRef<std::string> Flags) {
  // -w: the real compiler gives the warnings about the code; the translator
  // gives its own and those of UnknownPragmaHandler.
  std::vector<std::string> CommandLine = {"clang++", "-fsyntax-only", "-w"};
  SemaOptions Options;
  UnknownPragmaPolicy Unknown;
  // The translator's own warning flags (Clang would not know them), the
  // last one winning: -Wcompss turns every compss-cc warning on, -Wno-compss
  // every optional one off.
  for (const std::string &F : Flags) {
    if (F == "-Wcompss" || F == "-Wno-compss") {
      Options.WarnImplicitInOut = F == "-Wcompss";
      Options.WarnNotSerializable = F == "-Wcompss";
      Options.WarnGlobals = F == "-Wcompss";
      Options.WarnUnsyncRead = F == "-Wcompss";
    } else if (F == "-Wcompss-unsynchronized-read" ||
               F == "-Wno-compss-unsynchronized-read") {
      Options.WarnUnsyncRead = F == "-Wcompss-unsynchronized-read";
    } else if (F == "-Wcompss-serializable" ||
               F == "-Wno-compss-serializable") {
      Options.WarnNotSerializable = F == "-Wcompss-serializable";
    } else if (F == "-Wcompss-global" || F == "-Wno-compss-global") {
      Options.WarnGlobals = F == "-Wcompss-global";
    } else if (Unknown.consume(F)) {
      // Read here, not by Clang: the parse runs with -w (the real compiler
      // gives the other warnings) and UnknownPragmaHandler reports these.
    } else {
      CommandLine.push_back(F);
    }
  }
  // Whatever its extension, the file is C++ (the driver decided, e.g. -x c++).
  CommandLine.insert(CommandLine.end(), {"-x", "c++", SourcePath.str()});

  llvm::IntrusiveRefCntPtr<FileManager> Files(
      new FileManager(FileSystemOptions(), llvm::vfs::getRealFileSystem()));
  TranslationOutput Out;
  tooling::ToolInvocation Invocation(
      CommandLine, std::make_unique<TranslateAction>(Options, Unknown, Out), Files.get());
  if (!Invocation.run() || !Out.Done)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot translate '%s'",
                                   SourcePath.str().c_str());
  return std::move(Out.Text);
}

} // namespace compss_cc
