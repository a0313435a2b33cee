//===- PragmaCapture.cpp - Record #pragma compss lines --------------------===//

#include "PragmaCapture.h"
#include "clang/Lex/Preprocessor.h"

using namespace clang;

namespace compss_cc {

void CompssPragmaHandler::HandlePragma(Preprocessor &PP,
                                       PragmaIntroducer Introducer,
                                       Token &FirstToken) {
  RawPragma P;
  P.HashLoc = Introducer.Loc;
  P.NamespaceLoc = FirstToken.getLocation();
  P.IsDirective = Introducer.Kind == PIK_HashPragma;
  // Macros are expanded, as in OpenMP clauses: `constraint(cores=NCORES)`.
  // Parameter names are not macros in a program that compiles without us.
  Token Tok;
  PP.Lex(Tok);
  while (Tok.isNot(tok::eod) && Tok.isNot(tok::eof)) {
    PragmaToken T;
    T.Kind = Tok.getKind();
    T.Spelling = PP.getSpelling(Tok);
    T.Loc = Tok.getLocation();
    T.EndLoc = Tok.getEndLoc();
    P.Tokens.push_back(std::move(T));
    PP.Lex(Tok);
  }
  P.EndLoc = Tok.getLocation();
  Table.push_back(std::move(P));
}

} // namespace compss_cc
