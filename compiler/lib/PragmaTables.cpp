//===- PragmaTables.cpp - Keys of constraint, binary and mpi --------------===//

#include "PragmaTables.h"

namespace compss_cc {

KeyTable constraintKeys() {
  using T = ValueType;
  static const KeyInfo Keys[] = {
      {"computing_units", "computing_units", T::Number},
      {"cores", "computing_units", T::Number},
      {"memory_size", "memory_size", T::Number},
      {"memory", "memory_size", T::Number},
      {"storage_size", "storage_size", T::Number},
      {"processor_speed", "processor_speed", T::Number},
      {"processor_type", "processor_type", T::String},
      {"processor_architecture", "processor_architecture", T::String},
      {"processor_name", "processor_name", T::String},
      {"operating_system_type", "operating_system_type", T::String},
      {"app_software", "app_software", T::String},
      {"host_queues", "host_queues", T::String},
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
  switch (Type) {
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

const char *valueTypeName(ValueType Type) {
  switch (Type) {
  case ValueType::Number:
    return "a number";
  case ValueType::String:
    return "a string literal";
  case ValueType::Bool:
    return "true or false";
  }
  return "";
}

} // namespace compss_cc
