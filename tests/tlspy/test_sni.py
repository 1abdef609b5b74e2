"""sni_callback (certificate switching, refusal with an alert, a callback
that raises, fragmented ClientHellos), set_ecdh_curve / set_groups and
OpenSSL cipher strings, on real sockets with stdlib ssl and tlspy peers.
Every socket has a timeout."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import sys
from typing import Any

import pytest

import tlspy
from tests.tlspy.certs import files
from tests.tlspy.test_sslsocket import TIMEOUT, recv_exactly, serve, tlspy_server_ctx
from tlspy import engine
from tlspy.ciphers import parse_cipher_string, parse_groups
from tlspy.core.enums import CipherSuite, NamedGroup
from tlspy.servername import HelloPeek


def _ssl_client(kind: str, **kw: Any) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=files(kind).ca)
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


def _sni_server(seen: list[Any], answer: int | None = None) -> tlspy.SSLContext:
    """A P-256 server whose callback records its arguments and switches
    to an RSA context for rsa.example."""
    rsa_ctx = tlspy_server_ctx("rsa")
    ctx = tlspy_server_ctx("p256")

    def callback(conn: Any, name: str | None, context: tlspy.SSLContext) -> int | None:
        seen.append((type(conn), name, context is ctx))
        if name == "rsa.example":
            conn.context = rsa_ctx
        return answer

    ctx.sni_callback = callback
    return ctx


def _connect(port: int, client: ssl.SSLContext, name: str | None) -> ssl.SSLSocket:
    raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    return client.wrap_socket(raw, server_hostname=name)


def _echo_once(server: tlspy.SSLContext) -> Any:
    def handler(conn: socket.socket) -> None:
        with server.wrap_socket(conn, server_side=True) as tls:
            tls.sendall(recv_exactly(tls, 4))

    return serve(handler)


@pytest.mark.parametrize("name, kind", [("rsa.example", "rsa"), ("localhost", "p256")])
def test_sni_callback_switches_the_certificate(name: str, kind: str) -> None:
    seen: list[Any] = []
    server = _sni_server(seen)
    client = _ssl_client(kind, check_hostname=False)  # the test leaf names localhost
    with _echo_once(server) as port, _connect(port, client, name) as tls:
        tls.sendall(b"ping")
        assert recv_exactly(tls, 4) == b"ping"
        cert = tls.getpeercert(binary_form=True)
    assert cert == files(kind).leaf_der
    assert seen == [(tlspy.TLSSocket, name, True)]


def test_sni_callback_without_sni_gets_none() -> None:
    seen: list[Any] = []
    server = _sni_server(seen)
    client = _ssl_client("p256", check_hostname=False)
    with _echo_once(server) as port, _connect(port, client, None) as tls:
        tls.sendall(b"ping")
        assert recv_exactly(tls, 4) == b"ping"
    assert seen == [(tlspy.TLSSocket, None, True)]


def test_sni_callback_refuses_with_its_alert() -> None:
    seen: list[Any] = []
    server = _sni_server(seen, answer=ssl.ALERT_DESCRIPTION_ACCESS_DENIED)
    errors: list[BaseException] = []

    def handler(conn: socket.socket) -> None:
        try:
            server.wrap_socket(conn, server_side=True)
        except tlspy.SSLError as e:
            errors.append(e)

    with serve(handler) as port, pytest.raises(ssl.SSLError, match="ACCESS_DENIED"):
        _connect(port, _ssl_client("p256"), "localhost")
    assert seen and isinstance(errors[0], ssl.SSLError) and "ACCESS_DENIED" in str(errors[0])


def test_sni_callback_that_raises_is_a_handshake_failure(monkeypatch: Any) -> None:
    reported: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    server = tlspy_server_ctx()

    def callback(conn: Any, name: str | None, context: Any) -> None:
        raise RuntimeError("boom")

    server.sni_callback = callback

    def handler(conn: socket.socket) -> None:
        with contextlib.suppress(tlspy.SSLError):
            server.wrap_socket(conn, server_side=True)

    with serve(handler) as port, pytest.raises(ssl.SSLError, match="HANDSHAKE_FAILURE"):
        _connect(port, _ssl_client("p256"), "localhost")
    assert isinstance(reported[0].exc_value, RuntimeError)


def test_sni_callback_setter_checks() -> None:
    with pytest.raises(ValueError):
        tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT).sni_callback = lambda *a: None
    server = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
    with pytest.raises(TypeError):
        server.sni_callback = 5  # type: ignore[assignment]
    server.set_servername_callback(None)
    assert server.sni_callback is None


def _client_hello(name: str) -> bytes:
    ctx = tlspy.create_default_context(cafile=files().ca)
    _, hello = engine.client(ctx.engine_config(False), server_name=name)
    return hello


def _fragment(hello: bytes, size: int) -> bytes:
    """The ClientHello record cut into records of ``size`` bytes."""
    body = hello[5:]
    return b"".join(bytes((22, 3, 1)) + len(c).to_bytes(2, "big") + c
                    for c in (body[i:i + size] for i in range(0, len(body), size)))


def test_hello_peek_reads_fragmented_and_refuses_junk() -> None:
    wire = _fragment(_client_hello("frag.example"), 50)
    peek = HelloPeek()
    done = [peek.add(wire[i:i + 7]) for i in range(0, len(wire), 7)]
    assert done[-1] and not any(done[:-1])
    assert peek.seen and peek.name == "frag.example" and peek.data == wire
    peek = HelloPeek()  # a whole hello, then a ChangeCipherSpec in the same read
    assert peek.add(_client_hello("xn--bcher-kva.Example") + b"\x14\x03\x03\x00\x01\x01")
    assert peek.seen and peek.name == "bücher.Example"
    for junk in (b"GET / HTTP/1.1\r\n\r\n", bytes((23, 3, 3, 0, 1, 0)),
                 bytes((22, 3, 3, 0, 4, 2, 0, 0, 0))):
        peek = HelloPeek()
        assert peek.add(junk) and not peek.seen


def test_sni_callback_with_a_fragmented_client_hello_over_a_socket() -> None:
    seen: list[Any] = []
    server = _sni_server(seen)

    def handler(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):  # the client leaves after the ServerHello
            server.wrap_socket(conn, server_side=True)

    with serve(handler) as port, socket.create_connection(("127.0.0.1", port),
                                                          timeout=TIMEOUT) as raw:
        wire = _fragment(_client_hello("rsa.example"), 40)
        for i in range(0, len(wire), 30):
            raw.sendall(wire[i:i + 30])
        answer = raw.recv(5)
        assert answer[:1] == b"\x16"  # a ServerHello, from the RSA context
    assert seen == [(tlspy.TLSSocket, "rsa.example", True)]


def test_sni_callback_through_asyncio() -> None:
    seen: list[Any] = []
    server_ctx = _sni_server(seen)

    async def run() -> bytes:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(await reader.readexactly(4))
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_ctx)
        port = server.sockets[0].getsockname()[1]
        async with server:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, ssl=_ssl_client("rsa", check_hostname=False),
                server_hostname="rsa.example")
            writer.write(b"ping")
            got = await reader.readexactly(4)
            writer.close()
            return got

    assert asyncio.run(asyncio.wait_for(run(), TIMEOUT)) == b"ping"
    assert seen == [(tlspy.TLSObject, "rsa.example", True)]


# -- groups ------------------------------------------------------------------------

@pytest.mark.parametrize("name, group", [("prime256v1", NamedGroup.SECP256R1),
                                         ("secp384r1", NamedGroup.SECP384R1),
                                         ("X25519", NamedGroup.X25519)])
def test_set_ecdh_curve_picks_the_group(name: str, group: NamedGroup) -> None:
    server = tlspy_server_ctx()
    server.set_ecdh_curve(name)
    assert server.engine_config(True).groups == (group,)
    got: list[Any] = []

    def handler(conn: socket.socket) -> None:
        with server.wrap_socket(conn, server_side=True) as tls:
            got.append(tls._info.group if tls._info else None)
            tls.sendall(recv_exactly(tls, 4))

    with serve(handler) as port, _connect(port, _ssl_client("p256"), "localhost") as tls:
        tls.sendall(b"ping")
        assert recv_exactly(tls, 4) == b"ping"
    assert got == [group]


def test_set_ecdh_curve_and_set_groups_errors() -> None:
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT)
    with pytest.raises(ValueError, match="unknown elliptic curve"):
        ctx.set_ecdh_curve("brainpoolP256r1")
    with pytest.raises(TypeError):
        ctx.set_ecdh_curve(5)  # type: ignore[arg-type]
    with pytest.raises(ssl.SSLError, match="unknown group"):
        ctx.set_groups("X25519:sect163k1")
    ctx.set_groups("P-384:x25519:ffdhe2048")
    assert ctx.get_groups() == ["secp384r1", "x25519", "ffdhe2048"]
    assert parse_groups("X25519,prime256v1") == (NamedGroup.X25519, NamedGroup.SECP256R1)


def test_client_groups_go_into_the_hello_against_ssl_server() -> None:
    f = files()
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(f.cert, f.key)
    client = tlspy.create_default_context(cafile=f.ca)
    client.set_groups("secp384r1")

    def handler(conn: socket.socket) -> None:
        with server.wrap_socket(conn, server_side=True) as tls:
            tls.sendall(recv_exactly(tls, 4))

    with (serve(handler) as port,
          socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
          client.wrap_socket(raw, server_hostname="localhost") as tls):
        tls.sendall(b"ping")
        assert recv_exactly(tls, 4) == b"ping"
        assert tls._info is not None and tls._info.group == NamedGroup.SECP384R1


# -- cipher strings -----------------------------------------------------------------

def test_cipher_strings_follow_openssl() -> None:
    cs = CipherSuite
    default = parse_cipher_string("DEFAULT")
    assert all("GCM" in s.name or "CHACHA" in s.name for s in default)
    assert all("ECDHE" in s.name for s in default)
    every = parse_cipher_string("ALL")
    assert set(default) < set(every)
    assert cs.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA in every
    assert parse_cipher_string("ECDHE-RSA-AES128-SHA") == (cs.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,)
    assert set(parse_cipher_string("DHE+AESGCM")) == {
        cs.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, cs.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384}
    no_sha1 = parse_cipher_string("ALL:!SHA1")
    assert no_sha1 and all(not s.name.endswith("_SHA") for s in no_sha1)
    assert parse_cipher_string("!SHA1:ALL") == no_sha1  # ! is for good
    assert cs.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA in parse_cipher_string("ALL:-SHA1:SHA1")
    moved = parse_cipher_string("ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:+SHA1")
    assert moved == (cs.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                     cs.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA)
    assert parse_cipher_string("RC4:3DES:eNULL:EXPORT") == ()
    strong = parse_cipher_string("ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:@STRENGTH")
    assert strong[0] == cs.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA


def test_cbc_suite_named_by_set_ciphers_against_openssl_names() -> None:
    """A tlspy server limited to ECDHE-RSA-AES128-SHA over TLS 1.2, a
    stdlib client asking for the same: the suite and its name agree."""
    server = tlspy_server_ctx("rsa")
    server.set_ciphers("ECDHE-RSA-AES128-SHA")
    server.maximum_version = tlspy.TLSVersion.TLSv1_2
    client = _ssl_client("rsa", maximum_version=ssl.TLSVersion.TLSv1_2)
    client.set_ciphers("ECDHE-RSA-AES128-SHA")
    got: list[Any] = []

    def handler(conn: socket.socket) -> None:
        with server.wrap_socket(conn, server_side=True) as tls:
            got.append(tls.cipher())
            tls.sendall(recv_exactly(tls, 4))

    with serve(handler) as port, _connect(port, client, "localhost") as tls:
        tls.sendall(b"ping")
        assert recv_exactly(tls, 4) == b"ping"
        assert tls.version() == "TLSv1.2"
        assert got == [tls.cipher()] == [("ECDHE-RSA-AES128-SHA", "TLSv1.0", 128)]
