"""Access to the x509-limbo vectors (tests/vectors/x509-limbo/limbo.json.gz)."""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path
from typing import Any

from tlspy.x509.keys import pem_blocks

PATH = Path(__file__).resolve().parents[1] / "vectors" / "x509-limbo" / "limbo.json.gz"


@functools.cache
def testcases() -> list[dict[str, Any]]:
    with gzip.open(PATH, "rt") as f:
        data: list[dict[str, Any]] = json.load(f)["testcases"]
    return data


@functools.cache
def all_certificate_ders() -> list[bytes]:
    """Every distinct certificate DER in the suite, in first-seen order."""
    seen: dict[bytes, None] = {}
    for t in testcases():
        for pem in [t["peer_certificate"], *t["trusted_certs"], *t["untrusted_intermediates"]]:
            for _label, der in pem_blocks(pem):
                seen.setdefault(der, None)
    return list(seen)
