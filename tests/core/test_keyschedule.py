"""tlspy.core.keyschedule: RFC 8448 section 3 reproduced secret by secret,
exporters and the TLS 1.2 PRF-based schedule against a pyca/cryptography
HMAC/HKDF oracle."""

from __future__ import annotations

import hmac as std_hmac
import json
from hashlib import sha256, sha384
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from hypothesis import given
from hypothesis import strategies as st

from tlspy.core import keyschedule as ks
from tlspy.core.enums import CipherSuite
from tlspy.core.suites import SUITES

V = json.loads((Path(__file__).parents[1] / "vectors" / "rfc8448" / "simple_1rtt.json").read_text())
S = {k: bytes.fromhex(v) for k, v in V["secrets"].items()}
TH = {k: bytes.fromhex(v) for k, v in V["transcript_hashes"].items()}
K = {k: bytes.fromhex(v) for k, v in V["traffic_keys"].items()}
M = {k: bytes.fromhex(v) for k, v in V["messages"].items()}
ALG = "sha256"


def transcript(*names: str) -> ks.Transcript:
    return ks.Transcript().add(*(M[n] for n in names))


SERVER_FLIGHT = ("encrypted_extensions", "certificate", "certificate_verify")


def test_rfc8448_transcript_hashes() -> None:
    t = transcript("client_hello", "server_hello")
    assert t.hash(ALG) == TH["ch_sh"]
    t = t.add(*(M[n] for n in SERVER_FLIGHT), M["server_finished"])
    assert t.hash(ALG) == TH["ch_to_server_finished"]
    assert t.add(M["client_finished"]).hash(ALG) == TH["ch_to_client_finished"]


def test_rfc8448_key_exchange() -> None:
    priv = X25519PrivateKey.from_private_bytes(bytes.fromhex(V["server_x25519_private"]))
    peer = X25519PublicKey.from_public_bytes(bytes.fromhex(V["client_x25519_public"]))
    assert priv.exchange(peer) == S["ecdhe_shared"]


def test_rfc8448_secrets() -> None:
    early = ks.early_secret(ALG, None)
    assert early == S["early_secret"]
    assert (
        ks.derive_secret(ALG, early, b"derived", ks.empty_hash(ALG)) == S["derived_for_handshake"]
    )
    hs = ks.handshake_secret(ALG, early, S["ecdhe_shared"])
    assert hs == S["handshake_secret"]
    c_hs, s_hs = ks.handshake_traffic_secrets(ALG, hs, TH["ch_sh"])
    assert c_hs == S["client_handshake_traffic_secret"]
    assert s_hs == S["server_handshake_traffic_secret"]
    assert ks.derive_secret(ALG, hs, b"derived", ks.empty_hash(ALG)) == S["derived_for_master"]
    master = ks.master_secret(ALG, hs)
    assert master == S["master_secret"]
    c_ap, s_ap, exp = ks.application_traffic_secrets(ALG, master, TH["ch_to_server_finished"])
    assert c_ap == S["client_application_traffic_secret_0"]
    assert s_ap == S["server_application_traffic_secret_0"]
    assert exp == S["exporter_master_secret"]
    res = ks.resumption_master_secret(ALG, master, TH["ch_to_client_finished"])
    assert res == S["resumption_master_secret"]
    assert ks.resumption_psk(ALG, res, b"\x00\x00") == S["resumption_psk_nonce_0000"]


