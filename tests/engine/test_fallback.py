"""TLS_FALLBACK_SCSV (RFC 7507): the client sends it when configured
(Config.fallback_scsv); a server whose highest version is above the
client's answers inappropriate_fallback, whatever else the hello holds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.engine.helpers import configs, handshake
from tests.engine.test_handshake12 import _failed_with
from tlspy import engine
from tlspy.core.enums import AlertDescription, CipherSuite, ProtocolVersion
from tlspy.core.messages import ClientHello, ServerHello, SupportedVersionsClientHello
from tlspy.core.reader import parse_handshake
from tlspy.core.record import parse_records
from tlspy.core.writer import assemble_handshake
from tlspy.engine import Alert
from tlspy.engine.state import ClientWaitServerHello

A = AlertDescription
CS = CipherSuite
V12, V13 = ProtocolVersion.TLS_1_2, ProtocolVersion.TLS_1_3
SCSV = CS.TLS_FALLBACK_SCSV


def _hello(cfg: engine.Config) -> ClientHello:
    c, _ = engine.client(cfg, "server.test")
    assert isinstance(c.hs, ClientWaitServerHello)
    return c.hs.hello


def _record(hello: ClientHello) -> bytes:
    raw = assemble_handshake(hello)
    return bytes((22, 3, 1)) + len(raw).to_bytes(2, "big") + raw


@pytest.mark.parametrize("versions", [(V12,), (V13, V12), (V13,)])
def test_client_sends_scsv_only_when_configured(versions: tuple[ProtocolVersion, ...]) -> None:
    c, _ = configs("p256", client={"versions": versions})
    assert SCSV not in _hello(c).cipher_suites
    hello = _hello(replace(c, fallback_scsv=True))
    assert hello.cipher_suites[-1] == SCSV


def test_fallback_to_12_refused_by_a_13_server() -> None:
    c, s = configs("p256", client={"versions": (V12,), "fallback_scsv": True})
    p = handshake(c, s)
    assert p.server.failed and p.client.failed
    assert p.server.hs.alert == A.INAPPROPRIATE_FALLBACK  # type: ignore[union-attr]
    got = [e for e in p.client_events if isinstance(e, Alert) and not e.sent]
    assert got and got[0].description == A.INAPPROPRIATE_FALLBACK


@pytest.mark.parametrize(("client", "server"), [((V12,), (V12,)), ((V13, V12), (V13, V12)),
                                                ((V13,), (V13, V12))])
def test_no_fallback_no_refusal(client: tuple[ProtocolVersion, ...],
                                server: tuple[ProtocolVersion, ...]) -> None:
    c, s = configs("p256", client={"versions": client, "fallback_scsv": True},
                   server={"versions": server})
    p = handshake(c, s)
    assert p.client.established and p.server.established


def test_scsv_with_legacy_tls11_hello() -> None:
    """A TLS 1.1 ClientHello (no supported_versions): with SCSV the answer
    is inappropriate_fallback from a TLS 1.2-only server too; without it,
    protocol_version."""
    c, s = configs("p256", client={"versions": (V12,)})
    hello = replace(_hello(c), legacy_version=ProtocolVersion.TLS_1_1)
    for versions in ((V12,), (V13, V12)):
        srv = engine.server(replace(s, versions=versions))
        fb = replace(hello, cipher_suites=(*hello.cipher_suites, SCSV))
        _failed_with(engine.handle_tls(srv, _record(fb)), A.INAPPROPRIATE_FALLBACK)
        _failed_with(engine.handle_tls(srv, _record(hello)), A.PROTOCOL_VERSION)


def test_scsv_with_supported_versions_below_ours() -> None:
    c, s = configs("p256", client={"versions": (V13, V12)})
    hello = _hello(c)
    exts = tuple(SupportedVersionsClientHello((0x7A7A, V12)) if isinstance(
        e, SupportedVersionsClientHello) else e for e in hello.extensions)
    fb = replace(hello, extensions=exts, cipher_suites=(*hello.cipher_suites, SCSV))
    _failed_with(engine.handle_tls(engine.server(s), _record(fb)), A.INAPPROPRIATE_FALLBACK)
    # Offering TLS 1.3 (with a GREASE value), SCSV is no fallback.
    exts = tuple(SupportedVersionsClientHello((0x7A7A, V13, V12)) if isinstance(
        e, SupportedVersionsClientHello) else e for e in hello.extensions)
    ok = replace(hello, extensions=exts, cipher_suites=(*hello.cipher_suites, SCSV))
    r = engine.handle_tls(engine.server(s), _record(ok))
    assert not r.state.failed and r.out


def test_tls13_server_hello_with_a_tls12_suite_is_illegal() -> None:
    c, s = configs("p256")
    st, out = engine.client(c, "server.test")
    r = engine.handle_tls(engine.server(s), out)
    (first, *_), _ = parse_records(r.out)
    sh = parse_handshake(first.fragment, version=V13)
    assert isinstance(sh, ServerHello)
    bad = replace(sh, cipher_suite=CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
    assert bad.cipher_suite in _hello(c).cipher_suites  # offered, but for TLS 1.2
    raw = assemble_handshake(bad)
    rc = engine.handle_tls(st, bytes((22, 3, 3)) + len(raw).to_bytes(2, "big") + raw)
    _failed_with(rc, A.ILLEGAL_PARAMETER)
