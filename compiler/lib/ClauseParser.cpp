//===- ClauseParser.cpp - Parse compss pragma clauses ---------------------===//

#include "ClauseParser.h"
#include "PragmaTables.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringSwitch.h"
#include <cstdlib>
#include <optional>

using namespace clang;

namespace compss_cc {

const char *stmtPragmaName(StmtPragma::KindTy K) {
  switch (K) {
  case StmtPragma::WaitOn:
    return "wait_on";
  case StmtPragma::WaitOnFile:
    return "wait_on_file";
  case StmtPragma::Barrier:
    return "barrier";
  case StmtPragma::Group:
    return "group";
  case StmtPragma::BarrierGroup:
    return "barrier_group";
  case StmtPragma::Delete:
    return "delete";
  case StmtPragma::DeleteFile:
    return "delete_file";
  }
  llvm_unreachable("unknown statement pragma");
}

const char *taskPragmaName(TaskPragma::KindTy K) {
  switch (K) {
  case TaskPragma::Task:
    return "task";
  case TaskPragma::Constraint:
    return "constraint";
  case TaskPragma::Implement:
    return "implement";
  case TaskPragma::Binary:
    return "binary";
  case TaskPragma::Mpi:
    return "mpi";
  case TaskPragma::Multinode:
    return "multinode";
  }
  llvm_unreachable("unknown task pragma");
}

namespace {

/// The clauses of `#pragma compss task` that carry a direction.
struct DataClauseInfo {
  Direction Dir;
  ParamKind Kind;
};

std::optional<DataClauseInfo> dataClause(llvm::StringRef Name) {
  using D = Direction;
  using K = ParamKind;
  return llvm::StringSwitch<std::optional<DataClauseInfo>>(Name)
      .Case("in", DataClauseInfo{D::In, K::Object})
      .Case("out", DataClauseInfo{D::Out, K::Object})
      .Case("inout", DataClauseInfo{D::InOut, K::Object})
      .Case("concurrent", DataClauseInfo{D::Concurrent, K::Object})
      .Case("commutative", DataClauseInfo{D::Commutative, K::Object})
      .Case("in_delete", DataClauseInfo{D::InDelete, K::Object})
      .Case("file_in", DataClauseInfo{D::In, K::File})
      .Case("file_out", DataClauseInfo{D::Out, K::File})
      .Case("file_inout", DataClauseInfo{D::InOut, K::File})
      .Case("directory_in", DataClauseInfo{D::In, K::Directory})
      .Case("directory_out", DataClauseInfo{D::Out, K::Directory})
      .Case("directory_inout", DataClauseInfo{D::InOut, K::Directory})
      .Case("collection_in", DataClauseInfo{D::In, K::Collection})
      .Case("collection_out", DataClauseInfo{D::Out, K::Collection})
      .Case("collection_inout", DataClauseInfo{D::InOut, K::Collection})
      .Case("stream_in", DataClauseInfo{D::In, K::Stream})
      .Case("stream_out", DataClauseInfo{D::Out, K::Stream})
      .Default(std::nullopt);
}

bool isWord(const PragmaToken &T) {
  return !T.Spelling.empty() &&
         (isalpha(static_cast<unsigned char>(T.Spelling[0])) ||
          T.Spelling[0] == '_');
}

bool isLiteralToken(tok::TokenKind K) {
  return tok::isLiteral(K) || K == tok::kw_true || K == tok::kw_false ||
         K == tok::kw_nullptr;
}

/// Tokens that, outside any brackets, make an expression a prvalue: a
/// syntactic check, enough for the mistakes people make (`wait_on(x + 1)`).
bool makesRValue(tok::TokenKind K) {
  switch (K) {
  case tok::plus:
  case tok::minus:
  case tok::slash:
  case tok::percent:
  case tok::equalequal:
  case tok::exclaimequal:
  case tok::less:
  case tok::greater:
  case tok::lessequal:
  case tok::greaterequal:
  case tok::ampamp:
  case tok::pipepipe:
  case tok::exclaim:
  case tok::tilde:
  case tok::amp:
  case tok::pipe:
  case tok::caret:
  case tok::lessless:
  case tok::greatergreater:
    return true;
  default:
    return false;
  }
}

/// Parses one pragma; returns false after reporting its first error.
class PragmaParser {
public:
  PragmaParser(const RawPragma &P, const SourceManager &SM, Diagnostics &D)
      : P(P), SM(SM), D(D) {}

