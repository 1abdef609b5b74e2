"""The first ClientHello: what it offers and in which order (server_name
first, pre_shared_key last, RFC 8446 4.2.11), with the parts a Config puts
in every hello made once for it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.engine.helpers import configs, handshake, plaintext_messages
from tlspy import engine
from tlspy.core.enums import CipherSuite, ExtensionType, ProtocolVersion
from tlspy.core.messages import ClientHello, SupportedVersionsClientHello
from tlspy.core.reader import parse_handshake
from tlspy.engine import NewSessionTicket
from tlspy.engine.config import DEFAULT_SUITES_12, DEFAULT_SUITES_13
from tlspy.engine.state import ClientWaitServerHello
from tlspy.engine.tickets import Ticket

E = ExtensionType
V12, V13 = ProtocolVersion.TLS_1_2, ProtocolVersion.TLS_1_3
HEAD = [E.SERVER_NAME, E.SUPPORTED_GROUPS, E.SIGNATURE_ALGORITHMS,
        E.APPLICATION_LAYER_PROTOCOL_NEGOTIATION, E.KEY_SHARE, E.SUPPORTED_VERSIONS,
        E.RECORD_SIZE_LIMIT]
TLS12 = [E.EXTENDED_MASTER_SECRET, E.RENEGOTIATION_INFO, E.EC_POINT_FORMATS, E.SESSION_TICKET,
         E.ENCRYPT_THEN_MAC]


@pytest.fixture(scope="module")
def ticket() -> Ticket:
    ccfg, scfg = configs(server={"ticket_keys": (bytes(32),)})
    p = handshake(ccfg, scfg)
    return next(e.ticket for e in p.client_events if isinstance(e, NewSessionTicket))


def _hello(cfg: engine.Config, name: str | None = "server.test",
           ticket: Ticket | None = None) -> ClientHello:
    st, out = engine.client(cfg, name, ticket=ticket)
    (raw,) = plaintext_messages(out)
    hello = parse_handshake(raw, version=V13)
    assert isinstance(hello, ClientHello) and isinstance(st.hs, ClientWaitServerHello)
    assert st.hs.hello.extensions == hello.extensions  # what is on the wire is what we keep
    return hello


@pytest.mark.parametrize("resume", [False, True])
@pytest.mark.parametrize("versions", [(V13, V12), (V13,)])
def test_layout(versions: tuple[ProtocolVersion, ...], resume: bool, ticket: Ticket) -> None:
    cfg = replace(configs(client={"alpn_protocols": (b"h2",), "record_size_limit": 4000,
                                  "fallback_scsv": True})[0], versions=versions)
    hello = _hello(cfg, ticket=ticket if resume else None)
    both = V12 in versions
    want = HEAD + ([E.PSK_KEY_EXCHANGE_MODES] if resume else []) + (TLS12 if both else []) + (
        [E.PRE_SHARED_KEY] if resume else [])
    assert [e.extension_type for e in hello.extensions] == want
    suites = list(DEFAULT_SUITES_13) + (list(DEFAULT_SUITES_12) if both else [])
    assert list(hello.cipher_suites) == [*suites, CipherSuite.TLS_FALLBACK_SCSV]
    sv = hello.find(SupportedVersionsClientHello)
    assert sv is not None and tuple(sv.versions) == ((V13, V12) if both else (V13,))


def test_per_connection_parts() -> None:
    """Two connections of one Config share the constant extensions and
    differ in random, session id and key share; an IP literal is not sent
    as server_name (RFC 6066 3)."""
    cfg = configs()[0]
    a, b = _hello(cfg), _hello(cfg, "127.0.0.1")
    st1, _ = engine.client(cfg, "server.test")
    st2, _ = engine.client(cfg, "server.test")
    h1, h2 = st1.hs.hello, st2.hs.hello  # type: ignore[attr-defined]
    assert h1.extensions[1] is h2.extensions[1] and h1.extensions[-1] is h2.extensions[-1]
    assert h1.random != h2.random and h1.legacy_session_id != h2.legacy_session_id
    assert h1.extensions[3] != h2.extensions[3]  # key_share
    assert [e.extension_type for e in b.extensions] == [e.extension_type
                                                       for e in a.extensions][1:]
    assert _hello(replace(cfg, middlebox_compat=False)).legacy_session_id == b""
