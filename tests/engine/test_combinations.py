"""Hypothesis picks suite, group (with or without HelloRetryRequest),
certificate type, client authentication, ALPN, resumption and key updates;
every combination completes, agrees on what was negotiated and on exported
keys, and moves data both ways."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.certs import KINDS, pki
from tests.engine.helpers import configs, handshake
from tlspy import engine
from tlspy.core.enums import CipherSuite, NamedGroup

SUITES = list(CipherSuite)[:3]
GROUPS = [NamedGroup.X25519, NamedGroup.SECP256R1, NamedGroup.SECP384R1]


def _pump(a: engine.State, b: engine.State, data: bytes) -> tuple[engine.State, engine.State,
                                                                    bytes]:
    a, out = engine.send_application_data(a, data)
    r = engine.handle_tls(b, out)
    assert not r.state.failed, r.events
    return a, r.state, r.data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    suite=st.sampled_from(SUITES),
    client_groups=st.permutations(GROUPS),
    server_group=st.sampled_from(GROUPS),
    kind=st.sampled_from(KINDS),
    client_kind=st.one_of(st.none(), st.sampled_from(KINDS)),
    alpn=st.booleans(),
    resume=st.booleans(),
    key_updates=st.lists(st.tuples(st.booleans(), st.booleans()), max_size=3),
)
def test_combinations(suite: CipherSuite, client_groups: list[NamedGroup],
                      server_group: NamedGroup, kind: str, client_kind: str | None,
                      alpn: bool, resume: bool, key_updates: list[tuple[bool, bool]]) -> None:
    client: dict[str, object] = {"cipher_suites": (suite,), "groups": tuple(client_groups)}
    server: dict[str, object] = {"groups": (server_group,), "ticket_keys": (bytes(32),)}
    if alpn:
        client["alpn_protocols"] = (b"h2", b"http/1.1")
        server["alpn_protocols"] = (b"http/1.1",)
    if client_kind is not None:
        cp = pki(client_kind, ("client.test",), "client")
        client["certificates"] = (cp.key,)
        server["client_auth"] = "required"
        server["trust_anchors"] = (cp.anchor,)
    ccfg, scfg = configs(kind, client=client, server=server)
    p = handshake(ccfg, scfg)
    assert p.client.established and p.server.established, (p.client_events, p.server_events)
    retried = client_groups[0] != server_group
    assert len(p.wire) == (5 if retried else 3) + 1  # + the ticket flight
    c, s = p.client, p.server
    if resume:
        [ticket] = [e.ticket for e in p.client_events if isinstance(e, engine.NewSessionTicket)]
        c, out = engine.client(replace(ccfg, groups=(server_group,)), "server.test", ticket)
        r = engine.handle_tls(engine.server(scfg), out)
        rc = engine.handle_tls(c, r.out)
        rs = engine.handle_tls(r.state, rc.out)
        c, s = engine.handle_tls(rc.state, rs.out).state, rs.state  # (new tickets)
        assert c.info is not None and c.info.resumed
    ci, si = c.info, s.info
    assert ci is not None and si is not None
    assert (ci.cipher_suite, ci.group, ci.alpn) == (si.cipher_suite, si.group, si.alpn)
    assert ci.cipher_suite == suite and ci.group == server_group
    assert ci.alpn == (b"http/1.1" if alpn else None)
    if client_kind is not None and not resume:
        assert si.peer_certificates == pki(client_kind, ("client.test",), "client").key.chain
    assert engine.export_keying_material(c, b"test", b"ctx", 32) == (
        engine.export_keying_material(s, b"test", b"ctx", 32))
    for from_client, request in key_updates:
        a, b = (c, s) if from_client else (s, c)
        a, out = engine.send_key_update(a, request_peer=request)
        r = engine.handle_tls(b, out)
        b = r.state
        if r.out:
            a = engine.handle_tls(a, r.out).state
        c, s = (a, b) if from_client else (b, a)
        c, s, got = _pump(c, s, b"to server")
        assert got == b"to server"
        s, c, got = _pump(s, c, b"to client")
        assert got == b"to client"
    c, s, got = _pump(c, s, b"x" * 40000)
    assert got == b"x" * 40000
