"""Hostile peers against the newer paths: every flight of an RSA key
exchange, a session-ID resumption, a record_size_limit handshake and an
rsa_pss_pss server, mutated by hypothesis, fails with a fatal alert that is
not internal_error (or still succeeds), and nothing escapes handle_tls."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.certs import NOW_TS
from tests.engine.helpers import configs, handshake
from tests.engine.test_engine_properties import _assert_clean_failure, _mutate
from tests.engine.test_rsa_pss_pss import _own_ca, pss_leaf
from tlspy import engine
from tlspy.core.enums import CipherSuite, ProtocolVersion
from tlspy.engine import SessionCache, State

V12 = ProtocolVersion.TLS_1_2
CS = CipherSuite


def _flows(c: State, ch: bytes, s: State) -> list[tuple[State, bytes]]:
    """(state, the bytes it expects next) along a whole handshake."""
    out: list[tuple[State, bytes]] = [(s, ch)]
    to_server, to_client = ch, b""
    for _ in range(6):
        r = engine.handle_tls(s, to_server)
        s, to_client = r.state, r.out
        if not to_client:
            break
        out.append((c, to_client))
        rc = engine.handle_tls(c, to_client)
        c, to_server = rc.state, rc.out
        if not to_server:
            break
        out.append((s, to_server))
    assert c.established and s.established
    return out


@pytest.fixture(scope="module")
def flows() -> list[tuple[State, bytes]]:
    states: list[tuple[State, bytes]] = []
    # Plain RSA key exchange with a CBC suite, MAC-then-encrypt off (EtM).
    suites = (CS.TLS_RSA_WITH_AES_128_CBC_SHA, CS.TLS_RSA_WITH_AES_256_GCM_SHA384)
    for suite in suites:
        c, s = configs("rsa", client={"versions": (V12,), "cipher_suites": (suite,)},
                       server={"cipher_suites": suites})
        cst, ch = engine.client(c, "server.test")
        states += _flows(cst, ch, engine.server(s))
    # Session-ID resumption, with record_size_limit both ways.
    cache = SessionCache(clock=lambda: NOW_TS)
    c, s = configs("p256", client={"versions": (V12,), "record_size_limit": 256},
                   server={"session_cache": cache, "record_size_limit": 512})
    p = handshake(c, s)
    [session] = [e.ticket for e in p.client_events if isinstance(e, engine.NewSessionTicket)]
    cst, ch = engine.client(c, "server.test", session=session)
    states += _flows(cst, ch, engine.server(s))
    # An rsa_pss_pss certificate, TLS 1.3 and 1.2.
    ck, _ = pss_leaf()
    for versions in ((ProtocolVersion.TLS_1_3,), (V12,)):
        c, s = configs("rsa", client={"versions": versions, "trust_anchors": (_own_ca()[0],)},
                       server={"certificates": (ck,)})
        cst, ch = engine.client(c, "server.test")
        states += _flows(cst, ch, engine.server(s))
    return states


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), min_size=1,
                      max_size=4),
       which=st.integers(0, 1 << 10), cut=st.one_of(st.none(), st.integers(0, 1 << 16)))
def test_mutated_feature_flows_fail_cleanly(flows: list[tuple[State, bytes]],
                                            edits: list[tuple[int, int]], which: int,
                                            cut: int | None) -> None:
    state, data = flows[which % len(flows)]
    data = _mutate(data, edits)
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    _assert_clean_failure(engine.handle_tls(state, data))
