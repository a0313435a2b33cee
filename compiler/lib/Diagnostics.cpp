//===- Diagnostics.cpp - The translator's diagnostics ---------------------===//

#include "Diagnostics.h"

using namespace clang;

namespace compss_cc {

namespace {
struct DiagInfo {
  DiagnosticsEngine::Level Level;
  const char *Format;
};
} // namespace

static DiagInfo info(Diag K) {
  using L = DiagnosticsEngine::Level;
  switch (K) {
  case Diag::MissingPragmaName:
    return {L::Error, "expected a compss pragma name after '#pragma compss'"};
  case Diag::UnknownPragma:
    return {L::Error, "unknown compss pragma '%0'"};
  case Diag::UnknownClause:
    return {L::Error, "unknown clause '%0' in '#pragma compss task'"};
  case Diag::ExpectedLParen:
    return {L::Error, "expected '(' after '%0'"};
  case Diag::ExpectedRParen:
    return {L::Error, "expected ')' to close '%0('"};
  case Diag::ExpectedParamName:
    return {L::Error, "expected a parameter name in the '%0' clause"};
  case Diag::EmptyClauseList:
    return {L::Error, "empty parameter list in the '%0' clause"};
  case Diag::EmptyWaitOnList:
    return {L::Error, "'%0' needs at least one argument"};
  case Diag::UnexpectedToken:
    return {L::Error, "unexpected '%0' in '#pragma compss %1'"};
  case Diag::MacroPragma:
    return {L::Error, "compss pragmas must be written as '#pragma compss', "
                      "not produced by _Pragma or a macro"};
  case Diag::ReplicatedAndDistributed:
    return {L::Error, "'%0' cannot be combined with '%1' on one task: "
                      "'replicated' runs each call on every node, "
                      "'distributed' runs each call on one node chosen "
                      "round-robin; keep the one you mean, or declare two "
                      "tasks"};
  case Diag::ClauseTakesNoArgs:
    return {L::Error, "clause '%0' takes no arguments"};
  case Diag::ClauseArity:
    return {L::Error, "clause '%0' takes exactly one argument"};
  case Diag::ExpectedBool:
    return {L::Error, "expected 'true' or 'false' in '%0(...)'"};
  case Diag::BadTimeOut:
    return {L::Error, "time_out needs a positive number of seconds, not '%0'"};
  case Diag::BadOnFailure:
    return {L::Error, "unknown on_failure policy '%0'; expected retry, "
                      "cancel_successors, fail or ignore"};
  case Diag::OnFailureSyntax:
    return {L::Error, "expected 'on_failure(<policy>)' or "
                      "'on_failure(ignore, returns=<value>)'"};
  case Diag::ReturnsNeedsIgnore:
    return {L::Error, "'returns=' is only valid with on_failure(ignore, ...), "
                      "not with '%0'"};
  case Diag::ReturnsOnVoidTask:
    return {L::Error, "on_failure(ignore, returns=...) needs a task that "
                      "returns a value; '%0' returns void"};
  case Diag::ExpectedKey:
    return {L::Error, "expected 'key=value' in '%0(...)'"};
  case Diag::UnknownKey:
    return {L::Error, "unknown key '%0' in '%1(...)'"};
  case Diag::ExpectedEqual:
    return {L::Error, "expected '=' after '%0'"};
  case Diag::ExpectedValue:
    return {L::Error, "expected a value for '%0'"};
  case Diag::WrongValueType:
    return {L::Error, "'%0' takes %1, not '%2'"};
  case Diag::DuplicateKey:
    return {L::Error, "'%0' is given twice in '%1(...)'"};
  case Diag::ExpectedTaskName:
    return {L::Error, "expected the name of a task in 'implement(...)'"};
  case Diag::ExpectedRSquare:
    return {L::Error, "expected ']' to close the array extent in '%0'"};
  case Diag::SectionNotAtZero:
    return {L::Error, "the array section of '%0' must start at 0, as "
                      "'%0[0:n]' (the runtime tracks arrays from their start)"};
  case Diag::EmptyExtent:
    return {L::Error, "empty array extent for '%0'"};
  case Diag::NotAnLValue:
    return {L::Error, "'%0' is not an lvalue: '#pragma compss %1' needs "
                      "variables or other lvalues"};
  case Diag::ExpectedGroupName:
    return {L::Error, "expected a string literal naming the group in '%0'"};
  case Diag::TaskNotBeforeFunction:
    return {L::Error,
            "'#pragma compss %0' must be followed by a function declaration"};
  case Diag::UnsupportedTaskDecl:
    return {L::Error, "%0 cannot be a task yet"};
  case Diag::UnknownParam:
    return {L::Error, "'%0' is not a parameter of task '%1'"};
  case Diag::DuplicateParam:
    return {L::Error, "parameter '%0' appears in more than one clause"};
  case Diag::PreviousClauseNote:
    return {L::Note, "first listed here"};
  case Diag::WriteToConstRef:
    return {L::Error,
            "'%0' clause on parameter '%1' of type %2, which refers to "
            "const data: the task cannot write to it"};
  case Diag::WriteToValue:
    return {L::Error, "'%0' clause on parameter '%1' passed by value (%2): "
                      "the task cannot write back to the caller"};
  case Diag::FileOnNonPath:
    return {L::Error, "'%0' clause on parameter '%1' of type %2: a file "
                      "parameter must be a std::string, const char* or "
                      "std::filesystem::path, by value or const reference"};
  case Diag::ConflictingTaskPragmas:
    return {L::Error, "task '%0' is declared again with different clauses"};
  case Diag::CollectionOnNonVector:
    return {L::Error, "'%0' clause on parameter '%1' of type %2: a collection "
                      "must be a std::vector passed by reference, or a "
                      "std::span"};
  case Diag::StreamOnNonStream:
    return {L::Error, "'%0' clause on parameter '%1' of type %2: a stream "
                      "must be a compss::ObjectStream<T>& or a "
                      "compss::FileStream&"};
  case Diag::DirectoryOnNonPath:
    return {L::Error, "'%0' clause on parameter '%1' of type %2: a directory "
                      "parameter must be a std::string, const char* or "
                      "std::filesystem::path, by value or const reference"};
  case Diag::ExtentOnNonPointer:
    return {L::Error, "array extent on parameter '%0' of type %1: only "
                      "pointer parameters take an extent"};
  case Diag::ExtentUnknownName:
    return {L::Error, "'%0' in the array extent of '%1' is neither a "
                      "parameter of the task nor visible where it is declared"};
  case Diag::ExtentWithKind:
    return {L::Error, "array extent in the '%0' clause: only object clauses "
                      "(in, out, inout ...) take one"};
  case Diag::ModifierWithoutTask:
    return {L::Error, "'#pragma compss %0' applies to a task, but '%1' has "
                      "no '#pragma compss task'"};
  case Diag::DuplicateModifier:
    return {L::Error, "'%0' is given twice for task '%1'"};
  case Diag::ExternalWithBody:
    return {L::Error, "'%0' is %1 task: it runs an external program and "
                      "must be declared without a body"};
  case Diag::MissingLaunchKey:
    return {L::Error, "'#pragma compss %0' needs '%1=...'"};
  case Diag::ImplementUnknownTask:
    return {L::Error, "'%0' in 'implement(...)' names no task"};
  case Diag::ImplementDifferentParams:
    return {L::Error, "'%0' cannot implement task '%1': its parameter types "
                      "differ (%2 vs %3)"};
  case Diag::ImplementedTaskNote:
    return {L::Note, "task '%0' declared here"};
  case Diag::ImplementDifferentResult:
    return {L::Error, "'%0' cannot implement task '%1': its result type "
                      "differs (%2 vs %3)"};
  case Diag::ImplementDifferentAccess:
    return {L::Error, "'%0' cannot implement task '%1': parameter %2 is %3 "
                      "here but %4 in '%1' (a version accesses the call's "
                      "data as the task does: give it the task's clauses)"};
  case Diag::ImplementOfVersion:
    return {L::Error, "'%0' cannot implement '%1', which is itself a version "
                      "of '%2': name '%2' in 'implement(...)'"};
  case Diag::ImplementDifferentShape:
    return {L::Error, "'%0' cannot implement task '%1': %2"};
  case Diag::VersionNotInstantiable:
    return {L::Error, "call of task '%0' runs the same instantiation of its "
                      "version '%1', which cannot be instantiated with these "
                      "template arguments: a version of a function template "
                      "must accept every template argument its task is "
                      "called with"};
  case Diag::VersionAfterCall:
    return {L::Error, "call of task '%0' before its version '%1' is declared: "
                      "declare every version of a task (its '#pragma compss "
                      "implement') before the task's calls"};
  case Diag::VersionDeclaredNote:
    return {L::Note, "version '%0' declared here"};
  case Diag::ImplicitInOutWarning:
    return {L::Warning, "parameter '%0' of task '%1' has type %2 and is "
                        "named in no clause: it is treated as inout [-Wcompss]"};
  case Diag::NotSerializableParamWarning:
    return {L::Warning, "task '%0' cannot run on a worker: parameter '%1' of "
                        "type %2 is not serializable (%3); it will always run "
                        "on the master [-Wcompss-serializable]"};
  case Diag::NotSerializableResultWarning:
    return {L::Warning, "task '%0' cannot run on a worker: its result of type "
                        "%1 is not serializable (%2); it will always run on "
                        "the master [-Wcompss-serializable]"};
  case Diag::AddSerializeNote:
    return {L::Note, "to let the task run on workers, give '%0' a public "
                     "member 'template <class A> void serialize(A &ar) { "
                     "ar(members...); }', or pass a serializable type"};
  case Diag::AddDefaultCtorNote:
    return {L::Note, "to let the task run on workers, give '%0' a public "
                     "default constructor, or pass a serializable type"};
  case Diag::PassObjectNote:
    return {L::Note, "to let the task run on workers, pass the data in an "
                     "object clause (in, out, inout ...) as a serializable "
                     "type such as a std::vector"};
  case Diag::PassFilesNote:
    return {L::Note, "to let the task run on workers, name the files in the "
                     "directory with file_* clauses instead"};
  case Diag::PassSerializableNote:
    return {L::Note, "to let the task run on workers, pass a serializable "
                     "type: trivially copyable, a standard string or "
                     "container of serializable types, or a class with a "
                     "'serialize' member"};
  case Diag::GlobalNotShippableWarning:
    return {L::Warning, "task '%0' cannot run on a worker: it reads global "
                        "'%1' of type %2, which cannot be sent to workers "
                        "(%3)%4; it will always run on the master "
                        "[-Wcompss-global]"};
  case Diag::GlobalWrittenWarning:
    return {L::Warning, "task '%0' cannot run on a worker: it writes global "
                        "'%1'%2, and a worker's writes would be lost; it will "
                        "always run on the master [-Wcompss-global]"};
  case Diag::GlobalWrittenByTaskWarning:
    return {L::Warning, "task '%0' cannot run on a worker: it reads global "
                        "'%1'%2, which task '%3' writes, and a worker would "
                        "get the value from before that task ran; it will "
                        "always run on the master [-Wcompss-global]"};
  case Diag::GlobalDeclaredNote:
    return {L::Note, "'%0' is declared here"};
  case Diag::StmtPragmaOutsideFunction:
    return {L::Error, "'#pragma compss %0' must be inside a function body"};
  case Diag::DefaultArgInTaskCall:
    return {L::Error, "call to task '%0' relies on a default argument; a task "
                      "call must pass every argument"};
  case Diag::UnknownPlaceholder:
    return {L::Error, "'{{%0}}' names no parameter of '%1'"};
  case Diag::UnclosedPlaceholder:
    return {L::Error, "'{{' without '}}' in '%0=...'"};
  case Diag::StdioNotFileParam:
    return {L::Error, "'%0=' must be \"{{p}}\" where p is a %1 parameter "
                      "(the program's standard %2 is that file)"};
  case Diag::ExternalMethod:
    return {L::Error, "'%0' is a member function: a binary or MPI task must be "
                      "a free function"};
  case Diag::ExternalResultType:
    return {L::Error, "'%0' is %1 task: it returns void or an integer (the "
                      "program's exit code), not '%2'"};
  case Diag::ExtentArgSideEffects:
    return {L::Error, "argument '%0' of this call to task '%1' is used in an "
                      "array extent and has side effects: it would be "
                      "evaluated twice"};
  case Diag::GroupNeedsBlock:
    return {L::Error, "'#pragma compss group' must be followed by a block "
                      "'{ ... }'"};
  case Diag::CallInMacroWarning:
    return {L::Warning, "call to task '%0' inside a macro expansion runs "
                        "synchronously, not as a task"};
  case Diag::StmtPragmaInHeaderWarning:
    return {L::Warning, "'#pragma compss %0' in a header is ignored; write it "
                        "in the source file"};
  case Diag::UnsyncReadWarning:
    return {L::Warning, "%0 may read data reached through '%1' while task "
                        "'%2' may still be writing it: automatic waits do not "
                        "follow pointers, references or elements "
                        "[-Wcompss-unsynchronized-read]"};
  case Diag::TaskSubmittedNote:
    return {L::Note, "task '%0' submitted here, with no barrier or wait_on "
                     "after it"};
  case Diag::TaskSubmittedViaNote:
    return {L::Note, "task '%0' submitted by this call to '%1', with no "
                     "barrier or wait_on after it"};
  case Diag::BarrierBeforeReadNote:
    return {L::Note, "wait first: '#pragma compss barrier' before this "
                     "statement (wait_on waits for the object it names and "
                     "the elements of a std::vector or std::array, not for "
                     "what a pointer points to)"};
  }
  llvm_unreachable("unknown compss diagnostic");
}

DiagnosticBuilder Diagnostics::report(SourceLocation Loc, Diag K) {
  DiagInfo I = info(K);
  // Custom IDs are uniqued by level and text, so asking again is cheap.
  unsigned ID = Engine.getDiagnosticIDs()->getCustomDiagID(
      static_cast<DiagnosticIDs::Level>(I.Level), I.Format);
  return Engine.Report(Loc, ID);
}

} // namespace compss_cc
