"""Helpers for the attack tests: drive tlspy peers in memory, build
records by hand, and assert exact failures."""

from __future__ import annotations

from dataclasses import replace

from tests.engine.helpers import configs
from tlspy import engine
from tlspy.core.enums import AlertDescription, CipherSuite, ContentType, ProtocolVersion
from tlspy.core.keyschedule import Transcript
from tlspy.core.messages import ClientHello, EncryptThenMac
from tlspy.core.writer import assemble_handshake
from tlspy.engine import Alert, Result, State
from tlspy.engine.state import ClientWaitServerHello

A = AlertDescription
V12 = ProtocolVersion.TLS_1_2


def record(content_type: int, body: bytes, version: int = V12) -> bytes:
    return bytes((content_type, version >> 8, version & 0xFF)) + len(body).to_bytes(2, "big") + body


def handshake_record(*messages: bytes, version: int = V12) -> bytes:
    return record(ContentType.HANDSHAKE, b"".join(messages), version)


def alert_of(r: Result) -> AlertDescription | int:
    """The fatal alert a failed result sent (checked to be in ``out``)."""
    assert r.state.failed, r.events
    sent = [e for e in r.events if isinstance(e, Alert) and e.sent]
    assert sent, r.events
    assert r.state.hs.alert == sent[-1].description  # type: ignore[union-attr]
    assert r.out, "the alert was not sent"
    return sent[-1].description


def drive(client: tuple[State, bytes], server: State, rounds: int = 12) -> tuple[State, State]:
    """Run two engines against each other until both are quiet."""
    c, to_server = client
    s = server
    for _ in range(rounds):
        if not to_server:
            break
        r = engine.handle_tls(s, to_server)
        s, to_client = r.state, r.out
        to_server = b""
        if to_client:
            r = engine.handle_tls(c, to_client)
            c, to_server = r.state, r.out
    return c, s


def without_encrypt_then_mac(c: State) -> tuple[State, bytes]:
    """The client state and first flight of a client that does not offer
    encrypt-then-MAC (so a CBC suite runs MAC-then-encrypt)."""
    hs = c.hs
    assert isinstance(hs, ClientWaitServerHello)
    hello: ClientHello = replace(hs.hello, extensions=tuple(
        e for e in hs.hello.extensions if not isinstance(e, EncryptThenMac)))
    raw = assemble_handshake(hello)
    st = replace(c, hs=replace(hs, hello=hello, transcript=Transcript().add(raw)))
    return st, handshake_record(raw, version=0x0301)


def tls12_pair(suite: CipherSuite, *, etm: bool = True, kind: str | None = None,
               client: dict | None = None, server: dict | None = None) -> tuple[State, State]:
    """An established TLS 1.2 (client, server) pair on ``suite``."""
    kind = kind or ("rsa" if "_RSA_" in suite.name else "p256")
    ccfg, scfg = configs(kind, client={"versions": (V12,), "cipher_suites": (suite,),
                                       **(client or {})},
                         server={"cipher_suites": (suite,), **(server or {})})
    first = engine.client(ccfg, "server.test")
    if not etm:
        first = without_encrypt_then_mac(first[0])
    c, s = drive(first, engine.server(scfg))
    assert c.established and s.established, (c.hs, s.hs)
    return c, s
