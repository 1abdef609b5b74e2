"""tlspy client against tlspy server, in memory: every TLS 1.3 suite x
group x certificate type, data both ways, KeyUpdate, close_notify, HRR,
ALPN, SNI-based certificate choice."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from tests.engine.certs import KINDS, pki
from tests.engine.helpers import configs, handshake
from tlspy import engine
from tlspy.core.enums import AlertDescription, CipherSuite, NamedGroup, SignatureScheme
from tlspy.engine import Alert, Closed, HandshakeComplete, KeyUpdated, UsageError

SUITES = (
    CipherSuite.TLS_AES_128_GCM_SHA256,
    CipherSuite.TLS_AES_256_GCM_SHA384,
    CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
)
GROUPS = (NamedGroup.X25519, NamedGroup.SECP256R1, NamedGroup.SECP384R1)
EXPECTED_SCHEME = {
    "ed25519": SignatureScheme.ED25519,
    "p256": SignatureScheme.ECDSA_SECP256R1_SHA256,
    "p384": SignatureScheme.ECDSA_SECP384R1_SHA384,
    "rsa": SignatureScheme.RSA_PSS_RSAE_SHA256,
}


def _exchange(p: engine.State, q: engine.State, payload: bytes) -> tuple[engine.State,
                                                                          engine.State, bytes]:
    p, out = engine.send_application_data(p, payload)
    r = engine.handle_tls(q, out)
    assert r.out == b"" and not r.events
    return p, r.state, r.data


@pytest.mark.parametrize(("kind", "suite", "group"), list(itertools.product(KINDS, SUITES,
                                                                            GROUPS)))
def test_matrix(kind: str, suite: CipherSuite, group: NamedGroup) -> None:
    ccfg, scfg = configs(kind, client={"cipher_suites": (suite,), "groups": (group,)})
    p = handshake(ccfg, scfg)
    assert p.client.established and p.server.established
    [cdone] = [e for e in p.client_events if isinstance(e, HandshakeComplete)]
    [sdone] = [e for e in p.server_events if isinstance(e, HandshakeComplete)]
    for info in (cdone.info, sdone.info):
        assert info.cipher_suite == suite
        assert info.group == group
        assert info.signature_scheme == EXPECTED_SCHEME[kind]
        assert info.server_name == "server.test"
    assert cdone.info.peer_certificates[0] == pki(kind).key.chain[0]
    c, s, got = _exchange(p.client, p.server, b"ping" * 5000)
    assert got == b"ping" * 5000
    s, c, got = _exchange(s, c, b"pong")
    assert got == b"pong"
    c, out = engine.send_close_notify(c)
    r = engine.handle_tls(s, out)
    assert isinstance(r.events[-1], Closed) and r.state.read_closed
    with pytest.raises(UsageError):
        engine.send_application_data(c, b"late")


def test_middlebox_compat_off() -> None:
    ccfg, scfg = configs(client={"middlebox_compat": False})
    p = handshake(ccfg, scfg)
    assert p.client.established and p.server.established
    # No change_cipher_spec record anywhere on the wire.
    assert all(b"\x14\x03\x03\x00\x01\x01" not in data for _, data in p.wire)


def test_middlebox_compat_on_sends_ccs() -> None:
    ccfg, scfg = configs()
    p = handshake(ccfg, scfg)
    assert p.wire[0][1][43] == 32  # 32-byte legacy_session_id
    assert b"\x14\x03\x03\x00\x01\x01" in p.wire[1][1]
    assert p.wire[2][1].startswith(b"\x14\x03\x03\x00\x01\x01")


@pytest.mark.parametrize("cookie", [True, False])
def test_hello_retry_request(cookie: bool) -> None:
    ccfg, scfg = configs(
        client={"groups": (NamedGroup.X25519, NamedGroup.SECP384R1)},
        server={"groups": (NamedGroup.SECP384R1,), "hrr_cookie": cookie},
    )
    p = handshake(ccfg, scfg)
    assert p.client.established and p.server.established
    assert p.client.info is not None and p.client.info.group == NamedGroup.SECP384R1
    assert len(p.wire) == 5  # CH1, HRR, CH2, server flight, client Finished
    from tlspy.core.enums import HRR_RANDOM

    assert HRR_RANDOM in p.wire[1][1]
    assert (b"\x00\x2c" in p.wire[2][1]) == cookie  # cookie extension echoed
    _, _, got = _exchange(p.client, p.server, b"after retry")
    assert got == b"after retry"


def test_server_prefers_its_group_when_share_present() -> None:
    ccfg, scfg = configs(
        client={"groups": (NamedGroup.X25519, NamedGroup.SECP256R1), "key_shares": 2},
        server={"groups": (NamedGroup.SECP256R1, NamedGroup.X25519)},
    )
    p = handshake(ccfg, scfg)
    assert p.client.info is not None and p.client.info.group == NamedGroup.SECP256R1
    assert len(p.wire) == 3


def test_no_common_group() -> None:
    ccfg, scfg = configs(client={"groups": (NamedGroup.X25519,)},
                         server={"groups": (NamedGroup.SECP384R1,)})
    p = handshake(ccfg, scfg)
    assert p.server.failed and p.client.failed
    alerts = [e for e in p.client_events if isinstance(e, Alert)]
    assert alerts[-1].description == AlertDescription.HANDSHAKE_FAILURE and not alerts[-1].sent


def test_no_common_suite() -> None:
    ccfg, scfg = configs(client={"cipher_suites": (CipherSuite.TLS_AES_256_GCM_SHA384,)},
                         server={"cipher_suites": (CipherSuite.TLS_AES_128_GCM_SHA256,)})
    p = handshake(ccfg, scfg)
    assert p.server.failed
    assert p.server.hs.alert == AlertDescription.HANDSHAKE_FAILURE  # type: ignore[union-attr]


@pytest.mark.parametrize(("offer", "accept", "expected"), [
    ((b"h2", b"http/1.1"), (b"http/1.1", b"h2"), b"http/1.1"),
    ((b"h2",), (), None),
    ((), (b"h2",), None),
])
def test_alpn(offer: tuple[bytes, ...], accept: tuple[bytes, ...],
              expected: bytes | None) -> None:
    ccfg, scfg = configs(client={"alpn_protocols": offer}, server={"alpn_protocols": accept})
    p = handshake(ccfg, scfg)
    assert p.client.info is not None and p.server.info is not None
    assert p.client.info.alpn == p.server.info.alpn == expected


def test_alpn_mismatch() -> None:
    ccfg, scfg = configs(client={"alpn_protocols": (b"h2",)},
                         server={"alpn_protocols": (b"http/1.1",)})
    p = handshake(ccfg, scfg)
    assert p.server.failed
    assert p.server.hs.alert == AlertDescription.NO_APPLICATION_PROTOCOL  # type: ignore[union-attr]


def test_certificate_chosen_by_sni_and_signature_algorithms() -> None:
    other = pki("ed25519", ("other.test",))
    ccfg, scfg = configs("p256", server={"certificates": (other.key, pki("p256").key)})
    ccfg = engine.Config(**{**_fields(ccfg), "trust_anchors": (pki("p256").anchor,
                                                                other.anchor)})
    p = handshake(ccfg, scfg, "other.test")
    assert p.client.info is not None
    assert p.client.info.peer_certificates[0] == other.key.chain[0]
    p = handshake(ccfg, scfg, "server.test")
    assert p.client.info is not None
    assert p.client.info.peer_certificates[0] == pki("p256").key.chain[0]
    # A client that cannot verify Ed25519 gets the ECDSA chain even for other.test,
    # which then fails the name check.
    ccfg2 = engine.Config(**{**_fields(ccfg), "signature_schemes": (
        SignatureScheme.ECDSA_SECP256R1_SHA256,)})
    p = handshake(ccfg2, scfg, "other.test")
    assert p.client.failed
    assert p.client.hs.alert == AlertDescription.BAD_CERTIFICATE  # type: ignore[union-attr]


def _fields(cfg: engine.Config) -> dict[str, object]:
    return {f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg) if f.init}


def test_key_update_both_directions() -> None:
    p = handshake(*configs())
    c, s = p.client, p.server
    c, out = engine.send_key_update(c, request_peer=True)
    r = engine.handle_tls(s, out)
    assert r.events == (KeyUpdated(read=True, write=True),)
    s = r.state
    r = engine.handle_tls(c, r.out)
    assert r.events == (KeyUpdated(read=True, write=False),)
    c = r.state
    for _ in range(2):
        c, s, got = _exchange(c, s, b"c->s")
        assert got == b"c->s"
        s, c, got = _exchange(s, c, b"s->c")
        assert got == b"s->c"
    s, out = engine.send_key_update(s, request_peer=False)
    r = engine.handle_tls(c, out)
    assert r.events == (KeyUpdated(read=True, write=False),) and r.out == b""
    s, c, got = _exchange(s, r.state, b"x")
    assert got == b"x"


def test_send_before_handshake_is_usage_error() -> None:
    ccfg, _ = configs()
    c, _ = engine.client(ccfg, "server.test")
    with pytest.raises(UsageError):
        engine.send_application_data(c, b"too early")


def test_alert_received_fails_state() -> None:
    p = handshake(*configs())
    from tlspy.engine._records import seal

    _, out = seal(p.server, 21, b"\x02\x28")
    r = engine.handle_tls(p.client, out)
    assert r.state.failed and r.out == b""
    assert r.events == (Alert(2, AlertDescription.HANDSHAKE_FAILURE),)
    assert engine.handle_tls(r.state, b"anything").events == ()


def test_data_after_close_notify_ignored() -> None:
    p = handshake(*configs())
    _, o1 = engine.send_close_notify(p.server)
    r = engine.handle_tls(p.client, o1 + b"\x17\x03\x03\x00\x20" + bytes(32))
    assert r.data == b"" and not r.state.failed and r.state.read_closed


def test_records_with_padding_and_mixed_types_in_one_chunk() -> None:
    """The data fast path hands over to the general path for padded records,
    KeyUpdate and close_notify arriving in the same chunk as data."""
    p = handshake(*configs())
    c = p.client
    w = c.write
    assert w.protection is not None
    padded = w.protection.encrypt(c.write_seq, 23, b"padded", padding=100)
    c = c.evolve(write_seq=c.write_seq + 1)
    c, d1 = engine.send_application_data(c, b"one")
    c, ku = engine.send_key_update(c, request_peer=False)
    c, d2 = engine.send_application_data(c, b"two")
    c, bye = engine.send_close_notify(c)
    r = engine.handle_tls(p.server, padded + d1 + ku + d2 + bye)
    assert r.data == b"paddedonetwo"
    assert r.events == (KeyUpdated(read=True, write=False), Alert(1, 0), Closed())
    assert r.state.read_closed and not r.state.failed


def test_tampered_data_record_is_bad_record_mac() -> None:
    p = handshake(*configs())
    _, d = engine.send_application_data(p.client, b"x" * 100)
    bad = d[:-1] + bytes([d[-1] ^ 1])
    r = engine.handle_tls(p.server, d + bad)
    assert r.state.failed and r.data == b"x" * 100
    assert r.state.hs.alert == AlertDescription.BAD_RECORD_MAC  # type: ignore[union-attr]


@pytest.mark.parametrize("group", [NamedGroup.FFDHE2048, NamedGroup.FFDHE3072])
def test_ffdhe(group: NamedGroup) -> None:
    ccfg, scfg = configs(client={"groups": (group,)},
                         server={"groups": (NamedGroup.X25519, group)})
    p = handshake(ccfg, scfg)
    assert p.client.info is not None and p.client.info.group == group
    _, _, got = _exchange(p.client, p.server, b"ff")
    assert got == b"ff"


def test_ffdhe_by_hello_retry() -> None:
    ccfg, scfg = configs(client={"groups": (NamedGroup.X25519, NamedGroup.FFDHE2048)},
                         server={"groups": (NamedGroup.FFDHE2048,)})
    p = handshake(ccfg, scfg)
    assert len(p.wire) == 5
    assert p.server.info is not None and p.server.info.group == NamedGroup.FFDHE2048


def _record_lengths(data: bytes) -> list[int]:
    out, pos = [], 0
    while pos < len(data):
        n = int.from_bytes(data[pos + 3 : pos + 5], "big")
        out.append(n)
        pos += 5 + n
    return out


def test_record_size_limit() -> None:
    ccfg, scfg = configs(client={"record_size_limit": 100},
                         server={"record_size_limit": 300})
    p = handshake(ccfg, scfg)
    assert p.client.established and p.server.established
    # The server's protected flight already obeys the client's limit (99
    # bytes of content + type + tag).
    flight = p.wire[1][1]
    protected = flight[flight.index(b"\x17\x03\x03"):]
    assert max(_record_lengths(protected)) <= 100 + 16
    c, s, got = _exchange(p.client, p.server, b"a" * 1000)
    assert got == b"a" * 1000
    _, out = engine.send_application_data(c, b"b" * 1000)
    assert max(_record_lengths(out)) == 300 + 16
    _, out = engine.send_application_data(s, b"c" * 1000)
    assert max(_record_lengths(out)) == 100 + 16
    # A peer ignoring our limit gets record_overflow.
    from dataclasses import replace

    rogue = replace(s, send_limit=1 << 14)
    _, out = engine.send_application_data(rogue, b"d" * 1000)
    r = engine.handle_tls(c, out)
    assert r.state.failed
    assert r.state.hs.alert == AlertDescription.RECORD_OVERFLOW  # type: ignore[union-attr]


def test_record_size_limit_only_one_side() -> None:
    ccfg, scfg = configs(client={"record_size_limit": 1000})
    p = handshake(ccfg, scfg)
    _, out = engine.send_application_data(p.server, b"x" * 5000)
    assert max(_record_lengths(out)) == 1000 + 16
    _, out = engine.send_application_data(p.client, b"x" * 20000)
    assert max(_record_lengths(out)) == (1 << 14) + 17