def test_rfc8448_fused_stages() -> None:
    # The engine's one-call stages give the secrets RFC 8448 lists.
    early = ks.early_secret(ALG, None)
    assert ks.handshake_stage(ALG, early, S["ecdhe_shared"], TH["ch_sh"]) == (
        S["handshake_secret"], S["client_handshake_traffic_secret"],
        S["server_handshake_traffic_secret"])
    assert ks.application_stage(ALG, S["handshake_secret"], TH["ch_to_server_finished"]) == (
        S["master_secret"], S["client_application_traffic_secret_0"],
        S["server_application_traffic_secret_0"], S["exporter_master_secret"])
    assert ks.resumption_stage(ALG, S["handshake_secret"], TH["ch_to_client_finished"]) == (
        S["resumption_master_secret"])
    psk = S["resumption_psk_nonce_0000"]
    assert ks.resumption_binder_key(ALG, psk) == ks.binder_key(
        ALG, ks.early_secret(ALG, psk), external=False)


def test_rfc8448_traffic_keys_and_finished() -> None:
    for side, phase, secret in (
        ("server", "handshake", "server_handshake_traffic_secret"),
        ("client", "handshake", "client_handshake_traffic_secret"),
        ("server", "application", "server_application_traffic_secret_0"),
        ("client", "application", "client_application_traffic_secret_0"),
    ):
        key, iv = ks.traffic_key_iv(ALG, S[secret], 16)
        assert key == K[f"{side}_{phase}_key"]
        assert iv == K[f"{side}_{phase}_iv"]
    s_hs = S["server_handshake_traffic_secret"]
    c_hs = S["client_handshake_traffic_secret"]
    assert ks.finished_key(ALG, s_hs) == S["server_finished_key"]
    assert ks.finished_key(ALG, c_hs) == S["client_finished_key"]
    before_sf = transcript("client_hello", "server_hello", *SERVER_FLIGHT).hash(ALG)
    assert ks.finished_verify_data(ALG, s_hs, before_sf) == M["server_finished"][4:]
    assert (
        ks.finished_verify_data(ALG, c_hs, TH["ch_to_server_finished"])
        == (M["client_finished"][4:])
    )


def test_rfc8448_hkdf_labels() -> None:
    # The HkdfLabel encodings RFC 8448 prints, rebuilt by an oracle HKDF-Expand.
    labels = {k: bytes.fromhex(v) for k, v in V["hkdf_labels"].items()}
    secret = S["server_handshake_traffic_secret"]
    expand = HKDFExpand(hashes.SHA256(), 16, labels["key_info"])
    assert ks.hkdf_expand_label(ALG, secret, b"key", b"", 16) == expand.derive(secret)
    res = S["resumption_master_secret"]
    expand = HKDFExpand(hashes.SHA256(), 32, labels["resumption_info"])
    assert ks.resumption_psk(ALG, res, b"\x00\x00") == expand.derive(res)


def _expand_label_oracle(
    h: hashes.HashAlgorithm, secret: bytes, label: bytes, ctx: bytes, n: int
) -> bytes:
    full = b"tls13 " + label
    info = n.to_bytes(2, "big") + bytes([len(full)]) + full + bytes([len(ctx)]) + ctx
    return HKDFExpand(h, n, info).derive(secret)


@given(
    st.sampled_from([("sha256", hashes.SHA256(), sha256), ("sha384", hashes.SHA384(), sha384)]),
    st.binary(min_size=32, max_size=48),
    st.binary(max_size=30),
    st.binary(max_size=64),
    st.integers(1, 64),
)
def test_exporter_and_key_update(
    algs: tuple[str, hashes.HashAlgorithm, object],
    secret: bytes,
    label: bytes,
    context: bytes,
    length: int,
) -> None:
    alg, h, hl = algs
    digest = hl(b"").digest()  # type: ignore[operator]
    derived = _expand_label_oracle(h, secret, label, digest, len(digest))
    ctx_hash = hl(context).digest()  # type: ignore[operator]
    want = _expand_label_oracle(h, derived, b"exporter", ctx_hash, length)
    assert ks.exporter(alg, secret, label, context, length) == want
    assert ks.next_traffic_secret(alg, secret) == _expand_label_oracle(
        h, secret, b"traffic upd", b"", len(digest)
    )


