//===- CodeGen.cpp - Text of the generated code ---------------------------===//

#include "CodeGen.h"
#include "llvm/Support/raw_ostream.h"

namespace compss_cc {

static const char *directionName(Direction D) {
  switch (D) {
  case Direction::In:
    return "::compss::detail::Direction::in";
  case Direction::Out:
    return "::compss::detail::Direction::out";
  case Direction::InOut:
    return "::compss::detail::Direction::inout";
  case Direction::Concurrent:
    return "::compss::detail::Direction::concurrent";
  case Direction::Commutative:
    return "::compss::detail::Direction::commutative";
  case Direction::InDelete:
    return "::compss::detail::Direction::in_delete";
  }
  llvm_unreachable("unknown direction");
}

static const char *kindName(ParamKind K) {
  switch (K) {
  case ParamKind::Object:
    return "::compss::detail::ParamKind::object";
  case ParamKind::File:
    return "::compss::detail::ParamKind::file";
  case ParamKind::Directory:
    return "::compss::detail::ParamKind::directory";
  case ParamKind::Collection:
    return "::compss::detail::ParamKind::collection";
  case ParamKind::Stream:
    return "::compss::detail::ParamKind::stream";
  }
  llvm_unreachable("unknown parameter kind");
}

/// `static constexpr Constraint <Name>[] = {{"key", "value"}, ...};`
static void emitPairs(llvm::raw_ostream &OS, llvm::StringRef Name,
                      llvm::ArrayRef<SpecPair> Pairs) {
  OS << "static constexpr ::compss::detail::Constraint " << Name << "[] = {";
  for (size_t I = 0; I != Pairs.size(); ++I)
    // Values keep the escapes they were written with: already literal text.
    OS << (I ? ", " : "") << "{\"" << Pairs[I].Key << "\", \""
       << Pairs[I].Value << "\"}";
  OS << "};\n";
}

/// True if the TaskSpec needs fields after `param_count`.
static bool hasExtras(const ResolvedTask &T) {
  return T.Priority || !T.OnFailure.empty() || !T.TimeOut.empty() ||
         T.Replicated || T.Distributed || !T.Constraints.empty() ||
         T.Kind != TaskKind::Function || T.Multinode || !T.Implements.empty() ||
         !T.Launch.empty() || T.HiddenAddress;
}

/// Numbers of the tasks among \p Tasks that are versions of \p T.
static std::vector<unsigned>
versionsOf(llvm::ArrayRef<const ResolvedTask *> Tasks, const ResolvedTask &T) {
  std::vector<unsigned> Out;
  for (unsigned M = 0; M != Tasks.size(); ++M)
    if (Tasks[M]->Implements == T.Signature)
      Out.push_back(M);
  return Out;
}

/// The TaskSpec with designated initializers, in declaration order, only
/// the fields that differ from their defaults.
static void emitDesignatedSpec(llvm::raw_ostream &OS, unsigned N,
                               const ResolvedTask &T, size_t VersionCount) {
  OS << "\n    .name = \"" << escapeString(T.Name) << "\", .signature = \""
     << escapeString(T.Signature) << "\",\n    .params = ";
  if (T.Params.empty())
    OS << "nullptr, .param_count = 0";
  else
    OS << "__compss_params_" << N << ", .param_count = " << T.Params.size();
  if (T.Priority)
    OS << ",\n    .priority = true";
  if (!T.OnFailure.empty())
    OS << ",\n    .on_failure = ::compss::detail::OnFailure::" << T.OnFailure;
  if (!T.TimeOut.empty())
    OS << ",\n    .time_out = " << T.TimeOut;
  if (T.Replicated)
    OS << ",\n    .replicated = true";
  if (T.Distributed)
    OS << ",\n    .distributed = true";
  if (!T.Constraints.empty())
    OS << ",\n    .constraints = __compss_constraints_" << N
       << ", .constraint_count = " << T.Constraints.size();
  if (T.Kind != TaskKind::Function)
    OS << ",\n    .kind = ::compss::detail::TaskKind::"
       << (T.Kind == TaskKind::Binary ? "binary" : "mpi");
  else if (T.Multinode)
    OS << ",\n    .kind = ::compss::detail::TaskKind::multinode";
  if (!T.Implements.empty())
    OS << ",\n    .implements = \"" << escapeString(T.Implements) << "\"";
  if (!T.Launch.empty())
    OS << ",\n    .launch = __compss_launch_" << N
       << ", .launch_count = " << T.Launch.size();
  if (T.HiddenAddress)
    OS << ",\n    .master_only = true";
  if (VersionCount)
    OS << ",\n    .versions = __compss_versions_" << N
       << ", .version_count = " << VersionCount;
  OS << "};\n";
}

std::string escapeString(llvm::StringRef Text) {
  std::string Out;
  for (char C : Text) {
    if (C == '\\' || C == '"')
      Out += '\\';
    Out += C;
  }
  return Out;
}

std::string emitPrologue(llvm::ArrayRef<const ResolvedTask *> Tasks,
                         llvm::ArrayRef<bool> Called,
                         llvm::StringRef MainFile) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  OS << "#include <compss/compss.hpp>\n";
  if (llvm::any_of(Tasks, [](const ResolvedTask *T) { return T->IsMethod; }))
    OS << "#include <compss/detail/call_method.hpp>\n";
  // Versions first: a task's TaskSpec points at theirs (a version has none).
  std::vector<unsigned> Order;
  for (unsigned N = 0; N != Tasks.size(); ++N)
    if (!Tasks[N]->Implements.empty())
      Order.push_back(N);
  for (unsigned N = 0; N != Tasks.size(); ++N)
    if (Tasks[N]->Implements.empty())
      Order.push_back(N);
  for (unsigned N : Order) {
    const ResolvedTask &T = *Tasks[N];
    std::vector<unsigned> Versions = versionsOf(Tasks, T);
    if (!Versions.empty()) {
      OS << "static constexpr const ::compss::detail::TaskSpec *"
         << "__compss_versions_" << N << "[] = {";
      for (size_t I = 0; I != Versions.size(); ++I)
        OS << (I ? ", " : "") << "&__compss_task_" << Versions[I];
      OS << "};\n";
    }
    if (!T.Params.empty()) {
      OS << "static constexpr ::compss::detail::ParamSpec __compss_params_" << N
         << "[] = {";
      for (unsigned I = 0; I != T.Params.size(); ++I) {
        const ResolvedParam &P = T.Params[I];
        OS << (I ? ",\n" : "\n") << "    {" << directionName(P.Dir) << ", "
           << kindName(P.Kind) << ", \"" << escapeString(P.Name) << "\"";
        // An extent makes the pointer an array section (ParamSpec::section).
        OS << (P.Extent.empty() ? "}" : ", true}");
      }
      OS << "};\n";
    }
    if (!T.Constraints.empty())
      emitPairs(OS, "__compss_constraints_" + std::to_string(N), T.Constraints);
    if (!T.Launch.empty())
      emitPairs(OS, "__compss_launch_" + std::to_string(N), T.Launch);
    // A task this TU defines but does not call: nothing refers to its spec.
    if (!Called[N])
      OS << "[[maybe_unused]] ";
    OS << "static constexpr ::compss::detail::TaskSpec __compss_task_" << N
       << "{";
    if (hasExtras(T) || !Versions.empty()) {
      emitDesignatedSpec(OS, N, T, Versions.size());
      continue;
    }
    OS << "\n    \"" << escapeString(T.Name) << "\", \""
       << escapeString(T.Signature) << "\", ";
    if (T.Params.empty())
      OS << "nullptr, 0};\n";
    else
      OS << "__compss_params_" << N << ", " << T.Params.size() << "};\n";
  }
  OS << "#line 1 \"" << escapeString(MainFile) << "\"\n";
  return Text;
}

