// Global variables a task reads: what compss-cc registers so that a task running on a
// worker sees the values the master's `main` gave them (docs/distributed.md, "Globals").
// Workers never run `main`: without this, a task reading a global that main set (a block
// size from argv) would see the global's initial value there.
#pragma once

#include <compss/serialize.hpp>

#include <cstddef>
#include <type_traits>

namespace compss::detail {

/// One global variable, as the generated code registers it: where it is and how its
/// value goes through an archive. The address identifies the variable in this process
/// (every translation unit naming it registers the same address).
struct GlobalVar {
  const char* name;  ///< qualified name, for messages
  void* address;
  void (*save)(OutputArchive& out, const void* address);
  void (*load)(InputArchive& in, void* address);
};

/// The entry of the global `*Address`, named `name`: a serializable type, or a C array
/// (of any rank) of raw elements, sent as its bytes.
///
///   ::compss::detail::global_var<&::cfg::block_size>("cfg::block_size")
template <auto* Address>
constexpr GlobalVar global_var(const char* name) {
  using T = std::remove_pointer_t<decltype(Address)>;
  static_assert(!std::is_const_v<T>, "compss: a const global is never sent to workers");
  if constexpr (std::is_array_v<T>) {
    static_assert(is_raw_v<std::remove_all_extents_t<T>>,
                  "compss: compss-cc registered an array global whose elements are not "
                  "trivially copyable (please report: the task should stay on the master)");
    return GlobalVar{
        name, static_cast<void*>(Address),
        [](OutputArchive& out, const void* at) { out.write_bytes(at, sizeof(T)); },
        [](InputArchive& in, void* at) { in.read_bytes(at, sizeof(T)); }};
  } else {
    static_assert(is_serializable_v<T>,
                  "compss: compss-cc registered a global whose type cannot be serialized "
                  "(please report: the task should stay on the master)");
    return GlobalVar{
        name, static_cast<void*>(Address),
        [](OutputArchive& out, const void* at) { out(*static_cast<const T*>(at)); },
        [](InputArchive& in, void* at) { in(*static_cast<T*>(at)); }};
  }
}

/// Registers the globals that task `signature` reads (its body and the functions of its
/// translation unit it calls), emitted by compss-cc after the task's definition.
/// `master_only` (null: none) says why the task can never run on a worker: it reads a
/// global that cannot be sent or writes one (a worker's writes would be lost). Defined in
/// libcompss; returns true so it can initialise a variable.
///
///   static const bool r = register_task_globals("void f(Block &)", globals, 1, nullptr);
bool register_task_globals(const char* signature, const GlobalVar* globals, std::size_t count,
                           const char* master_only);

}  // namespace compss::detail
