"""Ed25519 (nocrypto.ed25519): RFC 8032 section 7.1 and djb's sign.input
known answers, Wycheproof, and differential tests against pyca/cryptography.

Wycheproof's ed25519_test has no "acceptable" cases; every valid vector must
verify and every invalid one (malleable S >= L, bad encodings, truncated or
extended signatures) must be rejected.
"""

from __future__ import annotations

import hashlib
from typing import Any

import cryptography_vectors
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey as OKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey as OPub
from hypothesis import given
from hypothesis import strategies as st

from nocrypto import ed25519
from tests import wycheproof

L = 2**252 + 27742317777372353535851937790883648493

# RFC 8032 section 7.1, TEST 1, 2 and 3: (secret, public, message, signature)
RFC8032 = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
]


@pytest.mark.parametrize(("sk", "pk", "msg", "sig"), RFC8032)
def test_rfc8032(sk: str, pk: str, msg: str, sig: str) -> None:
    seed, m = bytes.fromhex(sk), bytes.fromhex(msg)
    assert ed25519.public_key(seed).hex() == pk
    assert ed25519.sign(seed, m).hex() == sig
    assert ed25519.verify(bytes.fromhex(pk), m, bytes.fromhex(sig))
    assert not ed25519.verify(bytes.fromhex(pk), m + b"!", bytes.fromhex(sig))


def test_rfc8032_test_sha_abc() -> None:
    seed = bytes.fromhex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42")
    msg = hashlib.sha512(b"abc").digest()
    pub = ed25519.public_key(seed)
    assert pub.hex() == "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"
    sig = ed25519.sign(seed, msg)
    assert sig.hex() == (
        "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
        "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704")
    assert ed25519.verify(pub, msg, sig)


def test_rfc8032_test_1024() -> None:
    """TEST 1024: the 1023-byte message, key and signature as Wycheproof's
    ed25519_test tc83 carries them, signed here from the RFC's secret key."""
    seed = bytes.fromhex("f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5")
    (group, test), = [(g, t) for g in wycheproof.load("ed25519_test")["testGroups"]
                      for t in g["tests"] if t["tcId"] == 83]
    msg = bytes.fromhex(test["msg"])
    assert len(msg) == 1023
    assert ed25519.public_key(seed).hex() == group["publicKey"]["pk"]
    assert ed25519.sign(seed, msg).hex() == test["sig"]


def test_djb_sign_input() -> None:
    """The 1024 vectors of the original Ed25519 release (sign.input)."""
    with cryptography_vectors.open_vector_file("asymmetric/Ed25519/sign.input", "r") as f:
        lines = f.read().splitlines()
    assert len(lines) == 1024
    for line in lines:
        sk, pk, msg, sm, _ = line.split(":")
        seed, pub, m = bytes.fromhex(sk[:64]), bytes.fromhex(pk), bytes.fromhex(msg)
        key = ed25519.Ed25519PrivateKey.from_seed(seed)
        assert key.public_key() == pub
        sig = key.sign(m)
        assert sig.hex() == sm[:128]
        assert ed25519.verify(pub, m, sig)


@pytest.mark.parametrize(("group", "test"), wycheproof.cases("ed25519_test"))
def test_wycheproof(group: dict[str, Any], test: dict[str, Any]) -> None:
    pub = bytes.fromhex(group["publicKey"]["pk"])
    ok = ed25519.verify(pub, bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"]))
    assert test["result"] in ("valid", "invalid")
    assert ok == (test["result"] == "valid")


def test_malleable_s_rejected() -> None:
    seed = bytes(range(32))
    pub = ed25519.public_key(seed)
    sig = ed25519.sign(seed, b"m")
    s = int.from_bytes(sig[32:], "little")
    assert ed25519.verify(pub, b"m", sig)
    assert not ed25519.verify(pub, b"m", sig[:32] + (s + L).to_bytes(32, "little"))


def test_noncanonical_public_key_rejected() -> None:
    # y = p + 1 encodes y = 1 (a valid point) non-canonically
    p = 2**255 - 19
    bad = (p + 1).to_bytes(32, "little")
    assert not ed25519.verify(bad, b"", bytes(64))
    # x = 0 with the sign bit set (y = 1): the "negative zero" encoding
    assert not ed25519.verify((1 | 1 << 255).to_bytes(32, "little"), b"", bytes(64))


def test_lengths() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        ed25519.public_key(bytes(31))
    with pytest.raises(ValueError, match="32 bytes"):
        ed25519.sign(bytes(33), b"")
    with pytest.raises(ValueError, match="32 bytes"):
        ed25519.verify(bytes(31), b"", bytes(64))
    pub = ed25519.public_key(bytes(32))
    sig = ed25519.sign(bytes(32), b"x")
    assert not ed25519.verify(pub, b"x", sig[:63])
    assert not ed25519.verify(pub, b"x", sig + b"\x00")


def test_generate_and_immutability() -> None:
    key = ed25519.Ed25519PrivateKey.generate(rng=lambda n: bytes([7]) * n)
    assert key.public_key() == ed25519.public_key(bytes([7]) * 32)
    with pytest.raises(AttributeError):
        key._key = None
    fresh = ed25519.Ed25519PrivateKey.generate()
    assert fresh.public_key() != ed25519.Ed25519PrivateKey.generate().public_key()
    assert ed25519.verify(fresh.public_key(), b"m", fresh.sign(b"m"))


@given(st.binary(min_size=32, max_size=32), st.binary(max_size=300))
def test_matches_oracle(seed: bytes, msg: bytes) -> None:
    okey = OKey.from_private_bytes(seed)
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    pub = okey.public_key().public_bytes(*raw)
    assert ed25519.public_key(seed) == pub
    sig = ed25519.sign(seed, msg)
    assert sig == okey.sign(msg)  # deterministic: byte for byte
    OPub.from_public_bytes(pub).verify(sig, msg)
    assert ed25519.verify(pub, msg, okey.sign(msg))
    tampered = bytes([sig[0] ^ 1]) + sig[1:]
    assert not ed25519.verify(pub, msg, tampered)
    with pytest.raises(InvalidSignature):
        OPub.from_public_bytes(pub).verify(tampered, msg)


@given(st.binary(min_size=32, max_size=32), st.binary(max_size=70), st.binary(max_size=20))
def test_verify_never_crashes_and_agrees_with_oracle(pub: bytes, sig: bytes, msg: bytes) -> None:
    ours = ed25519.verify(pub, msg, sig)
    try:
        OPub.from_public_bytes(pub).verify(sig, msg)
        theirs = True
    except (InvalidSignature, ValueError):
        theirs = False
    assert ours == theirs