/// The function a call of \p Task runs, as a template argument.
static void emitFunctionRef(llvm::raw_ostream &OS, const ResolvedTask &Task) {
  if (Task.IsMethod)
    OS << "&::compss::detail::method_adapter<static_cast<" << Task.PointerType
       << ">(&" << Task.QualifiedRef << ")>::call";
  else if (Task.Kind != TaskKind::Function)
    // A binary/MPI task has no body to point at: the null pointer carries its
    // type, and call_task runs the program (detail/external_call.hpp).
    OS << "static_cast<" << Task.PointerType << ">(nullptr)";
  else
    OS << "static_cast<" << Task.PointerType << ">(&" << Task.QualifiedRef
       << ")";
}

std::string emitCallee(unsigned Index, const ResolvedTask &Task,
                       llvm::ArrayRef<VersionRef> Versions) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  // With on_failure(ignore, returns=<expr>), call_task_or takes a lambda that
  // makes the default and returns what call_task would be called as.
  bool HasDefault = !Task.OnFailureReturns.empty();
  OS << "::compss::detail::" << (HasDefault ? "call_task_or" : "call_task")
     << "<__compss_task_" << Index << ", ";
  emitFunctionRef(OS, Task);
  for (const VersionRef &V : Versions) {
    OS << ", ::compss::detail::Version<__compss_task_" << V.Index << ", ";
    emitFunctionRef(OS, *V.Task);
    OS << ">";
  }
  OS << ">";
  if (HasDefault)
    OS << "([] { return (" << Task.OnFailureReturns << "); })";
  return Text;
}

