"""The socket shell over loopback, tlspy beside stdlib ssl (and tlslite-ng,
pure Python) in the same run, client and server in separate processes,
alternating rounds, best round kept:

- bulk MB/s on one connection: 64 MiB in 16 KiB writes, timed from the
  end of the handshake to the server's one-byte answer (the handshake has
  its own rows), AES-128-GCM and ChaCha20-Poly1305 (the ssl server process
  is limited to the suite through an OpenSSL config file), a tlspy client
  beside an ssl client against the same ssl server, and an ssl client
  sending to a tlspy server beside the same client sending to an ssl
  server (64 MiB: a shorter run is over in tens of milliseconds and
  measures the machine's mood more than the stack);
- connection latency: TCP connect + TLS 1.3 handshake (X25519, ECDSA P-256)
  + one round trip, a tlspy client beside an ssl client, ssl server;
- server handshakes per server CPU-second (the server process's own user +
  system time, read from /proc): TLS 1.3 X25519 with RSA-2048 and with ECDSA
  P-256, TLS 1.2 ECDHE-RSA, TLS 1.3 ticket resumption; the client is stdlib
  ssl for every server.  tlslite-ng's rows run a short, bounded round (it
  is slow).

TCP_NODELAY: the tlspy socket sets it on wrapped TCP sockets; the bulk rows
set it on the ssl client too (otherwise a record smaller than the MSS
waits for a delayed ACK at random and the row measures the kernel, not the
TLS stack; the row without it is printed for the record).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import socket
import ssl
import struct
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import tlspy
from bench.common import Table, alternate, ratio
from tests.tlspy.certs import files

BULK = 64 << 20
WRITE = 16 << 10
_CHUNK = b"\x5a" * WRITE
_OPENSSL_SUITES = {"aes": "TLS_AES_128_GCM_SHA256", "chacha": "TLS_CHACHA20_POLY1305_SHA256"}
_TICK = os.sysconf("SC_CLK_TCK")


# -- servers (each in its own process) ----------------------------------------------

def _server_context(impl: str, cert: str, key: str, version: str, suite: str | None) -> Any:
    ctx: Any
    if impl == "ssl":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    else:
        ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
        if suite is not None:
            ctx.set_ciphersuites(_OPENSSL_SUITES[suite])
    if version == "1.2":
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    else:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(cert, key)
    return ctx


def _tlslite_wrap(cert: str, key_file: str, version: str) -> Callable[[socket.socket], Any]:
    from tlslite.api import (  # type: ignore[import-untyped]
        HandshakeSettings,
        TLSConnection,
        X509CertChain,
        parsePEMKey,
    )

    with open(cert) as fh:
        chain = X509CertChain()
        chain.parsePemList(fh.read())
    with open(key_file) as fh:
        key = parsePEMKey(fh.read(), private=True)
    settings = HandshakeSettings()
    settings.eccCurves = ["x25519", "secp256r1"]
    settings.keyShares = ["x25519"]
    if version == "1.2":
        settings.maxVersion = (3, 3)

    def wrap(conn: socket.socket) -> Any:
        tls = TLSConnection(conn)
        tls.handshakeServer(certChain=chain, privateKey=key, settings=settings)
        return tls

    return wrap


def _serve(lsock: socket.socket, impl: str, cert: str, key: str, version: str,
           suite: str | None) -> None:
    """Per connection: the handshake, an 8-byte length, that many bytes,
    then b"k" back."""
    if impl == "tlslite":
        wrap = _tlslite_wrap(cert, key, version)
    else:
        ctx = _server_context(impl, cert, key, version, suite)

        def wrap(conn: socket.socket) -> Any:
            return ctx.wrap_socket(conn, server_side=True)

    while True:
        conn, _ = lsock.accept()
        conn.settimeout(30)
        try:
            tls = wrap(conn)
            need = struct.unpack(">Q", _exactly(tls, 8))[0]
            while need:
                data = tls.recv(min(need, 1 << 17))
                if not data:
                    break
                need -= len(data)
            tls.sendall(b"k")
            tls.close()
        except Exception:  # a bench server outlives a bad connection
            pass
        finally:
            conn.close()


@contextlib.contextmanager
def _server(impl: str, kind: str = "p256", version: str = "1.3",
            suite: str | None = None) -> Iterator[tuple[int, int]]:
    """A server process; yields (port, pid).  An ssl server limited to one
    suite is spawned with an OpenSSL config file naming it (the ssl module
    has no API for TLS 1.3 suites); the others are forked."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(128)
    f = files(kind)  # made here: a spawned process would make another PKI
    args = (lsock, impl, f.cert, f.key, version, suite)
    conf = None
    proc: Any
    if impl == "ssl" and suite is not None:
        fd, conf = tempfile.mkstemp(suffix=".cnf")
        with os.fdopen(fd, "w") as fh:
            fh.write("openssl_conf = c\n[c]\nssl_conf = s\n[s]\nsystem_default = d\n"
                     f"[d]\nCiphersuites = {_OPENSSL_SUITES[suite]}\n")
        old = os.environ.get("OPENSSL_CONF")
        os.environ["OPENSSL_CONF"] = conf
        try:
            proc = multiprocessing.get_context("spawn").Process(target=_serve, args=args,
                                                                daemon=True)
            proc.start()
        finally:
            if old is None:
                del os.environ["OPENSSL_CONF"]
            else:
                os.environ["OPENSSL_CONF"] = old
    else:
        proc = multiprocessing.get_context("fork").Process(target=_serve, args=args, daemon=True)
        proc.start()
    try:
        assert proc.pid is not None
        yield lsock.getsockname()[1], proc.pid
    finally:
        proc.kill()
        proc.join(10)
        lsock.close()
        if conf is not None:
            os.unlink(conf)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


