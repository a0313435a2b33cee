//===- PragmaTables.cpp - Keys of constraint, binary and mpi --------------===//

#include "PragmaTables.h"

namespace compss_cc {

KeyTable constraintKeys() {
  using T = ValueType;
  // SPEC section 2's list; runtime/sched/constraints.cpp reads the same keys.
  static const KeyInfo Keys[] = {
      {"computing_units", "computing_units", T::NumberOrVariable},
      {"cores", "computing_units", T::NumberOrVariable},
      {"memory_size", "memory_size", T::NumberOrVariable},
      {"memory", "memory_size", T::NumberOrVariable},
      {"memory_type", "memory_type", T::String},
      {"storage_size", "storage_size", T::NumberOrVariable},
      {"storage_type", "storage_type", T::String},
      {"processor_speed", "processor_speed", T::NumberOrVariable},
      {"processor_performance", "processor_performance", T::NumberOrVariable},
      {"processor_internal_memory_size", "processor_internal_memory_size",
       T::NumberOrVariable},
      {"processor_type", "processor_type", T::String},
      {"processor_architecture", "processor_architecture", T::String},
      {"processor_name", "processor_name", T::String},
      {"processors", "processors", T::String},
      {"operating_system_type", "operating_system_type", T::String},
      {"operating_system_distribution", "operating_system_distribution",
       T::String},
      {"operating_system_version", "operating_system_version", T::String},
      {"app_software", "app_software", T::String},
      {"host_queues", "host_queues", T::String},
      {"wall_clock_limit", "wall_clock_limit", T::NumberOrVariable},
      {"is_local", "is_local", T::BoolOrVariable},
  };
  return Keys;
}

KeyTable binaryKeys() {
  using T = ValueType;
  static const KeyInfo Keys[] = {
      {"binary", "binary", T::String},
      {"args", "args", T::String},
      {"working_dir", "working_dir", T::String},
      {"fail_by_exit_value", "fail_by_exit_value", T::Bool},
      {"stdin", "stdin", T::String},
      {"stdout", "stdout", T::String},
      {"stderr", "stderr", T::String},
  };
  return Keys;
}

KeyTable mpiKeys() {
  using T = ValueType;
  static const KeyInfo Keys[] = {
      {"runner", "runner", T::String},
      {"binary", "binary", T::String},
      {"processes", "processes", T::Number},
      {"processes_per_node", "processes_per_node", T::Number},
      {"flags", "flags", T::String},
      {"args", "args", T::String},
      {"scale_by_cu", "scale_by_cu", T::Bool},
      {"working_dir", "working_dir", T::String},
      {"fail_by_exit_value", "fail_by_exit_value", T::Bool},
      {"stdin", "stdin", T::String},
      {"stdout", "stdout", T::String},
      {"stderr", "stderr", T::String},
  };
  return Keys;
}

KeyTable multinodeKeys() {
  using T = ValueType;
  static const KeyInfo Keys[] = {
      {"computing_nodes", "computing_nodes", T::Number},
      {"processes_per_node", "processes_per_node", T::Number},
  };
  return Keys;
}

const KeyInfo *lookupKey(KeyTable Table, llvm::StringRef Name) {
  for (const KeyInfo &K : Table)
    if (Name == K.Spelling)
      return &K;
  return nullptr;
}

bool valueMatches(ValueType Type, const PragmaToken &Value) {
  auto IsVariable = [&] {
    return valueMatches(ValueType::String, Value) &&
           llvm::StringRef(Value.Spelling).starts_with("\"$");
  };
  switch (Type) {
  case ValueType::NumberOrVariable:
    return valueMatches(ValueType::Number, Value) || IsVariable();
  case ValueType::BoolOrVariable:
    return valueMatches(ValueType::Bool, Value) || IsVariable();
  case ValueType::Number:
    return Value.Kind == clang::tok::numeric_constant;
  case ValueType::String:
    // Plain narrow literals only: the TaskSpec carries them unquoted.
    return Value.Kind == clang::tok::string_literal &&
           llvm::StringRef(Value.Spelling).starts_with("\"");
  case ValueType::Bool:
    return Value.Spelling == "true" || Value.Spelling == "false";
  }
  return false;
}

const char *literalValueProblem(llvm::StringRef Key,
                                const PragmaToken &Value) {
  llvm::StringRef Text(Value.Spelling);
  if (Value.Kind == clang::tok::numeric_constant &&
      (Key == "computing_units" || Key == "processes" ||
       Key == "processes_per_node" || Key == "computing_nodes")) {
    unsigned long long N = 0;
    // getAsInteger fails on fractions and exponents; 0 reserves nothing.
    if (Text.getAsInteger(10, N) || N == 0)
      return "a whole number >= 1";
  }
  if (Value.Kind == clang::tok::string_literal && Key == "processor_type" &&
      !Text.starts_with("\"$")) {
    // Trimmed as the runtime reads it (sched/constraints.cpp).
    llvm::StringRef Type = Text.drop_front().drop_back().trim();
    if (!Type.equals_insensitive("CPU") && !Type.equals_insensitive("GPU") &&
        !Type.equals_insensitive("FPGA") && !Type.equals_insensitive("OTHER"))
      return "\"CPU\", \"GPU\", \"FPGA\" or \"OTHER\"";
  }
  return nullptr;
}

const char *valueTypeName(ValueType Type) {
  switch (Type) {
  case ValueType::Number:
    return "a number";
  case ValueType::String:
    return "a string literal";
  case ValueType::Bool:
    return "true or false";
  case ValueType::NumberOrVariable:
    return "a number or a \"$VAR\" string literal";
  case ValueType::BoolOrVariable:
    return "true, false or a \"$VAR\" string literal";
  }
  return "";
}

} // namespace compss_cc
