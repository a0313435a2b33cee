//===- Serializability.h - Can a task's data travel to a worker? --*- C++
//-*-===//
//
/// \file
/// Decides at compile time what the runtime decides with
/// compss::detail::remote_param_ok_v and RemoteTaskTraits
/// (include/compss/detail/remote_invoke.hpp, built on
/// compss::is_serializable_v in include/compss/serialize.hpp): whether a task
/// parameter or result can be sent to a worker. A task with one that cannot
/// always runs on the master, and compss-cc says so. The rules here must
/// follow those two headers; when they change, change this file with them.
/// One rule goes further than C++ can: a trivially copyable class holding an
/// address (a pointer member...) would travel as its bytes; compss-cc finds
/// it and marks the task master-only in its TaskSpec (TaskSpec::master_only),
/// which the runtime obeys. Only such tasks are marked: elsewhere the runtime
/// decides alone, as before.
//
//===----------------------------------------------------------------------===//

#ifndef COMPSS_CC_SERIALIZABILITY_H
#define COMPSS_CC_SERIALIZABILITY_H

#include "Diagnostics.h"
#include "PragmaModel.h"
#include "TaskSema.h"
#include "clang/AST/Type.h"
#include <optional>
#include <string>

namespace clang {
class CXXRecordDecl;
class FieldDecl;
class FunctionDecl;
class Sema;
struct PrintingPolicy;
} // namespace clang

namespace compss_cc {

/// Why a parameter or result cannot travel to a worker.
struct TravelBlocker {
  /// What the user can do about it (selects the note).
  enum class Fix {
    AddSerialize,        ///< give Record a serialize member
    AddDefaultCtor,      ///< give Record a public default constructor
    PassObject,          ///< pass the data as an object, not as this kind
    PassFiles,           ///< name the files, not their directory
    PassSerializable,    ///< pass a serializable type instead
  };
  /// Why, for the parentheses of the warning (`a pointer: ...`).
  std::string Reason;
  Fix How = Fix::PassSerializable;
  /// The class the fix applies to (AddSerialize, AddDefaultCtor).
  const clang::CXXRecordDecl *Record = nullptr;
  /// The runtime's C++ traits would let it travel (a trivially copyable class
  /// holding an address): the TaskSpec must say master_only.
  bool HiddenFromRuntime = false;
};

/// Answers "can this travel?" for the types of one translation unit. Where
/// the answer cannot be known (dependent or incomplete types) it says yes:
/// compss-cc only warns when it is sure.
class SerializabilityChecker {
public:
  SerializabilityChecker(clang::Sema &S, const clang::PrintingPolicy &Policy)
      : S(S), Policy(Policy) {}

  /// remote_param_ok_v<P, K>: a parameter of type \p P in a clause of kind
  /// \p K; \p HasExtent for an array section (`inout(p[n])`). \p Loc is where
  /// Sema may need a location. std::nullopt when it can travel.
  std::optional<TravelBlocker> checkParam(clang::QualType P, ParamKind K,
                                          bool HasExtent,
                                          clang::SourceLocation Loc);

  /// RemoteTaskTraits::result_ok: a task result of type \p R.
  std::optional<TravelBlocker> checkResult(clang::QualType R,
                                           clang::SourceLocation Loc);

private:
  enum class Verdict { Yes, No, Unknown };
  /// is_serializable_v's check_serializable<T>, for \p T exactly as given
  /// (its cv-qualifiers matter); fills \p Why when the answer is No.
  Verdict serializable(clang::QualType T, TravelBlocker &Why);
  /// `t.serialize(ar)` compiles for an lvalue `t` of type \p T.
  bool hasSerializeMember(const clang::CXXRecordDecl *RD, bool Const);
  /// is_raw_v<T>: trivially copyable and not a pointer, array or nullptr_t;
  /// and, what C++ cannot see, holding no address (addressMember).
  Verdict raw(clang::QualType T, TravelBlocker &Why);
  /// The first member of \p RD (through its bases, member classes and arrays)
  /// that holds an address: a pointer, a reference, a std::span or
  /// std::string_view, or a standard class holding one. \p Path receives its
  /// name as written from \p RD (`inner.data`). Null when there is none.
  const clang::FieldDecl *addressMember(const clang::CXXRecordDecl *RD,
                                        std::string &Path);
  /// Sets Why.HiddenFromRuntime when the elements of a collection or an array
  /// section, which cannot travel yet for another reason, hold an address:
  /// were those parameters to travel one day, the mark keeps this task home.
  void markHiddenAddress(clang::QualType Element, TravelBlocker &Why);
  Verdict defaultConstructible(clang::QualType T, clang::SourceLocation Loc);
  std::string name(clang::QualType T) const;

  clang::Sema &S;
  const clang::PrintingPolicy &Policy;
  /// Where the type is used: the point of instantiation of what it needs.
  clang::SourceLocation Where;
};

/// Sets R.MasterOnly when a parameter or the result of task \p R cannot
/// travel, and R.HiddenAddress when one of them holds an address the runtime
/// cannot see; with \p Report (-Wcompss-serializable), warns once, at the
/// first one (in the runtime's order: the object, the parameters, then the
/// result), with a note on how to fix it. \p FD is the declaration the pragma
/// applies to; \p TaskLoc the pragma's `task` token. For an instantiation of
/// a template task, \p Pattern is the template's function: only what depended
/// on its template parameters is checked (the rest was, for the template).
void checkMasterOnly(clang::Sema &S, Diagnostics &D,
                     const clang::PrintingPolicy &Policy,
                     clang::SourceLocation TaskLoc,
                     const clang::FunctionDecl *FD, ResolvedTask &R,
                     const clang::FunctionDecl *Pattern, bool Report);

} // namespace compss_cc

#endif // COMPSS_CC_SERIALIZABILITY_H