  bool parse(ParsedPragmas &Out);

private:
  bool atEnd() const { return I >= P.Tokens.size(); }
  const PragmaToken &tok() const { return P.Tokens[I]; }
  bool is(tok::TokenKind K) const { return !atEnd() && tok().Kind == K; }
  /// Where a token that is missing at the current position would go.
  SourceLocation hereLoc() const {
    if (!atEnd())
      return tok().Loc;
    return P.Tokens.empty() ? P.EndLoc : P.Tokens.back().EndLoc;
  }
  bool expectLParen(llvm::StringRef What);
  bool expectRParen(llvm::StringRef What);

  bool parseTask(TaskPragma &T);
  bool parseTaskClause(TaskPragma &T);
  bool parseDataClause(DataClause &C, const PragmaToken &NameTok);
  bool parseExtent(ClauseArg &A, llvm::StringRef Clause);
  bool parseKeyValues(std::vector<KeyValue> &Out, llvm::StringRef What,
                      KeyTable Table);
  bool parseTimeOut(TaskPragma &T, const PragmaToken &NameTok);
  bool parseOnFailure(TaskPragma &T, const PragmaToken &NameTok);
  bool parseOptionalBool(bool &Value, llvm::StringRef What);
  bool parseImplement(TaskPragma &T);
  bool parseExprList(StmtPragma &S, llvm::StringRef PragmaName,
                     bool NeedLValues);
  bool parseGroupName(StmtPragma &S, llvm::StringRef PragmaName);
  bool parseBarrier(StmtPragma &S);
  bool expectEnd(llvm::StringRef PragmaName);
  std::string sourceText(size_t Begin, size_t End) const;

