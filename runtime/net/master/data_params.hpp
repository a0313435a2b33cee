// What the data plane asks of a task's parameters and of a request's WireParams: which
// objects it tracks, which inputs a worker takes from a holder, what a worker keeps.
#pragma once

#include "core/access.hpp"
#include "net/file_staging.hpp"
#include "net/message.hpp"

#include <compss/detail/task_node.hpp>

#include <cstddef>
#include <vector>

namespace compss::net::data_params {

/// An object parameter whose versions the cluster tracks (keyed by address).
inline bool tracked(const detail::ParamDescriptor& d) {
  return d.kind == detail::ParamKind::object && d.key.tag == detail::DataKey::Tag::address &&
         !(d.copy_in && !d.deferred) && d.vtable != nullptr && d.vtable->load != nullptr;
}

/// The bytes of `object` through `vtable`.
inline std::vector<std::byte> save(const detail::ParamVTable& vtable, const void* object) {
  OutputArchive out;
  vtable.save(object, out);
  return out.take();
}

inline bool is_file(const WireParam& w) {
  return w.kind == static_cast<std::uint8_t>(detail::ParamKind::file);
}

/// A parameter of a request whose value the worker takes from a holder (its store or
/// `source`), not from the request: such inputs must be available before it is sent.
inline bool from_holder(const WireParam& w) {
  if (w.data_id == 0 || !rt::reads(static_cast<detail::Direction>(w.direction))) return false;
  if (!w.has_value) return true;
  return is_file(w) && staged_file_head(w.value).from_store;
}

/// An input of a request the worker keeps in its store once it ran the task (so it holds
/// that version): a value sent inline or taken from a holder (its own store, or fetched
/// from a peer), or a file it was sent or took from a holder.
inline bool kept_by_worker(const WireParam& w) {
  if (w.data_id == 0) return false;
  if (!w.has_value) return from_holder(w);
  if (!is_file(w)) return true;
  if (!rt::reads(static_cast<detail::Direction>(w.direction))) return false;  // an out file
  StagedFileHead head = staged_file_head(w.value);
  return head.has_content || head.from_store;  // (a file missing on the master: nothing)
}

}  // namespace compss::net::data_params
