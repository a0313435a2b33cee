//===- Driver.cpp - The compss-cc command line ----------------------------===//

#include "Driver.h"
#include "Inputs.h"
#include "Translator.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include <optional>
#include <string>
#include <vector>

namespace compss_cc {

namespace {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

/// What the user asked the real compiler to produce.
enum class Mode { Link, Compile, Assemble, Preprocess, SyntaxOnly };

/// One C++ source of the command line and its translation.
struct Source {
  size_t ArgIndex; ///< Position in Args.
  std::string Path;
  std::string TempPath;
  bool CFileAsCxx = false; ///< A `.c` file, compiled as C++ as c++ does.
};

/// An input the real compiler gets as it is (object, library, C file ...).
struct OtherInput {
  size_t ArgIndex;      ///< Position in Args.
  std::string Language; ///< The `-x` language in effect; "" for none.
};

/// The parsed command line.
struct Invocation {
  std::vector<std::string> RealCompiler;
  std::vector<std::string> Args; ///< Everything after the driver's own flags.
  bool Launch = false;
  bool EmitSource = false;
  bool Help = false;    ///< --help: compss-cc's usage, then the compiler's.
  bool Version = false; ///< --version: compss-cc's, then the compiler's.
  Mode M = Mode::Link;
  std::optional<size_t> OutputIndex; ///< Index of the value of -o in Args.
  std::vector<Source> Sources;
  std::vector<OtherInput> OtherInputs;
  /// Positions in Args of `-x` options and their values: compiling one
  /// input at a time gives each its own.
  std::vector<size_t> LanguageArgs;
  std::vector<std::string> ParseFlags; ///< For the translator.
  bool HasStd = false;
  bool HasDepFile = false;
  std::optional<std::string> DepFile;
  /// `-p <build dir>` with --emit-source: parse with the flags that the
  /// build's compile_commands.json gives each source.
  std::optional<std::string> DatabaseDir;
};

void error(const llvm::Twine &Message) {
  llvm::WithColor::error(llvm::errs(), "compss-cc") << Message << "\n";
}

/// Options whose value is the next argument.
bool takesSeparateValue(llvm::StringRef A) {
  return llvm::StringSwitch<bool>(A)
      .Cases("-o", "-I", "-D", "-U", "-include", "-imacros", "-isystem", true)
      .Cases("-iquote", "-idirafter", "-isysroot", "-x", "-MF", "-MT", true)
      .Cases("-MQ", "-L", "-Xlinker", "-Xpreprocessor", "-Xassembler", true)
      .Cases("-T", "-u", "-e", "-arch", "-aux-info", "--param", true)
      .Default(false);
}

/// Options the translator's parse needs as well: they decide what the
/// source means.
bool isParseFlag(llvm::StringRef A) {
  for (llvm::StringRef P :
       {"-I", "-D", "-U", "-include", "-imacros", "-isystem", "-iquote",
        "-idirafter", "-isysroot", "--sysroot", "-std=", "-stdlib="})
    if (A.starts_with(P))
      return true;
  return llvm::StringSwitch<bool>(A)
      .Cases("-nostdinc", "-nostdinc++", "-fno-exceptions", "-fexceptions",
             true)
      .Cases("-fno-rtti", "-frtti", "-fsigned-char", "-funsigned-char", true)
      .Cases("-fchar8_t", "-fno-char8_t", "-fopenmp", "-fopenmp-simd", true)
      .Default(false);
}

/// Warning flags that decide whether the translator reports unknown pragmas
/// (see UnknownPragmas.h): the real compiler gets -Wno-unknown-pragmas.
bool isPragmaWarningFlag(llvm::StringRef A) {
  return llvm::StringSwitch<bool>(A)
      .Cases("-Wall", "-Wno-all", "-Weverything", "-w", true)
      .Cases("-Wunknown-pragmas", "-Wno-unknown-pragmas", true)
      .Cases("-Werror", "-Wno-error", "-Werror=unknown-pragmas", true)
      .Case("-Wno-error=unknown-pragmas", true)
      .Default(false);
}

/// Decides how the input \p File, with the `-x` language \p Language in
/// effect ("" for none), is taken; false after an error message.
bool addInput(Invocation &Inv, size_t Index, llvm::StringRef File,
              llvm::StringRef Language) {
  if (Language == "c++") {
    // g++ compiles whatever follows `-x c++` as C++, an object file too (and
    // fails on it): say so instead of printing the object as source.
    if (std::optional<std::string> What = describeBinary(File)) {
      error("'" + File + "' is " + *What +
            ", but the '-x c++' before it makes it a C++ source (g++ would "
            "compile it as C++ as well, and fail); put '-x none' before it "
            "to link it");
      return false;
    }
    Inv.Sources.push_back({Index, File.str(), "", false});
    return true;
  }
  if (Language.empty() && isCxxSourceName(File)) {
    Inv.Sources.push_back({Index, File.str(), "", false});
    return true;
  }
  if (Language.empty() && isCSourceName(File) &&
      isCxxDriver(Inv.RealCompiler)) {
    Inv.Sources.push_back({Index, File.str(), "", true});
    return true;
  }
  if ((Language == "c" || (Language.empty() && isCSourceName(File))) &&
      hasCompssPragma(File)) {
    error("'" + File + "' has '#pragma compss' but is compiled as C (" +
          (Language.empty()
               ? "by the C compiler '" + Inv.RealCompiler.back() + "'"
               : std::string("-x c")) +
          "), which would ignore its tasks: compss-cc translates C++ only; "
          "compile it as C++ (-x c++, or a .cpp name)");
    return false;
  }
  Inv.OtherInputs.push_back({Index, Language.str()});
  return true;
}

std::vector<std::string> realCompilerFromEnv() {
  std::optional<std::string> Env = llvm::sys::Process::GetEnv("COMPSS_CXX");
  std::vector<std::string> Cmd;
  if (Env) {
    llvm::SmallVector<llvm::StringRef, 4> Parts;
    llvm::StringRef(*Env).split(Parts, ' ', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef P : Parts)
      Cmd.push_back(P.str());
  }
  if (Cmd.empty())
    Cmd.push_back(COMPSS_DEFAULT_CXX);
  return Cmd;
}

bool parseCommandLine(int Argc, const char **Argv, Invocation &Inv) {
  int I = 1;
  if (Argc > 1 && llvm::StringRef(Argv[1]) == "--launch") {
    if (Argc < 3) {
      error("--launch needs the real compiler as its argument");
      return false;
    }
    Inv.Launch = true;
    Inv.RealCompiler = {Argv[2]};
    I = 3;
  } else {
    Inv.RealCompiler = realCompilerFromEnv();
  }
  // `-p` names a build directory only with --emit-source, as in Clang's
  // tools; otherwise it is the compilers' profiling flag and passes through.
  bool EmitSource = llvm::any_of(
      llvm::ArrayRef<const char *>(Argv + I, Argv + Argc),
      [](const char *A) { return llvm::StringRef(A) == "--emit-source"; });
  // `-x <language>` decides how the inputs after it are taken.
  std::string Language;
  for (; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    if (A == "--emit-source") {
      Inv.EmitSource = true;
      continue;
    }
    if (A == "--help" || A.starts_with("--help="))
      Inv.Help = true;
    else if (A == "--version")
      Inv.Version = true;
    if (EmitSource && (A == "-p" || A.starts_with("-p="))) {
      if (A == "-p" && I + 1 >= Argc) {
        error("missing argument to '-p' (the build directory)");
        return false;
      }
      Inv.DatabaseDir = A == "-p" ? Argv[++I] : A.drop_front(3).str();
      continue;
    }
    if (A == "-p" && I + 1 < Argc && fs::is_directory(Argv[I + 1])) {
      error("'-p " + llvm::StringRef(Argv[I + 1]) +
            "': a build directory is read only with --emit-source");
      return false;
    }
    // The translator's own warnings: the real compiler would reject them.
    if (A == "-Wcompss" || A == "-Wno-compss" ||
        A == "-Wcompss-serializable" || A == "-Wno-compss-serializable" ||
        A == "-Wcompss-global" || A == "-Wno-compss-global" ||
        A == "-Wcompss-unsynchronized-read" ||
        A == "-Wno-compss-unsynchronized-read") {
      Inv.ParseFlags.push_back(A.str());
      continue;
    }
    size_t Index = Inv.Args.size();
    Inv.Args.push_back(A.str());
    if (takesSeparateValue(A)) {
      if (I + 1 >= Argc) {
        error("missing argument to '" + A + "'");
        return false;
      }
      llvm::StringRef Value(Argv[++I]);
      Inv.Args.push_back(Value.str());
      if (A == "-o")
        Inv.OutputIndex = Index + 1;
      else if (A == "-x") {
        Language = Value == "none" ? "" : Value.str();
        Inv.LanguageArgs.insert(Inv.LanguageArgs.end(), {Index, Index + 1});
      } else if (A == "-MF")
        Inv.DepFile = Value.str();
      if (isParseFlag(A)) {
        Inv.ParseFlags.push_back(A.str());
        Inv.ParseFlags.push_back(Value.str());
      }
      continue;
    }
    if (A.starts_with("-") && A.size() > 1) {
      if (A == "-c")
        Inv.M = Mode::Compile;
      else if (A == "-S" && Inv.M != Mode::Compile)
        Inv.M = Mode::Assemble;
      else if ((A == "-E" || A == "-M" || A == "-MM") && Inv.M == Mode::Link)
        Inv.M = Mode::Preprocess;
      else if (A == "-fsyntax-only")
        Inv.M = Mode::SyntaxOnly;
      else if (A == "-MD" || A == "-MMD")
        Inv.HasDepFile = true;
      else if (A.starts_with("-x")) { // -xc++, the joined form
        Language = A == "-xnone" ? "" : A.drop_front(2).str();
        Inv.LanguageArgs.push_back(Index);
      }
      if (A.starts_with("-std="))
        Inv.HasStd = true;
      if (isParseFlag(A) || isPragmaWarningFlag(A))
        Inv.ParseFlags.push_back(A.str());
      continue;
    }
    if (!addInput(Inv, Index, A, Language))
      return false;
  }
  return true;
}

/// Where the COMPSs headers and the runtime library are.
struct Layout {
  std::string IncludeDir;
  std::string LibDir;
};

Layout locate(const char *Argv0) {
  static int Anchor;
  std::string Exe = fs::getMainExecutable(Argv0, &Anchor);
  llvm::SmallString<256> Prefix(path::parent_path(path::parent_path(Exe)));
  auto Under = [](llvm::StringRef Root, llvm::StringRef Dir) {
    if (path::is_absolute(Dir))
      return Dir.str();
    llvm::SmallString<256> P(Root);
    path::append(P, Dir);
    return std::string(P);
  };
  if (std::optional<std::string> Home =
          llvm::sys::Process::GetEnv("COMPSS_HOME"))
    return {Under(*Home, COMPSS_INSTALL_INCLUDEDIR),
            Under(*Home, COMPSS_INSTALL_LIBDIR)};
  llvm::SmallString<256> Installed(Under(Prefix, COMPSS_INSTALL_INCLUDEDIR));
  path::append(Installed, "compss", "compss.hpp");
  if (fs::exists(Installed))
    return {Under(Prefix, COMPSS_INSTALL_INCLUDEDIR),
            Under(Prefix, COMPSS_INSTALL_LIBDIR)};
  return {COMPSS_SOURCE_INCLUDE_DIR, Under(Prefix, "lib")};
}

std::string absoluteDir(llvm::StringRef File) {
  llvm::SmallString<256> P(File);
  fs::make_absolute(P);
  path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(path::parent_path(P));
}

/// Options whose value is a path, longest first where one is a prefix of
/// another.
constexpr llvm::StringLiteral PathOptions[] = {
    "-iquote",  "-isystem",   "-isysroot", "-idirafter",
    "-include", "-imacros",   "--sysroot=", "-I"};

std::string underDir(llvm::StringRef Dir, llvm::StringRef P) {
  if (P.empty() || path::is_absolute(P))
    return P.str();
  llvm::SmallString<256> Full(Dir);
  path::append(Full, P);
  return std::string(Full);
}

/// Makes the relative paths in \p Flags absolute: a compile command's paths
/// are relative to its own directory, not to where compss-cc runs.
void absolutizePaths(std::vector<std::string> &Flags, llvm::StringRef Dir) {
  for (size_t I = 0; I != Flags.size(); ++I) {
    llvm::StringRef F = Flags[I];
    for (llvm::StringRef Opt : PathOptions) {
      if (!F.starts_with(Opt))
        continue;
      if (F != Opt)
        Flags[I] = (Opt + underDir(Dir, F.drop_front(Opt.size()))).str();
      else if (I + 1 < Flags.size() && !Opt.ends_with("=")) {
        Flags[I + 1] = underDir(Dir, Flags[I + 1]);
        ++I;
      }
      break;
    }
  }
}

/// The command that \p BuildDir/compile_commands.json holds for \p Source,
/// parsed as a compss-cc command line (only its translator flags matter);
/// nullopt after an error message.
std::optional<Invocation> commandFromDatabase(llvm::StringRef BuildDir,
                                              llvm::StringRef Source) {
  using namespace clang::tooling;
  llvm::SmallString<256> File(BuildDir);
  path::append(File, "compile_commands.json");
  if (!fs::exists(File)) {
    error("no compilation database '" + File +
          "' (configure the build with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)");
    return std::nullopt;
  }
  std::string Message;
  std::unique_ptr<JSONCompilationDatabase> Database =
      JSONCompilationDatabase::loadFromFile(File, Message,
                                            JSONCommandLineSyntax::AutoDetect);
  if (!Database) {
    error("cannot read '" + File + "': " + Message);
    return std::nullopt;
  }
  llvm::SmallString<256> Absolute(Source);
  fs::make_absolute(Absolute);
  path::remove_dots(Absolute, /*remove_dot_dot=*/true);
  std::vector<CompileCommand> Commands = Database->getCompileCommands(Absolute);
  if (Commands.empty()) {
    error("'" + Source + "' is not in the compilation database '" + File +
          "'");
    return std::nullopt;
  }
  // A file built by several targets: the first command, as Clang's tools do.
  const CompileCommand &Command = Commands.front();
  std::vector<const char *> Argv;
  for (const std::string &A : Command.CommandLine)
    Argv.push_back(A.c_str());
  Invocation FromBuild;
  if (!parseCommandLine(static_cast<int>(Argv.size()), Argv.data(),
                        FromBuild)) {
    error("in the compile command of '" + Source + "' in '" + File + "'");
    return std::nullopt;
  }
  absolutizePaths(FromBuild.ParseFlags, Command.Directory);
  return FromBuild;
}

/// Runs \p Cmd; returns its exit code (or 1 if it could not run).
int run(llvm::ArrayRef<std::string> Cmd) {
  if (llvm::sys::Process::GetEnv("COMPSS_CC_VERBOSE")) {
    for (const std::string &A : Cmd)
      llvm::errs() << A << " ";
    llvm::errs() << "\n";
  }
  std::string Program = Cmd.front();
  if (!llvm::StringRef(Program).contains('/')) {
    llvm::ErrorOr<std::string> Found = llvm::sys::findProgramByName(Program);
    if (!Found) {
      error("cannot find the C++ compiler '" + Program + "' (set COMPSS_CXX)");
      return 1;
    }
    Program = *Found;
  }
  std::vector<llvm::StringRef> Args(Cmd.begin(), Cmd.end());
  std::string Message;
  int Code = llvm::sys::ExecuteAndWait(Program, Args, std::nullopt, {}, 0, 0,
                                       &Message);
  if (Code < 0) {
    error("cannot run '" + Program + "': " + Message);
    return 1;
  }
  return Code;
}

/// Makes the dependency file name the original source instead of its
/// translation, so that build tools track the user's file.
void fixDepFile(llvm::StringRef DepFile, const Source &S) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buf =
      llvm::MemoryBuffer::getFile(DepFile);
  if (!Buf)
    return;
  std::string Text = (*Buf)->getBuffer().str();
  std::string Original = S.Path;
  size_t Pos = 0;
  bool Changed = false;
  while ((Pos = Text.find(S.TempPath, Pos)) != std::string::npos) {
    Text.replace(Pos, S.TempPath.size(), Original);
    Pos += Original.size();
    Changed = true;
  }
  if (!Changed)
    return;
  std::error_code EC;
  llvm::raw_fd_ostream OS(DepFile, EC);
  if (!EC)
    OS << Text;
}

class Driver {
public:
  Driver(Invocation &Inv, Layout L) : Inv(Inv), L(std::move(L)) {}
  ~Driver() {
    for (const Source &S : Inv.Sources)
      if (!S.TempPath.empty()) {
        fs::remove(S.TempPath);
        llvm::sys::DontRemoveFileOnSignal(S.TempPath);
      }
  }

