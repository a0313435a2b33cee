// The number of a version of a datum in a master-worker run: the registry's version of the
// write that made it (core/registry.hpp) in the high 32 bits, and how many times the master
// wrote the datum since that write in the low 32 bits. One ordered number: a later version
// has a larger number, so DataRelease's "every version up to v" holds, and writes on the
// master the registry does not count (each member after the first of a concurrent or
// commutative run there, wait_on of an object the program may change, a datum no pending
// task used when another is submitted) get numbers between two registry versions. A
// task's write is (its registry version, 0), on the master too; for a worker the master
// names it in the request (WireParam::stored_as), and the worker stores the output under
// it. A number names one value for the whole run (docs/architecture.md, "Data identity").
#pragma once

#include <compss/error.hpp>

#include <cstdint>
#include <string>

namespace compss::net::version_number {

inline constexpr unsigned master_bits = 32;

/// The number of registry version `registry_version` itself (no master write since).
/// Throws compss::Error past 2^32 - 1 registry versions of one datum.
inline std::uint64_t of_registry(std::uint64_t registry_version) {
  if (registry_version >> (64 - master_bits) != 0) [[unlikely]] {
    throw Error("compss: a datum was written more than 4294967295 times in one run (" +
                std::to_string(registry_version) + "): its versions cannot be numbered");
  }
  return registry_version << master_bits;
}

/// The registry version number `v` follows: the one of the write that made it, or for a
/// version the master made, of the last write before it.
constexpr std::uint64_t registry_of(std::uint64_t v) noexcept { return v >> master_bits; }

/// The number of a write on the master after version `v` the registry does not count.
/// Throws compss::Error when 2^32 - 1 such writes already followed one registry version.
inline std::uint64_t master_write_after(std::uint64_t v) {
  if ((v + 1) >> master_bits != v >> master_bits) [[unlikely]] {
    throw Error("compss: data was written on the master more than 4294967295 times between "
                "two tasks: its versions cannot be numbered");
  }
  return v + 1;
}

/// How messages name version `v`: its registry version ("3", as the task graph's
/// `d<id>v3`), with the master's writes after it when there were any ("3.1").
inline std::string text(std::uint64_t v) {
  const std::uint64_t master_writes = v & ((std::uint64_t{1} << master_bits) - 1);
  return std::to_string(registry_of(v)) + (master_writes ? "." + std::to_string(master_writes) : "");
}

}  // namespace compss::net::version_number
