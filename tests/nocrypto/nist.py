"""Reading NIST CAVP-style vector files (``Name = value`` lines) from the
installed cryptography_vectors package (test-only)."""

from __future__ import annotations

import cryptography_vectors


def records(path: str, start: str | None = None) -> list[dict[str, str]]:
    """The file's records as dicts.  Without ``start`` a record is a block of
    lines between blank lines; with it, a record begins at each line naming
    ``start`` (for files whose records contain blank lines).  Comment lines
    and ``[L = ..]`` section headers are skipped."""
    out: list[dict[str, str]] = []
    cur: dict[str, str] = {}
    with cryptography_vectors.open_vector_file(path, "r") as f:
        for raw in f:
            line = raw.strip()
            if line.startswith("#"):
                continue
            name, _, value = line.partition("=")
            boundary = (not line or line.startswith("[")) if start is None else (
                name.strip() == start)
            if boundary and cur:
                out.append(cur)
                cur = {}
            if line and not line.startswith("[") and "=" in line:
                cur[name.strip()] = value.strip()
    if cur:
        out.append(cur)
    return out
