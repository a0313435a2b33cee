// What a task does to the data behind its parameters, in one place: which data a
// parameter stands for (a collection: each element, depth first), whether the task reads
// or writes each (include/compss/detail/access.hpp, by direction), and whether the
// parameter can go with its task to another node. The registry (dependencies), the
// cluster (what a master task must fetch first and what it made new) and the worker use
// these, so a direction or kind means the same everywhere.
#pragma once

#include <compss/detail/access.hpp>
#include <compss/detail/task_node.hpp>

#include <cstdint>

namespace compss::rt {

using detail::reads;
using detail::shared_copy;
using detail::writes;

/// Calls `fn(d)` for each datum parameter `p` accesses, with that datum's descriptor
/// (its direction is the access): `p` itself, or for a collection every element, nested
/// collections walked depth first. (A collection's container is no datum here: the
/// registry orders tasks on its shape, no node holds a version of it.)
template <class Descriptor, class Fn>
void for_each_datum(Descriptor& p, Fn&& fn) {
  if (p.kind != detail::ParamKind::collection) {
    fn(p);
    return;
  }
  for (std::uint32_t i = 0; i < p.element_count; ++i) for_each_datum(p.elements[i], fn);
}

/// The registry's version of its datum that an access reads (or, for `out`, replaces):
/// the registry gives a writer's descriptor the version it makes (core/registry.cpp), one
/// after the version it found; a run of concurrent or commutative accesses makes one
/// version, whose members all start from the one before it.
inline std::uint64_t version_read(detail::Direction direction, std::uint64_t version) noexcept {
  return writes(direction) && version > 0 ? version - 1 : version;
}
inline std::uint64_t version_read(const detail::ParamDescriptor& d) noexcept {
  return version_read(d.direction, d.version);
}

/// True when parameter `d` can go with its task to another node: an object whose type
/// goes through an archive, or a file. Not a `concurrent` or `commutative` one: their
/// tasks share one copy of the datum (one node's memory; one exclusion token), so they
/// run on the master, which fetches the latest value first and records what they made
/// (docs/distributed.md). A stream travels as its ticket when its elements can
/// (docs/streams.md). Not (yet) a collection or directory.
inline bool travels(const detail::ParamDescriptor& d) noexcept {
  if (d.kind == detail::ParamKind::stream) return d.vtable != nullptr && d.object != nullptr;
  if (shared_copy(d.direction)) return false;
  if (d.kind != detail::ParamKind::object && d.kind != detail::ParamKind::file) return false;
  return d.object == nullptr || d.vtable != nullptr;
}

}  // namespace compss::rt
