"""TLSSocket over real sockets on 127.0.0.1: unchanged stdlib code
(http.client, urllib.request, http.server), stdlib ssl peers both ways,
getpeercert's shape, verification failures and a peer that hangs up.
Every socket has a timeout."""

from __future__ import annotations

import http.client
import http.server
import os
import socket
import ssl
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import tlspy
from tests.tlspy.certs import files

TIMEOUT = 15.0
MIB = os.urandom(1 << 20)


def tlspy_server_ctx(kind: str = "p256") -> tlspy.SSLContext:
    f = files(kind)
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f.cert, f.key)
    return ctx


def tlspy_client_ctx(kind: str = "p256") -> tlspy.SSLContext:
    ctx = tlspy.create_default_context(cafile=files(kind).ca)
    return ctx


def ssl_server_ctx(kind: str = "p256") -> ssl.SSLContext:
    f = files(kind)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(f.cert, f.key)
    return ctx


def ssl_client_ctx(kind: str = "p256") -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=files(kind).ca)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    return ctx


@contextmanager
def serve(handler: Callable[[socket.socket], None]) -> Iterator[int]:
    """A one-connection server thread on 127.0.0.1; yields the port and
    re-raises what the handler raised."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    lsock.settimeout(TIMEOUT)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            conn, _ = lsock.accept()
            conn.settimeout(TIMEOUT)
            with conn:
                handler(conn)
        except BaseException as e:  # reported to the test below
            errors.append(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    try:
        yield lsock.getsockname()[1]
    finally:
        t.join(TIMEOUT)
        lsock.close()
    assert not t.is_alive(), "server thread hung"
    if errors:
        raise errors[0]


def recv_exactly(sock: Any, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(65536, n - len(buf)))
        assert chunk, f"connection ended after {len(buf)} of {n} bytes"
        buf += chunk
    return bytes(buf)


def echo_mib(tls: Any) -> None:
    """Read 1 MiB, send it back reversed in order of halves, then close."""
    got = recv_exactly(tls, len(MIB))
    assert got == MIB
    tls.sendall(got[::-1])


# -- stdlib programs, unchanged, on tlspy contexts -------------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: several requests on one connection

    def do_GET(self) -> None:
        body = f"hello over {self.connection.version()} to {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        n = int(self.headers["Content-Length"])
        body = self.rfile.read(n)[::-1]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def https_server() -> Iterator[int]:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    httpd.socket = tlspy_server_ctx().wrap_socket(httpd.socket, server_side=True)
    httpd.timeout = TIMEOUT
    t = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True)
    t.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        t.join(TIMEOUT)


def test_http_client_against_http_server_both_on_tlspy() -> None:
    with https_server() as port:
        conn = http.client.HTTPSConnection("localhost", port, timeout=TIMEOUT,
                                           context=tlspy_client_ctx())
        conn.request("GET", "/first")
        resp = conn.getresponse()
        assert resp.status == 200
        assert resp.read() == b"hello over TLSv1.3 to /first"
        # the same connection again (keep-alive), with a 1 MiB body
        conn.request("POST", "/echo", body=MIB)
        resp = conn.getresponse()
        assert resp.read() == MIB[::-1]
        assert isinstance(conn.sock, tlspy.TLSSocket)
        assert conn.sock.version() == "TLSv1.3"
        conn.close()


def test_urllib_with_https_handler() -> None:
    with https_server() as port:
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=tlspy_client_ctx()))
        with opener.open(f"https://127.0.0.1:{port}/via-urllib", timeout=TIMEOUT) as r:
            assert r.status == 200
            assert r.read() == b"hello over TLSv1.3 to /via-urllib"


def test_http_client_refuses_an_untrusted_server() -> None:
    with https_server() as port:
        ctx = tlspy.create_default_context(cafile=files("rsa").ca)  # another CA
        conn = http.client.HTTPSConnection("localhost", port, timeout=TIMEOUT, context=ctx)
        with pytest.raises(ssl.SSLCertVerificationError) as e:
            conn.request("GET", "/")
        assert isinstance(e.value, tlspy.SSLCertVerificationError)
        conn.close()


# -- stdlib ssl peers -------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["p256", "rsa"])
def test_tlspy_client_against_ssl_server(kind: str) -> None:
    server_ctx = ssl_server_ctx(kind)
    server_ctx.set_alpn_protocols(["h2", "http/1.1"])
    seen: dict[str, Any] = {}

    def handler(conn: socket.socket) -> None:
        with server_ctx.wrap_socket(conn, server_side=True) as tls:
            seen["cipher"] = tls.cipher()
            echo_mib(tls)
            assert tls.recv(10) == b""  # our close_notify

    with serve(handler) as port:
        ctx = tlspy_client_ctx(kind)
        ctx.set_alpn_protocols(["http/1.1"])
        with (
            socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
            ctx.wrap_socket(raw, server_hostname="localhost") as tls,
        ):
            assert tls.version() == "TLSv1.3"
            assert tls.selected_alpn_protocol() == "http/1.1"
            tls.sendall(MIB)
            assert recv_exactly(tls, len(MIB)) == MIB[::-1]
            assert tls.cipher() == seen["cipher"]
            tls.unwrap()


@pytest.mark.parametrize("kind", ["p256", "rsa"])
def test_ssl_client_against_tlspy_server(kind: str) -> None:
    def handler(conn: socket.socket) -> None:
        ctx = tlspy_server_ctx(kind)
        ctx.set_alpn_protocols(["h2"])
        with ctx.wrap_socket(conn, server_side=True) as tls:
            assert tls.selected_alpn_protocol() == "h2"
            assert tls.getpeercert() is None  # no client certificate asked for
            echo_mib(tls)
            assert tls.recv(10) == b""

    with serve(handler) as port:
        ctx = ssl_client_ctx(kind)
        ctx.set_alpn_protocols(["h2"])
        with (
            socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
            ctx.wrap_socket(raw, server_hostname="localhost") as tls,
        ):
            assert tls.version() == "TLSv1.3"
            tls.sendall(MIB)
            assert recv_exactly(tls, len(MIB)) == MIB[::-1]
            tls.unwrap()


def test_makefile_readline_and_pending() -> None:
    def handler(conn: socket.socket) -> None:
        with ssl_server_ctx().wrap_socket(conn, server_side=True) as tls:
            tls.sendall(b"line one\nline two\n")
            assert recv_exactly(tls, 3) == b"bye"

    with (
        serve(handler) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        assert tls.recv(5) == b"line "
        assert tls.pending() == len(b"one\nline two\n")
        buf = bytearray(4)
        assert tls.recv_into(buf) == 4 and buf == b"one\n"
        with tls.makefile("rb") as f:
            assert f.readline() == b"line two\n"
        tls.sendall(b"bye")


def test_getpeercert_matches_ssl_for_the_same_certificate() -> None:
    captured: dict[str, Any] = {}

    def ssl_handler(conn: socket.socket) -> None:
        with ssl_server_ctx().wrap_socket(conn, server_side=True) as tls:
            tls.recv(1)

    with (
        serve(ssl_handler) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        ssl_client_ctx().wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        captured["ssl"] = tls.getpeercert()
        captured["ssl_der"] = tls.getpeercert(binary_form=True)
        tls.sendall(b"x")
    with (
        serve(ssl_handler) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        ours = tls.getpeercert()
        assert tls.getpeercert(binary_form=True) == captured["ssl_der"]
        tls.sendall(b"x")
    assert ours == captured["ssl"]
    assert ours["subjectAltName"] == (("DNS", "localhost"), ("IP Address", "127.0.0.1"),
                                      ("IP Address", "0:0:0:0:0:0:0:1"))


def test_hostname_mismatch_is_a_cert_verification_error() -> None:
    def handler(conn: socket.socket) -> None:
        with pytest.raises(ssl.SSLError):
            ssl_server_ctx().wrap_socket(conn, server_side=True)

    with (
        serve(handler) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        pytest.raises(ssl.SSLCertVerificationError) as e,
    ):
        tlspy_client_ctx().wrap_socket(raw, server_hostname="example.com")
    assert isinstance(e.value, tlspy.SSLCertVerificationError)
    assert e.value.verify_code == 62
    assert "name-mismatch" in e.value.verify_message


def test_check_hostname_off_accepts_another_name() -> None:
    def handler(conn: socket.socket) -> None:
        with ssl_server_ctx().wrap_socket(conn, server_side=True) as tls:
            tls.sendall(b"ok")

    with serve(handler) as port:
        ctx = tlspy_client_ctx()
        ctx.check_hostname = False
        with (
            socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
            ctx.wrap_socket(raw, server_hostname="example.com") as tls,
        ):
            assert recv_exactly(tls, 2) == b"ok"


@pytest.mark.parametrize("how", ["close-at-once", "after-hello"])
def test_server_hanging_up_mid_handshake(how: str) -> None:
    def handler(conn: socket.socket) -> None:
        if how == "after-hello":
            conn.recv(65536)

    with (
        serve(handler) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        pytest.raises((ssl.SSLEOFError, ConnectionResetError)) as e,
    ):
        tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost")
    if isinstance(e.value, ssl.SSLError):
        assert isinstance(e.value, tlspy.SSLEOFError)


def test_client_hanging_up_mid_handshake() -> None:
    raised: list[BaseException] = []

    def handler(conn: socket.socket) -> None:
        try:
            tlspy_server_ctx().wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as e:
            raised.append(e)

    with (
        serve(handler) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
    ):
        raw.sendall(b"\x16\x03\x01\x00\x80\x01\x00")  # a ClientHello cut short
    assert raised and isinstance(raised[0], (tlspy.SSLEOFError, ConnectionResetError))


def test_stalled_peer_times_out() -> None:
    done = threading.Event()

    def handler(conn: socket.socket) -> None:
        done.wait(TIMEOUT)

    with serve(handler) as port:
        try:
            with (
                socket.create_connection(("127.0.0.1", port), timeout=0.5) as raw,
                pytest.raises(TimeoutError),
            ):
                tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost")
        finally:
            done.set()


def test_garbage_from_server_is_an_ssl_error() -> None:
    def handler(conn: socket.socket) -> None:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

    with (
        serve(handler) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        pytest.raises(ssl.SSLError) as e,
    ):
        tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost")
    assert isinstance(e.value, tlspy.SSLError)


def _resume_twice(server_ctx: Any, client_ctx: tlspy.SSLContext) -> list[bool]:
    """Two connections; the second offers the first one's session."""
    reused: list[bool] = []
    session = None
    for _ in range(2):
        def handler(conn: socket.socket) -> None:
            with server_ctx.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b"hi")  # the ticket went out with or before this
                recv_exactly(tls, 3)

        with (
            serve(handler) as port,
            socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
            client_ctx.wrap_socket(raw, server_hostname="localhost", session=session) as tls,
        ):
            assert recv_exactly(tls, 2) == b"hi"
            reused.append(tls.session_reused)
            assert tls.session is not None and tls.session.has_ticket
            session = tls.session
            tls.sendall(b"bye")
    return reused