std::string emitTaskGlobals(unsigned Index, const ResolvedTask &Task,
                            llvm::ArrayRef<GlobalRef> Globals,
                            llvm::StringRef MasterOnly) {
  if (Globals.empty() && MasterOnly.empty())
    return "";
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  std::string N = std::to_string(Index);
  OS << "namespace {\n";
  if (!Globals.empty()) {
    OS << "constexpr ::compss::detail::GlobalVar __compss_globals_" << N
       << "[] = {";
    for (size_t I = 0; I != Globals.size(); ++I)
      OS << (I ? ",\n    " : "\n    ")
         << "::compss::detail::global_var<&" << Globals[I].Ref << ">(\""
         << escapeString(Globals[I].Name) << "\")";
    OS << "};\n";
  }
  OS << "[[maybe_unused]] const bool __compss_globals_registered_" << N
     << " = ::compss::detail::register_task_globals(\""
     << escapeString(Task.Signature) << "\", "
     << (Globals.empty() ? "nullptr" : "__compss_globals_" + N) << ", "
     << Globals.size() << ", ";
  if (MasterOnly.empty())
    OS << "nullptr";
  else
    OS << "\"" << escapeString(MasterOnly) << "\"";
  OS << ");\n}\n";
  return Text;
}

std::string emitStatement(const StmtPragma &S) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  switch (S.Kind) {
  case StmtPragma::WaitOn:
  case StmtPragma::WaitOnFile: {
    const char *Fn = S.Kind == StmtPragma::WaitOn ? "::compss::wait_on("
                                                  : "::compss::wait_on_file(";
    for (size_t I = 0; I != S.Args.size(); ++I)
      OS << (I ? " " : "") << Fn << S.Args[I] << ");";
    return Text;
  }
  case StmtPragma::Barrier:
    return S.NoMoreTasks ? "::compss::barrier(true);" : "::compss::barrier();";
  case StmtPragma::Delete:
  case StmtPragma::DeleteFile: {
    const char *Fn = S.Kind == StmtPragma::Delete ? "::compss::delete_object("
                                                  : "::compss::delete_file(";
    for (size_t I = 0; I != S.Args.size(); ++I)
      OS << (I ? " " : "") << Fn << S.Args[I] << ");";
    return Text;
  }
  case StmtPragma::BarrierGroup:
    return "::compss::barrier_group(" + S.Args.front() + ");";
  case StmtPragma::Group:
    llvm_unreachable("a group is emitted by emitGroupOpen");
  }
  llvm_unreachable("unknown statement pragma");
}

std::string emitGroupOpen(const StmtPragma &S, unsigned Number) {
  return "{ ::compss::TaskGroup __compss_group_" + std::to_string(Number) +
         "(" + S.Args.front() + ", /*implicit_barrier=*/" +
         (S.ImplicitBarrier ? "true" : "false") + ");";
}

std::string emitMainEpilogue() {
  return "int main(int argc, char** argv) { return "
         "::compss::detail::run_main(argc, argv, &" +
         UserMainName.str() + "); }\n";
}

} // namespace compss_cc