def test_binder_and_early_secrets() -> None:
    psk = S["resumption_psk_nonce_0000"]
    early = ks.early_secret(ALG, psk)
    assert early == std_hmac.new(bytes(32), psk, sha256).digest()
    binder = ks.binder_key(ALG, early, external=False)
    want = _expand_label_oracle(hashes.SHA256(), early, b"res binder", sha256().digest(), 32)
    assert binder == want
    assert ks.binder_key(ALG, early, external=True) != binder
    h = sha256(b"x").digest()
    assert ks.client_early_traffic_secret(ALG, early, h) == _expand_label_oracle(
        hashes.SHA256(), early, b"c e traffic", h, 32
    )
    assert ks.early_exporter_master_secret(ALG, early, h) == _expand_label_oracle(
        hashes.SHA256(), early, b"e exp master", h, 32
    )
    # psk_ke: no (EC)DHE input, zeros instead.
    assert ks.handshake_secret(ALG, early, None) == ks.handshake_secret(ALG, early, bytes(32))


def test_hello_retry_request_transcript() -> None:
    t = transcript("client_hello").after_hello_retry_request(ALG)
    assert t.data == b"\xfe\x00\x00\x20" + sha256(M["client_hello"]).digest()
    assert t.add(b"x").hash(ALG) == sha256(t.data + b"x").digest()


# ---------------------------------------------------------------- TLS 1.2


def p_hash(h: object, secret: bytes, seed: bytes, n: int) -> bytes:
    out, a = b"", seed
    while len(out) < n:
        a = std_hmac.new(secret, a, h).digest()  # type: ignore[arg-type]
        out += std_hmac.new(secret, a + seed, h).digest()  # type: ignore[arg-type]
    return out[:n]


def test_tls12_prf_known_answer() -> None:
    # TLS 1.2 PRF-SHA256 test vector published on the IETF TLS list
    # (secret/seed/label below, 100 bytes of output).
    secret = bytes.fromhex("9bbe436ba940f017b17652849a71db35")
    seed = bytes.fromhex("a0ba9f936cda311827a6f796ffd5198c")
    out = ks.prf("sha256", secret, b"test label", seed, 100)
    assert out.hex().startswith("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a")
    assert out == p_hash(sha256, secret, b"test label" + seed, 100)


@given(
    st.binary(min_size=1, max_size=64),
    st.binary(min_size=32, max_size=32),
    st.binary(min_size=32, max_size=32),
)
def test_tls12_master_secrets(premaster: bytes, cr: bytes, sr: bytes) -> None:
    ms = ks.master_secret12("sha256", premaster, cr, sr)
    assert ms == p_hash(sha256, premaster, b"master secret" + cr + sr, 48)
    session_hash = sha384(cr).digest()
    ems = ks.extended_master_secret("sha384", premaster, session_hash)
    assert ems == p_hash(sha384, premaster, b"extended master secret" + session_hash, 48)


@pytest.mark.parametrize(
    "suite", [s for s in SUITES.values() if not s.tls13], ids=lambda s: s.suite.name
)
def test_tls12_key_block(suite: object) -> None:
    from tlspy.core.suites import SuiteInfo

    assert isinstance(suite, SuiteInfo)
    master, cr, sr = bytes(range(48)), b"c" * 32, b"s" * 32
    kb = ks.key_block12(suite, master, cr, sr)
    h = sha384 if suite.prf_hash == "sha384" else sha256
    m, k, i = suite.mac_key_length, suite.key_length, suite.fixed_iv_length
    block = p_hash(h, master, b"key expansion" + sr + cr, 2 * (m + k + i))
    assert (
        kb.client_mac_key + kb.server_mac_key + kb.client_key + kb.server_key
        == block[: 2 * (m + k)]
    )
    assert kb.client_iv + kb.server_iv == block[2 * (m + k) :]
    assert len(kb.client_key) == k and len(kb.server_iv) == i and len(kb.client_mac_key) == m


