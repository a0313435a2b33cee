//===- PragmaTables.h - Keys of constraint, binary and mpi -------*- C++ -*-===//
//
/// \file
/// The `key=value` vocabularies of SPEC section 2: the constraint keys (with
/// their aliases), the settings of `binary(...)` and of `mpi(...)`, and the
/// type of value each key takes.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_PRAGMATABLES_H
#define COMPSS_CC_PRAGMATABLES_H

#include "PragmaModel.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace compss_cc {

/// What a key's value must be written as. A constraint's value may also be
/// `"$VAR"` (or `"${VAR}"`), read from the environment at run time: the
/// `OrVariable` types accept that string in place of a number or a bool.
enum class ValueType { Number, String, Bool, NumberOrVariable, BoolOrVariable };

struct KeyInfo {
  /// As written by the user (an alias such as `cores`, or the key itself).
  const char *Spelling;
  /// As the TaskSpec carries it (`computing_units` for `cores`).
  const char *Canonical;
  ValueType Type;
};

using KeyTable = llvm::ArrayRef<KeyInfo>;

KeyTable constraintKeys();
KeyTable binaryKeys();
KeyTable mpiKeys();
KeyTable multinodeKeys();

/// The entry of \p Table spelled \p Name, or null.
const KeyInfo *lookupKey(KeyTable Table, llvm::StringRef Name);

/// True if \p Value is written as a \p Type (a number, a string literal,
/// true/false).
bool valueMatches(ValueType Type, const PragmaToken &Value);

/// What a literal value of the canonical key \p Key must be when its written
/// form (valueMatches) is right but the value itself is not, e.g.
/// `computing_units=0` or `processor_type="TPU"`: the same rules the runtime
/// applies (runtime/sched/constraints.cpp, gang.cpp), checked at the clause so
/// the user learns at compile time. Null if the value is fine (or a "$VAR").
const char *literalValueProblem(llvm::StringRef Key, const PragmaToken &Value);

/// `a number`, `a string literal`, `true or false`: for diagnostics.
const char *valueTypeName(ValueType Type);

} // namespace compss_cc

#endif // COMPSS_CC_PRAGMATABLES_H
