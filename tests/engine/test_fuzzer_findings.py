"""Regressions for what tlsfuzzer found (interop/tlsfuzzer): raw records
into the pure engine, each answered with the alert the RFC names."""

from __future__ import annotations

import pytest

from tests.engine.helpers import configs
from tlspy import engine
from tlspy.core.enums import AlertDescription, CipherSuite, ContentType, ProtocolVersion
from tlspy.core.messages import Finished
from tlspy.core.record import parse_records
from tlspy.core.writer import assemble_handshake
from tlspy.engine.state import ServerWaitFinished, keys13

A = AlertDescription
V12 = ProtocolVersion.TLS_1_2


def _alert(r: engine.Result) -> AlertDescription:
    assert r.state.failed, r.events
    return r.state.hs.alert  # type: ignore[union-attr,return-value]


@pytest.mark.parametrize("length", [1, 11, 13, 32])
def test_tls12_finished_of_the_wrong_length_is_a_decode_error(length: int) -> None:
    """RFC 5246 7.4.9: verify_data is 12 bytes; tlsfuzzer's
    test-truncating-of-finished expects decode_error, not decrypt_error."""
    cc, sc = configs("p256", client={"versions": (V12,)})
    c0, ch = engine.client(cc, "server.test")
    r = engine.handle_tls(engine.server(sc), ch)
    rc = engine.handle_tls(c0, r.out)
    records, _ = parse_records(rc.out, 1 << 15)
    plain = b"".join(x.header() + x.fragment for x in records[:2])  # CKE, CCS
    assert rc.state.write.protection is not None
    fin = rc.state.write.protection.encrypt(0, ContentType.HANDSHAKE,
                                            assemble_handshake(Finished(b"\x00" * length)))
    assert _alert(engine.handle_tls(r.state, plain + fin)) == A.DECODE_ERROR


@pytest.mark.parametrize("suite,length", [
    (CipherSuite.TLS_AES_256_GCM_SHA384, 32),  # a SHA-256 sized one under SHA-384
    (CipherSuite.TLS_AES_256_GCM_SHA384, 12),
    (CipherSuite.TLS_AES_128_GCM_SHA256, 48),
    (CipherSuite.TLS_AES_128_GCM_SHA256, 31),
])
def test_tls13_finished_of_the_wrong_length_is_a_decode_error(suite: CipherSuite,
                                                               length: int) -> None:
    """RFC 8446 4.4.4: verify_data is Hash.length bytes (test-tls13-finished)."""
    cc, sc = configs("p256", client={"cipher_suites": (suite,)})
    _, ch = engine.client(cc, "server.test")
    r = engine.handle_tls(engine.server(sc), ch)
    hs = r.state.hs
    assert isinstance(hs, ServerWaitFinished)
    sealed = keys13(hs.secrets.suite, hs.secrets.client_hs).protection
    assert sealed is not None
    fin = sealed.encrypt(0, ContentType.HANDSHAKE, assemble_handshake(Finished(b"\x00" * length)))
    assert _alert(engine.handle_tls(r.state, fin)) == A.DECODE_ERROR
