"""Regressions for what tlsfuzzer found (interop/tlsfuzzer): raw records
into the pure engine, each answered with the alert the RFC names."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.engine.helpers import configs, handshake
from tests.engine.test_sessions12 import _connect, _sessions, _setup
from tlspy import engine
from tlspy.core.enums import (
    AlertDescription,
    CipherSuite,
    ContentType,
    NamedGroup,
    ProtocolVersion,
)
from tlspy.core.messages import (
    ClientHello,
    ExtendedMasterSecret,
    Finished,
    RawExtension,
    ServerHello,
    ServerName,
    SessionTicket,
)
from tlspy.core.reader import parse_handshake
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


def _first_record(data: bytes) -> bytes:
    return data[5 : 5 + int.from_bytes(data[3:5], "big")]


def _handshake_record(body: bytes) -> bytes:
    return b"\x16\x03\x03" + len(body).to_bytes(2, "big") + body


def _after_hrr() -> tuple[engine.State, ClientHello, bytes]:
    """(server waiting for the second ClientHello, that ClientHello, its
    genuine record)."""
    ccfg, scfg = configs(client={"groups": (NamedGroup.X25519, NamedGroup.SECP256R1)},
                         server={"groups": (NamedGroup.SECP256R1,)})
    c, ch = engine.client(ccfg, "server.test")
    r = engine.handle_tls(engine.server(scfg), ch)
    rc = engine.handle_tls(c, r.out)
    rec = rc.out[6:] if rc.out.startswith(b"\x14") else rc.out  # after the CCS
    ch2 = parse_handshake(_first_record(rec), version=0x0304)
    assert isinstance(ch2, ClientHello)
    return r.state, ch2, rec


def _changes(ch2: ClientHello) -> dict[str, ClientHello]:
    exts = ch2.extensions
    return {
        "reordered extensions": replace(ch2, extensions=exts[::-1]),
        "extension dropped": replace(ch2, extensions=tuple(
            e for e in exts if not isinstance(e, ServerName))),
        "extension added": replace(ch2, extensions=(RawExtension(0x4A4A, b"x"), *exts)),
        "cipher suites": replace(ch2, cipher_suites=ch2.cipher_suites[::-1]),
        "legacy_version": replace(ch2, legacy_version=0x0302),
    }


@pytest.mark.parametrize("change", list(_changes(ClientHello(0x0303, bytes(32), b"", ()))))
def test_second_client_hello_may_change_only_what_rfc8446_allows(change: str) -> None:
    """RFC 8446 4.1.2 (tlsfuzzer test-tls13-shuffled-extentions): a retry
    repeats the first ClientHello but for key_share, cookie, early_data,
    pre_shared_key and padding."""
    server, ch2, genuine = _after_hrr()
    bad = _changes(ch2)[change]
    r = engine.handle_tls(server, _handshake_record(assemble_handshake(bad)))
    assert _alert(r) == A.ILLEGAL_PARAMETER
    padded = replace(ch2, extensions=(*ch2.extensions, RawExtension(21, bytes(7))))
    assert not engine.handle_tls(server, _handshake_record(assemble_handshake(padded))
                                 ).state.failed
    assert not engine.handle_tls(server, genuine).state.failed


def _without_ems(client_hello_record: bytes) -> bytes:
    ch = parse_handshake(_first_record(client_hello_record), version=V12)
    assert isinstance(ch, ClientHello)
    exts = tuple(e for e in ch.extensions if not isinstance(e, ExtendedMasterSecret))
    return _handshake_record(assemble_handshake(replace(ch, extensions=exts)))


def test_ems_session_resumed_without_ems_is_refused() -> None:
    """RFC 7627 5.3 (tlsfuzzer test-extended-master-secret-extension, "EMS
    with session resume without extension"): handshake_failure."""
    ccfg, scfg, _ = _setup()
    (t,) = _sessions(_connect(ccfg, scfg))
    _, out = engine.client(ccfg, "server.test", session=t)
    r = engine.handle_tls(engine.server(scfg), _without_ems(out))
    assert _alert(r) == A.HANDSHAKE_FAILURE
    # Without the session on offer the same hello gets a full handshake, with
    # neither a session ID nor a ticket: a legacy session is never resumed.
    _, fresh = engine.client(replace(ccfg, ticket_keys=()), "server.test")
    r = engine.handle_tls(engine.server(replace(scfg, ticket_keys=(bytes(32),), require_ems=False)),
                          _without_ems(fresh))
    assert not r.state.failed
    body = _first_record(r.out)
    sh = parse_handshake(body[:4 + int.from_bytes(body[1:4], "big")], version=V12)
    assert isinstance(sh, ServerHello)
    assert sh.legacy_session_id_echo == b""
    assert not any(isinstance(e, (ExtendedMasterSecret, SessionTicket)) for e in sh.extensions)


def test_server_flight_goes_out_before_the_alert_for_a_later_record() -> None:
    """tlsfuzzer test-tls13-multiple-ccs-messages: ClientHello and two
    ChangeCipherSpecs in one read.  The second CCS is refused
    (unexpected_message), but only after the server's answer to the
    ClientHello, and the alert is under the server's handshake keys."""
    def fresh() -> tuple[bytes, engine.State]:  # the same random draws each time
        ccfg, scfg = configs()
        _, ch = engine.client(ccfg, "server.test")
        return ch, engine.server(scfg)

    ccs = b"\x14\x03\x03\x00\x01\x01"
    ch, server = fresh()
    flight = engine.handle_tls(server, ch).out
    ch, server = fresh()
    r = engine.handle_tls(server, ch + ccs + ccs)
    assert _alert(r) == A.UNEXPECTED_MESSAGE
    assert r.out.startswith(flight)
    records, rest = parse_records(r.out[len(flight):], 1 << 15)
    assert not rest and [x.content_type for x in records] == [ContentType.APPLICATION_DATA]
    # A bad record alone still gets just the alert, in plaintext.
    r = engine.handle_tls(fresh()[1], ccs)
    assert _alert(r) == A.UNEXPECTED_MESSAGE and r.out[:1] == b"\x15"


@pytest.mark.parametrize("ctype", [ContentType.ALERT, ContentType.HANDSHAKE])
@pytest.mark.parametrize("padding", [0, 5])
def test_empty_alert_or_handshake_record_is_unexpected(ctype: ContentType, padding: int) -> None:
    """RFC 8446 5.4 (tlsfuzzer test-tls13-empty-alert): a protected record
    whose content is empty, padded or not, is unexpected_message."""
    p = handshake(*configs())
    prot = p.client.write.protection
    assert prot is not None
    rec = prot.encrypt(p.client.write_seq, ctype, b"", padding)
    assert _alert(engine.handle_tls(p.server, rec)) == A.UNEXPECTED_MESSAGE
    plain12 = bytes((ctype, 3, 3, 0, 0))
    cc, sc = configs(client={"versions": (V12,)})
    _, ch = engine.client(cc, "server.test")
    assert _alert(engine.handle_tls(engine.server(sc), ch + plain12)) == A.UNEXPECTED_MESSAGE


def test_plaintext_alert_during_the_tls13_handshake_ends_it_quietly() -> None:
    """tlsfuzzer test-tls13-unencrypted-alert: a client that cannot process
    the server's flight may answer with a plaintext alert; the server takes
    it (no alert of its own) instead of calling it unexpected."""
    ccfg, scfg = configs()
    _, ch = engine.client(ccfg, "server.test")
    r = engine.handle_tls(engine.server(scfg), ch)
    assert isinstance(r.state.hs, ServerWaitFinished)
    r2 = engine.handle_tls(r.state, b"\x15\x03\x03\x00\x02\x02\x30")  # fatal unknown_ca
    assert r2.state.failed and r2.out == b""
    assert r2.state.hs.alert == A.UNKNOWN_CA  # type: ignore[union-attr]
    assert not r2.state.hs.sent  # type: ignore[union-attr]
    # Any other plaintext record under keys is still unexpected.
    r3 = engine.handle_tls(r.state, b"\x16\x03\x03\x00\x04\x14\x00\x00\x00")
    assert _alert(r3) == A.UNEXPECTED_MESSAGE
