"""server_name (RFC 6066 3): the server acknowledges a name it used with an
empty server_name (EncryptedExtensions in TLS 1.3, ServerHello in a full
TLS 1.2 handshake); the client refuses a non-empty one; a session is only
resumed under the name it was made for (RFC 8446 4.6.1), else a full
handshake follows."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nocrypto.cipher import AESGCM
from tests.engine.certs import NOW_TS, pki
from tests.engine.helpers import Pair, configs, drive, handshake, server_hello12
from tests.engine.test_handshake12 import _failed_with
from tlspy import engine
from tlspy.core import keyschedule as ks
from tlspy.core.enums import AlertDescription, CipherSuite, ContentType, ProtocolVersion
from tlspy.core.messages import (
    EncryptedExtensions,
    PreSharedKeyClientHello,
    ServerHello,
    ServerName,
    find_extension,
)
from tlspy.core.reader import parse_handshake
from tlspy.core.record import RecordProtection13, parse_records
from tlspy.core.writer import assemble_handshake
from tlspy.engine import Config, KeyLog, NewSessionTicket, Ticket
from tlspy.engine.handshake_common import ip_literal
from tlspy.engine.state import ClientWaitServerHello

V12, V13 = ProtocolVersion.TLS_1_2, ProtocolVersion.TLS_1_3
KEY = bytes(range(32))


def _encrypted_extensions(p: Pair) -> EncryptedExtensions:
    """The server's EncryptedExtensions, opened with the logged secret."""
    (log,) = [e for e in p.client_events
              if isinstance(e, KeyLog) and e.label == "SERVER_HANDSHAKE_TRAFFIC_SECRET"]
    key, iv = ks.traffic_key_iv("sha256", log.secret, 16)
    records, _ = parse_records(p.wire[1][1])
    enc = [r for r in records if r.content_type == ContentType.APPLICATION_DATA]
    _, content = RecordProtection13(AESGCM(key), iv).decrypt(0, enc[0])
    n = int.from_bytes(content[1:4], "big")
    ee = parse_handshake(content[: 4 + n], version=V13)
    assert isinstance(ee, EncryptedExtensions)
    return ee




@pytest.mark.parametrize(("name", "acked"), [("server.test", True), (None, False),
                                             ("127.0.0.1", False)])
def test_tls13_acknowledges_the_name(name: str | None, acked: bool) -> None:
    c, s = configs("p256", client={"key_log": True, "check_name": name == "server.test"})
    p = handshake(c, s, server_name=name)
    assert p.client.established and p.server.established
    sni = find_extension(_encrypted_extensions(p).extensions, ServerName)
    assert (sni is not None) == acked
    if sni is not None:
        assert sni.host_name is None
    assert p.server.info is not None and p.server.info.server_name == (name if acked else None)


@pytest.mark.parametrize(("name", "acked"), [("server.test", True), (None, False)])
def test_tls12_acknowledges_the_name_in_full_handshakes(name: str | None, acked: bool) -> None:
    c, s = configs("p256", client={"versions": (V12,), "check_name": name is not None},
                   server={"ticket_keys": (KEY,)})
    p = handshake(c, s, server_name=name)
    sni = find_extension(server_hello12(p).extensions, ServerName)
    assert (sni is not None) == acked
    (t,) = [e.ticket for e in p.client_events if isinstance(e, NewSessionTicket)]
    # Not when resuming (RFC 6066 3).
    cst, out = engine.client(c, name, ticket=t)
    r = engine.handle_tls(engine.server(s), out)
    rc = engine.handle_tls(cst, r.out)
    assert rc.state.established and rc.state.info is not None and rc.state.info.resumed
    n = int.from_bytes(r.out[6:9], "big")
    sh = parse_handshake(r.out[5:9 + n], version=V12)
    assert isinstance(sh, ServerHello) and find_extension(sh.extensions, ServerName) is None