def test_session_resumption_tlspy_to_tlspy() -> None:
    assert _resume_twice(tlspy_server_ctx(), tlspy_client_ctx()) == [False, True]


def test_session_resumption_against_ssl_server() -> None:
    assert _resume_twice(ssl_server_ctx(), tlspy_client_ctx()) == [False, True]


def test_no_tickets_means_no_resumption() -> None:
    server = tlspy_server_ctx()
    server.options |= tlspy.OP_NO_TICKET

    def handler(conn: socket.socket) -> None:
        with server.wrap_socket(conn, server_side=True) as tls:
            tls.sendall(b"hi")
            recv_exactly(tls, 3)

    with (
        serve(handler) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        assert recv_exactly(tls, 2) == b"hi"
        assert tls.session is None
        tls.sendall(b"bye")


@pytest.mark.parametrize("server_is_tlspy", [True, False])
def test_client_certificate(server_is_tlspy: bool) -> None:
    client_files = files("p256", "client")
    seen: dict[str, Any] = {}

    def handler(conn: socket.socket) -> None:
        ctx: Any = tlspy_server_ctx() if server_is_tlspy else ssl_server_ctx()
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile=client_files.ca)
        with ctx.wrap_socket(conn, server_side=True) as tls:
            seen["cert"] = tls.getpeercert()
            tls.sendall(b"ok")

    with serve(handler) as port, socket.create_connection(("127.0.0.1", port),
                                                          timeout=TIMEOUT) as raw:
        ctx = tlspy_client_ctx()
        ctx.load_cert_chain(client_files.cert, client_files.key)
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            assert recv_exactly(tls, 2) == b"ok"
    assert seen["cert"]["subject"][-1] == (("commonName", "localhost"),)


