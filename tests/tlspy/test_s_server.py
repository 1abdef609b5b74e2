"""`tlspy s_server` as the attack suites use it (issue 7): -www answers
any request ending in a blank line and closes with close_notify, hostile
clients (garbage, truncation, stalls, oversized requests) are each
reported in one line and never stop it, hundreds of connections in a
row, -cipher enabling CBC suites for that server only, -alpn, -verify /
-Verify.  The server runs as a subprocess; every socket has a timeout."""

from __future__ import annotations

import re
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.tlspy.certs import files

TIMEOUT = 20.0


@contextmanager
def s_server(*args: str, kind: str = "p256") -> Iterator[tuple[int, list[str]]]:
    """A running `tlspy s_server -www ...`; yields its port and, after the
    block, the lines it printed."""
    f = files(kind)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tlspy", "s_server", "-accept", "127.0.0.1:0", "-cert", f.cert,
         "-key", f.key, "-www", "-timeout", "2", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("ACCEPT "), first + proc.stdout.read()
        yield int(first.strip().rsplit(":", 1)[1]), lines
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=TIMEOUT)
        lines += out.splitlines()


def client_ctx(kind: str = "p256", **kw: object) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=files(kind).ca)
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


def get(port: int, ctx: ssl.SSLContext, request: bytes = b"GET / HTTP/1.0\r\n\r\n",
        pieces: int = 1) -> tuple[bytes, ssl.SSLSocket]:
    """Send ``request`` (in ``pieces`` records), read until close_notify."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    tls = ctx.wrap_socket(raw, server_hostname="localhost")
    step = -(-len(request) // pieces)
    for i in range(0, len(request), step):
        tls.sendall(request[i:i + step])
    page = b""
    while chunk := tls.recv(65536):
        page += chunk
    return page, tls


def test_www_answers_requests_ending_in_a_blank_line() -> None:
    with s_server() as (port, lines):
        for request, pieces in ((b"GET / HTTP/1.0\r\n\r\n", 1), (b"GET / HTTP/1.0\n\n", 1),
                                (b"HEAD /x HTTP/1.1\r\nHost: a\r\nX: " + b"y" * 3000 + b"\r\n\r\n",
                                 7),
                                (b"anything at all\n\n", 3),
                                # one full record of headers (tlsfuzzer's limit tests)
                                (b"GET / HTTP/1.0\r\nX-test: " + b"A" * (2**14 - 28)
                                 + b"\r\n\r\n", 1)):
            page, tls = get(port, client_ctx(), request, pieces)
            assert page.startswith(b"HTTP/1.0 200 ok\r\n") and b"TLSv1.3" in page
            length = int(re.search(rb"Content-Length: (\d+)", page).group(1))  # type: ignore[union-attr]
            assert len(page.split(b"\r\n\r\n", 1)[1]) == length
            # the server waits for our close_notify: unwrap completes both ways
            tls.unwrap().close()
    assert sum("failed" in line for line in lines) == 0, lines


def test_oversized_request_is_closed_without_an_answer() -> None:
    with s_server() as (port, lines):
        page, tls = get(port, client_ctx(), b"GET / HTTP/1.0\r\nX: " + b"y" * 300000 + b"\r\n\r\n")
        tls.close()
        assert page == b""
        ok, tls = get(port, client_ctx())
        tls.close()
        assert ok.startswith(b"HTTP/1.0 200 ok")
    assert any("longer than 65536 bytes" in line for line in lines), lines


def _hostile(port: int, kind: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
        if kind == "garbage":
            raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        elif kind == "truncated":
            raw.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
            raw.shutdown(socket.SHUT_WR)
        elif kind == "bad_record":
            raw.sendall(b"\x16\x03\x03\x00\x04\x01\x00\x00\x00")
        elif kind == "reset":
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            raw.sendall(b"\x16\x03\x01")
            return b""
        # "stall": say nothing; the server's 2 s timeout ends it
        got = b""
        while chunk := raw.recv(4096):
            got += chunk
        return got


def test_hostile_clients_are_reported_and_the_server_goes_on() -> None:
    with s_server("-timeout", "1") as (port, lines):
        answers = {kind: _hostile(port, kind)
                   for kind in ("garbage", "truncated", "bad_record", "reset", "stall")}
        page, tls = get(port, client_ctx())
        tls.close()
        assert page.startswith(b"HTTP/1.0 200 ok")
        time.sleep(0.5)
    # a fatal alert record reached the client before the close
    assert answers["garbage"][:1] == b"\x15"
    assert answers["bad_record"][:1] == b"\x15" and answers["bad_record"][-1] in (10, 47, 50)
    assert answers["stall"] == b""
    failed = [line for line in lines if " failed: " in line]
    assert len(failed) == 5, lines
    assert all(line.startswith("connection ") for line in failed)
    assert any("timed out" in line for line in failed)


def test_a_client_still_sending_after_the_alert_reads_it() -> None:
    # tlsfuzzer sends a 16 MiB Finished: the server refuses it at its header
    # and must read on while the client sends, or the close resets the
    # connection under the client and the alert is never read.
    with s_server() as (port, lines), socket.create_connection(("127.0.0.1", port),
                                                               timeout=TIMEOUT) as raw:
        raw.sendall(b"\x16\x03\x03\x00\x04\x01\x00\x00\x00")  # refused at once
        record = b"\x17\x03\x03\x40\x00" + bytes(1 << 14)
        for _ in range(30):  # about three seconds of records after the alert
            raw.sendall(record * 4)
            time.sleep(0.1)
        got = b""
        while chunk := raw.recv(4096):
            got += chunk
    assert got[:1] == b"\x15" and len(got) == 7, got
    assert sum(" failed: " in line for line in lines) == 1, lines


def test_hundreds_of_connections_in_a_row() -> None:
    n = 300
    ctx = client_ctx()
    with s_server("-quiet") as (port, lines):
        for i in range(n):
            if i % 20 == 7:
                _hostile(port, "garbage")
                continue
            page, tls = get(port, ctx)
            tls.close()
            assert page.startswith(b"HTTP/1.0 200 ok"), i
    assert sum(" failed: " in line for line in lines) == n // 20, lines


def test_cipher_enables_cbc_for_this_server_only() -> None:
    cbc = client_ctx("rsa", maximum_version=ssl.TLSVersion.TLSv1_2)
    cbc.set_ciphers("ECDHE-RSA-AES128-SHA")
    with s_server("-cipher", "ALL", "-alpn", "http/1.1", kind="rsa") as (port, _):
        page, tls = get(port, cbc)
        assert tls.cipher()[0] == "ECDHE-RSA-AES128-SHA" and tls.version() == "TLSv1.2"
        tls.close()
        assert b"ECDHE-RSA-AES128-SHA" in page
        rsa_kx = client_ctx("rsa", maximum_version=ssl.TLSVersion.TLSv1_2)
        rsa_kx.set_ciphers("AES128-SHA")
        page, tls = get(port, rsa_kx)
        assert tls.cipher()[0] == "AES128-SHA"
        session = tls.session
        tls.close()
        # session IDs and tickets are on: the next connection resumes
        raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        with rsa_kx.wrap_socket(raw, server_hostname="localhost", session=session) as again:
            again.sendall(b"GET / HTTP/1.0\r\n\r\n")
            while again.recv(65536):
                pass
            assert again.session_reused
        alpn = client_ctx("rsa")
        alpn.set_alpn_protocols(["h2", "http/1.1"])
        page, tls = get(port, alpn)
        assert tls.selected_alpn_protocol() == "http/1.1"
        tls.close()
    with s_server(kind="rsa") as (port, _), pytest.raises(ssl.SSLError,
                                                            match="HANDSHAKE_FAILURE"):
        get(port, cbc)


@pytest.mark.parametrize("flag", ["-verify", "-Verify"])
def test_verify_asks_and_Verify_requires(flag: str) -> None:
    client_files = files("p256", "client")
    with s_server(flag, "1", "-CAfile", client_files.ca) as (port, lines):
        with_cert = client_ctx()
        with_cert.load_cert_chain(client_files.cert, client_files.key)
        page, tls = get(port, with_cert)
        tls.close()
        assert page.startswith(b"HTTP/1.0 200 ok")
        if flag == "-verify":
            page, tls = get(port, client_ctx())
            tls.close()
            assert page.startswith(b"HTTP/1.0 200 ok")
        else:
            with pytest.raises(ssl.SSLError):  # TLS 1.3: the alert follows the handshake
                get(port, client_ctx())
            time.sleep(0.5)
    if flag == "-Verify":
        assert any("certificate" in line and "failed" in line for line in lines), lines


@pytest.mark.parametrize("strict", [False, True])
def test_untrusted_client_certificate_as_openssl(strict: bool) -> None:
    """As openssl s_server: a client chain that fails verification is
    reported and accepted, unless -verify_return_error."""
    trusted, other = files("p256", "client"), files("rsa", "client")
    flags = ["-Verify", "1", "-CAfile", trusted.ca] + (["-verify_return_error"] if strict else [])
    with s_server(*flags) as (port, lines):
        stranger = client_ctx()
        stranger.load_cert_chain(other.cert, other.key)
        if strict:
            with pytest.raises(ssl.SSLError):
                get(port, stranger)
        else:
            page, tls = get(port, stranger)
            tls.close()
            assert page.startswith(b"HTTP/1.0 200 ok")
        time.sleep(0.5)
    if strict:
        assert any("client certificate" in line and " failed: " in line for line in lines)
    else:
        assert any("client certificate not verified" in line for line in lines), lines
        assert not any(" failed: " in line for line in lines), lines


def test_s_server_errors_in_plain_words() -> None:
    f = files()
    for args, words in ((["-cert", "/nonexistent.pem"], "No such file"),
                        (["-cert", f.cert, "-key", f.key, "-cipher", "RC4-MD5"],
                         "No cipher can be selected"),
                        (["-cert", f.cert, "-key", f.key, "-groups", "sect163k1"],
                         "unknown group"),
                        (["-cert", f.cert, "-key", f.key, "-dhparam", "/nonexistent.pem"],
                         "No such file"),
                        ([], "-cert is required")):
        out = subprocess.run([sys.executable, "-m", "tlspy", "s_server", *args],
                             capture_output=True, text=True, timeout=TIMEOUT)
        assert out.returncode in (1, 2) and words in out.stderr, out.stderr
