"""Reading NIST CAVP response files (.rsp) from the cryptography_vectors package."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cryptography_vectors


def records(path: str, start: str | None = None) -> Iterator[dict[str, Any]]:
    """Each test record as a dict of its fields (upper-cased names), plus
    "_section" (e.g. "ENCRYPT") and the bracketed parameters in force, and
    "FAIL": True for records marked FAIL.  A record ends at a blank line, or,
    when ``start`` names a field (for files whose records hold blank lines),
    only where the next record's ``start`` field begins."""
    section = ""
    params: dict[str, str] = {}
    cur: dict[str, Any] = {}
    with cryptography_vectors.open_vector_file(path, "r") as f:
        lines = list(f)
    for raw in [*lines, "\n"]:
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            if cur and start is None:
                yield cur
                cur = {}
            continue
        if line.startswith("[") and line.endswith("]"):
            if cur:
                yield cur
                cur = {}
            body = line[1:-1]
            if "=" in body:
                k, v = body.split("=", 1)
                params[k.strip().upper()] = v.strip()
            else:
                section = body.strip().upper()
            continue
        if line == "FAIL":
            cur["FAIL"] = True
            continue
        k, _, v = line.partition("=")
        key = k.strip().upper()
        if key in ("COUNT", start) and cur:
            yield cur
            cur = {}
        if not cur:
            cur = {"_section": section, **params}
        cur[key] = v.strip()
    if cur:
        yield cur