# -- clients ---------------------------------------------------------------------------

def _exactly(sock: Any, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


class Sent(NamedTuple):
    """What one client connection did (see _connection)."""

    suite: str
    session: Any
    resumed: bool
    seconds: float  # wall clock, from the end of the handshake to the answer


def _connection(ctx: Any, port: int, nbytes: int, nodelay: bool = True,
                session: Any = None) -> Sent:
    """One connection sending nbytes after an 8-byte length, then waiting
    for the server's one-byte answer."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    if nodelay:
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with raw, ctx.wrap_socket(raw, server_hostname="localhost", session=session) as tls:
        start = time.perf_counter()
        tls.sendall(struct.pack(">Q", nbytes))
        for _ in range(nbytes // WRITE):
            tls.sendall(_CHUNK)
        assert _exactly(tls, 1) == b"k"
        elapsed = time.perf_counter() - start
        return Sent(str(tls.cipher()[0]), tls.session, bool(tls.session_reused), elapsed)


def _bulk_mbps(contexts: dict[str, tuple[Any, int]], rounds: int = 9,
               **kw: Any) -> dict[str, float]:
    """Best MB/s of each (client context, port) over one connection per
    round, rounds alternating, timing only the data (see _connection)."""
    best = dict.fromkeys(contexts, 0.0)
    for _ in range(rounds):
        for name, (ctx, port) in contexts.items():
            seconds = _connection(ctx, port, BULK, **kw).seconds
            best[name] = max(best[name], BULK / seconds / 1e6)
    return best


def _ssl_client(kind: str, version: str = "1.3") -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=files(kind).ca)
    ctx.set_ecdh_curve("X25519")
    if version == "1.2":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256")
    return ctx


def _tlspy_client(kind: str, suite: str | None = None) -> tlspy.SSLContext:
    ctx = tlspy.create_default_context(cafile=files(kind).ca)
    if suite is not None:
        ctx.set_ciphersuites(_OPENSSL_SUITES[suite])
    return ctx


# -- the tables ------------------------------------------------------------------------

def _bulk(t: Table) -> None:
    for suite in ("aes", "chacha"):
        with _server("ssl", suite=suite) as (port, _):
            ours, theirs = _tlspy_client("p256"), _ssl_client("p256")
            name = _connection(ours, port, WRITE).suite
            assert name == _connection(theirs, port, WRITE).suite == _OPENSSL_SUITES[suite]
            r = _bulk_mbps({"tlspy": (ours, port), "ssl": (theirs, port)})
            t.row(f"bulk MB/s, client, {suite}", r["tlspy"], r["ssl"],
                  ratio(r["tlspy"], r["ssl"]))
    with _server("tlspy", suite="aes") as (port_t, _), _server("ssl", suite="aes") as (port_s, _):
        client = _ssl_client("p256")
        r = _bulk_mbps({"tlspy": (client, port_t), "ssl": (client, port_s)})
        t.row("bulk MB/s, server, aes", r["tlspy"], r["ssl"], ratio(r["tlspy"], r["ssl"]))


def _latency(t: Table) -> None:
    with _server("ssl") as (port, _):
        ours, theirs = _tlspy_client("p256"), _ssl_client("p256")
        conns = alternate({"tlspy": lambda: _connection(ours, port, 0),
                           "ssl": lambda: _connection(theirs, port, 0)},
                          rounds=3, min_time=0.5)
        t.row("latency ms/connection (P-256)", 1000 / conns["tlspy"],
              1000 / conns["ssl"], ratio(conns["ssl"], conns["tlspy"]))
        # without TCP_NODELAY on the ssl client (tlspy sets it itself): the
        # delayed-ACK stall, at random
        r = _bulk_mbps({"tlspy": (ours, port), "ssl": (theirs, port)}, rounds=2,
                       nodelay=False)
        t.row("bulk MB/s, client, aes, Nagle on", r["tlspy"], r["ssl"],
              ratio(r["tlspy"], r["ssl"]))


def _handshake_rate(port: int, pid: int, client: ssl.SSLContext, resume: bool,
                    seconds: float) -> float:
    """Handshakes per server CPU-second over about ``seconds`` of wall time."""
    session = _connection(client, port, 0).session if resume else None
    n = 0
    cpu0, start = _cpu_seconds(pid), time.perf_counter()
    while time.perf_counter() - start < seconds or n < 3:
        sent = _connection(client, port, 0, session=session)
        if resume:
            assert sent.resumed
            session = sent.session
        n += 1
    cpu = _cpu_seconds(pid) - cpu0
    return n / cpu if cpu > 0 else float("nan")


def _handshakes() -> None:
    t = Table("server handshakes per server CPU-second (ssl client, loopback)",
              ["handshake", "tlspy", "ssl", "ratio", "tlslite-ng"])
    cells = (("TLS 1.3 X25519 + RSA-2048", "rsa", "1.3", False),
             ("TLS 1.3 X25519 + ECDSA P-256", "p256", "1.3", False),
             ("TLS 1.2 ECDHE-RSA (X25519)", "rsa", "1.2", False),
             ("TLS 1.3 ticket resumption", "p256", "1.3", True))
    for label, kind, version, resume in cells:
        client = _ssl_client(kind, version)
        best: dict[str, float] = {"tlspy": 0.0, "ssl": 0.0}
        with _server("tlspy", kind, version) as ts, _server("ssl", kind, version) as ss:
            # five alternating rounds, best of each: this 2-core shared
            # machine swings between two speeds from one second to the next
            for _ in range(5):
                for impl, (port, pid) in (("tlspy", ts), ("ssl", ss)):
                    rate = _handshake_rate(port, pid, client, resume, 1.0)
                    best[impl] = max(best[impl], rate)
        lite = "-"
        if not resume:  # tlslite-ng: one short round, bounded
            with _server("tlslite", kind, version) as (port, pid):
                try:
                    lite = f"{_handshake_rate(port, pid, client, False, 0.5):,.1f}"
                except (OSError, ssl.SSLError, EOFError) as e:
                    lite = f"fails: {type(e).__name__}"
        t.row(label, best["tlspy"], best["ssl"], ratio(best["tlspy"], best["ssl"]), lite)


def run() -> None:
    t = Table("shell over loopback (client and server in separate processes)",
              ["measure", "tlspy", "ssl", "ratio"])
    _bulk(t)
    _latency(t)
    _handshakes()
