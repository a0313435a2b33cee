// Test only: COMPSS_TEST_PAUSE_IN_TRANSFER=<milliseconds> makes a node pause in the first
// large value (more than 2 MiB) it fetches from another node, once its first MiB is read,
// so that the fault tests (tests/e2e/distributed/transfer_kill.sh, kill_master.sh) can
// kill the sending or the receiving node in the middle of a transfer, deterministically:
// a value longer than the socket buffers (net.ipv4.tcp_rmem + tcp_wmem maxima) is then
// still being written by its sender. Never set it in a run that matters: the pause is
// real. docs/testing.md, "Fault tests".
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace compss::net {

/// The hook for ConnectionOptions::pause (after its default pause_after, 1 MiB) that
/// COMPSS_TEST_PAUSE_IN_TRANSFER asks for, or an empty function when the variable is
/// unset. The hook pauses once per process, for a value of more than 2 MiB: it writes
/// `compss: test: pid <P> paused in a <N>-byte value from <peer> for <ms> ms
/// (COMPSS_TEST_PAUSE_IN_TRANSFER)` on stderr, then sleeps. The value (a whole number of
/// milliseconds from 1 to 600000) is config::run_config()'s, checked at start.
///
///   options.connection.pause = pause_in_transfer_from_env();
std::function<void(const std::string& peer, std::size_t bytes)> pause_in_transfer_from_env();

}  // namespace compss::net
