//===- CodeGen.h - Text of the generated code ---------------------*- C++
//-*-===//
//
/// \file
/// The fourth stage: the exact text compss-cc inserts into a translation unit,
/// as fixed by docs/architecture.md ("The generated-code contract"). Pure
/// string building; the Translator decides where each piece goes.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_CODEGEN_H
#define COMPSS_CC_CODEGEN_H

#include "PragmaModel.h"
#include "TaskSema.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace compss_cc {

/// The name the user's `main` is given in the TU that defines it.
inline constexpr llvm::StringLiteral UserMainName = "__compss_user_main";

/// The prologue: the runtime header, a ParamSpec array and a TaskSpec for
/// each of \p Tasks (numbered by position), and `#line 1 "<MainFile>"`.
/// \p Called tells, for each task, whether the TU calls it; the TaskSpec of
/// one it only defines is `[[maybe_unused]]`. A task with versions among
/// \p Tasks (those whose Implements is its signature) lists them in its
/// TaskSpec (`.versions`), in their order in \p Tasks.
std::string emitPrologue(llvm::ArrayRef<const ResolvedTask *> Tasks,
                         llvm::ArrayRef<bool> Called, llvm::StringRef MainFile);

/// One version of a task at its call: its TaskSpec's number and the task.
struct VersionRef {
  unsigned Index;
  const ResolvedTask *Task;
};

/// The callee that replaces the name of task number \p Index at a call; its
/// \p Versions, in the order of its TaskSpec's `.versions`, follow as
/// `::compss::detail::Version<spec, function>` arguments.
std::string emitCallee(unsigned Index, const ResolvedTask &Task,
                       llvm::ArrayRef<VersionRef> Versions = {});

/// A global variable a task reads: the expression naming it from the global
/// namespace (`::cfg::block_size`) and its name in messages.
struct GlobalRef {
  std::string Ref;
  std::string Name;
};

/// Appended to the TU that defines task number \p Index: registers the globals
/// it reads and, if \p MasterOnly is not empty, why it must always run on the
/// master (include/compss/detail/task_globals.hpp). Empty if neither.
std::string emitTaskGlobals(unsigned Index, const ResolvedTask &Task,
                            llvm::ArrayRef<GlobalRef> Globals,
                            llvm::StringRef MasterOnly);

/// The statements a statement pragma stands for, on one line.
std::string emitStatement(const StmtPragma &S);

/// What replaces `#pragma compss group(...)`: a block opening with a
/// compss::TaskGroup; the Translator closes it after the following block.
std::string emitGroupOpen(const StmtPragma &S, unsigned Number);

/// The real `main`, appended to the TU that defines the user's main.
std::string emitMainEpilogue();

/// \p Text as the contents of a C string literal.
std::string escapeString(llvm::StringRef Text);

} // namespace compss_cc

#endif // COMPSS_CC_CODEGEN_H