def test_tlspy_server_requires_a_client_certificate() -> None:
    raised: list[BaseException] = []

    def handler(conn: socket.socket) -> None:
        ctx = tlspy_server_ctx()
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile=files("p256", "client").ca)
        try:
            with ctx.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)
        except ssl.SSLError as e:
            raised.append(e)

    with (
        serve(handler) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        ssl_client_ctx().wrap_socket(raw, server_hostname="localhost") as tls,
        pytest.raises(ssl.SSLError),
    ):
        tls.recv(1)  # TLS 1.3: the refusal arrives after the client's Finished
    assert raised and isinstance(raised[0], tlspy.SSLError)


def test_non_blocking_client_with_select() -> None:
    import select

    def handler(conn: socket.socket) -> None:
        with ssl_server_ctx().wrap_socket(conn, server_side=True) as tls:
            echo_mib(tls)
            assert tls.recv(1) == b""

    with serve(handler) as port:
        raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        tls = tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost",
                                             do_handshake_on_connect=False)
        tls.setblocking(False)
        wants = {"read": 0, "write": 0}

        def retry(op: Callable[[], Any]) -> Any:
            while True:
                try:
                    return op()
                except ssl.SSLWantReadError:
                    wants["read"] += 1
                    assert select.select([tls], [], [], TIMEOUT)[0], "stalled"
                except ssl.SSLWantWriteError:
                    wants["write"] += 1
                    assert select.select([], [tls], [], TIMEOUT)[1], "stalled"

        with tls:
            retry(tls.do_handshake)
            assert tls.version() == "TLSv1.3"
            sent = 0
            got = bytearray()
            while sent < len(MIB) or len(got) < len(MIB):
                if sent < len(MIB):
                    try:
                        sent += tls.send(MIB[sent : sent + 65536])
                    except ssl.SSLWantWriteError:
                        wants["write"] += 1
                if len(got) < len(MIB):
                    try:
                        got += tls.recv(65536)
                    except ssl.SSLWantReadError:
                        wants["read"] += 1
                        select.select([tls], [tls], [], TIMEOUT)
            assert bytes(got) == MIB[::-1]
            retry(tls.unwrap)
        assert wants["read"] > 0


