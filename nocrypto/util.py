"""Small constant-time helpers for Python callers (compare, select)."""

from __future__ import annotations

from nocrypto._ffi import lib


def compare_digest(a: bytes, b: bytes) -> bool:
    """True when a == b; the time depends only on the lengths."""
    if len(a) != len(b):
        return False
    return bool(lib.nc_ct_memeq(a, b, len(a)))
