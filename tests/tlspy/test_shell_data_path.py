"""The shell's data path: the decrypted-data buffer, reads of every size
and writes of every buffer type over a real connection, TCP_NODELAY on
wrapped TCP sockets, and TLSObject writes from any buffer."""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tlspy
from tests.tlspy.test_sslsocket import (
    TIMEOUT,
    recv_exactly,
    serve,
    ssl_server_ctx,
    tlspy_client_ctx,
    tlspy_server_ctx,
)
from tlspy.sslsocket import PlainBuffer


@given(chunks=st.lists(st.binary(max_size=50), max_size=8),
       reads=st.lists(st.integers(1, 60), max_size=20))
def test_plain_buffer_is_a_byte_queue(chunks: list[bytes], reads: list[int]) -> None:
    buf, model = PlainBuffer(), b""
    it = iter(chunks)
    for n in reads:
        chunk = next(it, None)
        if chunk:
            buf.add(chunk)
            model += chunk
        if not len(buf):
            continue
        if n % 2:
            out = buf.take(n)
        else:
            target = bytearray(n)
            got = buf.take_into(memoryview(target), n)
            out = bytes(target[:got])
        assert out == model[: len(out)] and len(out) == min(n, len(model))
        model = model[len(out):]
        assert len(buf) == len(model)


def test_plain_buffer_hands_back_the_engine_bytes_without_a_copy() -> None:
    data = os.urandom(1000)
    buf = PlainBuffer()
    buf.add(data)
    assert buf.take(5000) is data and len(buf) == 0
    buf.add(data)
    assert buf.take(10) == data[:10]
    assert buf.take(5000) == data[10:] and not buf


@pytest.mark.parametrize("read", ["recv", "recv_into", "read"])
def test_reads_of_every_size_get_the_stream_in_order(read: str) -> None:
    payload = os.urandom(300_000)

    def handler(conn: socket.socket) -> None:
        with ssl_server_ctx().wrap_socket(conn, server_side=True) as tls:
            tls.sendall(payload)
            assert recv_exactly(tls, 1) == b"k"

    with serve(handler) as port, socket.create_connection(("127.0.0.1", port),
                                                          timeout=TIMEOUT) as raw:
        tls = tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost")
        got = bytearray()
        sizes = [1, 7, 100, 16384, 16385, 70000]
        i = 0
        while len(got) < len(payload):
            n = sizes[i % len(sizes)]
            i += 1
            if read == "recv":
                got += tls.recv(n)
            elif read == "read":
                got += tls.read(n)
            else:
                target = bytearray(n)
                got += target[: tls.recv_into(target)]
        assert got == payload
        tls.sendall(b"k")
        tls.close()


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview, "array"])
def test_sendall_of_every_buffer_type(kind: Any) -> None:
    import array

    payload = os.urandom(600_000)  # several send chunks and a short last record
    if kind == "array":
        data: Any = array.array("I", payload)
    else:
        data = kind(payload)

    def handler(conn: socket.socket) -> None:
        with tlspy_server_ctx().wrap_socket(conn, server_side=True) as tls:
            assert recv_exactly(tls, len(payload)) == payload
            tls.sendall(b"k")

    with serve(handler) as port, socket.create_connection(("127.0.0.1", port),
                                                          timeout=TIMEOUT) as raw:
        tls = tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost")
        tls.sendall(data)
        assert recv_exactly(tls, 1) == b"k"
        tls.close()


def _counting_writes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """(asked, taken) for every write the socket tries before waiting."""
    from tlspy import sslsocket

    calls: list[tuple[int, int]] = []
    real = sslsocket._write

    def write(fd: int, data: Any) -> int:
        taken = real(fd, data)
        calls.append((len(data), taken))
        return taken

    monkeypatch.setattr(sslsocket, "_write", write)
    return calls


def test_a_write_the_kernel_cannot_take_at_once_waits_for_the_rest(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The peer reads only after a pause, with small socket buffers: the
    # first try takes part of a record batch, sendall waits for the rest.
    payload = os.urandom(2_000_000)
    calls = _counting_writes(monkeypatch)

    def handler(conn: socket.socket) -> None:
        with tlspy_server_ctx().wrap_socket(conn, server_side=True) as tls:
            threading.Event().wait(0.3)
            assert recv_exactly(tls, len(payload)) == payload
            tls.sendall(b"k")

    with serve(handler) as port, socket.socket() as raw:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
        raw.settimeout(TIMEOUT)
        raw.connect(("127.0.0.1", port))
        tls = tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost")
        tls.sendall(payload)
        assert recv_exactly(tls, 1) == b"k"
        tls.close()
    assert any(taken < asked for asked, taken in calls)


def test_a_peer_that_stops_reading_times_the_write_out(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting_writes(monkeypatch)
    stop = threading.Event()

    def handler(conn: socket.socket) -> None:
        with tlspy_server_ctx().wrap_socket(conn, server_side=True):
            stop.wait(TIMEOUT)

    with serve(handler) as port, socket.create_connection(("127.0.0.1", port),
                                                          timeout=TIMEOUT) as raw:
        tls = tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost")
        tls.settimeout(0.3)
        try:
            with pytest.raises(TimeoutError):
                for _ in range(1000):  # 256 MiB at most: far beyond any socket buffer
                    tls.sendall(bytes(1 << 18))
        finally:
            stop.set()
    assert calls


def test_wrapped_tcp_socket_has_nodelay() -> None:
    def handler(conn: socket.socket) -> None:
        with tlspy_server_ctx().wrap_socket(conn, server_side=True) as tls:
            assert tls.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            tls.sendall(b"k")

    with serve(handler) as port, socket.create_connection(("127.0.0.1", port),
                                                          timeout=TIMEOUT) as raw:
        assert not raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        tls = tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost")
        assert tls.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        assert recv_exactly(tls, 1) == b"k"
        tls.close()


def test_tls_object_writes_any_buffer() -> None:
    cin, cout, sin, sout = (ssl.MemoryBIO() for _ in range(4))
    client = tlspy_client_ctx().wrap_bio(cin, cout, server_hostname="localhost")
    server = tlspy_server_ctx().wrap_bio(sin, sout, server_side=True)
    for _ in range(4):
        for obj in (client, server):
            with contextlib.suppress(tlspy.SSLWantReadError):
                obj.do_handshake()
        sin.write(cout.read())
        cin.write(sout.read())
    payload = os.urandom(40_000)
    for data in (payload, bytearray(payload), memoryview(payload)):
        assert client.write(data) == len(payload)
        sin.write(cout.read())
        got = b""
        while len(got) < len(payload):
            got += server.read(len(payload))
        assert got == payload
