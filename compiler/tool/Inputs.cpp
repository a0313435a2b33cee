//===- Inputs.cpp - What each input file of a command line is -------------===//

#include "Inputs.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/BinaryFormat/Magic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace compss_cc {

namespace path = llvm::sys::path;

bool isCxxSourceName(llvm::StringRef File) {
  return llvm::StringSwitch<bool>(path::extension(File))
      .Cases(".cpp", ".cc", ".cxx", ".C", ".c++", ".cp", ".CPP", true)
      .Default(false);
}

bool isCSourceName(llvm::StringRef File) {
  return path::extension(File) == ".c";
}

bool isCxxDriver(llvm::ArrayRef<std::string> Compiler) {
  // The last word is the compiler; the ones before it are wrappers (ccache).
  return !Compiler.empty() && path::filename(Compiler.back()).contains("++");
}

std::optional<std::string> describeBinary(llvm::StringRef File) {
  // Mapped, not read: an archive may be large.
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buf =
      llvm::MemoryBuffer::getFile(File, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!Buf)
    return std::nullopt;
  llvm::StringRef Head = (*Buf)->getBuffer().take_front(4096);
  using M = llvm::file_magic;
  switch (llvm::identify_magic(Head)) {
  case M::archive:
    return "an archive";
  case M::elf_shared_object:
  case M::macho_dynamically_linked_shared_lib:
  case M::macho_dynamically_linked_shared_lib_stub:
    return "a shared library";
  case M::elf_relocatable:
  case M::macho_object:
  case M::coff_object:
  case M::bitcode:
    return "an object file";
  default:
    break;
  }
  if (Head.contains('\0'))
    return "a binary file";
  return std::nullopt;
}

bool hasCompssPragma(llvm::StringRef File) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buf =
      llvm::MemoryBuffer::getFile(File);
  if (!Buf)
    return false;
  llvm::StringRef Text = (*Buf)->getBuffer();
  while (!Text.empty()) {
    auto [Line, Rest] = Text.split('\n');
    Text = Rest;
    Line = Line.ltrim();
    if (Line.consume_front("#")) {
      Line = Line.ltrim();
      if (Line.consume_front("pragma") && !Line.empty() &&
          (Line.front() == ' ' || Line.front() == '\t') &&
          Line.ltrim().starts_with("compss"))
        return true;
    }
    if (Line.contains("_Pragma(\"compss"))
      return true;
  }
  return false;
}

} // namespace compss_cc