  int run();

private:
  int describe();
  std::vector<std::string>
  parseFlags(const Invocation *FromBuild = nullptr) const;
  int emitSource();
  bool translateAll();
  std::vector<std::string> compileExtras() const;
  int compileEach();
  int compileAndLink();
  std::string defaultOutput(const Source &S) const;

  Invocation &Inv;
  Layout L;
};

/// The translator's flags: \p FromBuild's (a compile_commands.json entry)
/// first, so that the command line's own flags come later and win.
std::vector<std::string>
Driver::parseFlags(const Invocation *FromBuild) const {
  std::vector<std::string> F = {"-resource-dir", COMPSS_CLANG_RESOURCE_DIR};
  if (!Inv.HasStd && !(FromBuild && FromBuild->HasStd))
    F.push_back("-std=c++20");
  if (FromBuild)
    F.insert(F.end(), FromBuild->ParseFlags.begin(),
             FromBuild->ParseFlags.end());
  F.insert(F.end(), Inv.ParseFlags.begin(), Inv.ParseFlags.end());
  F.push_back("-D__COMPSS__");
  F.push_back("-I" + L.IncludeDir);
  return F;
}

int Driver::emitSource() {
  if (Inv.OutputIndex && Inv.Sources.size() > 1) {
    error("cannot write the translations of several files to one -o file");
    return 1;
  }
  int Code = 0;
  for (const Source &S : Inv.Sources) {
    std::optional<Invocation> FromBuild;
    if (Inv.DatabaseDir) {
      FromBuild = commandFromDatabase(*Inv.DatabaseDir, S.Path);
      if (!FromBuild) {
        Code = 1;
        continue;
      }
    }
    llvm::Expected<std::string> Text =
        translateFile(S.Path, parseFlags(FromBuild ? &*FromBuild : nullptr));
    if (!Text) {
      llvm::consumeError(Text.takeError());
      Code = 1;
      continue;
    }
    if (!Inv.OutputIndex) {
      llvm::outs() << *Text;
      continue;
    }
    std::error_code EC;
    llvm::raw_fd_ostream OS(Inv.Args[*Inv.OutputIndex], EC);
    if (EC) {
      error("cannot write '" + Inv.Args[*Inv.OutputIndex] +
            "': " + EC.message());
      return 1;
    }
    OS << *Text;
  }
  return Code;
}

bool Driver::translateAll() {
  std::vector<std::string> Flags = parseFlags();
  bool Ok = true;
  for (Source &S : Inv.Sources) {
    llvm::Expected<std::string> Text = translateFile(S.Path, Flags);
    if (!Text) {
      llvm::consumeError(Text.takeError());
      Ok = false;
      continue;
    }
    llvm::SmallString<256> Temp;
    int FD;
    if (std::error_code EC = fs::createTemporaryFile(
            "compss-" + path::stem(S.Path).str(), "cpp", FD, Temp)) {
      error("cannot create a temporary file: " + EC.message());
      return false;
    }
    S.TempPath = std::string(Temp);
    llvm::sys::RemoveFileOnSignal(S.TempPath);
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << *Text;
    OS.close();
    if (OS.has_error()) {
      error("cannot write '" + S.TempPath + "'");
      OS.clear_error();
      return false;
    }
  }
  return Ok;
}

std::vector<std::string> Driver::compileExtras() const {
  std::vector<std::string> E = {"-D__COMPSS__", "-I" + L.IncludeDir};
  // compss.hpp needs C++20, older than the default of some compilers.
  if (!Inv.HasStd)
    E.push_back("-std=c++20");
  std::vector<std::string> Dirs;
  for (const Source &S : Inv.Sources) {
    std::string Dir = absoluteDir(S.Path);
    if (llvm::is_contained(Dirs, Dir))
      continue;
    Dirs.push_back(Dir);
    E.push_back("-iquote");
    E.push_back(Dir);
  }
  return E;
}

/// Ends a real compiler command that compiles translations: headers still
/// hold `#pragma compss`, and the translator has already reported the user's
/// unknown pragmas (UnknownPragmas.h). Last, so that it wins over -Wall.
constexpr llvm::StringLiteral NoPragmaWarnings = "-Wno-unknown-pragmas";

std::string Driver::defaultOutput(const Source &S) const {
  if (Inv.M == Mode::SyntaxOnly || Inv.M == Mode::Preprocess)
    return "";
  return (path::stem(S.Path) + (Inv.M == Mode::Assemble ? ".s" : ".o")).str();
}

/// -c, -S, -E, -fsyntax-only: one real compilation per source.
int Driver::compileEach() {
  if (Inv.OutputIndex && Inv.Sources.size() + Inv.OtherInputs.size() > 1) {
    error("cannot specify '-o' with '-c', '-S' or '-E' and several files");
    return 1;
  }
  // The flags without the inputs, the output and the `-x` options (each
  // input gets its own language: a translation is a .cpp file).
  std::vector<std::string> Flags;
  for (size_t I = 0; I != Inv.Args.size(); ++I) {
    bool IsInput =
        llvm::any_of(Inv.OtherInputs,
                     [&](const OtherInput &O) { return O.ArgIndex == I; }) ||
        llvm::any_of(Inv.Sources,
                     [&](const Source &S) { return S.ArgIndex == I; });
    if (IsInput || llvm::is_contained(Inv.LanguageArgs, I) ||
        (Inv.OutputIndex &&
         (I == *Inv.OutputIndex || I + 1 == *Inv.OutputIndex)))
      continue;
    Flags.push_back(Inv.Args[I]);
  }
  std::vector<std::string> Extras = compileExtras();
  for (const Source &S : Inv.Sources) {
    std::vector<std::string> Cmd = Inv.RealCompiler;
    Cmd.insert(Cmd.end(), Extras.begin(), Extras.end());
    Cmd.insert(Cmd.end(), Flags.begin(), Flags.end());
    std::string Out =
        Inv.OutputIndex ? Inv.Args[*Inv.OutputIndex] : defaultOutput(S);
    if (!Out.empty()) {
      Cmd.push_back("-o");
      Cmd.push_back(Out);
    }
    Cmd.push_back(S.TempPath);
    Cmd.push_back(NoPragmaWarnings.str());
    if (int Code = compss_cc::run(Cmd))
      return Code;
    if (Inv.DepFile)
      fixDepFile(*Inv.DepFile, S);
    else if (Inv.HasDepFile && !Out.empty())
      fixDepFile((path::parent_path(Out) +
                  (path::parent_path(Out).empty() ? "" : "/") +
                  path::stem(Out) + ".d")
                     .str(),
                 S);
  }
  if (!Inv.OtherInputs.empty()) {
    std::vector<std::string> Cmd = Inv.RealCompiler;
    Cmd.insert(Cmd.end(), Flags.begin(), Flags.end());
    if (Inv.OutputIndex) {
      Cmd.push_back("-o");
      Cmd.push_back(Inv.Args[*Inv.OutputIndex]);
    }
    std::string Language;
    for (const OtherInput &O : Inv.OtherInputs) {
      if (O.Language != Language) {
        Language = O.Language;
        Cmd.insert(Cmd.end(), {"-x", Language.empty() ? "none" : Language});
      }
      Cmd.push_back(Inv.Args[O.ArgIndex]);
    }
    if (int Code = compss_cc::run(Cmd))
      return Code;
  }
  return 0;
}

/// No -c: compile the translations and link them with the runtime in one
/// real compiler command, keeping the order of the arguments.
int Driver::compileAndLink() {
  std::vector<std::string> Cmd = Inv.RealCompiler;
  if (!Inv.Sources.empty()) {
    std::vector<std::string> Extras = compileExtras();
    Cmd.insert(Cmd.end(), Extras.begin(), Extras.end());
  }
  for (size_t I = 0; I != Inv.Args.size(); ++I) {
    auto S = llvm::find_if(Inv.Sources,
                           [&](const Source &S) { return S.ArgIndex == I; });
    Cmd.push_back(S == Inv.Sources.end() ? Inv.Args[I] : S->TempPath);
  }
  if (!Inv.Sources.empty())
    Cmd.push_back(NoPragmaWarnings.str());
  for (const char *A : {"-L", "-Wl,-rpath,"})
    Cmd.push_back(A + L.LibDir);
  Cmd.push_back("-lcompss");
  Cmd.push_back("-pthread");
  return compss_cc::run(Cmd);
}

constexpr llvm::StringLiteral Usage =
    R"(OVERVIEW: compss-cc, the COMPSs C++ compiler driver
  Translates each C++ source (the #pragma compss task calls become task
  submissions to the COMPSs runtime), compiles the translation with the real
  compiler and, when linking, adds the runtime library (libcompss).

USAGE:
  compss-cc [flags] a.cpp b.o -o app       translate, compile, link libcompss
  compss-cc [flags] -c a.cpp [-o a.o]      translate and compile only
  compss-cc --emit-source a.cpp [-o f]     print (or write) the translation
  compss-cc --emit-source -p <build> a.cpp  ... parsed with a.cpp's flags from
                                           <build>/compile_commands.json
  compss-cc --launch <c++> <args>          as a CMake CXX_COMPILER_LAUNCHER

