"""tlslite-ng (a test oracle) as a legacy TLS 1.2 client of a tlspy server:
without Extended Master Secret the server goes on with the RFC 5246 master
secret (RFC 7627 5.2), both Finished messages check out and data flows."""

from __future__ import annotations

import socket
import threading

import pytest
from tlslite.api import HandshakeSettings, TLSConnection

import tlspy
from tests.tlspy.certs import files

TIMEOUT = 15.0


def _server(sock: socket.socket, out: list[object]) -> None:
    f = files("rsa")
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f.cert, f.key)
    ctx.require_extended_master_secret = False  # the legacy client must get through
    try:
        with ctx.wrap_socket(sock, server_side=True) as tls:
            data = tls.recv(100)
            tls.sendall(data.upper())
            out.append(tls.version())
    except Exception as e:  # reported by the test
        out.append(e)


@pytest.mark.parametrize("ems", [False, True])
def test_tlslite_client_with_and_without_ems(ems: bool) -> None:
    a, b = socket.socketpair()
    a.settimeout(TIMEOUT)
    b.settimeout(TIMEOUT)
    out: list[object] = []
    t = threading.Thread(target=_server, args=(a, out), daemon=True)
    t.start()
    settings = HandshakeSettings()
    settings.minVersion = settings.maxVersion = (3, 3)
    settings.useExtendedMasterSecret = ems
    settings.requireExtendedMasterSecret = ems
    conn = TLSConnection(b)
    conn.handshakeClientCert(settings=settings)
    assert conn.extendedMasterSecret is ems
    conn.write(b"hello")
    assert conn.read(max=100) == b"HELLO"
    conn.close()
    t.join(TIMEOUT)
    assert out == ["TLSv1.2"], out


def test_tls12_session_id_resumption_through_the_context() -> None:
    """A server SSLContext keeps its TLS 1.2 sessions (tlsfuzzer
    test-sessionID-resumption): an OpenSSL client without tickets resumes
    by session ID on its second connection."""
    import ssl

    f = files("rsa")
    server_ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(f.cert, f.key)
    server_ctx.options |= tlspy.OP_NO_TICKET
    client_ctx = ssl.create_default_context(cafile=f.ca)
    client_ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    client_ctx.options |= ssl.OP_NO_TICKET
    session = None
    reused = []
    for _ in range(2):
        a, b = socket.socketpair()
        a.settimeout(TIMEOUT)
        b.settimeout(TIMEOUT)

        def serve(sock: socket.socket = a) -> None:
            with server_ctx.wrap_socket(sock, server_side=True) as tls:
                tls.sendall(tls.recv(10))

        t = threading.Thread(target=serve, daemon=True)
        t.start()
        with client_ctx.wrap_socket(b, server_hostname="localhost", session=session) as c:
            c.sendall(b"ping")
            assert c.recv(10) == b"ping"
            reused.append(c.session_reused)
            session = c.session
        t.join(TIMEOUT)
    assert reused == [False, True]