def test_one_thread_reads_while_another_writes() -> None:
    """Full duplex through one TLSSocket, as ssl allows: the server echoes
    as it reads, our writer thread sends 1 MiB while this thread reads it
    back."""
    def handler(conn: socket.socket) -> None:
        with ssl_server_ctx().wrap_socket(conn, server_side=True) as tls:
            left = len(MIB)
            while left:
                data = tls.recv(65536)
                assert data
                tls.sendall(data)
                left -= len(data)

    with (
        serve(handler) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        tlspy_client_ctx().wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        writer = threading.Thread(target=tls.sendall, args=(MIB,), daemon=True)
        writer.start()
        assert recv_exactly(tls, len(MIB)) == MIB
        writer.join(TIMEOUT)
        assert not writer.is_alive()


def test_wrap_then_connect() -> None:
    """Wrapping an unconnected socket and connecting afterwards (the
    handshake runs in connect), as some libraries do with ssl."""
    def handler(conn: socket.socket) -> None:
        with ssl_server_ctx().wrap_socket(conn, server_side=True) as tls:
            tls.sendall(b"connected")

    with serve(handler) as port:
        sock = socket.socket()
        sock.settimeout(TIMEOUT)
        with tlspy_client_ctx().wrap_socket(sock, server_hostname="localhost") as tls:
            with pytest.raises(ValueError, match="handshake not done"):
                tls.getpeercert()
            assert tls.connect_ex(("127.0.0.1", port)) == 0
            assert tls.version() == "TLSv1.3"
            assert recv_exactly(tls, 9) == b"connected"


def test_no_shared_suite_names_the_alert_on_both_sides() -> None:
    raised: list[BaseException] = []

    def handler(conn: socket.socket) -> None:
        ctx = tlspy_server_ctx()
        ctx.set_ciphersuites("TLS_AES_128_GCM_SHA256")
        try:
            ctx.wrap_socket(conn, server_side=True)
        except ssl.SSLError as e:
            raised.append(e)

    with (
        serve(handler) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
    ):
        ctx = tlspy_client_ctx()
        ctx.set_ciphersuites("TLS_CHACHA20_POLY1305_SHA256")
        with pytest.raises(tlspy.SSLError) as e:
            ctx.wrap_socket(raw, server_hostname="localhost")
    assert e.value.reason == "TLSV1_ALERT_HANDSHAKE_FAILURE"
    assert "handshake_failure" in str(e.value)
    assert raised and isinstance(raised[0], tlspy.SSLError)
    assert "sent the fatal alert handshake_failure" in str(raised[0])
