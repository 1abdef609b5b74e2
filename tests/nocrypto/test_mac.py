"""HMAC: RFC 4231 / RFC 2202 and Wycheproof known answers on both paths,
and differential properties against the stdlib hmac module (oracle only)."""

from __future__ import annotations

import hashlib
import hmac as std_hmac
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nocrypto
import nocrypto.cpu
import nocrypto.mac as nm
from tests.nocrypto.cavp import records
from tests.wycheproof import cases

NAMES = ["sha1", "sha224", "sha256", "sha384", "sha512"]
RFC = {
    "sha1": "HMAC/rfc-2202-sha1.txt",
    "sha224": "HMAC/rfc-4231-sha224.txt",
    "sha256": "HMAC/rfc-4231-sha256.txt",
    "sha384": "HMAC/rfc-4231-sha384.txt",
    "sha512": "HMAC/rfc-4231-sha512.txt",
}


@pytest.mark.parametrize("name", NAMES)
def test_rfc_known_answers(impl: str, name: str) -> None:
    vectors = list(records(RFC[name]))
    assert len(vectors) >= 6
    for v in vectors:
        key = bytes.fromhex(v["KEY"])
        msg = bytes.fromhex(v["MSG"])
        md = bytes.fromhex(v["MD"])
        assert nm.hmac(name, key, msg) == md
        m = nm.HMAC(name, key)
        m.update(msg[:5])
        m.update(msg[5:])
        assert m.digest() == md
        m.verify(md)


def _wycheproof(name: str, group: dict[str, Any], test: dict[str, Any]) -> None:
    key = bytes.fromhex(test["key"])
    msg = bytes.fromhex(test["msg"])
    tag = bytes.fromhex(test["tag"])
    full = nm.hmac(name, key, msg)
    assert len(full) * 8 >= group["tagSize"]
    matches = full[: group["tagSize"] // 8] == tag
    assert matches == (test["result"] == "valid")
    if group["tagSize"] // 8 == len(full):
        if matches:
            nm.HMAC(name, key, msg).verify(tag)
        else:
            with pytest.raises(nocrypto.AuthenticationError):
                nm.HMAC(name, key, msg).verify(tag)


@pytest.mark.parametrize("name", NAMES)
def test_wycheproof(impl: str, name: str) -> None:
    params = cases(f"hmac_{name}_test")
    assert len(params) > 100
    for p in params:
        group, test = p.values
        _wycheproof(name, group, test)


def test_verify_rejects_wrong_and_truncated_tags() -> None:
    m = nm.HMAC("sha256", b"k", b"message")
    tag = m.digest()
    m.verify(tag)
    for bad in (tag[:-1], tag + b"\0", bytes([tag[0] ^ 1]) + tag[1:], b""):
        with pytest.raises(nocrypto.AuthenticationError):
            m.verify(bad)


def test_unknown_algorithm() -> None:
    with pytest.raises(ValueError, match="sha256"):
        nm.hmac("md5", b"k", b"m")
    with pytest.raises(ValueError):
        nm.HMAC("sha3_256", b"k")


@pytest.mark.parametrize("portable", [False, True], ids=["hardware", "portable"])
@given(
    name=st.sampled_from(NAMES),
    key=st.binary(max_size=300),
    data=st.binary(max_size=5000),
    cut=st.integers(min_value=0, max_value=5000),
)
def test_matches_stdlib(portable: bool, name: str, key: bytes, data: bytes, cut: int) -> None:
    want = std_hmac.new(key, data, getattr(hashlib, name)).digest()
    with nocrypto.cpu.portable(portable):
        assert nm.hmac(name, key, data) == want
        m = nm.HMAC(name, key, data[:cut])
    c = m.copy()
    m.update(data[cut:])
    assert m.digest() == want
    c.update(b"x")
    assert c.digest() == std_hmac.new(key, data[:cut] + b"x", getattr(hashlib, name)).digest()
    assert m.hexdigest() == want.hex()
