"""Drive a tlspy client and server against each other in memory."""

from __future__ import annotations

from dataclasses import dataclass, field

from nocrypto.rng import Fortuna
from tests.engine.certs import NOW_TS, pki
from tlspy import engine
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
