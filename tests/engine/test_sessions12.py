"""TLS 1.2 session-ID resumption (RFC 5246 7.4.1.2) with the server's cache
handed in through Config.session_cache; the bounded LRU SessionCache; EMS
and SNI must match on resumption (RFC 7627 5.3, RFC 6066 3); tickets and
session IDs together (RFC 5077 3.4)."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from tests.engine.certs import NOW_TS, pki
from tests.engine.helpers import Pair, configs, drive, server_hello12
from tests.engine.test_handshake12 import _exchange
from tlspy import engine
from tlspy.core.enums import CipherSuite, ProtocolVersion
from tlspy.engine import Config, NewSessionTicket, Session12, SessionCache, Ticket
from tlspy.engine._records import seal

V12 = ProtocolVersion.TLS_1_2
CS = CipherSuite
KEY = bytes(range(32))


def _run(c: engine.State, out: bytes, s: engine.State) -> Pair:
    p = drive(c, out, s)
    assert p.client.established and p.server.established, (p.client_events, p.server_events)
    return p


def _connect(ccfg: Config, scfg: Config, session: Ticket | None = None,
             name: str | None = "server.test") -> Pair:
    c, out = engine.client(ccfg, name, session=session)
    return _run(c, out, engine.server(scfg))


def _sessions(p: Pair) -> list[Ticket]:
    return [e.ticket for e in p.client_events if isinstance(e, NewSessionTicket)]




def _setup(client: dict | None = None, server: dict | None = None,
           cache: SessionCache | None = None) -> tuple[Config, Config, SessionCache]:
    cache = cache or SessionCache(clock=lambda: NOW_TS)
    ccfg, scfg = configs("p256", client={"versions": (V12,), **(client or {})},
                         server={"session_cache": cache, **(server or {})})
    return ccfg, scfg, cache


def _resumed(p: Pair) -> bool:
    ci, si = p.client.info, p.server.info
    assert ci is not None and si is not None and ci.resumed == si.resumed
    return ci.resumed


def test_full_handshake_issues_a_session_id_and_resumes_by_it() -> None:
    ccfg, scfg, cache = _setup()
    p = _connect(ccfg, scfg)
    sid = server_hello12(p).legacy_session_id_echo
    assert len(sid) == 32 and len(cache) == 1 and cache.get(sid) is not None
    (t,) = _sessions(p)
    assert t.identity == b"" and t.session_id == sid and t.cipher_suite in CS
    assert not _resumed(p)
    p2 = _connect(ccfg, scfg, t)
    assert _resumed(p2)
    assert server_hello12(p2).legacy_session_id_echo == sid
    assert [who for who, _ in p2.wire] == ["c", "s", "c"]  # abbreviated
    assert not _sessions(p2)  # the same session goes on
    assert p2.client.info is not None
    assert p2.client.info.peer_certificates == p.client.info.peer_certificates  # type: ignore
    _exchange(p2)
    # And again with the same session.
    assert _resumed(_connect(ccfg, scfg, t))


def test_no_cache_no_session_id() -> None:
    ccfg, scfg = configs("p256", client={"versions": (V12,)})
    p = _connect(ccfg, scfg)
    assert server_hello12(p).legacy_session_id_echo == b""
    assert not _sessions(p)


@pytest.mark.parametrize("change", ["unknown id", "expired", "suite", "server name",
                                    "no ems in the session", "cache dropped it"])
def test_full_handshake_instead(change: str) -> None:
    ccfg, scfg, cache = _setup()
    (t,) = _sessions(_connect(ccfg, scfg))
    name = "server.test"
    if change == "unknown id":
        t = replace(t, session_id=bytes(32))
    elif change == "expired":
        scfg = replace(scfg, clock=lambda: NOW_TS + scfg.ticket_lifetime + 1)
    elif change == "suite":
        ccfg = replace(ccfg, cipher_suites=tuple(
            s for s in ccfg.cipher_suites if s != t.cipher_suite))
    elif change == "server name":
        name = "other.test"  # the client offers it (same name in the Ticket)
        t = replace(t, server_name=name)
        ccfg = replace(ccfg, check_name=False)
    elif change == "no ems in the session":
        s = cache.get(t.session_id)
        assert s is not None
        cache.put(t.session_id, replace(s, extended_master_secret=False))
    elif change == "cache dropped it":
        cache.remove(t.session_id)
    p = _connect(ccfg, scfg, t, name)
    assert not _resumed(p)
    sid = server_hello12(p).legacy_session_id_echo
    assert len(sid) == 32 and sid != t.session_id
    _exchange(p)


def test_client_does_not_offer_a_session_for_another_name() -> None:
    ccfg, scfg, _ = _setup()
    (t,) = _sessions(_connect(ccfg, scfg))
    c, out = engine.client(replace(ccfg, check_name=False), "other.test", session=t)
    assert t.session_id not in out
    assert not _resumed(_run(c, out, engine.server(scfg)))


def test_ticket_and_session_id_together() -> None:
    ccfg, scfg, cache = _setup(server={"ticket_keys": (KEY,)})
    p = _connect(ccfg, scfg)
    (t,) = _sessions(p)
    sid = server_hello12(p).legacy_session_id_echo
    assert t.identity and t.session_id == sid and len(cache) == 1
    # The ticket is accepted and the client's session ID echoed.
    p2 = _connect(ccfg, scfg, t)
    assert _resumed(p2) and server_hello12(p2).legacy_session_id_echo == sid
    # A server that lost the ticket key still resumes by the session ID.
    p3 = _connect(ccfg, replace(scfg, ticket_keys=(bytes(32),)), t)
    assert _resumed(p3) and server_hello12(p3).legacy_session_id_echo == sid
    # A server that lost both does a full handshake.
    p4 = _connect(ccfg, replace(scfg, ticket_keys=(bytes(32),),
                                session_cache=SessionCache()), t)
    assert not _resumed(p4)


def test_client_certificate_survives_resumption() -> None:
    client_pki = pki("p256", ("client.test",), "client")
    ccfg, scfg, _ = _setup(client={"certificates": (client_pki.key,)},
                           server={"client_auth": "required",
                                   "trust_anchors": (client_pki.anchor,)})
    p = _connect(ccfg, scfg)
    (t,) = _sessions(p)
    p2 = _connect(ccfg, scfg, t)
    assert _resumed(p2)
    assert p2.server.info is not None
    assert p2.server.info.peer_certificates == (client_pki.key.chain[0],)


def test_dual_version_client_resumes_by_session_id() -> None:
    ccfg, scfg, _ = _setup(server={"versions": (V12,)})
    ccfg = replace(ccfg, versions=(ProtocolVersion.TLS_1_3, V12))
    (t,) = _sessions(_connect(ccfg, scfg))
    p = _connect(ccfg, scfg, t)
    assert _resumed(p) and p.client.info is not None and p.client.info.version == V12


# ------------------------------------------------------------ SessionCache


def _session(n: int) -> Session12:
    return Session12(CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, bytes([n]) * 48, 0.0, 100,
                     None)


def test_cache_is_a_bounded_lru() -> None:
    cache = SessionCache(max_size=3)
    for i in range(3):
        cache.put(bytes([i + 1]), _session(i))
    assert cache.get(b"\x01") == _session(0)  # 1 is now the most recent
    cache.put(b"\x04", _session(3))
    assert len(cache) == 3 and cache.get(b"\x02") is None
    assert cache.get(b"\x01") is not None and cache.get(b"\x04") is not None


def test_cache_lifetime() -> None:
    now = [1000.0]
    cache = SessionCache(lifetime=10, clock=lambda: now[0])
    cache.put(b"id", _session(1))
    now[0] += 10
    assert cache.get(b"id") is not None
    now[0] += 0.5
    assert cache.get(b"id") is None and len(cache) == 0


def test_cache_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        SessionCache(max_size=0)
    with pytest.raises(ValueError):
        SessionCache(lifetime=0)
    with pytest.raises(ValueError):
        SessionCache().put(b"", _session(0))
    with pytest.raises(ValueError):
        SessionCache().put(bytes(33), _session(0))


def test_cache_under_threads() -> None:
    cache = SessionCache(max_size=50)
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(300):
                sid = bytes([t, i % 256, i // 256])
                cache.put(sid, _session(i % 256))
                got = cache.get(sid)
                assert got is None or got.master == bytes([i % 256]) * 48
                assert len(cache) <= 50
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and len(cache) == 50


@pytest.mark.parametrize("how", ["bad record", "alert from the client", "bad resumed Finished"])
def test_fatal_alert_invalidates_the_session(how: str) -> None:
    """RFC 5246 7.2.2: a connection ended by a fatal alert is not resumed."""
    ccfg, scfg, cache = _setup()
    p = _connect(ccfg, scfg)
    (t,) = _sessions(p)
    assert cache.get(t.session_id) is not None
    if how == "bad record":
        _, out = engine.send_application_data(p.client, b"data")
        r = engine.handle_tls(p.server, out[:-1] + bytes([out[-1] ^ 1]))
        assert r.state.failed
    elif how == "alert from the client":
        _, out = seal(p.client, 21, b"\x02\x28")  # fatal handshake_failure
        r = engine.handle_tls(p.server, out)
        assert r.state.failed and not r.out
    else:
        c, out = engine.client(ccfg, "server.test", session=t)
        r = engine.handle_tls(engine.server(scfg), out)
        rc = engine.handle_tls(c, r.out)
        assert rc.state.established
        bad = rc.out[:-1] + bytes([rc.out[-1] ^ 1])
        assert engine.handle_tls(r.state, bad).state.failed
    assert cache.get(t.session_id) is None
    assert not _resumed(_connect(ccfg, scfg, t))


def test_a_cache_without_remove_is_left_alone() -> None:
    class GetPut:
        def __init__(self) -> None:
            self.d: dict[bytes, Session12] = {}

        def get(self, sid: bytes) -> Session12 | None:
            return self.d.get(sid)

        def put(self, sid: bytes, s: Session12) -> None:
            self.d[sid] = s

    store = GetPut()
    ccfg, scfg = configs("p256", client={"versions": (V12,)},
                         server={"session_cache": store})
    p = _connect(ccfg, scfg)
    (t,) = _sessions(p)
    _, out = engine.send_application_data(p.client, b"data")
    assert engine.handle_tls(p.server, out[:-1] + bytes([out[-1] ^ 1])).state.failed
    assert t.session_id in store.d
    assert _resumed(_connect(ccfg, scfg, t))
