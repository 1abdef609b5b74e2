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
