"""The socket shell over loopback: a tlspy client beside a stdlib ssl
client in the same run, against one stdlib ssl server in a separate
process (so the server's CPU is not ours): bulk MB/s on one connection
(4 MiB in 16 KiB writes, TLS 1.3, the suite the server picks, which
the table names) and full connections per second (TCP connect + TLS 1.3
X25519 handshake with an ECDSA P-256 certificate + one round trip)."""

from __future__ import annotations

import multiprocessing
import socket
import ssl
import struct
from typing import Any

import tlspy
from bench.common import Table, alternate, mbps, ratio
from tests.tlspy.certs import files

BULK = 4 << 20
WRITE = 16 << 10
_CHUNK = b"\x5a" * WRITE


def _serve(lsock: socket.socket, cert: str, key: str) -> None:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(cert, key)
    while True:
        conn, _ = lsock.accept()
        try:
            with ctx.wrap_socket(conn, server_side=True) as tls:
                need = struct.unpack(">Q", _exactly(tls, 8))[0]
                while need:
                    data = tls.recv(min(need, 1 << 17))
                    if not data:
                        break
                    need -= len(data)
                tls.sendall(b"k")
        except (OSError, ssl.SSLError):
            pass


def _exactly(sock: Any, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def _connection(ctx: Any, port: int, nbytes: int, nodelay: bool = False) -> str:
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    if nodelay:
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with raw, ctx.wrap_socket(raw, server_hostname="localhost") as tls:
        tls.sendall(struct.pack(">Q", nbytes))
        for _ in range(nbytes // WRITE):
            tls.sendall(_CHUNK)
        assert _exactly(tls, 1) == b"k"
        return str(tls.cipher()[0])


def run() -> None:
    f = files("p256")
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(64)
    port = lsock.getsockname()[1]
    proc = multiprocessing.get_context("fork").Process(target=_serve,
                                                      args=(lsock, f.cert, f.key), daemon=True)
    proc.start()
    try:
        ours = tlspy.create_default_context(cafile=f.ca)
        theirs = ssl.create_default_context(cafile=f.ca)
        theirs.minimum_version = ssl.TLSVersion.TLSv1_3
        suite = _connection(ours, port, WRITE)
        assert suite == _connection(theirs, port, WRITE)
        t = Table("shell over loopback (server: stdlib ssl, separate process)",
                  ["measure", "tlspy", "ssl", "ratio"])
        bulk = alternate({"tlspy": lambda: _connection(ours, port, BULK),
                          "ssl": lambda: _connection(theirs, port, BULK)},
                         rounds=3, min_time=0.5)
        a, b = mbps(bulk["tlspy"], BULK), mbps(bulk["ssl"], BULK)
        t.row(f"bulk MB/s, {suite}", a, b, ratio(a, b))
        # Known issue: without TCP_NODELAY the tlspy client's last segment
        # waits ~40 ms for a delayed ACK (not seen with ssl); with it both
        # sides are CPU-bound.
        bulk = alternate({"tlspy": lambda: _connection(ours, port, BULK, True),
                          "ssl": lambda: _connection(theirs, port, BULK, True)},
                         rounds=3, min_time=0.5)
        a, b = mbps(bulk["tlspy"], BULK), mbps(bulk["ssl"], BULK)
        t.row("bulk MB/s, TCP_NODELAY", a, b, ratio(a, b))
        conns = alternate({"tlspy": lambda: _connection(ours, port, 0),
                           "ssl": lambda: _connection(theirs, port, 0)},
                          rounds=3, min_time=0.5)
        t.row("connections/s (P-256, X25519)", conns["tlspy"], conns["ssl"],
              ratio(conns["tlspy"], conns["ssl"]))
        t.row("latency ms per connection", 1000 / conns["tlspy"], 1000 / conns["ssl"],
              ratio(conns["ssl"], conns["tlspy"]))
    finally:
        proc.kill()
        proc.join(10)
        lsock.close()
