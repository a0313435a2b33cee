//===- PragmaCapture.h - Record #pragma compss lines --------------*- C++
//-*-===//
//
/// \file
/// The first stage: a PragmaHandler for the `compss` namespace that records
/// every `#pragma compss ...` of a translation unit, with its tokens and
/// locations, into a table owned by the translation unit's FrontendAction.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_PRAGMACAPTURE_H
#define COMPSS_CC_PRAGMACAPTURE_H

#include "PragmaModel.h"
#include "clang/Lex/Pragma.h"
#include <deque>

namespace compss_cc {

/// Every `#pragma compss` of one translation unit, in source order. A deque
/// keeps the addresses stable for the models that point back at it.
using PragmaTable = std::deque<RawPragma>;

/// Records `#pragma compss ...` into a PragmaTable. Register it with
/// `Preprocessor::AddPragmaHandler` before parsing starts.
class CompssPragmaHandler : public clang::PragmaHandler {
public:
  explicit CompssPragmaHandler(PragmaTable &Table)
      : clang::PragmaHandler("compss"), Table(Table) {}

  void HandlePragma(clang::Preprocessor &PP, clang::PragmaIntroducer Introducer,
                    clang::Token &FirstToken) override;

private:
  PragmaTable &Table;
};

} // namespace compss_cc

#endif // COMPSS_CC_PRAGMACAPTURE_H
