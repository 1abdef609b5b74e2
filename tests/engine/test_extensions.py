"""Unknown extensions and code points (RFC 8446 4.2, 4.1.2; RFC 8701
GREASE): a server ignores what it does not know in a ClientHello; a client
refuses any extension in a ServerHello that it did not offer
(unsupported_extension); duplicates are refused (illegal_parameter)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.engine.helpers import configs
from tests.engine.test_handshake12 import _failed_with
from tlspy import engine
from tlspy.core.enums import AlertDescription, ProtocolVersion
from tlspy.core.keyschedule import Transcript
from tlspy.core.messages import (
    ClientHello,
    RawExtension,
    ServerHello,
    SignatureAlgorithms,
    SupportedGroups,
)
from tlspy.core.reader import parse_handshake
from tlspy.core.record import parse_records
from tlspy.core.writer import assemble_handshake
from tlspy.engine.state import ClientWaitServerHello

V12, V13 = ProtocolVersion.TLS_1_2, ProtocolVersion.TLS_1_3
A = AlertDescription


def _record(raw: bytes) -> bytes:
    return bytes((22, 3, 1)) + len(raw).to_bytes(2, "big") + raw


def _greased(c: engine.State) -> tuple[engine.State, bytes]:
    """The client's hello with GREASE code points everywhere (RFC 8701)."""
    hs = c.hs
    assert isinstance(hs, ClientWaitServerHello)
    exts = []
    for e in hs.hello.extensions:
        if isinstance(e, SupportedGroups):
            e = SupportedGroups((0x0A0A, *e.groups))
        elif isinstance(e, SignatureAlgorithms):
            e = SignatureAlgorithms((0x1A1A, *e.schemes))
        exts.append(e)
    hello = replace(hs.hello, cipher_suites=(0x2A2A, *hs.hello.cipher_suites),
                    extensions=(RawExtension(0x3A3A, b""), *exts,
                                RawExtension(0xFE77, b"unknown to all")))
    raw = assemble_handshake(hello)
    return replace(c, hs=replace(hs, hello=hello, transcript=Transcript().add(raw))), raw


def _server_hello(flight: bytes, version: ProtocolVersion) -> ServerHello:
    (first, *_), _ = parse_records(flight)
    n = int.from_bytes(first.fragment[1:4], "big")
    sh = parse_handshake(first.fragment[:4 + n], version=version)
    assert isinstance(sh, ServerHello)
    return sh


@pytest.mark.parametrize("versions", [(V13,), (V12,), (V13, V12)])
def test_server_ignores_unknown_code_points(versions: tuple[ProtocolVersion, ...]) -> None:
    c, s = configs("p256", client={"versions": versions})
    cst, _ = engine.client(c, "server.test")
    cst, raw = _greased(cst)
    r = engine.handle_tls(engine.server(s), _record(raw))
    assert not r.state.failed, r.events
    rc = engine.handle_tls(cst, r.out)
    rs = engine.handle_tls(r.state, rc.out)
    assert rs.state.established, rs.events
    if rs.out:
        rc = engine.handle_tls(rc.state, rs.out)
    assert rc.state.established


@pytest.mark.parametrize("version", [V13, V12])
@pytest.mark.parametrize("ext", [RawExtension(0x3A3A, b""), RawExtension(0xFE77, b"x")])
def test_client_refuses_unoffered_extension_in_server_hello(version: ProtocolVersion,
                                                            ext: RawExtension) -> None:
    c, s = configs("p256", client={"versions": (version,)})
    cst, out = engine.client(c, "server.test")
    r = engine.handle_tls(engine.server(s), out)
    sh = _server_hello(r.out, version)
    raw = assemble_handshake(replace(sh, extensions=(*sh.extensions, ext)))
    _failed_with(engine.handle_tls(cst, _record(raw)), A.UNSUPPORTED_EXTENSION)


@pytest.mark.parametrize("version", [V13, V12])
def test_duplicate_extension_in_server_hello(version: ProtocolVersion) -> None:
    c, s = configs("p256", client={"versions": (version,)})
    cst, out = engine.client(c, "server.test")
    r = engine.handle_tls(engine.server(s), out)
    sh = _server_hello(r.out, version)
    raw = assemble_handshake(replace(sh, extensions=(*sh.extensions, sh.extensions[0])))
    _failed_with(engine.handle_tls(cst, _record(raw)), A.ILLEGAL_PARAMETER)


@pytest.mark.parametrize("versions", [(V13,), (V12,)])
def test_duplicate_extension_in_client_hello(versions: tuple[ProtocolVersion, ...]) -> None:
    c, s = configs("p256", client={"versions": versions})
    cst, _ = engine.client(c, "server.test")
    assert isinstance(cst.hs, ClientWaitServerHello)
    hello: ClientHello = cst.hs.hello
    dup = replace(hello, extensions=(hello.extensions[1], *hello.extensions))
    r = engine.handle_tls(engine.server(s), _record(assemble_handshake(dup)))
    _failed_with(r, A.ILLEGAL_PARAMETER)
