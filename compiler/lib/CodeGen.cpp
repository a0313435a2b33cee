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
  }
  llvm_unreachable("unknown direction");
}

static const char *kindName(ParamKind K) {
  return K == ParamKind::File ? "::compss::detail::ParamKind::file"
                              : "::compss::detail::ParamKind::object";
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
  for (unsigned N = 0; N != Tasks.size(); ++N) {
    const ResolvedTask &T = *Tasks[N];
    if (!T.Params.empty()) {
      OS << "static constexpr ::compss::detail::ParamSpec __compss_params_" << N
         << "[] = {";
      for (unsigned I = 0; I != T.Params.size(); ++I) {
        const ResolvedParam &P = T.Params[I];
        OS << (I ? ",\n" : "\n") << "    {" << directionName(P.Dir) << ", "
           << kindName(P.Kind) << ", \"" << escapeString(P.Name) << "\"}";
      }
      OS << "};\n";
    }
    // A task this TU defines but does not call: nothing refers to its spec.
    if (!Called[N])
      OS << "[[maybe_unused]] ";
    OS << "static constexpr ::compss::detail::TaskSpec __compss_task_" << N
       << "{\n    \"" << escapeString(T.Name) << "\", \""
       << escapeString(T.Signature) << "\", ";
    if (T.Params.empty())
      OS << "nullptr, 0};\n";
    else
      OS << "__compss_params_" << N << ", " << T.Params.size() << "};\n";
  }
  OS << "#line 1 \"" << escapeString(MainFile) << "\"\n";
  return Text;
}

std::string emitCallee(unsigned Index, const ResolvedTask &Task) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  OS << "::compss::detail::call_task<__compss_task_" << Index
     << ", static_cast<" << Task.PointerType << ">(&" << Task.QualifiedRef
     << ")>";
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
  }
  llvm_unreachable("unknown statement pragma");
}

std::string emitMainEpilogue() {
  return "int main(int argc, char** argv) { return "
         "::compss::detail::run_main(argc, argv, &" +
         UserMainName.str() + "); }\n";
}

} // namespace compss_cc
