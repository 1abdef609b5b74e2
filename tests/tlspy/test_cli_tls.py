"""`tlspy s_server` and `tlspy s_client` as subprocesses on 127.0.0.1."""

from __future__ import annotations

import contextlib
import socket
import ssl
import subprocess
import sys
import threading
import time

from tests.tlspy.certs import files

TIMEOUT = 30.0


def _tlspy(*args: str, **kw: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tlspy", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, **kw)  # type: ignore[call-overload]


def test_help() -> None:
    for cmd in ("s_server", "s_client"):
        out = subprocess.run([sys.executable, "-m", "tlspy", cmd, "--help"],
                             capture_output=True, text=True, timeout=TIMEOUT)
        assert out.returncode == 0 and "-CAfile" in out.stdout


def test_s_server_www_answers_a_stdlib_client() -> None:
    f = files()
    srv = _tlspy("s_server", "-accept", "127.0.0.1:0", "-cert", f.cert, "-key", f.key,
                 "-www", "-naccept", "2")
    try:
        assert srv.stdout is not None
        line = srv.stdout.readline().decode()
        assert line.startswith("ACCEPT "), line
        port = int(line.strip().rsplit(":", 1)[1])
        # a client that gives up mid-handshake does not stop the server
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
            raw.sendall(b"\x16\x03\x01\x00\x05hello")
        ctx = ssl.create_default_context(cafile=f.ca)
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw, \
                ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"GET / HTTP/1.0\r\n\r\n")
            page = b""
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline:
                data = tls.recv(4096)
                if not data:
                    break
                page += data
        assert page.startswith(b"HTTP/1.0 200 ok\r\n")
        assert b"Protocol  : TLSv1.3" in page
        assert srv.wait(TIMEOUT) == 0
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


def test_s_client_against_a_stdlib_server() -> None:
    f = files()
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(f.cert, f.key)
    lsock = socket.create_server(("127.0.0.1", 0))
    lsock.settimeout(TIMEOUT)
    port = lsock.getsockname()[1]
    got: list[bytes] = []

    def serve() -> None:
        conn, _ = lsock.accept()
        conn.settimeout(TIMEOUT)
        with sctx.wrap_socket(conn, server_side=True) as tls:
            tls.sendall(b"hello from ssl\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = tls.recv(100)
                if not chunk:
                    break
                data += chunk
            got.append(data)

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    cli = _tlspy("s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", f.ca,
                 "-servername", "localhost", stdin=subprocess.PIPE)
    try:
        out, _ = cli.communicate(b"from s_client\n", timeout=TIMEOUT)
    finally:
        cli.kill()
        t.join(TIMEOUT)
        lsock.close()
    assert got == [b"from s_client\n"]
    assert b"Protocol  : TLSv1.3" in out
    assert b"Verify return code: 0 (ok)" in out
    assert b"hello from ssl" in out
    assert b"s:C=NZ,O=tlspy tests,CN=localhost" in out or b"CN=localhost" in out


def test_s_client_reports_a_verification_failure() -> None:
    f = files()
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(f.cert, f.key)
    lsock = socket.create_server(("127.0.0.1", 0))
    lsock.settimeout(TIMEOUT)
    port = lsock.getsockname()[1]

    def serve() -> None:
        conn, _ = lsock.accept()
        conn.settimeout(TIMEOUT)
        with contextlib.suppress(OSError, ssl.SSLError):
            sctx.wrap_socket(conn, server_side=True).close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    cli = _tlspy("s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", files("rsa").ca,
                 "-servername", "localhost", stdin=subprocess.PIPE)
    try:
        out, _ = cli.communicate(b"", timeout=TIMEOUT)
    finally:
        cli.kill()
        t.join(TIMEOUT)
        lsock.close()
    assert cli.returncode == 1
    assert b"certificate verify failed" in out
