"""Downgrade protection.  The TLS 1.3 sentinels (RFC 8446 4.1.3) in the
ServerHello.random of a TLS 1.2 answer make a client that offered TLS 1.3
abort with illegal_parameter, for both sentinels, checked when the
ServerHello arrives (before the ServerKeyExchange signature over the
random could fail); a TLS 1.2-only client accepts the genuine sentinel.
TLS_FALLBACK_SCSV (RFC 7507): inappropriate_fallback from a TLS 1.3 server
for a TLS 1.2 hello that carries it, not for a TLS 1.3 hello that does.
(tests/engine/test_handshake12.py and test_engine_properties.py hold the
first sentinel and SCSV tests; these add the rest.)"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.attacks.common import V12, A, alert_of, handshake_record
from tests.engine.helpers import configs, plaintext_messages
from tlspy import engine
from tlspy.core.enums import DOWNGRADE_TLS11, DOWNGRADE_TLS12, CipherSuite, ProtocolVersion
from tlspy.core.messages import ClientHello, ServerHello
from tlspy.core.reader import parse_handshake
from tlspy.core.writer import assemble_handshake

V13 = ProtocolVersion.TLS_1_3




def _tls12_flight_to(client_versions: tuple[ProtocolVersion, ...], server_versions: tuple[
        ProtocolVersion, ...]) -> tuple[engine.State, list[bytes]]:
    """A client (offering ``client_versions``) and the real TLS 1.2 flight
    of a server configured with ``server_versions`` (answering a TLS 1.2
    ClientHello of the same client random)."""
    c, _ = configs(client={"versions": client_versions})
    c12, s = configs(client={"versions": (V12,)}, server={"versions": server_versions})
    cst, _ = engine.client(c, "server.test")
    _, ch12 = engine.client(c12, "server.test")
    # The server answers a TLS 1.2 hello carrying our client's random.
    hello = parse_handshake(plaintext_messages(ch12)[0], version=V12)
    assert isinstance(hello, ClientHello)
    ours = cst.hs.hello  # type: ignore[union-attr]
    hello = replace(hello, random=ours.random, legacy_session_id=ours.legacy_session_id)
    r = engine.handle_tls(engine.server(s), handshake_record(assemble_handshake(hello)))
    assert not r.state.failed, r.events
    return cst, plaintext_messages(r.out)


@pytest.mark.parametrize("sentinel", [DOWNGRADE_TLS12, DOWNGRADE_TLS11], ids=["1.2", "1.1"])
def test_client_offering_tls13_refuses_sentinel(sentinel: bytes) -> None:
    c, msgs = _tls12_flight_to((V13, V12), (V12,))
    sh = parse_handshake(msgs[0], version=V12)
    assert isinstance(sh, ServerHello) and sh.random[24:] not in (DOWNGRADE_TLS11,
                                                                  DOWNGRADE_TLS12)
    # The genuine flight of a TLS 1.2-only server (no sentinel) completes.
    assert not engine.handle_tls(c, handshake_record(*msgs)).state.failed
    marked = assemble_handshake(replace(sh, random=sh.random[:24] + sentinel))
    r = engine.handle_tls(c, handshake_record(marked, *msgs[1:]))
    assert alert_of(r) == A.ILLEGAL_PARAMETER
    assert "downgrade" in r.events[-1].reason.lower()  # type: ignore[union-attr]


def test_tls12_only_client_accepts_genuine_sentinel() -> None:
    """A TLS 1.3-capable server sets DOWNGRD\\x01 when it answers TLS 1.2;
    a client that offered only TLS 1.2 completes the handshake."""
    c, msgs = _tls12_flight_to((V12,), (V13, V12))
    sh = parse_handshake(msgs[0], version=V12)
    assert isinstance(sh, ServerHello) and sh.random[24:] == DOWNGRADE_TLS12
    r = engine.handle_tls(c, handshake_record(*msgs))
    assert not r.state.failed and r.out


def test_fallback_scsv_in_tls13_hello_is_not_refused() -> None:
    """RFC 7507 3: only a hello whose highest version is below the
    server's is a fallback; a TLS 1.3 hello with the SCSV is not."""
    ccfg, scfg = configs()
    _, ch = engine.client(ccfg, "server.test")
    hello = parse_handshake(plaintext_messages(ch)[0], version=V13)
    assert isinstance(hello, ClientHello)
    fb = replace(hello, cipher_suites=(*hello.cipher_suites, CipherSuite.TLS_FALLBACK_SCSV))
    r = engine.handle_tls(engine.server(scfg),
                          handshake_record(assemble_handshake(fb), version=0x0301))
    assert not r.state.failed, r.events


@pytest.mark.parametrize("position", ["first", "last"])
def test_fallback_scsv_in_tls12_hello_is_refused(position: str) -> None:
    ccfg, scfg = configs(client={"versions": (V12,)})
    _, ch = engine.client(ccfg, "server.test")
    hello = parse_handshake(plaintext_messages(ch)[0], version=V12)
    assert isinstance(hello, ClientHello)
    scsv = CipherSuite.TLS_FALLBACK_SCSV
    suites = (scsv, *hello.cipher_suites) if position == "first" else (*hello.cipher_suites,
                                                                        scsv)
    rec = handshake_record(assemble_handshake(replace(hello, cipher_suites=suites)))
    assert alert_of(engine.handle_tls(engine.server(scfg), rec)) == A.INAPPROPRIATE_FALLBACK
