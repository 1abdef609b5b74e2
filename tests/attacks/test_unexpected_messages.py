"""Unexpected messages in every handshake state.  A real handshake (TLS 1.3
and TLS 1.2, with a client certificate and session tickets) is walked one
message at a time on each side; at every point, and after the handshake,
each handshake type the state does not accept is sent in its place (a
HelloRetryRequest run too), under
the keys in force (sealed with the receiver's read keys, as its peer would)
and with a well-formed body, so the only fault is its type: the answer is
unexpected_message (RFC 8446 6, RFC 5246 7.2.2), and the alert goes out.
While a TLS 1.2 side waits for ChangeCipherSpec every handshake message is
unexpected."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.attacks.common import V12, A, alert_of, handshake_record
from tests.engine.certs import pki
from tests.engine.helpers import configs, split_messages
from tlspy import engine
from tlspy.core.enums import ContentType, NamedGroup
from tlspy.core.record import parse_records
from tlspy.engine import State
from tlspy.engine.state import HANDSHAKE12, Established, Established12

HELLO_REQUEST, CLIENT_HELLO, NEW_SESSION_TICKET, CERTIFICATE, CERTIFICATE_REQUEST = 0, 1, 4, 11, 13
SERVER_HELLO_DONE, KEY_UPDATE = 14, 24
# Well-formed messages with no state in either version, or built here.
EXTRA = {
    HELLO_REQUEST: b"\x00\x00\x00\x00",
    5: b"\x05\x00\x00\x00",  # end_of_early_data
    KEY_UPDATE: b"\x18\x00\x00\x01\x00",
    99: b"\x63\x00\x00\x00",  # unassigned
    254: b"\xfe\x00\x00\x20" + bytes(32),  # message_hash: never on the wire
}


@dataclass
class Point:
    """A receiving state and the handshake type that really came next
    (None: a ChangeCipherSpec, or nothing)."""

    state: State
    genuine: int | None
    where: str


@dataclass
class Walk:
    points: list[Point] = field(default_factory=list)
    samples: dict[int, bytes] = field(default_factory=dict)


def seal(st: State, message: bytes) -> bytes:
    """A handshake record as the peer of ``st`` would send it now."""
    prot = st.read.protection
    if prot is None:
        return handshake_record(message)
    return prot.encrypt(st.read_seq, ContentType.HANDSHAKE, message)  # type: ignore[call-arg,arg-type]




def walk(st: State, flight: bytes, w: Walk, side: str) -> None:
    """Feed ``flight`` to ``st`` one handshake message per record,
    recording each state on the way and the messages seen."""
    records, rest = parse_records(flight, 1 << 15)
    assert not rest
    for rec in records:
        raw = rec.header() + rec.fragment
        if rec.content_type == ContentType.CHANGE_CIPHER_SPEC:
            if isinstance(st.hs, HANDSHAKE12):
                w.points.append(Point(st, None, f"{side} {type(st.hs).__name__}"))
            st = engine.handle_tls(st, raw).state
            assert not st.failed
            continue
        assert st.read.protection is None or rec.content_type == ContentType.APPLICATION_DATA \
            or getattr(st.read.protection, "tls12", False)
        if st.read.protection is None:
            ctype, content = rec.content_type, rec.fragment
        else:
            ctype, content = st.read.protection.decrypt(st.read_seq, rec)
        if ctype != ContentType.HANDSHAKE:
            st = engine.handle_tls(st, raw).state
            continue
        for msg in split_messages(content):
            w.points.append(Point(st, msg[0], f"{side} {type(st.hs).__name__}"))
            w.samples.setdefault(msg[0], msg)
            r = engine.handle_tls(st, seal(st, msg))
            assert not r.state.failed, r.events
            st = r.state


def conversation(version: str) -> Walk:
    cp = pki("p256", ("client.test",), "client")
    c_over, s_over = {
        "1.2": ({"versions": (V12,)}, {}),
        "1.3": ({}, {}),
        # A HelloRetryRequest: the client's one share is not the server's group.
        "1.3-hrr": ({"groups": (NamedGroup.X25519, NamedGroup.SECP256R1)},
                    {"groups": (NamedGroup.SECP256R1,)}),
    }[version]
    ccfg, scfg = configs(client={"certificates": (cp.key,), **c_over},
                         server={"client_auth": "optional", "trust_anchors": (cp.anchor,),
                                 "ticket_keys": (b"t" * 32,), **s_over})
    w = Walk()
    c, to_server = engine.client(ccfg, "server.test")
    s = engine.server(scfg)
    while to_server:
        walk(s, to_server, w, "server")
        r = engine.handle_tls(s, to_server)
        assert not r.state.failed, r.events
        s, to_client = r.state, r.out
        to_server = b""
        if to_client:
            walk(c, to_client, w, "client")
            r = engine.handle_tls(c, to_client)
            assert not r.state.failed, r.events
            c, to_server = r.state, r.out
    assert c.established and s.established
    w.points += [Point(c, None, f"client {type(c.hs).__name__} (after)"),
                 Point(s, None, f"server {type(s.hs).__name__} (after)")]
    return w


WALKS = {v: conversation(v) for v in ("1.3", "1.3-hrr", "1.2")}


def accepted(p: Point) -> set[int]:
    """Types a state takes besides the one that really came."""
    st, hs = p.state, p.state.hs
    ok = set() if p.genuine is None else {p.genuine}
    name = type(hs).__name__
    if name == "ClientWaitCertificate":  # TLS 1.3: CertificateRequest is optional
        ok |= {CERTIFICATE, CERTIFICATE_REQUEST}
    if name == "ClientWaitHelloDone12":
        ok |= {CERTIFICATE_REQUEST, SERVER_HELLO_DONE}
    if st.is_client and isinstance(hs, HANDSHAKE12):
        ok.add(HELLO_REQUEST)  # ignored while negotiating (RFC 5246 7.4.1.1)
    if isinstance(hs, Established12):
        ok.add(HELLO_REQUEST if st.is_client else CLIENT_HELLO)  # refused with a warning
    elif isinstance(hs, Established):
        ok |= {NEW_SESSION_TICKET, KEY_UPDATE} if st.is_client else {KEY_UPDATE}
    return ok


def _cases() -> list[tuple[str, int, int]]:
    cases = []
    for version, w in WALKS.items():
        for i, p in enumerate(w.points):
            for t in sorted({*WALKS["1.3"].samples, *WALKS["1.2"].samples, *EXTRA}):
                if t not in accepted(p):
                    cases.append((version, i, t))
    return cases


CASES = _cases()


def _sample(version: str, t: int) -> bytes:
    other = "1.2" if version.startswith("1.3") else "1.3"
    return WALKS[version].samples.get(t) or EXTRA.get(t) or WALKS[other].samples[t]


def test_walks_cover_every_state() -> None:
    names = {p.where for w in WALKS.values() for p in w.points}
    for expected in ("server ServerWaitClientHello2", "server ServerWaitClientHello", "client ClientWaitServerHello",
                     "client ClientWaitEncryptedExtensions", "client ClientWaitCertificate",
                     "client ClientWaitCertificateVerify", "client ClientWaitFinished",
                     "server ServerWaitClientCertificate",
                     "server ServerWaitClientCertificateVerify", "server ServerWaitFinished",
                     "client ClientWaitCertificate12", "client ClientWaitKeyExchange12",
                     "client ClientWaitHelloDone12", "client ClientWaitChangeCipherSpec12",
                     "client ClientWaitFinished12", "server ServerWaitClientCertificate12",
                     "server ServerWaitKeyExchange12", "server ServerWaitCertificateVerify12",
                     "server ServerWaitChangeCipherSpec12", "server ServerWaitFinished12",
                     "client Established (after)", "server Established (after)",
                     "client Established12 (after)", "server Established12 (after)"):
        assert expected in names, (expected, sorted(names))
    assert len(CASES) > 300


@pytest.mark.parametrize(("version", "index", "msg_type"), CASES,
                         ids=[f"{v}-{WALKS[v].points[i].where}-type{t}" for v, i, t in CASES])
def test_unexpected_message(version: str, index: int, msg_type: int) -> None:
    p = WALKS[version].points[index]
    r = engine.handle_tls(p.state, seal(p.state, _sample(version, msg_type)))
    assert alert_of(r) == A.UNEXPECTED_MESSAGE, r.events
