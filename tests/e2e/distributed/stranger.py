"""Strangers for stranger.sh: connect to a COMPSs master and misbehave.

usage: python3 stranger.py <host> <port>

1. a well-formed Hello frame of the current protocol version with a wrong secret;
2. 4 KiB of seeded random bytes;
3. a valid frame header announcing a 1 TiB payload.
Each waits (bounded) for the master to close the connection. Exit 0 when all three
connected, 1 when one could not connect.
"""
import os
import random
import re
import socket
import struct
import sys

MAGIC = 0x53535043  # "CPSS", little-endian


def protocol_version():
    """The version the runtime speaks, read from its header (so this never drifts)."""
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                          "runtime", "net", "message.hpp")
    with open(header) as f:
        return int(re.search(r"protocol_version\s*=\s*(\d+)", f.read()).group(1))


PROTOCOL_VERSION = protocol_version()
HELLO = 1


def string(s: bytes) -> bytes:
    # compss::OutputArchive: a u64 length, then the bytes (native order: little-endian here).
    return struct.pack("<Q", len(s)) + s


def frame(msg_type: int, payload: bytes, length: int = -1) -> bytes:
    length = len(payload) if length < 0 else length
    return struct.pack("<IHHQ", MAGIC, PROTOCOL_VERSION, msg_type, length) + payload


def wrong_secret_hello() -> bytes:
    # Hello{secret, node_name, cores (u32), pid (u32), data_port (u16), shared_files (bool),
    #       memory_mb (u64), gpus (u32), architecture, os_type}  (protocol 6)
    payload = (string(b"0" * 64) + string(b"stranger") + struct.pack("<IIH?QI", 1, 4242, 0, True, 0, 0)
               + string(b"") + string(b""))
    return frame(HELLO, payload)


def visit(host: str, port: int, what: str, data: bytes) -> bool:
    try:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(data)
            # The master closes a rejected connection; wait for that (bounded).
            try:
                while s.recv(65536):
                    pass
            except (socket.timeout, ConnectionResetError):
                pass
        print(f"stranger: sent {what} ({len(data)} bytes)")
        return True
    except OSError as e:
        print(f"stranger: could not send {what}: {e}")
        return False


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    rng = random.Random(5)
    garbage = bytes(rng.getrandbits(8) for _ in range(4096))
    ok = visit(host, port, "a hello with a wrong secret", wrong_secret_hello())
    ok &= visit(host, port, "random bytes", garbage)
    ok &= visit(host, port, "a header announcing 1 TiB", frame(HELLO, b"", 1 << 40))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