def test_tls12_finished_and_exporter() -> None:
    master, hh = bytes(range(48)), sha256(b"handshake").digest()
    assert ks.finished_verify_data12("sha256", master, client=True, handshake_hash=hh) == p_hash(
        sha256, master, b"client finished" + hh, 12
    )
    assert ks.finished_verify_data12("sha256", master, client=False, handshake_hash=hh) == p_hash(
        sha256, master, b"server finished" + hh, 12
    )
    cr, sr = b"c" * 32, b"s" * 32
    assert ks.exporter12("sha256", master, b"EXPERIMENTAL x", cr, sr, None, 20) == p_hash(
        sha256, master, b"EXPERIMENTAL x" + cr + sr, 20
    )
    assert ks.exporter12("sha256", master, b"EXPERIMENTAL x", cr, sr, b"", 20) == p_hash(
        sha256, master, b"EXPERIMENTAL x" + cr + sr + b"\x00\x00", 20
    )
    assert ks.exporter12("sha256", master, b"L", cr, sr, b"ctx", 20) == p_hash(
        sha256, master, b"L" + cr + sr + b"\x00\x03ctx", 20
    )


def test_suite_table() -> None:
    s = SUITES[CipherSuite.TLS_AES_256_GCM_SHA384]
    assert s.tls13 and s.key_length == 32 and s.prf_hash == "sha384" and s.hash_length == 48
    g = SUITES[CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
    assert (g.fixed_iv_length, g.record_iv_length, g.aead) == (4, 8, True)
    c = SUITES[CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA]
    assert (c.mac, c.mac_key_length, c.prf_hash, c.aead) == ("sha1", 20, "sha256", False)


def test_rfc8448_certificate_verify_signature() -> None:
    # The server's RSA-PSS signature verifies over the content the writer builds.
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import padding

    from tlspy.core.messages import Certificate13, CertificateVerify
    from tlspy.core.reader import parse_handshake
    from tlspy.core.writer import certificate_verify_content

    cert = parse_handshake(M["certificate"], version=0x0304)
    cv = parse_handshake(M["certificate_verify"], version=0x0304)
    assert isinstance(cert, Certificate13) and isinstance(cv, CertificateVerify)
    key = x509.load_der_x509_certificate(cert.certificate_list[0].cert_data).public_key()
    h = transcript("client_hello", "server_hello", "encrypted_extensions", "certificate").hash(ALG)
    content = certificate_verify_content(server=True, transcript_hash=h)
    assert content[:64] == b" " * 64 and content[64:98] == b"TLS 1.3, server CertificateVerify\x00"
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    key.verify(cv.signature, content, pss, hashes.SHA256())  # type: ignore[union-attr,call-arg]
    bad = certificate_verify_content(server=False, transcript_hash=h)
    with pytest.raises(InvalidSignature):
        key.verify(cv.signature, bad, pss, hashes.SHA256())  # type: ignore[union-attr,call-arg]


def test_running_transcript_hash_follows_the_messages() -> None:
    names = ("client_hello", "server_hello", *SERVER_FLIGHT, "server_finished")
    t, h = ks.Transcript().add_hash(ALG, M["client_hello"], M["server_hello"])
    assert h == TH["ch_sh"]
    t, h = t.add_hash(ALG, *(M[n] for n in SERVER_FLIGHT))
    assert h == sha256(t.data).digest()
    t, h = t.add_hash(ALG, M["server_finished"])
    assert h == TH["ch_to_server_finished"] == t.hash(ALG)
    assert t.data == transcript(*names).data
    # add keeps the running hash: hash() only hashes what came since
    t2 = t.add(M["client_finished"])
    assert t2.hash(ALG) == sha256(t2.data).digest()
    # another hash starts again from the bytes
    assert t2.hash("sha384") == sha384(t2.data).digest()
    assert t2.add_hash("sha384")[1] == sha384(t2.data).digest()
