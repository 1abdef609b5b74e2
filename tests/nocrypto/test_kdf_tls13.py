"""nocrypto.kdf's fused TLS 1.3 key schedule steps (tls13_stage,
tls13_finished, tls13_key_iv): RFC 8448 sections 3 and 4 secret by secret,
and differential properties against an HKDF built from pyca/cryptography
(oracle only)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as oracle_hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from hypothesis import given
from hypothesis import strategies as st

import nocrypto.kdf as kdf

RFC = Path(__file__).parents[1] / "vectors" / "rfc8448"
V = json.loads((RFC / "simple_1rtt.json").read_text())
S = {k: bytes.fromhex(v) for k, v in V["secrets"].items()}
TH = {k: bytes.fromhex(v) for k, v in V["transcript_hashes"].items()}
K = {k: bytes.fromhex(v) for k, v in V["traffic_keys"].items()}
M = {k: bytes.fromhex(v) for k, v in V["messages"].items()}
R = {k: bytes.fromhex(v) for k, v in json.loads((RFC / "resumed_0rtt.json").read_text()).items()
     if k != "section"}
EMPTY = hashlib.sha256(b"").digest()


def test_rfc8448_full_handshake_stages() -> None:
    (early,) = kdf.tls13_stage("sha256", None, None, b"")
    assert early == S["early_secret"]
    hs, c_hs, s_hs = kdf.tls13_stage("sha256", early, S["ecdhe_shared"], TH["ch_sh"],
                                     (b"c hs traffic", b"s hs traffic"))
    assert (hs, c_hs, s_hs) == (S["handshake_secret"], S["client_handshake_traffic_secret"],
                                S["server_handshake_traffic_secret"])
    master, c_ap, s_ap, exp = kdf.tls13_stage(
        "sha256", hs, None, TH["ch_to_server_finished"],
        (b"c ap traffic", b"s ap traffic", b"exp master"))
    assert master == S["master_secret"]
    assert c_ap == S["client_application_traffic_secret_0"]
    assert s_ap == S["server_application_traffic_secret_0"]
    assert exp == S["exporter_master_secret"]


def test_rfc8448_traffic_keys_and_finished() -> None:
    for side, phase, secret in (
        ("server", "handshake", "server_handshake_traffic_secret"),
        ("client", "handshake", "client_handshake_traffic_secret"),
        ("server", "application", "server_application_traffic_secret_0"),
        ("client", "application", "client_application_traffic_secret_0"),
    ):
        assert kdf.tls13_key_iv("sha256", S[secret], 16) == (K[f"{side}_{phase}_key"],
                                                            K[f"{side}_{phase}_iv"])
    flight = b"".join(M[n] for n in ("client_hello", "server_hello", "encrypted_extensions",
                                     "certificate", "certificate_verify"))
    sf = kdf.tls13_finished("sha256", S["server_handshake_traffic_secret"],
                            hashlib.sha256(flight).digest())
    assert sf == M["server_finished"][4:]
    cf = kdf.tls13_finished("sha256", S["client_handshake_traffic_secret"],
                            TH["ch_to_server_finished"])
    assert cf == M["client_finished"][4:]


def test_rfc8448_resumption_binder_and_early_secrets() -> None:
    early, binder_key = kdf.tls13_stage("sha256", None, R["psk"], EMPTY, (b"res binder",))
    assert (early, binder_key) == (R["early_secret"], R["binder_key"])
    assert kdf.tls13_finished("sha256", binder_key, R["binder_hash"]) == R["binder"]
    ch_hash = hashlib.sha256(R["client_hello"]).digest()
    _, cet, eems = kdf.tls13_stage("sha256", None, R["psk"], ch_hash,
                                   (b"c e traffic", b"e exp master"))
    assert (cet, eems) == (R["client_early_traffic_secret"], R["early_exporter_master_secret"])
    assert kdf.tls13_key_iv("sha256", cet, 16) == (R["early_key"], R["early_iv"])


# ------------------------------------------------------------ differential

HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384}


def _hmac(alg: str, key: bytes, msg: bytes) -> bytes:
    h = oracle_hmac.HMAC(key, HASHES[alg]())
    h.update(msg)
    return h.finalize()


def _label(alg: str, secret: bytes, label: bytes, ctx: bytes, n: int) -> bytes:
    full = b"tls13 " + label
    info = n.to_bytes(2, "big") + bytes([len(full)]) + full + bytes([len(ctx)]) + ctx
    return HKDFExpand(HASHES[alg](), n, info).derive(secret)


def _stage(alg: str, prev: bytes | None, ikm: bytes | None, th: bytes,
           labels: tuple[bytes, ...]) -> tuple[bytes, ...]:
    hl = HASHES[alg].digest_size
    empty = hashlib.new(alg, b"").digest()
    salt = _label(alg, prev, b"derived", empty, hl) if prev is not None else bytes(hl)
    nxt = _hmac(alg, salt, ikm if ikm is not None else bytes(hl))
    return (nxt, *(_label(alg, nxt, lab, th, hl) for lab in labels))


algs = st.sampled_from(sorted(HASHES))
secrets = st.binary(min_size=1, max_size=80)


@given(algs, st.none() | secrets, st.none() | secrets, st.binary(max_size=64),
       st.lists(st.binary(max_size=40), max_size=4).map(tuple))
def test_stage_matches_oracle(alg: str, prev: bytes | None, ikm: bytes | None, th: bytes,
                              labels: tuple[bytes, ...]) -> None:
    assert kdf.tls13_stage(alg, prev, ikm, th, labels) == _stage(alg, prev, ikm, th, labels)


@given(algs, secrets, st.binary(max_size=64))
def test_finished_matches_oracle(alg: str, base: bytes, th: bytes) -> None:
    hl = HASHES[alg].digest_size
    want = _hmac(alg, _label(alg, base, b"finished", b"", hl), th)
    assert kdf.tls13_finished(alg, base, th) == want


@given(algs, secrets, st.integers(1, 64), st.integers(1, 32))
def test_key_iv_matches_oracle(alg: str, secret: bytes, key_len: int, iv_len: int) -> None:
    assert kdf.tls13_key_iv(alg, secret, key_len, iv_len) == (
        _label(alg, secret, b"key", b"", key_len), _label(alg, secret, b"iv", b"", iv_len))


def test_refusals() -> None:
    with pytest.raises(ValueError, match="249"):
        kdf.tls13_stage("sha256", None, None, b"", (b"x" * 250,))
    with pytest.raises(ValueError, match="255"):
        kdf.tls13_stage("sha256", None, None, bytes(256), (b"x",))
    with pytest.raises(ValueError, match="lengths"):
        kdf.tls13_key_iv("sha256", bytes(32), 0)
    with pytest.raises(ValueError, match="unknown hash"):
        kdf.tls13_finished("md5", bytes(32), bytes(32))


@given(st.sampled_from(["sha256", "sha384"]), st.lists(st.binary(max_size=300), max_size=6))
def test_transcript_steps_match_whole_hash(alg: str, pieces: list[bytes]) -> None:
    ctx, seen = None, b""
    for piece in pieces:
        before = ctx
        ctx, digest = kdf.tls13_transcript(alg, ctx, piece)
        seen += piece
        assert digest == hashlib.new(alg, seen).digest()
        if before is not None:  # the context read is left as it was
            assert kdf.tls13_transcript(alg, before, b"")[1] == hashlib.new(
                alg, seen[: len(seen) - len(piece)]).digest()


def test_transcript_refuses_a_context_of_another_hash() -> None:
    ctx, _ = kdf.tls13_transcript("sha256", None, b"abc")
    with pytest.raises(ValueError, match="another hash"):
        kdf.tls13_transcript("sha384", ctx, b"")


@given(st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32))
def test_steps_take_any_buffer(secret: bytes, th: bytes) -> None:
    for kind in (bytearray, memoryview):
        assert kdf.tls13_stage("sha256", kind(secret), kind(secret), kind(th), (b"x",)) == (
            kdf.tls13_stage("sha256", secret, secret, th, (b"x",)))
        assert kdf.tls13_finished("sha256", kind(secret), kind(th)) == kdf.tls13_finished(
            "sha256", secret, th)
        assert kdf.tls13_key_iv("sha256", kind(secret), 16) == kdf.tls13_key_iv(
            "sha256", secret, 16)
        assert kdf.tls13_transcript("sha256", None, kind(th))[1] == kdf.tls13_transcript(
            "sha256", None, th)[1]
