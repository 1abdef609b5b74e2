"""Loads the compiled C core.  Everything in nocrypto reaches C through here."""

from __future__ import annotations

try:
    from nocrypto._native import ffi, lib
except ImportError as exc:  # pragma: no cover - only without a build
    raise ImportError(
        "nocrypto's C core is not built: run `make build` "
        "(or `python nocrypto/_build.py`) in the source tree"
    ) from exc

__all__ = ["ffi", "lib"]
