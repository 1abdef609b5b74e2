"""Loading Wycheproof vector files (tests/vectors/wycheproof) for parametrised tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DIR = Path(__file__).parent / "vectors" / "wycheproof"


def load(name: str) -> dict[str, Any]:
    """The parsed file, e.g. load("aes_gcm_test")."""
    data: dict[str, Any] = json.loads((DIR / f"{name}.json").read_text())
    return data


def cases(name: str) -> list[Any]:
    """One pytest.param(group, test) per test, with the tcId as its id."""
    out = []
    for group in load(name)["testGroups"]:
        for test in group["tests"]:
            out.append(pytest.param(group, test, id=f"tc{test['tcId']}"))
    return out
