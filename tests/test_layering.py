"""The house rules on imports: oracles stay in tests, dependencies point down."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORACLES = {"cryptography", "asn1crypto", "OpenSSL", "tlslite", "ssl", "hashlib", "hmac", "secrets"}
# What each package may import from the project (besides itself).
ALLOWED = {
    "nocrypto": set(),
    "tlspy/asn1": set(),
    "tlspy/x509": {"tlspy.asn1", "nocrypto"},
    "tlspy/core": {"tlspy.asn1", "tlspy.x509", "nocrypto"},
    "tlspy/engine": {"tlspy.core", "tlspy.asn1", "tlspy.x509", "nocrypto"},
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_oracle_or_stdlib_crypto_in_library_code() -> None:
    for package in ("nocrypto", "tlspy"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "_build.py":
                continue
            bad = {n for n in _imports(path) if n.split(".")[0] in ORACLES}
            # The ssl-compatible shell may subclass ssl's exceptions.
            if path.parent == ROOT / "tlspy":
                bad.discard("ssl")
            assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_dependencies_point_down() -> None:
    for area, allowed in ALLOWED.items():
        own = area.replace("/", ".")
        for path in (ROOT / area).rglob("*.py"):
            for name in _imports(path):
                top = name.split(".")[0]
                if top not in ("tlspy", "nocrypto") or name.startswith(own):
                    continue
                assert any(name == a or name.startswith(a + ".") for a in allowed), (
                    f"{path.relative_to(ROOT)} imports {name}, outside {sorted(allowed)}"
                )
