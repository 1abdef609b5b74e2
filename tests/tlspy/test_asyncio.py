"""asyncio streams, unchanged, with tlspy contexts (TLSObject under
asyncio's SSLProtocol): tlspy against tlspy and against stdlib ssl."""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
from typing import Any

import pytest

import tlspy
from tests.tlspy.certs import files

TIMEOUT = 15.0
DATA = os.urandom(1 << 20)


def _tlspy_server() -> tlspy.SSLContext:
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(files().cert, files().key)
    ctx.set_alpn_protocols(["h2"])
    return ctx


def _ssl_server() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(files().cert, files().key)
    ctx.set_alpn_protocols(["h2"])
    return ctx


def _tlspy_client() -> tlspy.SSLContext:
    ctx = tlspy.create_default_context(cafile=files().ca)
    ctx.set_alpn_protocols(["h2"])
    return ctx


def _ssl_client() -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=files().ca)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.set_alpn_protocols(["h2"])
    return ctx


async def _exchange(server_ctx: Any, client_ctx: Any) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        obj = writer.get_extra_info("ssl_object")
        assert obj.selected_alpn_protocol() == "h2"
        got = await reader.readexactly(len(DATA))
        writer.write(got[::-1])
        await writer.drain()
        assert await reader.read() == b""  # the client's close
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    async with server:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=client_ctx,
                                                       server_hostname="localhost")
        obj = writer.get_extra_info("ssl_object")
        assert obj.version() == "TLSv1.3"
        assert writer.get_extra_info("peercert")["subject"][-1] == (("commonName", "localhost"),)
        writer.write(DATA)
        await writer.drain()
        assert await reader.readexactly(len(DATA)) == DATA[::-1]
        writer.close()
        await writer.wait_closed()


@pytest.mark.parametrize(("server", "client"), [
    (_tlspy_server, _tlspy_client),
    (_ssl_server, _tlspy_client),
    (_tlspy_server, _ssl_client),
], ids=["tlspy-tlspy", "ssl-server-tlspy-client", "tlspy-server-ssl-client"])
def test_asyncio_streams(server: Any, client: Any) -> None:
    asyncio.run(asyncio.wait_for(_exchange(server(), client()), TIMEOUT))


def test_asyncio_client_refuses_a_wrong_name() -> None:
    async def run() -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=_ssl_server())
        port = server.sockets[0].getsockname()[1]
        async with server:
            with pytest.raises(ssl.SSLCertVerificationError):
                await asyncio.open_connection("127.0.0.1", port, ssl=_tlspy_client(),
                                              server_hostname="example.com")

    asyncio.run(asyncio.wait_for(run(), TIMEOUT))


def test_wrap_bio_against_ssl_object_in_memory() -> None:
    """A tlspy TLSObject and a stdlib SSLObject, bytes carried by hand."""
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    ours = _tlspy_client().wrap_bio(c_in, c_out, server_hostname="localhost")
    theirs = _ssl_server().wrap_bio(s_in, s_out, server_side=True)
    assert isinstance(ours, tlspy.TLSObject)
    with pytest.raises(ssl.SSLWantReadError):
        ours.do_handshake()
    for _ in range(10):
        s_in.write(c_out.read())
        with contextlib.suppress(ssl.SSLWantReadError):
            theirs.do_handshake()
        c_in.write(s_out.read())
        try:
            ours.do_handshake()
            break
        except ssl.SSLWantReadError:
            continue
    s_in.write(c_out.read())
    theirs.do_handshake()
    assert ours.version() == theirs.version() == "TLSv1.3"
    assert ours.cipher() == theirs.cipher()
    assert ours.write(b"ping") == 4
    s_in.write(c_out.read())
    assert theirs.read(100) == b"ping"
    theirs.write(b"pong")
    c_in.write(s_out.read())
    assert ours.pending() == 0
    assert ours.read(2) == b"po" and ours.pending() == 2
    buf = bytearray(10)
    assert ours.read(10, buf) == 2 and buf[:2] == b"ng"
    with pytest.raises(ssl.SSLWantReadError):
        ours.read(10)
    with pytest.raises(ssl.SSLWantReadError):
        ours.unwrap()  # close_notify sent, the server's not yet here
    s_in.write(c_out.read())
    assert theirs.read(10) == b""  # close_notify arrived
    with contextlib.suppress(ssl.SSLWantReadError):
        theirs.unwrap()
    c_in.write(s_out.read())
    ours.unwrap()
    assert ours.read(10) == b""
