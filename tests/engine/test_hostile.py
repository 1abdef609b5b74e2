"""Hand-made hostile peers: each violation gets the alert RFC 8446 names."""

from __future__ import annotations

from dataclasses import replace

from tests.engine.helpers import configs, handshake
from tlspy import engine
from tlspy.core.enums import AlertDescription, NamedGroup
from tlspy.core.messages import (
    ClientHello,
    Cookie,
    HelloRetryRequest,
    KeyShareServerHello,
    ServerHello,
)
from tlspy.core.reader import parse_handshake
from tlspy.core.writer import assemble_handshake

A = AlertDescription


def _record(msg_bytes: bytes, version: bytes = b"\x03\x03") -> bytes:
    return b"\x16" + version + len(msg_bytes).to_bytes(2, "big") + msg_bytes


def _first_record(data: bytes) -> bytes:
    return data[5 : 5 + int.from_bytes(data[3:5], "big")]


def _alert(r: engine.Result) -> AlertDescription:
    assert r.state.failed, r.events
    return r.state.hs.alert  # type: ignore[union-attr,return-value]


def test_message_spanning_key_change() -> None:
    ccfg, scfg = configs()
    c, ch = engine.client(ccfg, "server.test")
    flight = engine.handle_tls(engine.server(scfg), ch).out
    sh = _first_record(flight)
    # ServerHello and the start of another message in one record.
    r = engine.handle_tls(c, _record(sh + b"\x08\x00\x00\x02\x00\x00"))
    assert _alert(r) == A.UNEXPECTED_MESSAGE


def test_server_hello_with_unoffered_group() -> None:
    ccfg, scfg = configs(client={"groups": (NamedGroup.X25519, NamedGroup.SECP256R1)})
    c, ch = engine.client(ccfg, "server.test")
    sh = parse_handshake(_first_record(engine.handle_tls(engine.server(scfg), ch).out),
                         version=0x0304)
    assert isinstance(sh, ServerHello)
    exts = tuple(e if not isinstance(e, KeyShareServerHello) else KeyShareServerHello(
        replace(e.share, group=NamedGroup.SECP256R1)) for e in sh.extensions)
    r = engine.handle_tls(c, _record(assemble_handshake(replace(sh, extensions=exts))))
    assert _alert(r) == A.ILLEGAL_PARAMETER


def test_server_hello_wrong_session_id_echo() -> None:
    ccfg, scfg = configs()
    c, ch = engine.client(ccfg, "server.test")
    sh = parse_handshake(_first_record(engine.handle_tls(engine.server(scfg), ch).out),
                         version=0x0304)
    assert isinstance(sh, ServerHello)
    r = engine.handle_tls(c, _record(assemble_handshake(
        replace(sh, legacy_session_id_echo=bytes(32)))))
    assert _alert(r) == A.ILLEGAL_PARAMETER


def _hrr_setup():  # type: ignore[no-untyped-def]
    ccfg, scfg = configs(client={"groups": (NamedGroup.X25519, NamedGroup.SECP256R1)},
                         server={"groups": (NamedGroup.SECP256R1,)})
    c, ch = engine.client(ccfg, "server.test")
    r = engine.handle_tls(engine.server(scfg), ch)
    return c, ch, r


def test_second_hello_retry_request() -> None:
    c, _, r = _hrr_setup()
    hrr_rec = r.out[: 5 + int.from_bytes(r.out[3:5], "big")]
    r2 = engine.handle_tls(c, hrr_rec)
    assert not r2.state.failed
    assert _alert(engine.handle_tls(r2.state, hrr_rec)) == A.UNEXPECTED_MESSAGE


def test_hello_retry_request_changing_nothing() -> None:
    c, _, r = _hrr_setup()
    hrr = parse_handshake(_first_record(r.out), version=0x0304)
    assert isinstance(hrr, HelloRetryRequest)
    bare = replace(hrr, extensions=tuple(e for e in hrr.extensions
                                         if e.extension_type == 43))
    assert _alert(engine.handle_tls(c, _record(assemble_handshake(bare)))) == (
        A.ILLEGAL_PARAMETER)


def test_second_client_hello_must_match() -> None:
    c, _ch, r = _hrr_setup()
    rc = engine.handle_tls(c, r.out)
    ch2_rec = rc.out[6:] if rc.out.startswith(b"\x14") else rc.out  # after the CCS
    ch2 = parse_handshake(_first_record(ch2_rec), version=0x0304)
    assert isinstance(ch2, ClientHello)
    changed = replace(ch2, random=bytes(32))
    assert _alert(engine.handle_tls(r.state, _record(assemble_handshake(changed)))) == (
        A.ILLEGAL_PARAMETER)
    no_cookie = replace(ch2, extensions=tuple(e for e in ch2.extensions
                                              if not isinstance(e, Cookie)))
    assert _alert(engine.handle_tls(r.state, _record(assemble_handshake(no_cookie)))) == (
        A.ILLEGAL_PARAMETER)
    # The genuine one completes.
    assert not engine.handle_tls(r.state, ch2_rec).state.failed


def test_duplicate_extension_in_client_hello() -> None:
    ccfg, scfg = configs()
    _, ch = engine.client(ccfg, "server.test")
    hello = parse_handshake(_first_record(ch), version=0x0304)
    assert isinstance(hello, ClientHello)
    dup = replace(hello, extensions=(hello.extensions[0], *hello.extensions))
    r = engine.handle_tls(engine.server(scfg), _record(assemble_handshake(dup), b"\x03\x01"))
    assert _alert(r) == A.ILLEGAL_PARAMETER


def test_key_update_during_handshake() -> None:
    from tlspy.engine._records import seal_handshake

    ccfg, scfg = configs()
    c, ch = engine.client(ccfg, "server.test")
    r = engine.handle_tls(engine.server(scfg), ch)
    sh_rec = r.out[: 5 + int.from_bytes(r.out[3:5], "big")]
    c1 = engine.handle_tls(c, sh_rec).state  # client handshake keys installed
    assert not c1.failed and not c1.established
    # A KeyUpdate where the server waits for the client's Finished.
    _, ku = seal_handshake(c1, b"\x18\x00\x00\x01\x00")
    assert _alert(engine.handle_tls(r.state, ku)) == A.UNEXPECTED_MESSAGE


def test_ccs_after_handshake() -> None:
    p = handshake(*configs())
    r = engine.handle_tls(p.server, b"\x14\x03\x03\x00\x01\x01")
    assert _alert(r) == A.UNEXPECTED_MESSAGE


def test_zero_length_handshake_record() -> None:
    _ccfg, scfg = configs()
    r = engine.handle_tls(engine.server(scfg), b"\x16\x03\x01\x00\x00")
    assert _alert(r) == A.UNEXPECTED_MESSAGE