  Every other flag goes to the real compiler. compss-cc defines __COMPSS__ and
  uses -std=c++20 unless a -std= is given. `.c` files are compiled (and
  translated) as C++, as c++ does; `-x <lang>` applies to the inputs after it.

COMPSS-CC OPTIONS:
  -Wcompss                   also warn about parameters that default to inout
  -Wno-compss-serializable   no warnings about tasks that cannot run on a worker
  -Wunknown-pragmas, -Wall   warn about every unknown pragma in your sources (a
                             pragma named like `compss`, e.g. `comps`, is
                             warned about even without them)

ENVIRONMENT:
  COMPSS_CXX         the real compiler (default c++; may hold arguments)
  COMPSS_HOME        where the COMPSs headers and library are installed
  COMPSS_CC_VERBOSE  print every command compss-cc runs

Documentation: docs/tools.md and docs/pragmas.md of COMPSs C++.

)";

/// --help and --version: compss-cc's own text, then the real compiler's.
int Driver::describe() {
  if (Inv.Help)
    llvm::outs() << Usage;
  else
    llvm::outs() << "compss-cc (COMPSs C++) " << COMPSS_VERSION
                 << ", translator built with Clang " << LLVM_VERSION_STRING
                 << "\n\n";
  llvm::outs() << "The real compiler (" << llvm::join(Inv.RealCompiler, " ")
               << "):\n";
  llvm::outs().flush();
  std::vector<std::string> Cmd = Inv.RealCompiler;
  Cmd.insert(Cmd.end(), Inv.Args.begin(), Inv.Args.end());
  return compss_cc::run(Cmd);
}

