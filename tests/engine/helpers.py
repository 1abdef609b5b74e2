"""Drive a tlspy client and server against each other in memory."""

from __future__ import annotations

from dataclasses import dataclass, field

from nocrypto.rng import Fortuna
from tests.engine.certs import NOW_TS, pki
from tlspy import engine
from tlspy.core.enums import ContentType, ProtocolVersion
from tlspy.core.messages import ServerHello
from tlspy.core.reader import parse_handshake
from tlspy.core.record import HandshakeBuffer, parse_records
from tlspy.engine import Config, Event, State


def pinned_rng(seed: bytes = b"engine tests") -> Fortuna:
    return Fortuna(seed.ljust(32, b"\x00")[:32])


def configs(kind: str = "p256", *, seed: bytes = b"engine tests", client: dict | None = None,
            server: dict | None = None) -> tuple[Config, Config]:
    p = pki(kind)
    rng = pinned_rng(seed)
    c = Config(**{"trust_anchors": (p.anchor,), "rng": rng.generate, "clock": lambda: NOW_TS,
                  **(client or {})})
    s = Config(**{"certificates": (p.key,), "rng": rng.generate, "clock": lambda: NOW_TS,
                  **(server or {})})
    return c, s


@dataclass
class Pair:
    client: State
    server: State
    wire: list[tuple[str, bytes]] = field(default_factory=list)
    client_events: list[Event] = field(default_factory=list)
    server_events: list[Event] = field(default_factory=list)
    client_data: bytes = b""
    server_data: bytes = b""


def handshake(ccfg: Config, scfg: Config, server_name: str | None = "server.test") -> Pair:
    c, out = engine.client(ccfg, server_name)
    return drive(c, out, engine.server(scfg))


def drive(c: State, out: bytes, s: State) -> Pair:
    """Run client ``c`` (whose first bytes are ``out``) against server ``s``
    until neither has anything more to send."""
    p = Pair(c, s)
    to_server = out
    to_client = b""
    for _ in range(10):
        if to_server:
            p.wire.append(("c", to_server))
            r = engine.handle_tls(p.server, to_server)
            p.server, to_client = r.state, r.out
            p.server_events += r.events
            p.server_data += r.data
            to_server = b""
        if to_client:
            p.wire.append(("s", to_client))
            r = engine.handle_tls(p.client, to_client)
            p.client, to_server = r.state, r.out
            p.client_events += r.events
            p.client_data += r.data
            to_client = b""
        if not to_server and not to_client:
            break
    return p


def split_messages(data: bytes) -> list[bytes]:
    """The framed handshake messages in ``data`` (concatenated messages)."""
    return list(HandshakeBuffer().feed(data)[1]) if data else []


def plaintext_messages(flight: bytes) -> list[bytes]:
    """The framed handshake messages in a flight's plaintext handshake
    records."""
    records, rest = parse_records(flight, 1 << 15)
    assert not rest
    return split_messages(b"".join(r.fragment for r in records
                                   if r.content_type == ContentType.HANDSHAKE))


def server_hello12(p: Pair) -> ServerHello:
    """The TLS 1.2 ServerHello a handshake's server sent first (in its
    flight's first record; encrypted records may follow)."""
    first = parse_records(p.wire[1][1], 1 << 15)[0][0]
    sh = parse_handshake(split_messages(first.fragment)[0], version=ProtocolVersion.TLS_1_2)
    assert isinstance(sh, ServerHello)
    return sh
