//===- ClauseParser.h - Parse compss pragma clauses ---------------*- C++
//-*-===//
//
/// \file
/// The second stage: turns the captured tokens of each `#pragma compss` into
/// the typed model of PragmaModel.h, reporting malformed syntax, unknown
/// pragmas and clauses, and the SPEC features that are not supported yet.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_CLAUSEPARSER_H
#define COMPSS_CC_CLAUSEPARSER_H

#include "Diagnostics.h"
#include "PragmaCapture.h"

namespace clang {
class SourceManager;
} // namespace clang

namespace compss_cc {

/// Parses every pragma in \p Table. A pragma with a syntax error is reported
/// through \p Diags and left out of the result.
ParsedPragmas parsePragmas(const PragmaTable &Table,
                           const clang::SourceManager &SM, Diagnostics &Diags);

} // namespace compss_cc

#endif // COMPSS_CC_CLAUSEPARSER_H
