"""Determinism, chunking, hostile input and certificate failures."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.certs import NOW, pki
from tests.engine.helpers import Pair, configs, handshake
from tlspy import engine
from tlspy.core.enums import AlertDescription, ContentType, NamedGroup, ProtocolVersion
from tlspy.core.record import parse_records
from tlspy.engine import Alert, Result, State

A = AlertDescription


def _feed_chunks(state: State, data: bytes, cuts: list[int]) -> tuple[State, bytes, bytes]:
    out, app = b"", b""
    pos = 0
    for cut in [*sorted({c % (len(data) + 1) for c in cuts}), len(data)]:
        r = engine.handle_tls(state, data[pos:cut])
        state, out, app = r.state, out + r.out, app + r.data
        pos = cut
    return state, out, app


def _full_run(seed: bytes) -> Pair:
    p = handshake(*configs(seed=seed))
    c, out = engine.send_application_data(p.client, b"request")
    r = engine.handle_tls(p.server, out)
    s, out2 = engine.send_application_data(r.state, b"response" * 3000)
    r2 = engine.handle_tls(c, out2)
    p.wire += [("c", out), ("s", out2)]
    p.client, p.server = r2.state, s
    return p


def test_transcript_is_deterministic() -> None:
    a, b = _full_run(b"seed-a"), _full_run(b"seed-a")
    assert a.wire == b.wire
    c = _full_run(b"seed-b")
    assert c.wire[0] != a.wire[0]


def test_same_state_same_bytes_same_result() -> None:
    ccfg, scfg = configs()
    c, ch = engine.client(ccfg, "server.test")
    s = engine.server(scfg)
    r1 = engine.handle_tls(s, ch)
    r2 = engine.handle_tls(s, ch)
    assert r1.out == r2.out and r1.events == r2.events
    # The old state is untouched and still usable.
    assert isinstance(s.hs, engine.state.ServerWaitClientHello)
    a = engine.handle_tls(c, r1.out)
    b = engine.handle_tls(c, r1.out)
    assert a.out == b.out and a.events == b.events


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(cuts_s=st.lists(st.integers(0, 1 << 16), max_size=8),
       cuts_c=st.lists(st.integers(0, 1 << 16), max_size=8),
       cuts_d=st.lists(st.integers(0, 1 << 16), max_size=8))
def test_any_chunking_gives_the_same_result(cuts_s: list[int], cuts_c: list[int],
                                           cuts_d: list[int]) -> None:
    ref = _full_run(b"chunks")
    ccfg, scfg = configs(seed=b"chunks")
    c, ch = engine.client(ccfg, "server.test")
    assert ch == ref.wire[0][1]
    s, flight, _ = _feed_chunks(engine.server(scfg), ch, cuts_s)
    assert flight == ref.wire[1][1]
    c, fin, _ = _feed_chunks(c, flight, cuts_c)
    assert fin == ref.wire[2][1]
    s, out, _ = _feed_chunks(s, fin, cuts_d)
    assert s.established and out == b""
    c, req = engine.send_application_data(c, b"request")
    s, _, got = _feed_chunks(s, req, cuts_d)
    assert got == b"request"
    s, resp = engine.send_application_data(s, b"response" * 3000)
    c, _, got = _feed_chunks(c, resp, cuts_c)
    assert got == b"response" * 3000


def _assert_clean_failure(r: Result) -> None:
    """A failure carries a fatal alert that is not internal_error."""
    if r.state.failed:
        alerts = [e for e in r.events if isinstance(e, Alert)]
        assert alerts, r.events
        assert alerts[-1].description != A.INTERNAL_ERROR, alerts[-1].reason
        if alerts[-1].sent:
            assert r.out[:1] in (bytes([ContentType.ALERT]),
                                 bytes([ContentType.APPLICATION_DATA]))


@pytest.fixture(scope="module")
def reference() -> Pair:
    return handshake(*configs(seed=b"hostile"))


def _mutate(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    b = bytearray(data)
    for pos, val in edits:
        b[pos % len(b)] ^= val or 1
    return bytes(b)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow,
                                                    HealthCheck.function_scoped_fixture],
          deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), min_size=1,
                      max_size=4),
       which=st.integers(0, 2),
       cut=st.one_of(st.none(), st.integers(0, 1 << 16)))
def test_mutated_transcripts_fail_cleanly(reference: Pair, edits: list[tuple[int, int]],
                                          which: int, cut: int | None) -> None:
    ccfg, scfg = configs(seed=b"hostile")
    c, ch = engine.client(ccfg, "server.test")
    s = engine.server(scfg)
    flights = [d for _, d in reference.wire]
    data = _mutate(flights[which], edits)
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    if which == 0:
        r = engine.handle_tls(s, data)
    elif which == 1:
        r = engine.handle_tls(c, data)
    else:
        s = engine.handle_tls(s, ch).state
        r = engine.handle_tls(s, data)
    _assert_clean_failure(r)
    if r.state.established:
        # Only bytes the RFC says to ignore (legacy_record_version) were
        # touched: the handshake went exactly as the reference one.
        assert which != 1 or r.out == flights[2]


@settings(max_examples=40, deadline=None)
@given(junk=st.binary(max_size=300))
def test_random_bytes_fail_cleanly(junk: bytes) -> None:
    ccfg, scfg = configs(seed=b"junk")
    _assert_clean_failure(engine.handle_tls(engine.server(scfg), junk))
    c, _ = engine.client(ccfg, "server.test")
    _assert_clean_failure(engine.handle_tls(c, junk))
    _assert_clean_failure(engine.handle_tls(c, b"\x16\x03\x03" + len(junk).to_bytes(2, "big")
                                            + junk))


def _failed_with(r: Result, alert: AlertDescription) -> None:
    assert r.state.failed
    assert r.state.hs.alert == alert, r.events  # type: ignore[union-attr]
    # The alert is the last record (after what earlier records made us send).
    records, rest = parse_records(r.out, 1 << 15)
    assert records and not rest and records[-1].content_type in (0x15, 0x17)


def test_out_of_order_messages(reference: Pair) -> None:
    ccfg, scfg = configs(seed=b"hostile")
    c, ch = engine.client(ccfg, "server.test")
    s = engine.server(scfg)
    # A ServerHello (plaintext record) sent to a server.
    sh_record = reference.wire[1][1][: 5 + int.from_bytes(reference.wire[1][1][3:5], "big")]
    _failed_with(engine.handle_tls(s, sh_record), A.UNEXPECTED_MESSAGE)
    # A ClientHello sent to a client.
    _failed_with(engine.handle_tls(c, ch), A.UNEXPECTED_MESSAGE)
    # The server's flight twice: the second ServerHello is plaintext under keys.
    # The client's answer to the first flight goes out before the alert.
    r = engine.handle_tls(c, reference.wire[1][1] + reference.wire[1][1])
    _failed_with(r, A.UNEXPECTED_MESSAGE)
    answer = engine.handle_tls(c, reference.wire[1][1]).out
    assert r.out.startswith(answer) and len(r.out) > len(answer)
    # A second ClientHello after the first.
    s2 = engine.handle_tls(s, ch).state
    _failed_with(engine.handle_tls(s2, ch), A.UNEXPECTED_MESSAGE)
    # Application data before any keys.
    _failed_with(engine.handle_tls(s, b"\x17\x03\x03\x00\x01x"), A.UNEXPECTED_MESSAGE)
    # Change cipher spec before the ClientHello.
    _failed_with(engine.handle_tls(s, b"\x14\x03\x03\x00\x01\x01"), A.UNEXPECTED_MESSAGE)


def test_oversized_record_is_record_overflow() -> None:
    _, scfg = configs()
    r = engine.handle_tls(engine.server(scfg), b"\x16\x03\x01\x48\x01")
    _failed_with(r, A.RECORD_OVERFLOW)


def test_tls12_only_client_to_tls13_only_server_gets_protocol_version(
    reference: Pair,
) -> None:
    from tlspy.core.messages import ClientHello
    from tlspy.core.reader import parse_handshake
    from tlspy.core.writer import assemble_handshake

    ch_raw = reference.wire[0][1][5:]
    ch = parse_handshake(ch_raw, version=0x0304)
    assert isinstance(ch, ClientHello)
    exts = tuple(e for e in ch.extensions if e.extension_type != 43)
    raw = assemble_handshake(ClientHello(0x0303, ch.random, ch.legacy_session_id,
                                         ch.cipher_suites, b"\x00", exts))
    _, scfg = configs(server={"versions": (ProtocolVersion.TLS_1_3,)})
    rec = b"\x16\x03\x01" + len(raw).to_bytes(2, "big") + raw
    _failed_with(engine.handle_tls(engine.server(scfg), rec), A.PROTOCOL_VERSION)


def test_downgrade_sentinel_detected(reference: Pair) -> None:
    from tlspy.core.messages import ServerHello
    from tlspy.core.writer import assemble_handshake

    ccfg, _ = configs(seed=b"hostile")
    c, _ = engine.client(ccfg, "server.test")
    sh = ServerHello(0x0303, bytes(24) + b"DOWNGRD\x01", c.hs.hello.legacy_session_id,  # type: ignore[union-attr]
                     0xC02F, 0, ())
    raw = assemble_handshake(sh)
    r = engine.handle_tls(c, b"\x16\x03\x03" + len(raw).to_bytes(2, "big") + raw)
    _failed_with(r, A.ILLEGAL_PARAMETER)
    # A TLS 1.3-only client answered with TLS 1.2 (no sentinel).
    ccfg, _ = configs(seed=b"hostile", client={"versions": (ProtocolVersion.TLS_1_3,)})
    c, _ = engine.client(ccfg, "server.test")
    sh = ServerHello(0x0303, bytes(32), c.hs.hello.legacy_session_id, 0xC02F, 0, ())  # type: ignore[union-attr]
    raw = assemble_handshake(sh)
    r = engine.handle_tls(c, b"\x16\x03\x03" + len(raw).to_bytes(2, "big") + raw)
    _failed_with(r, A.PROTOCOL_VERSION)


def _client_alert(p: Pair) -> AlertDescription:
    assert p.client.failed and p.server.failed
    assert p.server.hs.alert == p.client.hs.alert  # type: ignore[union-attr]
    return p.client.hs.alert  # type: ignore[union-attr,return-value]


def test_wrong_name_is_bad_certificate() -> None:
    p = handshake(*configs(), server_name="wrong.test")
    assert _client_alert(p) == A.BAD_CERTIFICATE


def test_untrusted_is_unknown_ca() -> None:
    ccfg, scfg = configs(client={"trust_anchors": (pki("ed25519").anchor,)})
    assert _client_alert(handshake(ccfg, scfg)) == A.UNKNOWN_CA


def test_expired_is_certificate_expired() -> None:
    later = (NOW + dt.timedelta(days=800)).timestamp()
    ccfg, scfg = configs(client={"clock": lambda: later})
    assert _client_alert(handshake(ccfg, scfg)) == A.CERTIFICATE_EXPIRED


def test_validator_can_be_swapped() -> None:
    seen = []

    def accept_all(chain, anchors, name, at, usage):  # type: ignore[no-untyped-def]
        seen.append((chain[0], name, at, usage))

    ccfg, scfg = configs(client={"validator": accept_all, "trust_anchors": ()})
    p = handshake(ccfg, scfg, "anything.test")
    assert p.client.established
    assert seen and seen[0][1:] == ("anything.test", NOW, "server")
    ccfg, scfg = configs(client={"verify_peer": False, "trust_anchors": ()})
    assert handshake(ccfg, scfg).client.established


def test_bad_signature_is_decrypt_error(reference: Pair) -> None:
    """A server whose CertificateVerify was made with another key."""
    from tlspy.engine import CertifiedKey

    other = pki("p256", ("server.test", "x.test"))
    mixed = CertifiedKey(pki("p256").key.chain, other.key.key)
    ccfg, scfg = configs(server={"certificates": (mixed,)})
    assert _client_alert(handshake(ccfg, scfg)) == A.DECRYPT_ERROR


@pytest.fixture(scope="module")
def rich_flows() -> list[tuple[State, bytes]]:
    """(state, the bytes it expects) for HRR, client-auth and resumed flows."""
    from tests.engine.certs import pki as _pki

    cp = _pki("p256", ("client.test",), "client")
    ccfg, scfg = configs(client={"groups": (NamedGroup.X25519,
                                            NamedGroup.SECP256R1),
                                 "certificates": (cp.key,)},
                         server={"groups": (NamedGroup.SECP256R1,),
                                 "client_auth": "required", "trust_anchors": (cp.anchor,),
                                 "ticket_keys": (bytes(32),)})
    c, ch = engine.client(ccfg, "server.test")
    s = engine.server(scfg)
    states = [(s, ch)]
    r = engine.handle_tls(s, ch)
    states.append((c, r.out))
    rc = engine.handle_tls(c, r.out)
    states.append((r.state, rc.out))
    r2 = engine.handle_tls(r.state, rc.out)
    states.append((rc.state, r2.out))
    rc2 = engine.handle_tls(rc.state, r2.out)
    states.append((r2.state, rc2.out))
    r3 = engine.handle_tls(r2.state, rc2.out)
    assert r3.state.established
    states.append((rc2.state, r3.out))
    rc3 = engine.handle_tls(rc2.state, r3.out)
    [ticket] = [e.ticket for e in rc3.events if isinstance(e, engine.NewSessionTicket)]
    c, ch = engine.client(ccfg, "server.test", ticket=ticket)
    states.append((engine.server(scfg), ch))
    r = engine.handle_tls(engine.server(scfg), ch)
    states.append((c, r.out))
    return states


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow,
                                                    HealthCheck.function_scoped_fixture],
          deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), min_size=1,
                      max_size=4),
       which=st.integers(0, 7))
def test_mutated_rich_flows_fail_cleanly(rich_flows: list[tuple[State, bytes]],
                                         edits: list[tuple[int, int]], which: int) -> None:
    state, data = rich_flows[which]
    _assert_clean_failure(engine.handle_tls(state, _mutate(data, edits)))


def test_ip_literal_server_name() -> None:
    import ipaddress

    from tlspy.core.messages import ServerName, find_extension

    seen = []

    def record(chain, anchors, name, at, usage):  # type: ignore[no-untyped-def]
        seen.append(name)

    ccfg, scfg = configs(client={"validator": record})
    c, _ = engine.client(ccfg, "127.0.0.1")
    assert find_extension(c.hs.hello.extensions, ServerName) is None  # type: ignore[union-attr]
    p = handshake(ccfg, scfg, "127.0.0.1")
    assert p.client.established and seen == [ipaddress.ip_address("127.0.0.1")]
    ccfg, scfg = configs()
    p = handshake(ccfg, scfg, "127.0.0.1")  # the leaf names no IP address
    assert p.client.failed
    assert p.client.hs.alert == A.BAD_CERTIFICATE  # type: ignore[union-attr]
