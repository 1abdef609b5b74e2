"""The smaller pieces of the ssl API issue 6 lists, each against a real
peer: load_default_certs / set_default_verify_paths, num_tickets,
recv_into, sendfile, shutdown, connect_ex, server_hostname,
get_verified_chain, ALPN on both tlspy sides; and the s_server flags
-tls1_2, -tls1_3, -no_ticket, -ciphersuites, -groups.  Every socket has a
timeout."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import tlspy
from tests.tlspy.certs import files
from tests.tlspy.test_s_server import client_ctx, get, s_server
from tests.tlspy.test_sslsocket import TIMEOUT, recv_exactly, serve, tlspy_server_ctx


def _client() -> tlspy.SSLContext:
    return tlspy.create_default_context(cafile=files().ca)


def test_default_verify_paths_follow_ssl_cert_file(tmp_path: Path) -> None:
    code = ("import tlspy; c = tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT); "
            "c.load_default_certs(); a = c.cert_store_stats()['x509']; "
            "d = tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT); d.set_default_verify_paths(); "
            "e = tlspy.create_default_context(); "
            "print(a, d.cert_store_stats()['x509'], len(e.get_ca_certs()))")
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(Path(files().ca).read_bytes() + Path(files("rsa").ca).read_bytes())
    env = {**os.environ, "SSL_CERT_FILE": str(bundle)}
    env.pop("SSL_CERT_DIR", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.split() == ["2", "2", "2"], out.stderr


@pytest.mark.parametrize("count", [0, 1, 3])
def test_num_tickets(count: int) -> None:
    server = tlspy_server_ctx()
    server.num_tickets = count
    assert server.engine_config(True).tickets == count
    got: list[Any] = []

    def handler(conn: socket.socket) -> None:
        with server.wrap_socket(conn, server_side=True) as tls:
            tls.sendall(b"hi")
            recv_exactly(tls, 3)

    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = _client().wrap_bio(incoming, outgoing, server_hostname="localhost")
    with serve(handler) as port, socket.create_connection(("127.0.0.1", port),
                                                          timeout=TIMEOUT) as raw:
        # Count the tickets as the engine reports them, through a TLSObject.
        from tlspy.engine import NewSessionTicket

        note = obj._note_events

        def counting(events: Any) -> None:
            got.extend(e for e in events if isinstance(e, NewSessionTicket))
            note(events)

        obj._note_events = counting  # type: ignore[method-assign]
        data = b""
        while len(data) < 2:
            with contextlib.suppress(ssl.SSLWantReadError):
                if obj.version() is None:
                    obj.do_handshake()
                else:
                    data += obj.read(10)
            raw.sendall(outgoing.read())
            if len(data) < 2:
                incoming.write(raw.recv(65536))
        obj.write(b"bye")
        raw.sendall(outgoing.read())
    assert len(got) == count
    assert (obj.session is None) == (count == 0)


def test_recv_into_sendfile_shutdown_and_names() -> None:
    blob = os.urandom(200_000)

    def handler(conn: socket.socket) -> None:
        with tlspy_server_ctx().wrap_socket(conn, server_side=True) as tls:
            assert tls.server_side and tls.server_hostname is None
            got = b""
            while chunk := tls.recv(65536):  # until the client's close_notify
                got += chunk
            assert got == blob
            tls.sendall(b"done")

    with serve(handler) as port:
        raw = socket.socket()
        raw.settimeout(TIMEOUT)
        tls = _client().wrap_socket(raw, server_hostname="LocalHost")
        with tls:
            assert tls.connect_ex(("127.0.0.1", port)) == 0
            assert tls.server_hostname == "LocalHost"  # as ssl: IDNA-encoded, case kept
            assert tls.get_verified_chain() == [files().leaf_der, files().ca_der]
            assert tls.get_unverified_chain() == [files().leaf_der]
            assert tls.sendfile(io.BytesIO(blob)) == len(blob)
            tls.shutdown(socket.SHUT_WR)  # close_notify, then FIN
            buf = bytearray(10)
            assert tls.recv_into(buf, 4) == 4 and buf[:4] == b"done"


def test_alpn_on_both_tlspy_sides() -> None:
    server = tlspy_server_ctx()
    server.set_alpn_protocols(["http/1.1", "h2"])
    client = _client()
    client.set_alpn_protocols(["h2", "http/1.1"])
    seen: list[str | None] = []

    def handler(conn: socket.socket) -> None:
        with server.wrap_socket(conn, server_side=True) as tls:
            seen.append(tls.selected_alpn_protocol())
            tls.sendall(b"ok")

    with (serve(handler) as port,
          socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
          client.wrap_socket(raw, server_hostname="localhost") as tls):
        assert recv_exactly(tls, 2) == b"ok"
        seen.append(tls.selected_alpn_protocol())
    assert seen == ["http/1.1", "http/1.1"]  # the server's preference


def test_s_server_version_ticket_suite_and_group_flags() -> None:
    with s_server("-tls1_2") as (port, _):
        page, tls = get(port, client_ctx())
        assert tls.version() == "TLSv1.2" and b"Protocol  : TLSv1.2" in page
        tls.close()
    only13 = client_ctx(maximum_version=ssl.TLSVersion.TLSv1_2)
    with s_server("-tls1_3") as (port, _), pytest.raises(ssl.SSLError):
        get(port, only13)
    with s_server("-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256", "-groups", "P-384") as (
            port, _):
        page, tls = get(port, client_ctx())
        assert tls.cipher()[0] == "TLS_CHACHA20_POLY1305_SHA256"
        assert b"Group     : secp384r1" in page
        tls.close()
    for flags, resumable in (((), True), (("-no_ticket",), False)):
        with s_server(*flags) as (port, _):
            ctx = client_ctx()
            page, tls = get(port, ctx)
            session = tls.session
            tls.close()
            raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
            with ctx.wrap_socket(raw, server_hostname="localhost", session=session) as again:
                again.sendall(b"GET / HTTP/1.0\r\n\r\n")
                while again.recv(65536):
                    pass
                assert again.session_reused == resumable


def test_s_server_keylogfile(tmp_path: Path) -> None:
    log = tmp_path / "server-keys.log"
    with s_server("-keylogfile", str(log)) as (port, _):
        _, tls = get(port, client_ctx())
        tls.close()
    labels = [line.split()[0] for line in log.read_text().splitlines()[1:]]
    assert sorted(labels) == sorted(["SERVER_HANDSHAKE_TRAFFIC_SECRET",
                                     "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "EXPORTER_SECRET",
                                     "SERVER_TRAFFIC_SECRET_0", "CLIENT_TRAFFIC_SECRET_0"])
