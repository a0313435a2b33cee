//===- GlobalUses.h - Global variables a task reads or writes -----*- C++
//-*-===//
//
/// \file
/// Workers never run `main`, so a global variable `main` set has its initial
/// value there. This stage finds the non-const global variables (namespace
/// scope and static data members) a task reads, in its body and in the
/// functions of the translation unit it calls (the call graph is walked down
/// to functions without a body here). The generated code registers them
/// (include/compss/detail/task_globals.hpp) and the runtime sends the master's
/// values with each request. A task that writes a global (a worker's write
/// would be lost), reads one that cannot be sent (a pointer, a type that
/// cannot be serialized), or reads one that a task of this translation unit
/// writes (the value sent at submission would predate that task's write),
/// always runs on the master, and compss-cc says why (-Wcompss-global).
///
/// Not seen: globals read by functions of other translation units, globals
/// written by tasks of other translation units, writes
/// through pointers or references to a global, calls through function
/// pointers or virtual calls. Function-local statics are each process's own:
/// never sent, but a task that writes one runs on the master.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_GLOBALUSES_H
#define COMPSS_CC_GLOBALUSES_H

#include "CodeGen.h"
#include "Diagnostics.h"
#include "TaskSema.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/MapVector.h"
#include <string>
#include <vector>

namespace clang {
class Sema;
class VarDecl;
struct PrintingPolicy;
} // namespace clang

namespace compss_cc {

/// What the generated code registers for one task.
struct TaskGlobals {
  /// The globals whose values travel with each request, in order of first use.
  std::vector<GlobalRef> Shipped;
  /// Why the task must always run on the master; empty when it can travel.
  std::string MasterOnly;
};

/// The globals some task of the translation unit writes, each with the name
/// of the first such task.
using GlobalsTasksWrite = llvm::MapVector<const clang::VarDecl *, std::string>;

/// The globals that \p Tasks (those defined in this translation unit) write.
GlobalsTasksWrite findGlobalsTasksWrite(clang::Sema &S,
                                        llvm::ArrayRef<const ResolvedTask *> Tasks);

/// Finds the globals task \p T reads and writes (nothing for a task without a
/// body in this translation unit). A task reading a global that a task writes
/// (\p TasksWrite) stays on the master, like one that writes it: the value
/// taken at its submission would be the one from before that task ran. With
/// \p Warn, reports -Wcompss-global at the use that keeps it on the master,
/// with a note at the global.
TaskGlobals findTaskGlobals(clang::Sema &S, Diagnostics &D,
                            const clang::PrintingPolicy &Policy,
                            const ResolvedTask &T,
                            const GlobalsTasksWrite &TasksWrite, bool Warn);

} // namespace compss_cc

#endif // COMPSS_CC_GLOBALUSES_H