int Driver::run() {
  if (Inv.Help || Inv.Version)
    return describe();
  for (const Source &S : Inv.Sources)
    if (S.CFileAsCxx)
      llvm::WithColor::note(llvm::errs(), "compss-cc")
          << "'" << S.Path
          << "' is compiled as C++, as c++ does with .c files, and its "
             "'#pragma compss' are translated\n";
  // Said once, here: the translator's and the real compiler's own reports of a
  // missing input are three lines that do not name compss-cc.
  for (const Source &S : Inv.Sources)
    if (!fs::exists(S.Path)) {
      error("no such file: '" + S.Path + "' (check the source's path)");
      return 1;
    }
  if (Inv.EmitSource) {
    if (Inv.Sources.empty()) {
      error("--emit-source needs a C++ source file");
      return 1;
    }
    return emitSource();
  }
  if (Inv.Sources.empty() && Inv.Launch)
    return compss_cc::run([&] {
      std::vector<std::string> Cmd = Inv.RealCompiler;
      Cmd.insert(Cmd.end(), Inv.Args.begin(), Inv.Args.end());
      return Cmd;
    }());
  if (!translateAll())
    return 1;
  if (Inv.M == Mode::Link && !Inv.Launch)
    return compileAndLink();
  return compileEach();
}

} // namespace

int runDriver(int Argc, const char **Argv) {
  Invocation Inv;
  if (!parseCommandLine(Argc, Argv, Inv))
    return 1;
  if (Argc == 1) {
    error("no input files");
    return 1;
  }
  Driver D(Inv, locate(Argv[0]));
  return D.run();
}

} // namespace compss_cc
