// What compss-run reads from a Slurm allocation.
#pragma once

#include <string>
#include <vector>

namespace compss::run {

/// Expands a Slurm host list ("n[01-03,7],gpu1") into host names, keeping zero padding.
/// Throws UsageError for an unbalanced bracket or a bad range.
///
///   expand_slurm_hostlist("n[01-02],gpu1") == {"n01", "n02", "gpu1"}
std::vector<std::string> expand_slurm_hostlist(const std::string& list);

}  // namespace compss::run
