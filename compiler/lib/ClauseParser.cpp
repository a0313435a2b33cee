//===- ClauseParser.cpp - Parse compss pragma clauses ---------------------===//

#include "ClauseParser.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringSwitch.h"
#include <optional>

using namespace clang;

namespace compss_cc {

namespace {

/// The clauses of `#pragma compss task` that carry a direction.
struct DataClauseInfo {
  Direction Dir;
  ParamKind Kind;
};

std::optional<DataClauseInfo> dataClause(llvm::StringRef Name) {
  return llvm::StringSwitch<std::optional<DataClauseInfo>>(Name)
      .Case("in", DataClauseInfo{Direction::In, ParamKind::Object})
      .Case("out", DataClauseInfo{Direction::Out, ParamKind::Object})
      .Case("inout", DataClauseInfo{Direction::InOut, ParamKind::Object})
      .Case("file_in", DataClauseInfo{Direction::In, ParamKind::File})
      .Case("file_out", DataClauseInfo{Direction::Out, ParamKind::File})
      .Case("file_inout", DataClauseInfo{Direction::InOut, ParamKind::File})
      .Default(std::nullopt);
}

/// Task clauses of SPEC section 2 that a later version implements.
bool isFutureTaskClause(llvm::StringRef Name) {
  return llvm::StringSwitch<bool>(Name)
      .Cases("concurrent", "commutative", "in_delete", true)
      .Cases("directory_in", "directory_out", "directory_inout", true)
      .Cases("collection_in", "collection_out", "collection_inout", true)
      .Cases("stream_in", "stream_out", true)
      .Cases("priority", "time_out", "on_failure", "replicated", true)
      .Cases("distributed", "constraint", true)
      .Default(false);
}

/// Pragmas of SPEC sections 2 and 3 that a later version implements.
bool isFuturePragma(llvm::StringRef Name) {
  return llvm::StringSwitch<bool>(Name)
      .Cases("constraint", "implement", "binary", "mpi", true)
      .Cases("group", "barrier_group", "delete", "delete_file", true)
      .Default(false);
}

bool isWord(const PragmaToken &T) {
  return !T.Spelling.empty() &&
         (isalpha(static_cast<unsigned char>(T.Spelling[0])) ||
          T.Spelling[0] == '_');
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

  bool parseTask(ParsedPragmas &Out);
  bool parseDataClause(DataClause &C, const PragmaToken &NameTok);
  bool parseExprList(StmtPragma &S, llvm::StringRef PragmaName);
  bool parseBarrier(StmtPragma &S);
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
  if (Name.Spelling == "task")
    return parseTask(Out);

  StmtPragma S;
  S.Raw = &P;
  if (Name.Spelling == "wait_on" || Name.Spelling == "wait_on_file") {
    S.Kind = Name.Spelling == "wait_on" ? StmtPragma::WaitOn
                                        : StmtPragma::WaitOnFile;
    if (!parseExprList(S, Name.Spelling))
      return false;
  } else if (Name.Spelling == "barrier") {
    S.Kind = StmtPragma::Barrier;
    if (!parseBarrier(S))
      return false;
  } else if (isFuturePragma(Name.Spelling)) {
    D.report(Name.Loc, Diag::UnsupportedPragma) << Name.Spelling;
    return false;
  } else {
    D.report(Name.Loc, Diag::UnknownPragma) << Name.Spelling;
    return false;
  }
  Out.Statements.push_back(std::move(S));
  return true;
}

bool PragmaParser::parseTask(ParsedPragmas &Out) {
  TaskPragma T;
  T.Raw = &P;
  while (!atEnd()) {
    if (is(tok::comma)) { // OpenMP style: clauses may be separated by commas.
      ++I;
      continue;
    }
    const PragmaToken &NameTok = tok();
    if (!isWord(NameTok)) {
      D.report(NameTok.Loc, Diag::UnexpectedToken)
          << NameTok.Spelling << "task";
      return false;
    }
    ++I;
    if (auto Info = dataClause(NameTok.Spelling)) {
      DataClause C;
      C.ClauseName = NameTok.Spelling;
      C.Loc = NameTok.Loc;
      C.Dir = Info->Dir;
      C.Kind = Info->Kind;
      if (!parseDataClause(C, NameTok))
        return false;
      T.Clauses.push_back(std::move(C));
    } else if (isFutureTaskClause(NameTok.Spelling)) {
      D.report(NameTok.Loc, Diag::UnsupportedClause) << NameTok.Spelling;
      return false;
    } else {
      D.report(NameTok.Loc, Diag::UnknownClause) << NameTok.Spelling;
      return false;
    }
  }
  Out.Tasks.push_back(std::move(T));
  return true;
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
    C.Args.push_back({tok().Spelling, tok().Loc});
    ++I;
    if (is(tok::l_square)) {
      D.report(tok().Loc, Diag::UnsupportedArrayExtent) << C.ClauseName;
      return false;
    }
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

bool PragmaParser::parseExprList(StmtPragma &S, llvm::StringRef PragmaName) {
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
      S.Args.push_back(sourceText(ArgBegin, I));
      ArgBegin = I + 1;
      if (K == tok::r_paren)
        break;
    }
  }
  if (atEnd()) {
    D.report(hereLoc(), Diag::ExpectedRParen) << PragmaName;
    return false;
  }
  ++I; // The closing ')'.
  if (!atEnd()) {
    D.report(tok().Loc, Diag::UnexpectedToken) << tok().Spelling << PragmaName;
    return false;
  }
  return true;
}

bool PragmaParser::parseBarrier(StmtPragma &S) {
  if (!atEnd() && tok().Spelling == "no_more_tasks") {
    S.NoMoreTasks = true;
    ++I;
  }
  if (!atEnd()) {
    D.report(tok().Loc, Diag::UnexpectedToken) << tok().Spelling << "barrier";
    return false;
  }
  return true;
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
