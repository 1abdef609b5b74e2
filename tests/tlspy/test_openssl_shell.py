"""TLSSocket against `openssl s_server` and `openssl s_client` on
127.0.0.1 (TLS 1.3).  Without the openssl binary these fail, not skip."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

import tlspy
from tests.tlspy.certs import files

OPENSSL = shutil.which("openssl")
TIMEOUT = 15.0


def _need_openssl() -> str:
    assert OPENSSL is not None, "these interop tests need the openssl binary (.ci/run installs it)"
    return OPENSSL


def _accept_port(proc: subprocess.Popen[str]) -> int:
    deadline = time.monotonic() + TIMEOUT
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("ACCEPT"):
            return int(line.strip().rsplit(":", 1)[1])
    raise AssertionError("openssl s_server did not report its port")


@pytest.mark.parametrize(("kind", "suite"), [
    ("p256", "TLS_AES_128_GCM_SHA256"),
    ("rsa", "TLS_CHACHA20_POLY1305_SHA256"),
])
def test_tlspy_client_against_openssl_s_server(kind: str, suite: str) -> None:
    openssl = _need_openssl()
    f = files(kind)
    srv = subprocess.Popen(
        [openssl, "s_server", "-accept", "127.0.0.1:0", "-cert", f.cert, "-key", f.key,
         "-tls1_3", "-rev", "-naccept", "1", "-alpn", "h2,http/1.1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = _accept_port(srv)
        ctx = tlspy.create_default_context(cafile=f.ca)
        ctx.set_ciphersuites(suite)
        ctx.set_alpn_protocols(["http/1.1"])
        with (
            socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
            ctx.wrap_socket(raw, server_hostname="localhost") as tls,
        ):
            assert tls.cipher() == (suite, "TLSv1.3", 128 if "128" in suite else 256)
            assert tls.selected_alpn_protocol() == "http/1.1"
            assert tls.getpeercert()["subject"][-1] == (("commonName", "localhost"),)
            line = b"hello from tlspy " * 100 + b"\n"  # -rev answers each read reversed
            tls.sendall(line)
            got = b""
            while not got.endswith(b"\n"):
                chunk = tls.recv(65536)
                assert chunk, "openssl closed early"
                got += chunk
            assert got == line[:-1][::-1] + b"\n"
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


def test_openssl_s_client_against_tlspy_server() -> None:
    openssl = _need_openssl()
    f = files("p256")
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f.cert, f.key)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    with socket.socket() as lsock:
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        lsock.settimeout(TIMEOUT)
        port = lsock.getsockname()[1]
        cli = subprocess.Popen(
            [openssl, "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_3", "-CAfile", f.ca,
             "-servername", "localhost", "-verify_hostname", "localhost",
             "-verify_return_error", "-alpn", "http/1.1", "-ign_eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            assert cli.stdin is not None
            cli.stdin.write(b"hello from openssl\n")
            cli.stdin.flush()
            tls_listener = ctx.wrap_socket(lsock, server_side=True)
            conn, _ = tls_listener.accept()
            with conn:
                assert isinstance(conn, tlspy.TLSSocket)
                assert conn.selected_alpn_protocol() == "http/1.1"
                with conn.makefile("rb") as rf:
                    assert rf.readline() == b"hello from openssl\n"
                conn.sendall(b"hello from tlspy\n")
                conn.unwrap()  # close_notify both ways
            stdout, _ = cli.communicate(timeout=TIMEOUT)
        finally:
            cli.kill()
            cli.wait(TIMEOUT)
    assert b"hello from tlspy" in stdout
    assert b"Verify return code: 0 (ok)" in stdout
    assert b"TLSv1.3" in stdout