def test_client_refuses_a_non_empty_server_name() -> None:
    c, s = configs("p256", client={"versions": (V12,)})
    cst, out = engine.client(c, "server.test")
    r = engine.handle_tls(engine.server(s), out)
    n = int.from_bytes(r.out[6:9], "big")
    sh = parse_handshake(r.out[5:9 + n], version=V12)
    assert isinstance(sh, ServerHello)
    bad = replace(sh, extensions=tuple(ServerName(b"server.test") if isinstance(e, ServerName)
                                       else e for e in sh.extensions))
    raw = assemble_handshake(bad)
    _failed_with(engine.handle_tls(cst, bytes((22, 3, 3)) + len(raw).to_bytes(2, "big") + raw),
                 AlertDescription.ILLEGAL_PARAMETER)


def _ticket(c: Config, s: Config, name: str | None = "server.test") -> Ticket:
    p = handshake(c, s, server_name=name)
    tickets = [e.ticket for e in p.client_events if isinstance(e, NewSessionTicket)]
    assert tickets
    return tickets[0]


@pytest.mark.parametrize("version", [V13, V12])
def test_resumption_only_under_the_same_name(version: ProtocolVersion) -> None:
    c, s = configs("p256", client={"versions": (version,), "check_name": False},
                   server={"ticket_keys": (KEY,)})
    t = _ticket(c, s)
    # Same name: resumed.
    p = _resume(c, s, t, "server.test")
    assert p.client.info is not None and p.client.info.resumed
    # The client does not offer a ticket made for another name ...
    cst, _ = engine.client(c, "other.test", ticket=t)
    assert isinstance(cst.hs, ClientWaitServerHello)
    assert cst.hs.ticket is None and cst.hs.ticket12 is None
    assert find_extension(cst.hs.hello.extensions, PreSharedKeyClientHello) is None
    # ... and the server does not resume one offered under another name.
    p = _resume(c, s, replace(t, server_name="other.test"), "other.test")
    assert p.client.established and p.server.established
    assert p.client.info is not None and not p.client.info.resumed
    assert p.server.info is not None and not p.server.info.resumed
    # No name at all is a name too.
    t0 = _ticket(c, s, None)
    assert not _resume(c, s, replace(t0, server_name="server.test"),
                       "server.test").client.info.resumed  # type: ignore[union-attr]
    assert _resume(c, s, t0, None).client.info.resumed  # type: ignore[union-attr]


def _resume(c: Config, s: Config, t: Ticket, name: str | None) -> Pair:
    cst, out = engine.client(c, name, ticket=t)
    p = drive(cst, out, engine.server(s))
    assert p.client.established and p.server.established
    return p


@pytest.mark.parametrize(("version", "kind", "suites"), [
    (V13, "p256", None), (V12, "p256", None), (V12, "rsa", None),
    (V12, "rsa", (CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,)),
])
def test_certificate_chosen_by_name(version: ProtocolVersion, kind: str,
                                    suites: tuple[CipherSuite, ...] | None) -> None:
    """Several chains: the one whose leaf matches the SNI, else the first."""
    main, other = pki(kind), pki(kind, ("other.test",))
    extra = {"cipher_suites": suites} if suites else {}
    for name, want in (("other.test", other), ("server.test", main), (None, main)):
        c = Config(versions=(version,), trust_anchors=(want.anchor,), clock=lambda: NOW_TS,
                   check_name=name is not None, **extra)  # type: ignore[arg-type]
        s = Config(certificates=(main.key, other.key), clock=lambda: NOW_TS,
                   **extra)  # type: ignore[arg-type]
        p = handshake(c, s, server_name=name)
        assert p.client.established, p.client_events
        assert p.client.info is not None
        assert p.client.info.peer_certificates == want.key.chain


def _stdlib_ip(name: str) -> object:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


@given(st.one_of(
    st.text(alphabet="0123456789.:abcdefABCDEF%xz-", max_size=45),
    st.ip_addresses().map(str),
    st.from_regex(r"[a-z0-9-]{1,12}(\.[a-z0-9-]{1,12}){0,3}", fullmatch=True),
))
def test_ip_literal_agrees_with_ipaddress(name: str) -> None:
    # Names that are IP literals are not sent as server_name (RFC 6066 3)
    # and are checked against iPAddress SANs; the quick pre-check must not
    # change which names those are.
    assert ip_literal(name) == _stdlib_ip(name)
