"""TLS 1.3 session tickets and PSK (psk_dhe_ke) resumption: binders, ticket
age, key rotation, expiry, HRR with a PSK, tampered binders and tickets."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.engine.certs import NOW_TS
from tests.engine.helpers import configs, handshake
from tlspy import engine
from tlspy.core.enums import AlertDescription, CipherSuite, NamedGroup
from tlspy.engine import HandshakeComplete, NewSessionTicket, Ticket

A = AlertDescription
KEY1, KEY2 = bytes(range(32)), bytes(range(1, 33))


def _first(server: dict | None = None, client: dict | None = None) -> tuple[
        engine.Config, engine.Config, list[Ticket]]:
    ccfg, scfg = configs(client=client, server={"ticket_keys": (KEY1,), "tickets": 2,
                                                **(server or {})})
    p = handshake(ccfg, scfg)
    tickets = [e.ticket for e in p.client_events if isinstance(e, NewSessionTicket)]
    return ccfg, scfg, tickets


def _resume(ccfg: engine.Config, scfg: engine.Config, ticket: Ticket,
            server_name: str = "server.test"):  # type: ignore[no-untyped-def]
    c, out = engine.client(ccfg, server_name, ticket=ticket)
    s = engine.server(scfg)
    wire = [out]
    r = engine.handle_tls(s, out)
    s, to_c = r.state, r.out
    while to_c:
        wire.append(to_c)
        rc = engine.handle_tls(c, to_c)
        c = rc.state
        if not rc.out:
            break
        wire.append(rc.out)
        r = engine.handle_tls(s, rc.out)
        s, to_c = r.state, r.out
    return c, s, wire


def test_tickets_issued_and_resumed() -> None:
    ccfg, scfg, tickets = _first()
    assert len(tickets) == 2 and tickets[0].identity != tickets[1].identity
    assert tickets[0].psk != tickets[1].psk
    for t in tickets:
        c, s, wire = _resume(ccfg, scfg, t)
        assert c.established and s.established
        assert c.info is not None and s.info is not None
        assert c.info.resumed and s.info.resumed
        assert c.info.peer_certificates == t.peer_certificates
        assert len(wire[1]) < 400  # no Certificate/CertificateVerify
        c, out = engine.send_application_data(c, b"resumed")
        assert engine.handle_tls(s, out).data == b"resumed"


@pytest.mark.parametrize(("configured", "issued"), [(2, 1), (1, 1), (0, 0)])
def test_resumed_session_issues_one_new_ticket(configured: int, issued: int) -> None:
    """After a resumption one ticket replaces the one the client spent,
    whatever the full-handshake count (OpenSSL's rule); none when off."""
    ccfg, scfg, tickets = _first()
    c, out = engine.client(ccfg, "server.test", ticket=tickets[0])
    s = engine.server(replace(scfg, tickets=configured))
    r = engine.handle_tls(s, out)
    rc = engine.handle_tls(c, r.out)
    r2 = engine.handle_tls(r.state, rc.out)
    assert r2.state.info is not None and r2.state.info.resumed
    got = engine.handle_tls(rc.state, r2.out)
    new = [e.ticket for e in got.events if isinstance(e, NewSessionTicket)]
    assert len(new) == issued
    if new:  # and it resumes in turn
        assert _resume(ccfg, scfg, new[0])[1].info.resumed


def test_key_rotation() -> None:
    ccfg, scfg, tickets = _first()
    rotated = replace(scfg, ticket_keys=(KEY2, KEY1))
    _, s, _ = _resume(ccfg, rotated, tickets[0])
    assert s.info is not None and s.info.resumed
    dropped = replace(scfg, ticket_keys=(KEY2,))
    _c, s, _ = _resume(ccfg, dropped, tickets[0])
    assert s.established and s.info is not None and not s.info.resumed


def test_expired_ticket_not_offered_or_not_accepted() -> None:
    ccfg, scfg, tickets = _first(server={"ticket_lifetime": 60})
    later = NOW_TS + 120
    late_client = replace(ccfg, clock=lambda: later)
    c, _out = engine.client(late_client, "server.test", ticket=tickets[0])
    assert c.hs.ticket is None  # type: ignore[union-attr]
    assert not any(e.extension_type == 41 for e in c.hs.hello.extensions)  # type: ignore[union-attr]
    # A client with a slow clock still offers it; the server refuses it.
    late_server = replace(scfg, clock=lambda: later)
    c, s, _ = _resume(ccfg, late_server, tickets[0])
    assert s.established and s.info is not None and not s.info.resumed


def test_server_without_ticket_keys_does_full_handshake() -> None:
    ccfg, scfg, tickets = _first()
    c, _s, _ = _resume(ccfg, replace(scfg, ticket_keys=()), tickets[0])
    assert c.established and c.info is not None and not c.info.resumed


def test_resumption_with_hello_retry() -> None:
    ccfg, scfg, tickets = _first()
    ccfg = replace(ccfg, groups=(NamedGroup.X25519, NamedGroup.SECP256R1))
    scfg = replace(scfg, groups=(NamedGroup.SECP256R1,))
    _c, s, wire = _resume(ccfg, scfg, tickets[0])
    assert len(wire) == 6  # CH1, HRR, CH2, server flight, Finished, tickets
    assert s.info is not None and s.info.resumed and s.info.group == NamedGroup.SECP256R1


def test_suite_of_other_hash_falls_back() -> None:
    ccfg, _scfg, tickets = _first()
    other = replace(ccfg, cipher_suites=(CipherSuite.TLS_AES_256_GCM_SHA384,))
    c, _ = engine.client(other, "server.test", ticket=tickets[0])
    assert c.hs.ticket is None  # type: ignore[union-attr]


def test_bad_binder_is_decrypt_error() -> None:
    ccfg, scfg, tickets = _first()
    forged = replace(tickets[0], psk=bytes(32))
    _c, s, _ = _resume(ccfg, scfg, forged)
    assert s.failed and s.hs.alert == A.DECRYPT_ERROR  # type: ignore[union-attr]


@pytest.mark.parametrize("flip", [0, 5, 20, -1])
def test_tampered_ticket_falls_back(flip: int) -> None:
    ccfg, scfg, tickets = _first()
    ident = bytearray(tickets[0].identity)
    ident[flip] ^= 1
    c, s, _ = _resume(ccfg, scfg, replace(tickets[0], identity=bytes(ident)))
    assert c.established and s.info is not None and not s.info.resumed


def test_resumption_is_deterministic() -> None:
    runs = []
    for _ in range(2):
        ccfg, scfg, tickets = _first()
        runs.append(_resume(ccfg, scfg, tickets[0])[2])
    assert runs[0] == runs[1]
    done = [e for e in engine.handle_tls(engine.server(configs()[1]), runs[0][0]).events
            if isinstance(e, HandshakeComplete)]
    assert done == []