  const RawPragma &P;
  const SourceManager &SM;
  Diagnostics &D;
  size_t I = 0;
};

bool PragmaParser::parse(ParsedPragmas &Out) {
  if (!P.IsDirective) {
    D.report(P.HashLoc, Diag::MacroPragma);
    return false;
  }
  if (atEnd() || !isWord(tok())) {
    D.report(hereLoc(), Diag::MissingPragmaName);
    return false;
  }
  const PragmaToken &Name = tok();
  ++I;
  auto TaskKind = llvm::StringSwitch<std::optional<TaskPragma::KindTy>>(
                      Name.Spelling)
                      .Case("task", TaskPragma::Task)
                      .Case("constraint", TaskPragma::Constraint)
                      .Case("implement", TaskPragma::Implement)
                      .Case("binary", TaskPragma::Binary)
                      .Case("mpi", TaskPragma::Mpi)
                      .Case("multinode", TaskPragma::Multinode)
                      .Default(std::nullopt);
  if (TaskKind) {
    TaskPragma T;
    T.Raw = &P;
    T.Kind = *TaskKind;
    T.NameLoc = Name.Loc;
    bool Ok = false;
    switch (T.Kind) {
    case TaskPragma::Task:
      Ok = parseTask(T);
      break;
    case TaskPragma::Constraint:
      Ok = expectLParen(Name.Spelling) &&
           parseKeyValues(T.Constraints, "constraint", constraintKeys()) &&
           expectEnd(Name.Spelling);
      break;
    case TaskPragma::Implement:
      Ok = parseImplement(T);
      break;
    case TaskPragma::Binary:
    case TaskPragma::Mpi:
      Ok = expectLParen(Name.Spelling) &&
           parseKeyValues(T.Launch, Name.Spelling,
                          T.Kind == TaskPragma::Binary ? binaryKeys()
                                                       : mpiKeys()) &&
           expectEnd(Name.Spelling);
      break;
    case TaskPragma::Multinode:
      Ok = expectLParen(Name.Spelling) &&
           parseKeyValues(T.Launch, Name.Spelling, multinodeKeys()) &&
           expectEnd(Name.Spelling);
      break;
    }
    if (Ok)
      Out.Tasks.push_back(std::move(T));
    return Ok;
  }

  StmtPragma S;
  S.Raw = &P;
  bool Ok;
  if (Name.Spelling == "wait_on" || Name.Spelling == "wait_on_file" ||
      Name.Spelling == "delete" || Name.Spelling == "delete_file") {
    S.Kind = llvm::StringSwitch<StmtPragma::KindTy>(Name.Spelling)
                 .Case("wait_on", StmtPragma::WaitOn)
                 .Case("wait_on_file", StmtPragma::WaitOnFile)
                 .Case("delete", StmtPragma::Delete)
                 .Default(StmtPragma::DeleteFile);
    bool LValues = S.Kind == StmtPragma::WaitOn || S.Kind == StmtPragma::Delete;
    Ok = parseExprList(S, Name.Spelling, LValues);
  } else if (Name.Spelling == "barrier") {
    S.Kind = StmtPragma::Barrier;
    Ok = parseBarrier(S);
  } else if (Name.Spelling == "group" || Name.Spelling == "barrier_group") {
    S.Kind = Name.Spelling == "group" ? StmtPragma::Group
                                      : StmtPragma::BarrierGroup;
    Ok = parseGroupName(S, Name.Spelling);
  } else {
    D.report(Name.Loc, Diag::UnknownPragma) << Name.Spelling;
    return false;
  }
  if (Ok)
    Out.Statements.push_back(std::move(S));
  return Ok;
}

bool PragmaParser::expectLParen(llvm::StringRef What) {
  if (!is(tok::l_paren)) {
    D.report(hereLoc(), Diag::ExpectedLParen) << What;
    return false;
  }
  ++I;
  return true;
}

bool PragmaParser::expectRParen(llvm::StringRef What) {
  if (!is(tok::r_paren)) {
    D.report(hereLoc(), Diag::ExpectedRParen) << What;
    return false;
  }
  ++I;
  return true;
}

bool PragmaParser::expectEnd(llvm::StringRef PragmaName) {
  if (atEnd())
    return true;
  D.report(tok().Loc, Diag::UnexpectedToken) << tok().Spelling << PragmaName;
  return false;
}

bool PragmaParser::parseTask(TaskPragma &T) {
  while (!atEnd()) {
    if (is(tok::comma)) { // OpenMP style: clauses may be separated by commas.
      ++I;
      continue;
    }
    if (!parseTaskClause(T))
      return false;
  }
  return true;
}

bool PragmaParser::parseTaskClause(TaskPragma &T) {
  const PragmaToken &NameTok = tok();
  if (!isWord(NameTok)) {
    D.report(NameTok.Loc, Diag::UnexpectedToken) << NameTok.Spelling << "task";
    return false;
  }
  ++I;
  llvm::StringRef Name = NameTok.Spelling;
  if (auto Info = dataClause(Name)) {
    DataClause C;
    C.ClauseName = Name.str();
    C.Loc = NameTok.Loc;
    C.Dir = Info->Dir;
    C.Kind = Info->Kind;
    if (!parseDataClause(C, NameTok))
      return false;
    T.Clauses.push_back(std::move(C));
    return true;
  }
  if (Name == "replicated" || Name == "distributed") {
    if (is(tok::l_paren)) {
      D.report(tok().Loc, Diag::ClauseTakesNoArgs) << Name;
      return false;
    }
    const bool Replicated = Name == "replicated";
    // A call runs on every node or on one chosen round-robin: never both.
    if (Replicated ? T.Distributed : T.Replicated) {
      D.report(NameTok.Loc, Diag::ReplicatedAndDistributed)
          << Name << (Replicated ? "distributed" : "replicated");
      D.report(Replicated ? T.DistributedLoc : T.ReplicatedLoc,
               Diag::PreviousClauseNote);
      return false;
    }
    (Replicated ? T.Replicated : T.Distributed) = true;
    (Replicated ? T.ReplicatedLoc : T.DistributedLoc) = NameTok.Loc;
    return true;
  }
  if (Name == "priority") {
    T.Priority = true;
    return !is(tok::l_paren) || parseOptionalBool(T.Priority, Name);
  }
  if (Name == "time_out")
    return parseTimeOut(T, NameTok);
  if (Name == "on_failure")
    return parseOnFailure(T, NameTok);
  if (Name == "constraint")
    return expectLParen(Name) &&
           parseKeyValues(T.Constraints, "constraint", constraintKeys());
  D.report(NameTok.Loc, Diag::UnknownClause) << Name;
  return false;
}

bool PragmaParser::parseOptionalBool(bool &Value, llvm::StringRef What) {
  ++I; // The '('.
  if (!atEnd() && (tok().Spelling == "true" || tok().Spelling == "false")) {
    Value = tok().Spelling == "true";
    ++I;
    return expectRParen(What);
  }
  D.report(hereLoc(), Diag::ExpectedBool) << What;
  return false;
}

/// Reports a clause that takes one argument and got none or several.
static bool checkOneArg(const std::vector<PragmaToken> &Args,
                        const PragmaToken &NameTok, Diagnostics &D) {
  if (Args.size() == 1)
    return true;
  D.report(Args.empty() ? NameTok.EndLoc : Args[1].Loc, Diag::ClauseArity)
      << NameTok.Spelling;
  return false;
}

bool PragmaParser::parseTimeOut(TaskPragma &T, const PragmaToken &NameTok) {
  if (!expectLParen(NameTok.Spelling))
    return false;
  std::vector<PragmaToken> Args;
  while (!atEnd() && !is(tok::r_paren)) {
    if (!is(tok::comma))
      Args.push_back(tok());
    ++I;
  }
  if (!expectRParen(NameTok.Spelling) || !checkOneArg(Args, NameTok, D))
    return false;
  const PragmaToken &V = Args.front();
  char *End = nullptr;
  double Seconds = V.Kind == tok::numeric_constant
                       ? std::strtod(V.Spelling.c_str(), &End)
                       : 0.0;
  if (V.Kind != tok::numeric_constant || *End != '\0' || !(Seconds > 0)) {
    D.report(V.Loc, Diag::BadTimeOut) << V.Spelling;
    return false;
  }
  T.TimeOut = V.Spelling;
  return true;
}

/// `on_failure(<policy>)` or `on_failure(ignore, returns=<expr>)`.
bool PragmaParser::parseOnFailure(TaskPragma &T, const PragmaToken &NameTok) {
  if (!expectLParen(NameTok.Spelling))
    return false;
  if (atEnd() || is(tok::r_paren) || is(tok::comma)) {
    D.report(hereLoc(), Diag::OnFailureSyntax);
    return false;
  }
  const PragmaToken &V = tok();
  ++I;
  bool Known = llvm::StringSwitch<bool>(V.Spelling)
                   .Cases("retry", "cancel_successors", "fail", "ignore", true)
                   .Default(false);
  if (!Known) {
    D.report(V.Loc, Diag::BadOnFailure) << V.Spelling;
    return false;
  }
  T.OnFailure = V.Spelling;
  if (!atEnd() && is(tok::comma)) {
    ++I;
    if (atEnd() || tok().Spelling != "returns") {
      D.report(hereLoc(), Diag::OnFailureSyntax);
      return false;
    }
    T.ReturnsLoc = tok().Loc;
    ++I;
    if (atEnd() || !is(tok::equal)) {
      D.report(hereLoc(), Diag::ExpectedEqual) << "returns";
      return false;
    }
    ++I;
    // The expression: every token up to the clause's closing ')'.
    size_t Begin = I;
    for (int Depth = 0; !atEnd(); ++I) {
      tok::TokenKind K = tok().Kind;
      if (K == tok::l_paren || K == tok::l_square || K == tok::l_brace)
        ++Depth;
      else if (K == tok::r_paren && Depth == 0)
        break;
      else if (K == tok::r_paren || K == tok::r_square || K == tok::r_brace)
        --Depth;
    }
    if (I == Begin) {
      D.report(hereLoc(), Diag::ExpectedValue) << "returns";
      return false;
    }
    if (atEnd()) {
      D.report(hereLoc(), Diag::ExpectedRParen) << NameTok.Spelling;
      return false;
    }
    T.OnFailureReturns = sourceText(Begin, I);
    if (T.OnFailure != "ignore") {
      D.report(T.ReturnsLoc, Diag::ReturnsNeedsIgnore) << T.OnFailure;
      return false;
    }
  }
  if (!atEnd() && !is(tok::r_paren)) {
    D.report(tok().Loc, Diag::OnFailureSyntax);
    return false;
  }
  return expectRParen(NameTok.Spelling);
}

bool PragmaParser::parseImplement(TaskPragma &T) {
  if (!expectLParen("implement"))
    return false;
  // A possibly qualified name: `f`, `ns::f`, `::ns::f`.
  if (is(tok::r_paren)) {
    D.report(tok().Loc, Diag::ExpectedTaskName);
    return false;
  }
  T.ImplementsLoc = hereLoc();
  while (!atEnd() && !is(tok::r_paren)) {
    if (!is(tok::identifier) && !is(tok::coloncolon)) {
      D.report(tok().Loc, Diag::ExpectedTaskName);
      return false;
    }
    T.Implements += tok().Spelling;
    ++I;
  }
  return expectRParen("implement") && expectEnd("implement");
}

bool PragmaParser::parseDataClause(DataClause &C, const PragmaToken &NameTok) {
  if (!is(tok::l_paren)) {
    D.report(atEnd() ? NameTok.EndLoc : tok().Loc, Diag::ExpectedLParen)
        << C.ClauseName;
    return false;
  }
  ++I;
  if (is(tok::r_paren)) {
    D.report(tok().Loc, Diag::EmptyClauseList) << C.ClauseName;
    return false;
  }
  while (true) {
    if (atEnd()) {
      D.report(hereLoc(), Diag::ExpectedRParen) << C.ClauseName;
      return false;
    }
    if (!is(tok::identifier)) {
      D.report(tok().Loc, Diag::ExpectedParamName) << C.ClauseName;
      return false;
    }
    ClauseArg A{tok().Spelling, tok().Loc, {}};
    ++I;
    if (is(tok::l_square) && !parseExtent(A, C.ClauseName))
      return false;
    C.Args.push_back(std::move(A));
    if (is(tok::comma)) {
      ++I;
      continue;
    }
    if (is(tok::r_paren)) {
      ++I;
      return true;
    }
    D.report(hereLoc(), Diag::ExpectedRParen) << C.ClauseName;
    return false;
  }
}

bool PragmaParser::parseExtent(ClauseArg &A, llvm::StringRef Clause) {
  SourceLocation Open = tok().Loc;
  ++I; // The '['.
  std::vector<PragmaToken> Tokens;
  int Depth = 0;
  size_t Colon = ~size_t(0);
  for (; !atEnd(); ++I) {
    tok::TokenKind K = tok().Kind;
    if (K == tok::l_paren || K == tok::l_square)
      ++Depth;
    else if ((K == tok::r_paren || K == tok::r_square) && Depth > 0)
      --Depth;
    else if (K == tok::r_square)
      break;
    else if (K == tok::colon && Depth == 0 && Colon == ~size_t(0))
      Colon = Tokens.size();
    Tokens.push_back(tok());
  }
  if (atEnd()) {
    D.report(hereLoc(), Diag::ExpectedRSquare) << Clause;
    return false;
  }
  ++I; // The ']'.
  if (Colon != ~size_t(0)) {
    // `[lower:length]`: the runtime tracks the array from its start.
    if (Colon != 1 || Tokens[0].Spelling != "0") {
      D.report(Tokens.empty() ? Open : Tokens[0].Loc, Diag::SectionNotAtZero)
          << A.Name;
      return false;
    }
    Tokens.erase(Tokens.begin(), Tokens.begin() + 2);
  }
  if (Tokens.empty()) {
    D.report(Open, Diag::EmptyExtent) << A.Name;
    return false;
  }
  A.Extent = std::move(Tokens);
  return true;
}

bool PragmaParser::parseKeyValues(std::vector<KeyValue> &Out,
                                  llvm::StringRef What, KeyTable Table) {
  if (is(tok::r_paren)) {
    D.report(tok().Loc, Diag::EmptyClauseList) << What;
    return false;
  }
  while (true) {
    if (atEnd() || !isWord(tok())) {
      D.report(hereLoc(), Diag::ExpectedKey) << What;
      return false;
    }
    KeyValue KV;
    KV.KeyLoc = tok().Loc;
    const KeyInfo *Info = lookupKey(Table, tok().Spelling);
    if (!Info) {
      D.report(tok().Loc, Diag::UnknownKey) << tok().Spelling << What;
      return false;
    }
    KV.Key = Info->Canonical;
    ++I;
    if (!is(tok::equal)) {
      D.report(hereLoc(), Diag::ExpectedEqual) << KV.Key;
      return false;
    }
    ++I;
    if (atEnd() || is(tok::comma) || is(tok::r_paren)) {
      D.report(hereLoc(), Diag::ExpectedValue) << KV.Key;
      return false;
    }
    KV.Value = tok();
    ++I;
    if (!valueMatches(Info->Type, KV.Value)) {
      D.report(KV.Value.Loc, Diag::WrongValueType)
          << KV.Key << valueTypeName(Info->Type) << KV.Value.Spelling;
      return false;
    }
    if (const char *Wanted = literalValueProblem(KV.Key, KV.Value)) {
      D.report(KV.Value.Loc, Diag::WrongValueType)
          << KV.Key << Wanted << KV.Value.Spelling;
      return false;
    }
    KV.Text = KV.Value.Kind == tok::string_literal
                  ? KV.Value.Spelling.substr(1, KV.Value.Spelling.size() - 2)
                  : KV.Value.Spelling;
    for (const KeyValue &Prev : Out)
      if (Prev.Key == KV.Key) {
        D.report(KV.KeyLoc, Diag::DuplicateKey) << KV.Key << What;
        return false;
      }
    Out.push_back(std::move(KV));
    if (is(tok::comma)) {
      ++I;
      continue;
    }
    return expectRParen(What);
  }
}

std::string PragmaParser::sourceText(size_t Begin, size_t End) const {
  SourceLocation B = P.Tokens[Begin].Loc, E = P.Tokens[End - 1].EndLoc;
  if (B.isFileID() && E.isFileID() && SM.getFileID(B) == SM.getFileID(E)) {
    bool Invalid = false;
    const char *Start = SM.getCharacterData(B, &Invalid);
    if (!Invalid)
      return std::string(Start, SM.getFileOffset(E) - SM.getFileOffset(B));
  }
  std::string Text;
  for (size_t K = Begin; K != End; ++K)
    Text += (K == Begin ? "" : " ") + P.Tokens[K].Spelling;
  return Text;
}

bool PragmaParser::parseExprList(StmtPragma &S, llvm::StringRef PragmaName,
                                 bool NeedLValues) {
  if (!is(tok::l_paren)) {
    D.report(atEnd() ? P.Tokens[I - 1].EndLoc : tok().Loc, Diag::ExpectedLParen)
        << PragmaName;
    return false;
  }
  ++I;
  if (is(tok::r_paren)) {
    D.report(tok().Loc, Diag::EmptyWaitOnList) << PragmaName;
    return false;
  }
  // Split at the commas outside any brackets: each argument is an lvalue.
  size_t ArgBegin = I;
  int Depth = 0;
  bool RValue = false;
  for (; !atEnd(); ++I) {
    tok::TokenKind K = tok().Kind;
    if (K == tok::l_paren || K == tok::l_square || K == tok::l_brace) {
      ++Depth;
      continue;
    }
    if ((K == tok::r_paren || K == tok::r_square || K == tok::r_brace) &&
        Depth > 0) {
      --Depth;
      continue;
    }
    if (Depth == 0 && (K == tok::comma || K == tok::r_paren)) {
      if (I == ArgBegin) {
        D.report(tok().Loc, Diag::UnexpectedToken)
            << tok().Spelling << PragmaName;
        return false;
      }
      if (NeedLValues && (RValue || isLiteralToken(P.Tokens[ArgBegin].Kind))) {
        D.report(P.Tokens[ArgBegin].Loc, Diag::NotAnLValue)
            << sourceText(ArgBegin, I) << PragmaName;
        return false;
      }
      S.Args.push_back(sourceText(ArgBegin, I));
      ArgBegin = I + 1;
      RValue = false;
      if (K == tok::r_paren)
        break;
      continue;
    }
    if (Depth == 0 && makesRValue(K))
      RValue = true;
  }
  if (atEnd()) {
    D.report(hereLoc(), Diag::ExpectedRParen) << PragmaName;
    return false;
  }
  ++I; // The closing ')'.
  return expectEnd(PragmaName);
}

bool PragmaParser::parseGroupName(StmtPragma &S, llvm::StringRef PragmaName) {
  if (!expectLParen(PragmaName))
    return false;
  if (!is(tok::string_literal)) {
    D.report(hereLoc(), Diag::ExpectedGroupName) << PragmaName;
    return false;
  }
  S.Args.push_back(tok().Spelling);
  ++I;
  if (!expectRParen(PragmaName))
    return false;
  if (S.Kind == StmtPragma::Group && !atEnd() &&
      tok().Spelling == "implicit_barrier") {
    ++I;
    if (!is(tok::l_paren)) {
      D.report(hereLoc(), Diag::ExpectedLParen) << "implicit_barrier";
      return false;
    }
    if (!parseOptionalBool(S.ImplicitBarrier, "implicit_barrier"))
      return false;
  }
  return expectEnd(PragmaName);
}

bool PragmaParser::parseBarrier(StmtPragma &S) {
  if (!atEnd() && tok().Spelling == "no_more_tasks") {
    S.NoMoreTasks = true;
    ++I;
  }
  return expectEnd("barrier");
}

} // namespace

ParsedPragmas parsePragmas(const PragmaTable &Table, const SourceManager &SM,
                           Diagnostics &Diags) {
  ParsedPragmas Out;
  for (const RawPragma &P : Table)
    PragmaParser(P, SM, Diags).parse(Out);
  return Out;
}

} // namespace compss_cc
