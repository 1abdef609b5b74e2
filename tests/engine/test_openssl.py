"""Real peers: the engine over 127.0.0.1 against `openssl s_server` and
`openssl s_client` (TLS 1.3), each started by the test with a bounded
timeout."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.engine.certs import NOW_TS, pki
from tlspy import engine
from tlspy.core.enums import CipherSuite, NamedGroup
from tlspy.engine import Closed, Event, State

OPENSSL = shutil.which("openssl")
TIMEOUT = 15.0


def _files(tmp: Path, kind: str) -> tuple[str, str, str]:
    p = pki(kind)
    (tmp / "ca.pem").write_bytes(p.ca_pem)
    (tmp / "cert.pem").write_bytes(p.leaf_pem)
    (tmp / "key.pem").write_bytes(p.key_pem)
    return str(tmp / "ca.pem"), str(tmp / "cert.pem"), str(tmp / "key.pem")


def start_s_server(*args: str) -> tuple[subprocess.Popen[str], int]:
    """`openssl s_server` on a free loopback port with ``args``: the process
    (stdout readable) and the port it announced.  The caller kills it."""
    assert OPENSSL is not None, "these interop tests need the openssl binary (.ci/run installs it)"
    srv = subprocess.Popen([OPENSSL, "s_server", "-accept", "127.0.0.1:0", *args],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        line = srv.stdout.readline()  # type: ignore[union-attr]
        if line.startswith("ACCEPT"):
            return srv, int(line.strip().rsplit(":", 1)[1])
        if not line and srv.poll() is not None:
            break
    srv.kill()
    raise AssertionError("openssl s_server did not announce a port")


def handshake_over(sock: socket.socket, st: State) -> tuple[State, tuple[Event, ...]]:
    """Feed what ``sock`` brings into ``st`` (whose first flight has gone out)
    and send what it answers, until established; the events seen on the way."""
    events: tuple[Event, ...] = ()
    while not st.established:
        data = sock.recv(65536)
        assert data, "the peer closed the connection"
        r = engine.handle_tls(st, data)
        assert not r.state.failed, r.events
        events += r.events
        st = r.state
        if r.out:
            sock.sendall(r.out)
    return st, events


def close_both_ways(sock: socket.socket, st: State) -> bool:
    """Send our close_notify and read until the peer's answers it (OpenSSL
    does); whether it came before the timeout."""
    st, out = engine.send_close_notify(st)
    sock.sendall(out)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        data = sock.recv(65536)
        if not data:
            return False
        r = engine.handle_tls(st, data)
        st = r.state
        if any(isinstance(e, Closed) for e in r.events):
            return True
    return False


def _pump(sock: socket.socket, st: State, until: bytes) -> tuple[State, bytes]:
    """Read from sock into the engine until ``until`` has arrived."""
    got = b""
    deadline = time.monotonic() + TIMEOUT
    while until not in got:
        assert time.monotonic() < deadline, "timed out"
        data = sock.recv(65536)
        assert data, f"peer closed early; got {got!r}"
        r = engine.handle_tls(st, data)
        assert not r.state.failed, r.events
        if r.out:
            sock.sendall(r.out)
        st, got = r.state, got + r.data
    return st, got


@pytest.mark.parametrize(("kind", "suite", "group"), [
    ("p256", CipherSuite.TLS_AES_128_GCM_SHA256, NamedGroup.X25519),
    ("rsa", CipherSuite.TLS_AES_256_GCM_SHA384, NamedGroup.SECP256R1),
    ("ed25519", CipherSuite.TLS_CHACHA20_POLY1305_SHA256, NamedGroup.SECP384R1),
    ("p384", CipherSuite.TLS_AES_128_GCM_SHA256, NamedGroup.FFDHE2048),
])
def test_client_against_openssl_s_server(tmp_path: Path, kind: str, suite: CipherSuite,
                                         group: NamedGroup) -> None:
    _ca, cert, key = _files(tmp_path, kind)
    srv, port = start_s_server("-cert", cert, "-key", key,
         "-tls1_3", "-rev", "-naccept", "1")
    try:
        cfg = engine.Config(trust_anchors=(pki(kind).anchor,), cipher_suites=(suite,),
                            groups=(group,), clock=lambda: NOW_TS)
        st, out = engine.client(cfg, "server.test")
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            sock.sendall(out)
            st, _ = handshake_over(sock, st)
            assert st.info is not None
            assert st.info.cipher_suite == suite and st.info.group == group
            st, out = engine.send_application_data(st, b"hello from tlspy\n")
            sock.sendall(out)
            # -rev answers each line reversed.
            st, got = _pump(sock, st, b"\n")
            assert got == b"ypslt morf olleh\n"
            st, out = engine.send_close_notify(st)
            sock.sendall(out)
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


@pytest.mark.parametrize("kind", ["p256", "rsa", "ed25519"])
def test_server_against_openssl_s_client(tmp_path: Path, kind: str) -> None:
    ca, _, _ = _files(tmp_path, kind)
    assert OPENSSL is not None, "these interop tests need the openssl binary (.ci/run installs it)"
    cfg = engine.Config(certificates=(pki(kind).key,), alpn_protocols=(b"h2", b"http/1.1"))
    with socket.socket() as lsock:
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        lsock.settimeout(TIMEOUT)
        port = lsock.getsockname()[1]
        cli = subprocess.Popen(
            [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_3",
             "-CAfile", ca, "-servername", "server.test", "-verify_hostname", "server.test",
             "-verify_return_error", "-alpn", "http/1.1", "-ign_eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        try:
            conn, _ = lsock.accept()
            with conn:
                conn.settimeout(TIMEOUT)
                st = engine.server(cfg)
                st, _ = handshake_over(conn, st)
                assert st.info is not None
                assert st.info.alpn == b"http/1.1" and st.info.server_name == "server.test"
                cli.stdin.write(b"hello from openssl\n")  # type: ignore[union-attr]
                cli.stdin.flush()  # type: ignore[union-attr]
                st, got = _pump(conn, st, b"\n")
                assert got == b"hello from openssl\n"
                st, out = engine.send_application_data(st, b"hello from tlspy\n")
                conn.sendall(out)
                assert close_both_ways(conn, st), "openssl did not answer close_notify"
            stdout, _ = cli.communicate(timeout=TIMEOUT)
        finally:
            cli.kill()
            cli.wait(TIMEOUT)
    assert b"hello from tlspy" in stdout
    assert b"Verify return code: 0 (ok)" in stdout
    assert b"TLSv1.3" in stdout


def test_resumption_against_openssl_s_server(tmp_path: Path) -> None:
    _, cert, key = _files(tmp_path, "p256")
    srv, port = start_s_server("-cert", cert, "-key", key,
         "-tls1_3", "-rev", "-naccept", "2")
    try:
        cfg = engine.Config(trust_anchors=(pki("p256").anchor,), clock=time.time)
        ticket = None
        for attempt in range(2):
            st, out = engine.client(cfg, "server.test", ticket=ticket)
            with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
                sock.sendall(out)
                st, _ = handshake_over(sock, st)
                assert st.info is not None and st.info.resumed == (attempt == 1)
                st, out = engine.send_application_data(st, b"abc\n")
                sock.sendall(out)
                got = b""
                deadline = time.monotonic() + TIMEOUT
                while b"\n" not in got:
                    assert time.monotonic() < deadline
                    r = engine.handle_tls(st, sock.recv(65536))
                    assert not r.state.failed, r.events
                    st, got = r.state, got + r.data
                    tickets = [e.ticket for e in r.events
                               if isinstance(e, engine.NewSessionTicket)]
                    if tickets and ticket is None:
                        ticket = tickets[0]
                assert got == b"cba\n"
                st, out = engine.send_close_notify(st)
                sock.sendall(out)
            assert ticket is not None
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


def _serve_one(lsock: socket.socket, cfg: engine.Config, line: bytes) -> State:
    """Serve one connection: handshake, read ``line``, close."""
    conn, _ = lsock.accept()
    with conn:
        conn.settimeout(TIMEOUT)
        st = engine.server(cfg)
        early = b""
        while not st.established:
            data = conn.recv(65536)
            assert data
            r = engine.handle_tls(st, data)
            assert not r.state.failed, r.events
            st, early = r.state, early + r.data
            if r.out:
                conn.sendall(r.out)
        got = early
        if b"\n" not in got:
            st, more = _pump(conn, st, b"\n")
            got += more
        assert got == line
        st, out = engine.send_close_notify(st)
        conn.sendall(out)
    return st


def test_client_certificate_from_openssl_s_client(tmp_path: Path) -> None:
    _files(tmp_path, "p256")
    cp = pki("p256", ("client.test",), "client")
    (tmp_path / "ccert.pem").write_bytes(cp.leaf_pem)
    (tmp_path / "ckey.pem").write_bytes(cp.key_pem)
    assert OPENSSL is not None, "these interop tests need the openssl binary (.ci/run installs it)"
    cfg = engine.Config(certificates=(pki("p256").key,), client_auth="required",
                        trust_anchors=(cp.anchor,))
    with socket.socket() as lsock:
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        lsock.settimeout(TIMEOUT)
        port = lsock.getsockname()[1]
        cli = subprocess.Popen(
            [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_3",
             "-CAfile", str(tmp_path / "ca.pem"), "-cert", str(tmp_path / "ccert.pem"),
             "-key", str(tmp_path / "ckey.pem"), "-ign_eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        try:
            assert cli.stdin is not None
            cli.stdin.write(b"client auth\n")
            cli.stdin.flush()
            st = _serve_one(lsock, cfg, b"client auth\n")
            cli.communicate(timeout=TIMEOUT)
        finally:
            cli.kill()
            cli.wait(TIMEOUT)
    assert st.info is not None and st.info.peer_certificates == cp.key.chain


def test_client_certificate_to_openssl_s_server(tmp_path: Path) -> None:
    _ca, cert, key = _files(tmp_path, "rsa")
    cp = pki("ed25519", ("client.test",), "client")
    (tmp_path / "cca.pem").write_bytes(cp.ca_pem)
    srv, port = start_s_server("-cert", cert, "-key", key,
         "-tls1_3", "-rev", "-naccept", "1", "-Verify", "1", "-verify_return_error",
         "-CAfile", str(tmp_path / "cca.pem"))
    try:
        cfg = engine.Config(trust_anchors=(pki("rsa").anchor,), certificates=(cp.key,),
                            clock=lambda: NOW_TS)
        st, out = engine.client(cfg, "server.test")
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            sock.sendall(out)
            st, _ = handshake_over(sock, st)
            st, out = engine.send_application_data(st, b"signed\n")
            sock.sendall(out)
            st, got = _pump(sock, st, b"\n")
            assert got == b"dengis\n"  # the server accepted our certificate
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


def test_hello_retry_with_openssl_s_server(tmp_path: Path) -> None:
    """Our client's first share (X25519) is refused: openssl retries with P-256."""
    _, cert, key = _files(tmp_path, "p256")
    srv, port = start_s_server("-cert", cert, "-key", key,
         "-tls1_3", "-rev", "-naccept", "1", "-groups", "P-256")
    try:
        cfg = engine.Config(trust_anchors=(pki("p256").anchor,), clock=lambda: NOW_TS,
                            groups=(NamedGroup.X25519, NamedGroup.SECP256R1))
        st, out = engine.client(cfg, "server.test")
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            sock.sendall(out)
            st, _ = handshake_over(sock, st)
            assert st.info is not None and st.info.group == NamedGroup.SECP256R1
            st, out = engine.send_application_data(st, b"retry\n")
            sock.sendall(out)
            st, got = _pump(sock, st, b"\n")
            assert got == b"yrter\n"
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


def test_hello_retry_with_openssl_s_client(tmp_path: Path) -> None:
    """openssl's X25519 share is refused by a P-384-only tlspy server."""
    ca, _, _ = _files(tmp_path, "p256")
    assert OPENSSL is not None, "these interop tests need the openssl binary (.ci/run installs it)"
    cfg = engine.Config(certificates=(pki("p256").key,), groups=(NamedGroup.SECP384R1,))
    with socket.socket() as lsock:
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        lsock.settimeout(TIMEOUT)
        port = lsock.getsockname()[1]
        cli = subprocess.Popen(
            [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_3", "-CAfile", ca,
             "-groups", "X25519:P-384", "-ign_eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        try:
            assert cli.stdin is not None
            cli.stdin.write(b"retried\n")
            cli.stdin.flush()
            st = _serve_one(lsock, cfg, b"retried\n")
            stdout, _ = cli.communicate(timeout=TIMEOUT)
        finally:
            cli.kill()
            cli.wait(TIMEOUT)
    assert st.info is not None and st.info.group == NamedGroup.SECP384R1
    assert b"Verify return code: 0 (ok)" in stdout
