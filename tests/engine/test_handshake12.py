"""TLS 1.2 in the engine: tlspy client against tlspy server over every
TLS 1.2 suite x group x certificate type, version negotiation, Extended
Master Secret and renegotiation_info (required by the client, optional for
the server), the downgrade sentinel,
renegotiation refused, and hostile peers (out-of-order messages, bad
Finished, ChangeCipherSpec at the wrong time, mutated flights)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine.helpers import Pair, configs, handshake, plaintext_messages
from tlspy import engine
from tlspy.core.enums import (
    DOWNGRADE_TLS12,
    AlertDescription,
    AlertLevel,
    CipherSuite,
    ContentType,
    NamedGroup,
    ProtocolVersion,
)
from tlspy.core.messages import (
    ClientHello,
    ExtendedMasterSecret,
    Finished,
    HelloRequest,
    KeyExchange,
    RenegotiationInfo,
    ServerHello,
    SupportedVersionsClientHello,
)
from tlspy.core.reader import parse_handshake, split_handshake
from tlspy.core.record import parse_records
from tlspy.core.writer import assemble_handshake
from tlspy.engine import Alert, Closed, HandshakeComplete, Result, State
from tlspy.engine.state import Established12

A = AlertDescription
V12, V13 = ProtocolVersion.TLS_1_2, ProtocolVersion.TLS_1_3
ONLY12 = {"versions": (V12,)}
CS = CipherSuite
ECDSA_SUITES = (CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                CS.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                CS.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256)
RSA_SUITES = (CS.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
              CS.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
              CS.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256)
GROUPS = (NamedGroup.X25519, NamedGroup.SECP256R1, NamedGroup.SECP384R1)




def _records(*messages: bytes) -> bytes:
    body = b"".join(messages)
    return bytes((22, 3, 3)) + len(body).to_bytes(2, "big") + body


def _failed_with(r: Result, alert: AlertDescription) -> None:
    assert r.state.failed, r.events
    assert r.state.hs.alert == alert, r.events  # type: ignore[union-attr]
    sent = [e for e in r.events if isinstance(e, Alert) and e.sent]
    assert sent and sent[-1].description == alert
    assert r.out[:1] == bytes([ContentType.ALERT])


def _exchange(p: Pair) -> None:
    """Data both ways, then close_notify both ways."""
    c, out = engine.send_application_data(p.client, b"ping" * 5000)
    r = engine.handle_tls(p.server, out)
    assert r.data == b"ping" * 5000 and not r.out
    s, out = engine.send_application_data(r.state, b"pong")
    r2 = engine.handle_tls(c, out)
    assert r2.data == b"pong"
    c, out = engine.send_close_notify(r2.state)
    r3 = engine.handle_tls(s, out)
    assert any(isinstance(e, Closed) for e in r3.events)
    s, out = engine.send_close_notify(r3.state)
    r4 = engine.handle_tls(c, out)
    assert any(isinstance(e, Closed) for e in r4.events)
    assert r4.state.closed and s.closed


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize(("kind", "suite"), [("p256", s) for s in ECDSA_SUITES]
                         + [("rsa", s) for s in RSA_SUITES])
def test_every_suite_group_and_certificate(kind: str, suite: CipherSuite,
                                           group: NamedGroup) -> None:
    groups = (group, NamedGroup.SECP256R1)  # the P-256 certificate's curve too
    c, s = configs(kind, client={"versions": (V12,), "cipher_suites": (suite,),
                                 "groups": groups}, server={"groups": groups})
    p = handshake(c, s)
    assert type(p.client.hs) is Established12 and type(p.server.hs) is Established12
    info = p.client.info
    assert info is not None and p.server.info is not None
    assert info.version == V12 and info.cipher_suite == suite and info.group == group
    assert p.server.info.cipher_suite == suite and p.server.info.group == group
    assert info.peer_certificates and info.server_name == "server.test"
    assert [type(e) for e in p.client_events] == [HandshakeComplete]
    # Both sides agree on the keys: the RFC 5705 exporter matches.
    k1 = engine.export_keying_material(p.client, b"EXPORTER-test", b"ctx", 32)
    assert k1 == engine.export_keying_material(p.server, b"EXPORTER-test", b"ctx", 32)
    _exchange(p)


@pytest.mark.parametrize("scheme_kind", ["pkcs1", "pss"])
def test_rsa_signature_schemes(scheme_kind: str) -> None:
    from tlspy.core.enums import SignatureScheme as S

    scheme = S.RSA_PKCS1_SHA384 if scheme_kind == "pkcs1" else S.RSA_PSS_RSAE_SHA512
    c, s = configs("rsa", client={**ONLY12, "signature_schemes": (scheme,)})
    p = handshake(c, s)
    assert p.client.info is not None and p.client.info.signature_scheme == scheme
    _exchange(p)


def test_ecdsa_p384_certificate() -> None:
    p = handshake(*configs("p384", client=ONLY12))
    assert p.client.info is not None and p.client.info.version == V12
    _exchange(p)


@pytest.mark.parametrize(("client", "server", "version"), [
    ((V13, V12), (V12,), V12),
    ((V12,), (V13, V12), V12),
    ((V12,), (V12,), V12),
    ((V13, V12), (V13, V12), V13),
])
def test_version_negotiation(client: tuple[ProtocolVersion, ...],
                             server: tuple[ProtocolVersion, ...],
                             version: ProtocolVersion) -> None:
    c, s = configs("p256", client={"versions": client}, server={"versions": server})
    p = handshake(c, s)
    assert p.client.info is not None and p.client.info.version == version
    assert p.server.info is not None and p.server.info.version == version
    sh = parse_handshake(plaintext_messages(p.wire[1][1])[0], version=V12)
    assert isinstance(sh, ServerHello)
    # RFC 8446 4.1.3: a TLS 1.3-capable server negotiating TLS 1.2 says so.
    assert (sh.random[-8:] == DOWNGRADE_TLS12) == (version == V12 and V13 in server)
    _exchange(p)


def test_tls13_only_client_refuses_tls12_server() -> None:
    c, s = configs("p256", client={"versions": (V13,)}, server=ONLY12)
    _, ch = engine.client(c, "server.test")
    r = engine.handle_tls(engine.server(s), ch)
    _failed_with(r, A.PROTOCOL_VERSION)


def test_downgrade_sentinel_detected() -> None:
    """A TLS 1.3+1.2 server answering a TLS 1.2-only ClientHello sets the
    sentinel; a client that offered TLS 1.3 seeing it aborts."""
    c12, s = configs("p256", client=ONLY12)
    c13, _ = configs("p256", seed=b"other")
    _, ch12 = engine.client(c12, "server.test")
    r = engine.handle_tls(engine.server(s), ch12)
    assert not r.state.failed and r.out
    c, _ = engine.client(c13, "server.test")
    _failed_with(engine.handle_tls(c, r.out), A.ILLEGAL_PARAMETER)


def _client_hello(cfg: engine.Config) -> tuple[State, ClientHello]:
    c, out = engine.client(cfg, "server.test")
    msg = parse_handshake(plaintext_messages(out)[0], version=V12)
    assert isinstance(msg, ClientHello)
    return c, msg


def test_server_requires_extended_master_secret_by_default() -> None:
    c, s = configs("p256", client=ONLY12)
    _, ch = _client_hello(c)
    exts = tuple(e for e in ch.extensions if not isinstance(e, ExtendedMasterSecret))
    raw = assemble_handshake(replace(ch, extensions=exts))
    _failed_with(engine.handle_tls(engine.server(s), _records(raw)), A.HANDSHAKE_FAILURE)


def test_server_answers_legacy_client_without_ems_or_ticket() -> None:
    """RFC 7627 5.2: a ClientHello without the extension gets a ServerHello
    without it (and no session ticket: such a session is never resumed)."""
    c, s = configs("p256", client=ONLY12, server={"ticket_keys": (b"k" * 32,),
                                                          "require_ems": False})
    _, ch = _client_hello(c)
    with_ems = engine.handle_tls(engine.server(s), _records(assemble_handshake(ch)))
    assert with_ems.state.hs.ctx.ticket_expected  # type: ignore[union-attr]
    exts = tuple(e for e in ch.extensions if not isinstance(e, ExtendedMasterSecret))
    r = engine.handle_tls(engine.server(s), _records(assemble_handshake(
        replace(ch, extensions=exts))))
    assert not r.state.failed
    sh = parse_handshake(plaintext_messages(r.out)[0], version=V12)
    assert isinstance(sh, ServerHello)
    kinds = {type(e) for e in sh.extensions}
    assert ExtendedMasterSecret not in kinds and RenegotiationInfo in kinds
    assert not r.state.hs.ctx.ticket_expected and not r.state.hs.ctx.ems  # type: ignore[union-attr]


def _hello_extensions(out: bytes) -> set[type]:
    sh = parse_handshake(plaintext_messages(out)[0], version=V12)
    assert isinstance(sh, ServerHello)
    return {type(e) for e in sh.extensions}


def test_server_renegotiation_indication() -> None:
    c, s = configs("p256", client=ONLY12)
    _, ch = _client_hello(c)
    exts = tuple(e for e in ch.extensions if not isinstance(e, RenegotiationInfo))
    bare = replace(ch, extensions=exts)
    # A legacy client (RFC 5746 3.6) is served, without the extension.
    r = engine.handle_tls(engine.server(s), _records(assemble_handshake(bare)))
    assert not r.state.failed and RenegotiationInfo not in _hello_extensions(r.out)
    # The SCSV (RFC 5746 3.3) is as good as the empty extension.
    scsv = replace(bare, cipher_suites=(*bare.cipher_suites,
                                        CS.TLS_EMPTY_RENEGOTIATION_INFO_SCSV))
    r = engine.handle_tls(engine.server(s), _records(assemble_handshake(scsv)))
    assert not r.state.failed and RenegotiationInfo in _hello_extensions(r.out)
    # A non-empty renegotiation_info in a first handshake is refused.
    bad = replace(bare, extensions=(*exts, RenegotiationInfo(b"\x01" * 12)))
    r = engine.handle_tls(engine.server(s), _records(assemble_handshake(bad)))
    _failed_with(r, A.HANDSHAKE_FAILURE)


def _server_flight(cfg_client: engine.Config, cfg_server: engine.Config
                   ) -> tuple[State, State, list[bytes]]:
    c, ch = engine.client(cfg_client, "server.test")
    r = engine.handle_tls(engine.server(cfg_server), ch)
    return c, r.state, plaintext_messages(r.out)


@pytest.mark.parametrize("drop", [ExtendedMasterSecret, RenegotiationInfo])
def test_client_requires_ems_and_renegotiation_info(drop: type) -> None:
    c, _, msgs = _server_flight(*configs("p256", client=ONLY12))
    sh = parse_handshake(msgs[0], version=V12)
    assert isinstance(sh, ServerHello)
    sh2 = replace(sh, extensions=tuple(e for e in sh.extensions if not isinstance(e, drop)))
    r = engine.handle_tls(c, _records(assemble_handshake(sh2), *msgs[1:]))
    _failed_with(r, A.HANDSHAKE_FAILURE)


@pytest.mark.parametrize("order", [(0, 2, 1, 3), (0, 1, 3), (0, 3), (1, 0, 2, 3), (0, 0)])
def test_out_of_order_serverplaintext_messages(order: tuple[int, ...]) -> None:
    c, _, msgs = _server_flight(*configs("p256", client=ONLY12))
    r = engine.handle_tls(c, _records(*(msgs[i] for i in order)))
    _failed_with(r, A.UNEXPECTED_MESSAGE)


def _to_finished(kind: str = "p256") -> tuple[State, State, bytes, bytes]:
    """(client after its flight, server after ServerHelloDone, the client's
    plaintext part (ClientKeyExchange record + CCS), its Finished record)."""
    cc, sc = configs(kind, client=ONLY12)
    c0, ch = engine.client(cc, "server.test")
    r = engine.handle_tls(engine.server(sc), ch)
    rc = engine.handle_tls(c0, r.out)
    records, rest = parse_records(rc.out, 1 << 15)
    assert [x.content_type for x in records] == [22, 20, 22] and not rest
    plain = b"".join(x.header() + x.fragment for x in records[:2])
    return rc.state, r.state, plain, records[2].header() + records[2].fragment


def test_bad_client_finished() -> None:
    c, s, plain, _ = _to_finished()
    assert c.write.protection is not None
    forged = c.write.protection.encrypt(0, ContentType.HANDSHAKE,
                                        assemble_handshake(Finished(b"\x00" * 12)))
    _failed_with(engine.handle_tls(s, plain + forged), A.DECRYPT_ERROR)


def test_bad_server_finished() -> None:
    c, s, plain, fin = _to_finished()
    r = engine.handle_tls(s, plain + fin)
    assert r.state.established
    assert r.state.write.protection is not None
    forged = r.state.write.protection.encrypt(0, ContentType.HANDSHAKE,
                                              assemble_handshake(Finished(b"\xff" * 12)))
    _failed_with(engine.handle_tls(c, b"\x14\x03\x03\x00\x01\x01" + forged), A.DECRYPT_ERROR)


def test_tampered_finished_record() -> None:
    _, s, plain, fin = _to_finished()
    bad = fin[:-1] + bytes([fin[-1] ^ 1])
    _failed_with(engine.handle_tls(s, plain + bad), A.BAD_RECORD_MAC)


def test_finished_without_change_cipher_spec() -> None:
    _, s, plain, fin = _to_finished()
    # Finished (encrypted) where a ChangeCipherSpec must come first.
    _failed_with(engine.handle_tls(s, plain[:-6] + fin), A.UNEXPECTED_MESSAGE)


CCS = b"\x14\x03\x03\x00\x01\x01"


def test_change_cipher_spec_at_the_wrong_time() -> None:
    cc, sc = configs("p256", client=ONLY12)
    c, ch = engine.client(cc, "server.test")
    r = engine.handle_tls(engine.server(sc), ch)
    # To the client before the server's flight was processed.
    _failed_with(engine.handle_tls(c, CCS + r.out), A.UNEXPECTED_MESSAGE)
    # To the server before ClientKeyExchange.
    _failed_with(engine.handle_tls(r.state, CCS), A.UNEXPECTED_MESSAGE)
    # Twice.
    _, s, plain, _fin = _to_finished()
    _failed_with(engine.handle_tls(s, plain + CCS), A.UNEXPECTED_MESSAGE)
    # After the handshake.
    p = handshake(cc, sc)
    _failed_with(engine.handle_tls(p.server, CCS), A.UNEXPECTED_MESSAGE)
    # A malformed one.
    _failed_with(engine.handle_tls(s, plain[:-6] + b"\x14\x03\x03\x00\x01\x02"),
                 A.UNEXPECTED_MESSAGE)


def test_application_data_before_keys() -> None:
    cc, sc = configs("p256", client=ONLY12)
    _c, ch = engine.client(cc, "server.test")
    r = engine.handle_tls(engine.server(sc), ch)
    _failed_with(engine.handle_tls(r.state, b"\x17\x03\x03\x00\x03abc"), A.UNEXPECTED_MESSAGE)


def test_renegotiation_refused() -> None:
    p = handshake(*configs("p256", client=ONLY12))
    from tlspy.engine._records import seal

    # The server asks (HelloRequest): the client answers no_renegotiation.
    s, hr = seal(p.server, ContentType.HANDSHAKE, assemble_handshake(HelloRequest()))
    r = engine.handle_tls(p.client, hr)
    assert r.state.established and r.out
    r2 = engine.handle_tls(s, r.out)
    assert r2.state.established
    assert [(e.level, e.description) for e in r2.events if isinstance(e, Alert)] == [
        (AlertLevel.WARNING, A.NO_RENEGOTIATION)]
    # The client tries (a new ClientHello): the server refuses the same way.
    _, ch = _client_hello(configs("p256", client=ONLY12)[0])
    c, out = seal(r.state, ContentType.HANDSHAKE, assemble_handshake(ch))
    r3 = engine.handle_tls(r2.state, out)
    assert r3.state.established and r3.out
    r4 = engine.handle_tls(c, r3.out)
    assert [(e.level, e.description) for e in r4.events if isinstance(e, Alert)] == [
        (AlertLevel.WARNING, A.NO_RENEGOTIATION)]
    # Data still flows.
    p2 = Pair(r4.state, r3.state)
    _exchange(p2)


def test_key_update_is_not_tls12() -> None:
    p = handshake(*configs("p256", client=ONLY12))
    with pytest.raises(engine.UsageError):
        engine.send_key_update(p.client)


def test_deterministic_and_fragmented() -> None:
    a = handshake(*configs("rsa", client=ONLY12, seed=b"det"))
    b = handshake(*configs("rsa", client=ONLY12, seed=b"det"))
    assert a.wire == b.wire
    # The server's flight fed byte by byte gives the same output.
    cc, _sc = configs("rsa", client=ONLY12, seed=b"det")
    c, _ = engine.client(cc, "server.test")
    flight = a.wire[1][1]
    out = b""
    for i in range(len(flight)):
        r = engine.handle_tls(c, flight[i : i + 1])
        assert not r.state.failed
        c, out = r.state, out + r.out
    assert out == a.wire[2][1]


def _clean(r: Result) -> None:
    if r.state.failed:
        alerts = [e for e in r.events if isinstance(e, Alert)]
        assert alerts and alerts[-1].description != A.INTERNAL_ERROR, alerts


_REF = {}


def _reference() -> Pair:
    if not _REF:
        _REF["p"] = handshake(*configs("p256", client=ONLY12, seed=b"mutate"))
    return _REF["p"]


@settings(max_examples=60, deadline=None)
@given(which=st.integers(0, 2), pos=st.integers(0, 10**6), xor=st.integers(1, 255),
       cut=st.integers(0, 10**6))
def test_mutated_flights_fail_cleanly(which: int, pos: int, xor: int, cut: int) -> None:
    p = _reference()
    cc, sc = configs("p256", client=ONLY12, seed=b"mutate")
    c, ch = engine.client(cc, "server.test")
    s = engine.server(sc)
    states = [s, c, engine.handle_tls(s, ch).state]
    data = bytearray(p.wire[which][1])
    data[pos % len(data)] ^= xor
    target = states[which]
    r = engine.handle_tls(target, bytes(data))
    _clean(r)
    _clean(engine.handle_tls(target, bytes(data[: cut % len(data)])))


def test_client_hello_without_supported_versions_is_tls12() -> None:
    # Classic TLS 1.2 ClientHello (no supported_versions) to a 1.3+1.2 server.
    c, s = configs("p256", client=ONLY12)
    _, ch = _client_hello(c)
    assert not any(isinstance(e, SupportedVersionsClientHello) for e in ch.extensions)
    r = engine.handle_tls(engine.server(s), _records(assemble_handshake(ch)))
    sh = parse_handshake(plaintext_messages(r.out)[0], version=V12, kex=KeyExchange.ECDHE)
    assert isinstance(sh, ServerHello) and sh.legacy_version == V12
    assert split_handshake(plaintext_messages(r.out)[-1])[0] == 14  # ServerHelloDone


def test_fallback_scsv() -> None:
    """RFC 7507: a TLS 1.2 ClientHello carrying TLS_FALLBACK_SCSV is refused
    by a server that supports TLS 1.3, accepted by a TLS 1.2-only one."""
    c, s = configs("p256", client=ONLY12)
    _, ch = _client_hello(c)
    fb = replace(ch, cipher_suites=(*ch.cipher_suites, CS.TLS_FALLBACK_SCSV))
    rec = _records(assemble_handshake(fb))
    _failed_with(engine.handle_tls(engine.server(s), rec), A.INAPPROPRIATE_FALLBACK)
    r = engine.handle_tls(engine.server(replace(s, versions=(V12,))), rec)
    assert not r.state.failed and r.out


DHE_SUITES = (CS.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, CS.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
              CS.TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256)


@pytest.mark.parametrize(("suite", "group"), [
    (DHE_SUITES[0], NamedGroup.FFDHE2048),
    (DHE_SUITES[1], NamedGroup.FFDHE3072),
    (DHE_SUITES[2], NamedGroup.FFDHE2048),
])
def test_dhe_rsa(suite: CipherSuite, group: NamedGroup) -> None:
    c, s = configs("rsa", client={**ONLY12, "cipher_suites": (suite,),
                                  "groups": (group, NamedGroup.X25519)},
                   server={"cipher_suites": (*DHE_SUITES, *ECDSA_SUITES),
                           "groups": (NamedGroup.X25519, NamedGroup.FFDHE2048,
                                      NamedGroup.FFDHE3072)})
    p = handshake(c, s)
    assert p.client.info is not None and p.server.info is not None
    assert p.client.info.cipher_suite == suite and p.client.info.group == group
    assert p.server.info.group == group
    _exchange(p)


def test_dhe_is_off_by_default() -> None:
    c, s = configs("rsa", client={**ONLY12, "cipher_suites": DHE_SUITES})
    r = engine.handle_tls(engine.server(s), engine.client(c, "server.test")[1])
    _failed_with(r, A.HANDSHAKE_FAILURE)


def test_dhe_unknown_group_refused() -> None:
    """A ServerKeyExchange with a DH group that is not an RFC 7919 group the
    client configured: insufficient_security."""
    from tlspy.core.messages import ServerKeyExchangeDHE

    c, s = configs("rsa", client={**ONLY12, "cipher_suites": DHE_SUITES[:1],
                                  "groups": (NamedGroup.FFDHE3072,)},
                   server={"cipher_suites": DHE_SUITES,
                           "groups": (NamedGroup.FFDHE2048, NamedGroup.FFDHE3072)})
    cst, ch = engine.client(c, "server.test")
    r = engine.handle_tls(engine.server(s), ch)
    msgs = plaintext_messages(r.out)
    ske = parse_handshake(msgs[2], version=V12, kex=KeyExchange.DHE)
    assert isinstance(ske, ServerKeyExchangeDHE)
    # The server honoured the client's FFDHE list.
    assert len(ske.dh_p) == 384
    small = replace(ske, dh_p=(int.from_bytes(ske.dh_p, "big") - 2).to_bytes(384, "big"))
    r2 = engine.handle_tls(cst, _records(msgs[0], msgs[1], assemble_handshake(small), msgs[3]))
    _failed_with(r2, A.INSUFFICIENT_SECURITY)
    # The genuine flight works.
    assert not engine.handle_tls(cst, r.out).state.failed


def test_dhe_premaster_strips_leading_zeros() -> None:
    from tlspy.engine.handshake_common import make_key_share
    from tlspy.engine.handshake_common12 import dhe_premaster

    a = make_key_share(NamedGroup.FFDHE2048, bytes(32))
    for i in range(40):
        b = make_key_share(NamedGroup.FFDHE2048, bytes([i]) * 32)
        z = dhe_premaster(a, b.public)
        assert z == dhe_premaster(b, a.public) and z[:1] != b"\x00"
        full = b.dh_key.exchange(a.public)  # type: ignore[union-attr]
        assert full.lstrip(b"\x00") == z and len(full) == 256
        # A peer value sent without its leading zeros is accepted.
        assert dhe_premaster(a, b.public.lstrip(b"\x00")) == z


def test_tls12_only_client_refuses_tls13_server_hello() -> None:
    """A TLS 1.2-only client answered by a TLS 1.3 ServerHello (as if it had
    offered TLS 1.3) refuses the supported_versions it never sent."""
    c12, _ = configs("p256", client=ONLY12)
    c13, s = configs("p256")
    _, ch13 = engine.client(c13, "server.test")
    r = engine.handle_tls(engine.server(s), ch13)
    sh = plaintext_messages(r.out)[0]
    c, _ = engine.client(c12, "server.test")
    _failed_with(engine.handle_tls(c, _records(sh)), A.UNSUPPORTED_EXTENSION)


def test_hello_request_during_handshake_is_ignored() -> None:
    """RFC 5246 7.4.1.1: a HelloRequest while negotiating is ignored (and
    kept out of the transcript); the handshake completes."""
    cc, sc = configs("p256", client=ONLY12)
    c, ch = engine.client(cc, "server.test")
    r = engine.handle_tls(engine.server(sc), ch)
    msgs = plaintext_messages(r.out)
    hr = assemble_handshake(HelloRequest())
    rc = engine.handle_tls(c, _records(msgs[0], hr, *msgs[1:3], hr, msgs[3]))
    assert not rc.state.failed and rc.out
    rs = engine.handle_tls(r.state, rc.out)
    assert rs.state.established
    rc2 = engine.handle_tls(rc.state, rs.out)
    assert rc2.state.established


@pytest.mark.parametrize("versions", [(V12,), (ProtocolVersion.TLS_1_3,)], ids=["1.2", "1.3"])
@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview])
def test_application_data_from_any_buffer(versions: tuple[ProtocolVersion, ...],
                                          wrap: type) -> None:
    # The shell hands the engine slices of the caller's buffer (memoryviews).
    c, s = configs("p256", client={"versions": versions})
    p = handshake(c, s)
    payload = bytes(range(256)) * 100  # more than one record
    _, out = engine.send_application_data(p.client, wrap(payload))
    assert engine.handle_tls(p.server, out).data == payload
