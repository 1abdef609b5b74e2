"""NIST CAVP (FIPS 186-3, from cryptography-vectors) for P-256 and P-384:
key pairs (d -> Q), public key validation (PKV), and signature
verification (SigVer) with every hash the files pair with the curves."""

from __future__ import annotations

import hashlib
from typing import Any

import cryptography_vectors
import pytest

from nocrypto import ec

CURVES = {"P-256": ec.P256, "P-384": ec.P384}


def _sections(path: str) -> dict[str, list[dict[str, str]]]:
    """{section header: [record, ...]} of a CAVP .rsp file."""
    with cryptography_vectors.open_vector_file(f"asymmetric/ECDSA/FIPS_186-3/{path}", "r") as f:
        lines = f.read().splitlines()
    out: dict[str, list[dict[str, str]]] = {}
    section = ""
    record: dict[str, str] = {}
    for line in [*lines, ""]:
        line = line.strip()
        if line.startswith("[") and "=" not in line:
            if line[1:].startswith(("P-", "K-", "B-")):
                section = line[1:-1]
                out.setdefault(section, [])
        elif " = " in line:
            key, value = line.split(" = ", 1)
            record[key] = value
        elif not line and record:
            if section and record.keys() != {"N"}:
                out[section].append(record)
            record = {}
    return out


def _num(hexstr: str, size: int) -> bytes:
    value = int(hexstr, 16)
    return value.to_bytes(max(size, (value.bit_length() + 7) // 8), "big")


@pytest.mark.parametrize("curve_name", sorted(CURVES))
def test_keypair(curve_name: str, impl: str) -> None:
    curve = CURVES[curve_name]
    records = _sections("KeyPair.rsp")[curve_name]
    assert len(records) == 10
    for rec in records:
        key = ec.ECPrivateKey.from_bytes(curve, bytes.fromhex(rec["d"]).rjust(curve.size, b"\0"))
        pub = key.public_key()
        assert (pub.x, pub.y) == (int(rec["Qx"], 16), int(rec["Qy"], 16))


@pytest.mark.parametrize("curve_name", sorted(CURVES))
def test_public_key_validation(curve_name: str) -> None:
    curve = CURVES[curve_name]
    records = _sections("PKV.rsp")[curve_name]
    assert records
    for rec in records:
        x, y = _num(rec["Qx"], curve.size), _num(rec["Qy"], curve.size)
        data = b"\x04" + x + y
        expected = rec["Result"].startswith("P")
        try:
            ec.ECPublicKey.from_bytes(curve, data)
            ok = True
        except ec.ECError:
            ok = False
        assert ok == expected, rec


def _sigver_cases() -> list[Any]:
    cases = []
    for section, records in _sections("SigVer.rsp").items():
        curve_name, hash_name = section.split(",")
        if curve_name in CURVES:
            cases.append(pytest.param(curve_name, hash_name.replace("-", "").lower(), records,
                                      id=section))
    return cases


@pytest.mark.parametrize(("curve_name", "hash_name", "records"), _sigver_cases())
def test_sigver(curve_name: str, hash_name: str, records: list[dict[str, str]]) -> None:
    curve = CURVES[curve_name]
    assert len(records) == 15
    for rec in records:
        pub = ec.ECPublicKey.from_xy(curve, int(rec["Qx"], 16), int(rec["Qy"], 16))
        sig = ec.encode_rs(curve, int(rec["R"], 16), int(rec["S"], 16))
        digest = hashlib.new(hash_name, bytes.fromhex(rec["Msg"])).digest()
        assert pub.verify_digest(sig, digest) == rec["Result"].startswith("P"), rec
