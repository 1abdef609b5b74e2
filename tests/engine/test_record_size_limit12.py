"""record_size_limit (RFC 8449) under TLS 1.2: the limit counts plaintext
bytes (no inner content type) and is at most 2^14; each side's protected
records obey the limit the other announced, both ways, in full and
abbreviated handshakes; a peer ignoring ours gets record_overflow."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.engine.helpers import Pair, configs, handshake, server_hello12
from tlspy import engine
from tlspy.core.enums import AlertDescription, CipherSuite, ProtocolVersion
from tlspy.core.messages import ClientHello, RecordSizeLimit, find_extension
from tlspy.core.record import parse_records
from tlspy.engine import NewSessionTicket
from tlspy.engine.state import ClientWaitServerHello

V12 = ProtocolVersion.TLS_1_2
CS = CipherSuite
# Record overhead beyond the plaintext: GCM explicit nonce + tag; ChaCha20 tag;
# CBC depends on padding (checked as an upper bound).
OVERHEAD = {CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 24,
            CS.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 16}


def _lengths(wire: bytes) -> list[int]:
    records, rest = parse_records(wire, 1 << 15)
    assert not rest
    return [len(r.fragment) for r in records]


def _pair(client_limit: int | None, server_limit: int | None, **extra: object) -> Pair:
    c, s = configs("p256", client={"versions": (V12,), "record_size_limit": client_limit,
                                   **extra},
                   server={"record_size_limit": server_limit, **extra})
    p = handshake(c, s)
    assert p.client.established and p.server.established
    return p




@pytest.mark.parametrize("suite", list(OVERHEAD))
def test_limits_both_ways(suite: CipherSuite) -> None:
    p = _pair(100, 300, cipher_suites=(suite,))
    ack = find_extension(server_hello12(p).extensions, RecordSizeLimit)
    assert ack is not None and ack.limit == 300
    extra = OVERHEAD[suite]
    _, out = engine.send_application_data(p.client, b"c" * 1000)
    assert max(_lengths(out)) == 300 + extra
    r = engine.handle_tls(p.server, out)
    assert r.data == b"c" * 1000
    _, out = engine.send_application_data(p.server, b"s" * 1000)
    assert max(_lengths(out)) == 100 + extra
    assert engine.handle_tls(p.client, out).data == b"s" * 1000
    # The server's Finished is protected and already obeys the limit.
    assert max(_lengths(p.wire[-1][1])) <= 100 + extra


def test_peer_ignoring_our_limit_gets_record_overflow() -> None:
    p = _pair(100, None)
    rogue = replace(p.server, send_limit=1 << 14)
    _, out = engine.send_application_data(rogue, b"x" * 101)
    r = engine.handle_tls(p.client, out)
    assert r.state.failed
    assert r.state.hs.alert == AlertDescription.RECORD_OVERFLOW  # type: ignore[union-attr]
    # 100 bytes are fine.
    _, out = engine.send_application_data(rogue, b"x" * 100)
    assert engine.handle_tls(p.client, out).data == b"x" * 100


def test_only_the_client_limits() -> None:
    p = _pair(1000, None)
    ack = find_extension(server_hello12(p).extensions, RecordSizeLimit)
    assert ack is not None and ack.limit == 1 << 14  # the TLS 1.2 maximum
    _, out = engine.send_application_data(p.server, b"x" * 5000)
    assert max(_lengths(out)) == 1000 + 24
    _, out = engine.send_application_data(p.client, b"x" * 20000)
    assert max(_lengths(out)) == (1 << 14) + 24


def test_no_extension_no_limit() -> None:
    p = _pair(None, 300)
    assert find_extension(server_hello12(p).extensions, RecordSizeLimit) is None
    _, out = engine.send_application_data(p.client, b"x" * 20000)
    assert max(_lengths(out)) == (1 << 14) + 24


def test_tls12_only_client_offers_at_most_2_14() -> None:
    c, _ = configs("p256", client={"versions": (V12,), "record_size_limit": 16385})
    st, _ = engine.client(c, "server.test")
    assert isinstance(st.hs, ClientWaitServerHello)
    hello: ClientHello = st.hs.hello
    ext = find_extension(hello.extensions, RecordSizeLimit)
    assert ext is not None and ext.limit == 1 << 14


def test_dual_version_client_limit_applies_in_tls12() -> None:
    """A client offering both versions sends its TLS 1.3 value (counting the
    content type); a TLS 1.2 server reads it as plaintext bytes."""
    c, s = configs("p256", client={"record_size_limit": 200},
                   server={"versions": (V12,), "record_size_limit": 500})
    p = handshake(c, s)
    assert p.client.info is not None and p.client.info.version == V12
    _, out = engine.send_application_data(p.server, b"x" * 1000)
    assert max(_lengths(out)) == 200 + 24
    _, out = engine.send_application_data(p.client, b"x" * 1000)
    assert max(_lengths(out)) == 500 + 24


def test_limit_in_an_abbreviated_handshake() -> None:
    c, s = configs("p256", client={"versions": (V12,), "record_size_limit": 128},
                   server={"ticket_keys": (bytes(32),), "record_size_limit": 256})
    p = handshake(c, s)
    (t,) = [e.ticket for e in p.client_events if isinstance(e, NewSessionTicket)]
    cst, out = engine.client(c, "server.test", ticket=t)
    r = engine.handle_tls(engine.server(s), out)
    r2 = engine.handle_tls(cst, r.out)
    r3 = engine.handle_tls(r.state, r2.out)
    assert r2.state.info is not None and r2.state.info.resumed and r3.state.established
    _, out = engine.send_application_data(r3.state, b"x" * 1000)
    assert max(_lengths(out)) == 128 + 24
    _, out = engine.send_application_data(r2.state, b"x" * 1000)
    assert max(_lengths(out)) == 256 + 24
