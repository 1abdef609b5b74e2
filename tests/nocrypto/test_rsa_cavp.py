"""NIST CAVP (FIPS 186-3 SigVer, from the cryptography_vectors package):
PKCS#1 v1.5 and PSS verification verdicts, and PKCS#1 v1.5 signing (which
is deterministic) with the keys of the passing cases."""

from __future__ import annotations

import random
from typing import Any

import cryptography_vectors
import pytest

from nocrypto import rsa

_HASH = {"SHA1": "sha1", "SHA224": "sha224", "SHA256": "sha256", "SHA384": "sha384",
         "SHA512": "sha512"}


def _load(name: str) -> list[Any]:
    path = f"asymmetric/RSA/FIPS_186-2/{name}"
    with cryptography_vectors.open_vector_file(path, "r") as f:
        lines = f.read().splitlines()
    cases, ctx, cur = [], {}, {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith(("#", "[")):
            continue
        key, _, value = (part.strip() for part in line.partition("="))
        if key in ("n", "p", "q"):
            ctx[key] = int(value, 16)
        else:
            cur[key] = value
            if key == "Result":
                case = {**ctx, **cur}
                cases.append(pytest.param(case, id=f"{len(cases)}-{_HASH[case['SHAAlg']]}-"
                                                   f"{case['n'].bit_length()}"))
                cur = {}
    return cases


@pytest.mark.parametrize("case", _load("SigVer15_186-3.rsp"))
def test_sigver_pkcs1v15(case: dict[str, Any]) -> None:
    name = _HASH[case["SHAAlg"]]
    n, e = case["n"], int(case["e"], 16)
    pub = rsa.RSAPublicKey(n, e)
    msg, sig = bytes.fromhex(case["Msg"]), bytes.fromhex(case["S"])
    ok = pub.verify_pkcs1v15(name, msg, sig)
    assert ok == case["Result"].startswith("P")
    if ok:  # sign with the same key: PKCS#1 v1.5 is deterministic
        key = rsa.RSAPrivateKey.from_numbers(n, e, int(case["d"], 16), case["p"], case["q"])
        assert key.sign_pkcs1v15(name, msg, rng=random.Random(0).randbytes) == sig


@pytest.mark.parametrize("case", _load("SigVerPSS_186-3.rsp"))
def test_sigver_pss(case: dict[str, Any]) -> None:
    name = _HASH[case["SHAAlg"]]
    pub = rsa.RSAPublicKey(case["n"], int(case["e"], 16))
    msg, sig = bytes.fromhex(case["Msg"]), bytes.fromhex(case["S"])
    salt_len = len(bytes.fromhex(case["SaltVal"])) if case["SaltVal"] != "00" else 0
    expected = case["Result"].startswith("P")
    assert pub.verify_pss(name, msg, sig, salt_length=salt_len) == expected
    assert pub.verify_pss(name, msg, sig) == expected
