"""A whole TLS 1.2 CBC connection's values (The Illustrated TLS 1.2
Connection, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA): every handshake message
parsed and re-assembled, the ServerKeyExchange signature checked over the
params the writer rebuilds, master secret, key block, client Finished, and
every protected record opened and re-sealed."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from tlspy.core import keyschedule as ks
from tlspy.core import messages as m
from tlspy.core.enums import CipherSuite, ContentType, NamedGroup, SignatureScheme
from tlspy.core.protect import protection12
from tlspy.core.reader import parse_handshake
from tlspy.core.record import HandshakeBuffer, parse_records
from tlspy.core.record_cbc import RecordProtection12CBC
from tlspy.core.suites import SUITES
from tlspy.core.writer import assemble_handshake, assemble_server_key_exchange_params

RAW = json.loads(
    (Path(__file__).parents[1] / "vectors" / "tls12_illustrated" / "vectors.json").read_text()
)
V = {k: bytes.fromhex(v) for k, v in RAW.items() if k != "suite"}
SUITE = SUITES[CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA]


def _block() -> ks.KeyBlock12:
    return ks.key_block12(SUITE, V["master_secret"], V["client_random"], V["server_random"])


def test_premaster_master_and_key_block() -> None:
    priv = X25519PrivateKey.from_private_bytes(V["client_x25519_private"])
    shared = priv.exchange(X25519PublicKey.from_public_bytes(V["server_x25519_public"]))
    assert shared == V["premaster_secret"]
    ms = ks.master_secret12("sha256", shared, V["client_random"], V["server_random"])
    assert ms == V["master_secret"]
    kb = _block()
    assert kb.client_mac_key == V["client_mac_key"]
    assert kb.server_mac_key == V["server_mac_key"]
    assert kb.client_key == V["client_key"]
    assert kb.server_key == V["server_key"]
    assert kb.client_iv == kb.server_iv == b""  # CBC in TLS 1.2: explicit IVs only


def _open(client_write: bool, seq: int, name: str) -> tuple[RecordProtection12CBC, bytes]:
    prot = protection12(SUITE, _block(), client_write=client_write)
    assert isinstance(prot, RecordProtection12CBC)
    (rec,), rest = parse_records(V[name])
    assert rest == b""
    data = prot.decrypt(seq, rec)
    iv = rec.fragment[:16]
    # Sealing the same content under the same IV gives the same record.
    assert prot.encrypt(seq, rec.content_type, rec.version, data, iv) == V[name]
    return prot, data


def test_client_finished() -> None:
    _, data = _open(True, 0, "client_finished_record")
    verify = ks.finished_verify_data12(
        "sha256",
        V["master_secret"],
        client=True,
        handshake_hash=V["handshake_hash_to_client_key_exchange"],
    )
    assert data == b"\x14\x00\x00\x0c" + verify


def test_server_finished() -> None:
    _, data = _open(False, 0, "server_finished_record")
    assert data[:4] == b"\x14\x00\x00\x0c" and len(data) == 16


def test_application_data_and_close_notify() -> None:
    _, ping = _open(True, 1, "client_application_data_record")
    assert ping == V["client_application_data"]
    _, pong = _open(False, 1, "server_application_data_record")
    assert pong == V["server_application_data"]
    _, alert = _open(True, 2, "client_close_notify_record")
    assert alert == b"\x01\x00"
    (rec,), _ = parse_records(V["client_close_notify_record"])
    assert rec.content_type == ContentType.ALERT


HANDSHAKE = (
    "client_hello_record",
    "server_hello_record",
    "certificate_record",
    "server_key_exchange_record",
    "server_hello_done_record",
    "client_key_exchange_record",
)


def _messages() -> list[bytes]:
    out = []
    for name in HANDSHAKE:
        (rec,), rest = parse_records(V[name])
        assert rest == b"" and rec.content_type == ContentType.HANDSHAKE
        buf, msgs = HandshakeBuffer().feed(rec.fragment)
        assert buf.empty and len(msgs) == 1
        out.append(msgs[0])
    return out


def test_tls12_handshake_messages() -> None:
    msgs = _messages()
    assert ks.Transcript().add(*msgs).hash("sha256") == V["handshake_hash_to_client_key_exchange"]
    parsed = [parse_handshake(b, version=0x0303, kex=m.KeyExchange.ECDHE) for b in msgs]
    for wire, msg in zip(msgs, parsed, strict=True):
        assert assemble_handshake(msg) == wire
    ch, sh, cert, ske, shd, cke = parsed
    assert isinstance(ch, m.ClientHello) and isinstance(sh, m.ServerHello)
    assert m.find_extension(ch.extensions, m.ServerName) == m.ServerName(b"example.ulfheim.net")
    assert m.find_extension(ch.extensions, m.StatusRequest) == m.StatusRequest()
    assert m.find_extension(ch.extensions, m.ECPointFormats) == m.ECPointFormats((0,))
    assert CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA in ch.cipher_suites
    assert sh.cipher_suite is CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
    assert sh.extensions == (m.RenegotiationInfo(b""),)
    assert isinstance(cert, m.Certificate12) and len(cert.certificate_list) == 1
    assert isinstance(ske, m.ServerKeyExchangeECDHE)
    assert ske.named_curve is NamedGroup.X25519 and ske.public == V["server_x25519_public"]
    assert ske.algorithm is SignatureScheme.RSA_PKCS1_SHA256
    assert isinstance(shd, m.ServerHelloDone)
    assert isinstance(cke, m.ClientKeyExchangeECDHE) and cke.public == V["client_x25519_public"]


def test_tls12_server_key_exchange_signature() -> None:
    # The server's signature covers client_random + server_random + params.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    msgs = _messages()
    cert = parse_handshake(msgs[2], version=0x0303)
    ske = parse_handshake(msgs[3], version=0x0303, kex=m.KeyExchange.ECDHE)
    assert isinstance(cert, m.Certificate12) and isinstance(ske, m.ServerKeyExchangeECDHE)
    key = x509.load_der_x509_certificate(cert.certificate_list[0]).public_key()
    signed = V["client_random"] + V["server_random"] + assemble_server_key_exchange_params(ske)
    key.verify(ske.signature, signed, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
