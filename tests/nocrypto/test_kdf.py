"""HKDF, HKDF-Expand-Label and the TLS 1.2 PRF: RFC 5869, RFC 8448,
Wycheproof and published PRF known answers on both paths, plus differential
properties against pyca/cryptography and a PRF computed from stdlib HMAC
(oracles only)."""

from __future__ import annotations

import hashlib
import hmac as std_hmac
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF, HKDFExpand
from hypothesis import given
from hypothesis import strategies as st

import nocrypto.cpu
import nocrypto.kdf as kdf
from tests.nocrypto.cavp import records
from tests.wycheproof import cases

NAMES = ["sha1", "sha224", "sha256", "sha384", "sha512"]
TLS = json.loads((Path(__file__).parents[1] / "vectors" / "tls_kdf" / "vectors.json").read_text())
ORACLE = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


@pytest.mark.parametrize("name", ["sha1", "sha256"])
def test_rfc5869(impl: str, name: str) -> None:
    vectors = list(records(f"KDF/rfc-5869-HKDF-{name.upper()}.txt", start="COUNT"))
    assert len(vectors) >= 3
    for v in vectors:
        ikm, salt, info = (bytes.fromhex(v[k]) for k in ("IKM", "SALT", "INFO"))
        length = int(v["L"])
        prk = kdf.hkdf_extract(name, salt or None, ikm)
        assert prk == bytes.fromhex(v["PRK"])
        okm = bytes.fromhex(v["OKM"])
        assert kdf.hkdf_expand(name, prk, info, length) == okm
        assert kdf.hkdf(name, ikm, salt, info, length) == okm


@pytest.mark.parametrize("name", ["sha1", "sha256", "sha384", "sha512"])
def test_wycheproof(impl: str, name: str) -> None:
    params = cases(f"hkdf_{name}_test")
    assert len(params) > 50
    for p in params:
        _, t = p.values
        ikm, salt, info = (bytes.fromhex(t[k]) for k in ("ikm", "salt", "info"))
        if t["result"] == "valid":
            assert kdf.hkdf(name, ikm, salt, info, t["size"]) == bytes.fromhex(t["okm"])
        else:  # the only invalid cases ask for more than 255 * HashLen
            with pytest.raises(ValueError, match="255"):
                kdf.hkdf(name, ikm, salt, info, t["size"])


@pytest.mark.parametrize("vector", TLS["tls12_prf"], ids=lambda v: v["hash"])
def test_tls12_prf_published(impl: str, vector: dict[str, str]) -> None:
    out = bytes.fromhex(vector["output"])
    got = kdf.tls12_prf(vector["hash"], bytes.fromhex(vector["secret"]),
                        vector["label"].encode(), bytes.fromhex(vector["seed"]), len(out))
    assert got == out


def test_tls13_rfc8448(impl: str) -> None:
    v = TLS["tls13"]
    h = v["hash"]
    early = kdf.hkdf_extract(h, None, bytes(32))
    assert early == bytes.fromhex(v["early_secret"])
    derived = kdf.hkdf_expand_label(h, early, b"derived", hashlib.sha256(b"").digest(), 32)
    assert derived == bytes.fromhex(v["derived"])
    hs = kdf.hkdf_extract(h, derived, bytes.fromhex(v["ecdhe"]))
    assert hs == bytes.fromhex(v["handshake_secret"])
    for e in v["expand_label"]:
        got = kdf.hkdf_expand_label(h, bytes.fromhex(e["secret"]), e["label"].encode(), b"",
                                    e["length"])
        assert got == bytes.fromhex(e["output"])


def _prf_oracle(name: str, secret: bytes, label: bytes, seed: bytes, n: int) -> bytes:
    s = label + seed
    a, out = s, b""
    while len(out) < n:
        a = std_hmac.new(secret, a, name).digest()
        out += std_hmac.new(secret, a + s, name).digest()
    return out[:n]


def _expand_label_oracle(name: str, secret: bytes, label: bytes, ctx: bytes, n: int) -> bytes:
    full = b"tls13 " + label
    info = n.to_bytes(2, "big") + bytes([len(full)]) + full + bytes([len(ctx)]) + ctx
    return HKDFExpand(ORACLE[name](), n, info).derive(secret)


@pytest.mark.parametrize("portable", [False, True], ids=["hardware", "portable"])
@given(
    name=st.sampled_from(NAMES),
    ikm=st.binary(max_size=200),
    salt=st.binary(max_size=200),
    info=st.binary(max_size=200),
    length=st.integers(min_value=1, max_value=600),
)
def test_hkdf_matches_oracle(portable: bool, name: str, ikm: bytes, salt: bytes, info: bytes,
                             length: int) -> None:
    want = HKDF(ORACLE[name](), length, salt or None, info).derive(ikm)
    with nocrypto.cpu.portable(portable):
        assert kdf.hkdf(name, ikm, salt, info, length) == want
        prk = kdf.hkdf_extract(name, salt, ikm)
        assert kdf.hkdf_expand(name, prk, info, length) == want


@pytest.mark.parametrize("portable", [False, True], ids=["hardware", "portable"])
@given(
    name=st.sampled_from(NAMES),
    secret=st.binary(max_size=200),
    label=st.binary(max_size=40),
    seed=st.binary(max_size=200),
    length=st.integers(min_value=0, max_value=300),
)
def test_tls12_prf_matches_oracle(portable: bool, name: str, secret: bytes, label: bytes,
                                  seed: bytes, length: int) -> None:
    with nocrypto.cpu.portable(portable):
        got = kdf.tls12_prf(name, secret, label, seed, length)
    assert got == _prf_oracle(name, secret, label, seed, length)


@given(
    name=st.sampled_from(NAMES),
    secret=st.binary(min_size=1, max_size=100),
    label=st.binary(max_size=249),
    ctx=st.binary(max_size=255),
    length=st.integers(min_value=1, max_value=255),
)
def test_expand_label_matches_oracle(name: str, secret: bytes, label: bytes, ctx: bytes,
                                     length: int) -> None:
    got = kdf.hkdf_expand_label(name, secret, label, ctx, length)
    assert got == _expand_label_oracle(name, secret, label, ctx, length)


def test_limits() -> None:
    assert len(kdf.hkdf("sha256", b"k", b"", b"", 255 * 32)) == 255 * 32
    with pytest.raises(ValueError, match="255"):
        kdf.hkdf("sha256", b"k", b"", b"", 255 * 32 + 1)
    with pytest.raises(ValueError, match="255"):
        kdf.hkdf_expand("sha1", b"k" * 20, b"", 255 * 20 + 1)
    with pytest.raises(ValueError):
        kdf.hkdf("sha256", b"k", b"", b"", -1)
    with pytest.raises(ValueError):
        kdf.hkdf_expand_label("sha256", b"k", b"x" * 250, b"", 16)
    with pytest.raises(ValueError):
        kdf.hkdf_expand_label("sha256", b"k", b"key", b"x" * 256, 16)
    with pytest.raises(ValueError):
        kdf.tls12_prf("md5", b"k", b"l", b"s", 16)
    assert kdf.hkdf("sha256", b"k", None, b"", 0) == b""
