//===- Translator.cpp - Translate one source file -------------------------===//

#include "Translator.h"
#include "ClauseParser.h"
#include "CodeGen.h"
#include "PragmaCapture.h"
#include "TaskSema.h"
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
  const FunctionDecl *Main = nullptr;

private:
  void addBody(const Stmt *Body) {
    const auto *CS = dyn_cast_or_null<CompoundStmt>(Body);
    if (!CS)
      return;
    SourceLocation B = CS->getLBracLoc(), E = CS->getRBracLoc();
    if (B.isFileID() && E.isFileID() && SM.getFileID(B) == MainFID &&
        SM.getFileID(E) == MainFID)
      Bodies.push_back({SM.getFileOffset(B), SM.getFileOffset(E)});
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
  TranslateConsumer(const PragmaTable &Table, TranslationOutput &Out)
      : Table(Table), Out(Out) {}

  void HandleTranslationUnit(ASTContext &Ctx) override;

private:
  /// Replaces [Begin, End) of the main file by \p Text followed by as many
  /// newlines as the replaced text had, so that no line moves.
  void replaceKeepingLines(Rewriter &R, SourceLocation Begin,
                           SourceLocation End, std::string Text);
  std::string mainFilePath(const SourceManager &SM) const;

  const PragmaTable &Table;
  TranslationOutput &Out;
};

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
      resolveTasks(Ctx, D, Pragmas.Tasks, C.Candidates);

  // Statement pragmas stand for statements of the main file.
  for (const StmtPragma &S : Pragmas.Statements) {
    const char *Name = S.Kind == StmtPragma::WaitOn       ? "wait_on"
                       : S.Kind == StmtPragma::WaitOnFile ? "wait_on_file"
                                                          : "barrier";
    if (SM.getFileID(S.Raw->HashLoc) != MainFID) {
      D.report(S.Raw->HashLoc, Diag::StmtPragmaInHeaderWarning) << Name;
      continue;
    }
    unsigned Offset = SM.getFileOffset(S.Raw->HashLoc);
    bool InBody = llvm::any_of(C.Bodies, [&](auto Body) {
      return Body.first < Offset && Offset < Body.second;
    });
    if (!InBody)
      D.report(S.Raw->Tokens.front().Loc, Diag::StmtPragmaOutsideFunction)
          << Name;
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
  };
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
    bool InMacroArg = E->getBeginLoc().isMacroID();
    Callees.push_back({Range, It->second, InMacroArg});
    Used[It->second] = true;
  }
  if (D.hasErrors())
    return;
  // Every task called or defined here gets its TaskSpec, numbered in order.
  std::vector<const ResolvedTask *> Emitted;
  llvm::SmallVector<bool, 8> EmittedCalled;
  std::vector<unsigned> Number(Tasks.size());
  for (unsigned I = 0; I != Tasks.size(); ++I) {
    if (!Used[I] && !Tasks[I].Decl->isDefined())
      continue;
    Number[I] = Emitted.size();
    Emitted.push_back(&Tasks[I]);
    EmittedCalled.push_back(Used[I]);
  }

  Rewriter R(SM, Ctx.getLangOpts());
  for (const CalleeEdit &C : Callees) {
    std::string Text = emitCallee(Number[C.Task], Tasks[C.Task]);
    R.ReplaceText(C.Range, C.Parenthesize ? "(" + Text + ")" : Text);
  }
  for (const TaskPragma &T : Pragmas.Tasks)
    if (SM.getFileID(T.Raw->HashLoc) == MainFID)
      replaceKeepingLines(R, T.Raw->HashLoc, T.Raw->EndLoc, "");
  for (const StmtPragma &S : Pragmas.Statements)
    if (SM.getFileID(S.Raw->HashLoc) == MainFID)
      replaceKeepingLines(R, S.Raw->HashLoc, S.Raw->EndLoc, emitStatement(S));

  llvm::StringRef Buffer = SM.getBufferData(MainFID);
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
  explicit TranslateAction(TranslationOutput &Out) : Out(Out) {}

  bool BeginSourceFileAction(CompilerInstance &CI) override {
    Handler = std::make_unique<CompssPragmaHandler>(Table);
    CI.getPreprocessor().AddPragmaHandler(Handler.get());
    return true;
  }

  void EndSourceFileAction() override {
    getCompilerInstance().getPreprocessor().RemovePragmaHandler(Handler.get());
  }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &,
                                                 llvm::StringRef) override {
    return std::make_unique<TranslateConsumer>(Table, Out);
  }

private:
  TranslationOutput &Out;
  PragmaTable Table;
  std::unique_ptr<CompssPragmaHandler> Handler;
};

} // namespace

llvm::Expected<std::string> translateFile(llvm::StringRef SourcePath,
                                          llvm::ArrayRef<std::string> Flags) {
  std::vector<std::string> CommandLine = {"clang++", "-fsyntax-only"};
  CommandLine.insert(CommandLine.end(), Flags.begin(), Flags.end());
  // Whatever its extension, the file is C++ (the driver decided, e.g. -x c++).
  CommandLine.insert(CommandLine.end(), {"-x", "c++", SourcePath.str()});

  llvm::IntrusiveRefCntPtr<FileManager> Files(
      new FileManager(FileSystemOptions(), llvm::vfs::getRealFileSystem()));
  TranslationOutput Out;
  tooling::ToolInvocation Invocation(
      CommandLine, std::make_unique<TranslateAction>(Out), Files.get());
  if (!Invocation.run() || !Out.Done)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot translate '%s'",
                                   SourcePath.str().c_str());
  return std::move(Out.Text);
}

} // namespace compss_cc
