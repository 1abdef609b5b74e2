"""TLS 1.2 session tickets (RFC 5077): the server issues a ticket in a full
handshake when the client offers session_ticket and ticket keys are
configured; the client resumes with it (abbreviated handshake); bad,
expired, foreign or TLS 1.3 tickets fall back to a full handshake."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.engine.certs import NOW_TS
from tests.engine.helpers import Pair, configs, drive
from tlspy import engine
from tlspy.core.enums import CipherSuite, ProtocolVersion
from tlspy.engine import Config, NewSessionTicket, Ticket
from tlspy.engine.state import Established12

V12 = ProtocolVersion.TLS_1_2
KEY = bytes(range(32))


def _tickets(p: Pair) -> list[Ticket]:
    return [e.ticket for e in p.client_events if isinstance(e, NewSessionTicket)]


def _connect(ccfg: Config, scfg: Config, ticket: Ticket | None = None) -> Pair:
    c, out = engine.client(ccfg, "server.test", ticket=ticket)
    return drive(c, out, engine.server(scfg))


def _first(kind: str = "p256", client: dict | None = None,
           server: dict | None = None) -> tuple[Config, Config, Ticket, Pair]:
    ccfg, scfg = configs(kind, client={"versions": (V12,), **(client or {})},
                         server={"ticket_keys": (KEY,), **(server or {})})
    p = _connect(ccfg, scfg)
    assert p.client.established and p.server.established
    assert p.client.info is not None and not p.client.info.resumed
    (t,) = _tickets(p)
    return ccfg, scfg, t, p


@pytest.mark.parametrize("kind", ["p256", "rsa"])
def test_ticket_resumption(kind: str) -> None:
    ccfg, scfg, t, first = _first(kind)
    assert t.cipher_suite == first.client.info.cipher_suite  # type: ignore[union-attr]
    p = _connect(ccfg, scfg, t)
    assert p.client.established and p.server.established
    ci, si = p.client.info, p.server.info
    assert ci is not None and si is not None and ci.resumed and si.resumed
    assert ci.version == V12 and ci.peer_certificates == first.client.info.peer_certificates  # type: ignore[union-attr]
    # Abbreviated: the server's single flight is ServerHello, NewSessionTicket,
    # ChangeCipherSpec, Finished; the client answers with CCS + Finished.
    assert len(p.wire) == 3
    assert isinstance(p.client.hs, Established12)
    assert len(_tickets(p)) == 1  # a fresh ticket each time
    _, out = engine.send_application_data(p.client, b"resumed")
    assert engine.handle_tls(p.server, out).data == b"resumed"
    _, out = engine.send_application_data(p.server, b"back")
    assert engine.handle_tls(p.client, out).data == b"back"
    k = engine.export_keying_material(p.client, b"EXPORTER-x", b"", 16)
    assert k == engine.export_keying_material(p.server, b"EXPORTER-x", b"", 16)
    assert k != engine.export_keying_material(first.client, b"EXPORTER-x", b"", 16)


def test_resumption_from_a_tls13_and_tls12_client() -> None:
    # The client config offers both versions; the 1.2 ticket is offered in
    # the 1.2 part of the hello and the TLS 1.2-only server resumes.
    ccfg, scfg = configs("p256", server={"ticket_keys": (KEY,), "versions": (V12,)})
    first = _connect(ccfg, scfg)
    (t,) = _tickets(first)
    p = _connect(ccfg, scfg, t)
    assert p.client.info is not None and p.client.info.resumed
    assert p.client.info.version == V12


def test_no_ticket_without_keys() -> None:
    ccfg, scfg = configs("p256", client={"versions": (V12,)})
    p = _connect(ccfg, scfg)
    assert p.client.established and not _tickets(p)


@pytest.mark.parametrize("change", ["key", "expired", "garbled", "suite"])
def test_unusable_ticket_means_full_handshake(change: str) -> None:
    ccfg, scfg, t, _ = _first()
    if change == "key":
        scfg = replace(scfg, ticket_keys=(bytes(32),))
    elif change == "expired":
        scfg = replace(scfg, clock=lambda: NOW_TS + 7201)
    elif change == "garbled":
        t = replace(t, identity=t.identity[:-1] + bytes([t.identity[-1] ^ 1]))
    else:
        scfg = replace(scfg, cipher_suites=(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,))
    p = _connect(ccfg, scfg, t)
    assert p.client.established and p.server.established
    assert p.client.info is not None and not p.client.info.resumed
    assert p.server.info is not None and not p.server.info.resumed


def test_wrong_master_secret_fails_cleanly() -> None:
    ccfg, scfg, t, _ = _first()
    t = replace(t, psk=bytes(48))
    p = _connect(ccfg, scfg, t)
    assert p.client.failed or p.server.failed
    assert not p.client.established


def test_tls13_ticket_not_accepted_as_tls12() -> None:
    # A TLS 1.3 ticket handed to a TLS 1.2-only client is not offered.
    ccfg, scfg = configs("p256", server={"ticket_keys": (KEY,)})
    first = _connect(ccfg, scfg)
    t13 = _tickets(first)[0]
    assert t13.cipher_suite in (CipherSuite.TLS_AES_128_GCM_SHA256,
                                CipherSuite.TLS_AES_256_GCM_SHA384,
                                CipherSuite.TLS_CHACHA20_POLY1305_SHA256)
    c12 = replace(ccfg, versions=(V12,))
    p = _connect(c12, scfg, t13)
    assert p.client.established and p.client.info is not None
    assert not p.client.info.resumed and p.client.info.version == V12


def test_tls12_ticket_not_usable_as_tls13_psk() -> None:
    ccfg, scfg, t12, _ = _first()
    from tlspy.engine.tickets import TicketKey, open_ticket

    assert open_ticket((TicketKey.load(KEY),), t12.identity) is not None
    # Forge a TLS 1.3 offer carrying the TLS 1.2 ticket: the 1.3 server
    # ignores it and runs a full handshake.
    t13 = replace(t12, cipher_suite=CipherSuite.TLS_AES_128_GCM_SHA256, psk=bytes(32))
    c13 = replace(ccfg, versions=(ProtocolVersion.TLS_1_3,))
    p = _connect(c13, scfg, t13)
    assert p.server.established and p.server.info is not None
    assert not p.server.info.resumed
