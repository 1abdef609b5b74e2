"""Session reuse through the shell, TLS 1.2 and 1.3: tickets and (TLS
1.2) session IDs from the server context's own cache, with tlspy and
stdlib ssl on either side; session/session_reused/session_stats as ssl
has them.  Every socket has a timeout."""

from __future__ import annotations

import socket
import ssl
from typing import Any

import pytest

import tlspy
from tests.engine.test_openssl import start_s_server
from tests.tlspy.certs import files
from tests.tlspy.test_sslsocket import TIMEOUT, recv_exactly, serve


def server_ctx(impl: str, version: str, tickets: bool) -> Any:
    f = files()
    mod: Any = tlspy if impl == "tlspy" else ssl
    ctx = mod.SSLContext(mod.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f.cert, f.key)
    if version == "1.2":
        ctx.maximum_version = mod.TLSVersion.TLSv1_2
    if not tickets:
        ctx.options |= mod.OP_NO_TICKET
    return ctx


def client_ctx(impl: str) -> Any:
    mod: Any = tlspy if impl == "tlspy" else ssl
    return mod.create_default_context(cafile=files().ca)


def connect_twice(server: Any, client: Any) -> list[tuple[bool, bool, Any]]:
    """Two connections, the second offering the first one's session:
    (client's session_reused, server's session_reused, client session)."""
    out: list[tuple[bool, bool, Any]] = []
    session = None
    for _ in range(2):
        server_reused: list[bool] = []

        def handler(conn: socket.socket, server_reused: list[bool] = server_reused) -> None:
            with server.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b"hi")  # a TLS 1.3 ticket goes out with or before this
                recv_exactly(tls, 3)
                server_reused.append(tls.session_reused)

        with (serve(handler) as port,
              socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
              client.wrap_socket(raw, server_hostname="localhost", session=session) as tls):
            assert recv_exactly(tls, 2) == b"hi"
            tls.sendall(b"bye")
            reused, session = tls.session_reused, tls.session
        out.append((reused, server_reused[0] if server_reused else False, session))
    return out


# Not here: a stdlib ssl server with OP_NO_TICKET does not resume by session
# ID even for a stdlib client (its contexts set no session ID context), so
# the session-ID client side is checked against `openssl s_server` below.
CASES = [(s, c, v, t) for s in ("tlspy", "ssl") for c in ("tlspy", "ssl")
         for v in ("1.2", "1.3") for t in (True, False)
         if (s, c) != ("ssl", "ssl") and not (v == "1.3" and not t)
         and not (s == "ssl" and not t)]


@pytest.mark.parametrize("server_impl, client_impl, version, tickets", CASES)
def test_resumption(server_impl: str, client_impl: str, version: str, tickets: bool) -> None:
    """TLS 1.2 with a ticket or a session ID (tickets off), TLS 1.3 with a
    ticket: the second connection is resumed on both sides."""
    server = server_ctx(server_impl, version, tickets)
    first, second = connect_twice(server, client_ctx(client_impl))
    assert first[:2] == (False, False)
    assert second[:2] == (True, True)
    session = second[2]
    assert session is not None
    assert session.has_ticket == tickets
    assert len(session.id) > 0


@pytest.mark.parametrize("tickets", [True, False])
def test_tlspy_client_resumes_with_openssl_s_server(tickets: bool) -> None:
    f = files()
    args = ["-tls1_2", "-www", "-cert", f.cert, "-key", f.key]
    srv, port = start_s_server(*args, *([] if tickets else ["-no_ticket"]))
    try:
        client = client_ctx("tlspy")
        session, pages = None, []
        for _ in range(2):
            with (socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
                  client.wrap_socket(raw, server_hostname="localhost", session=session) as tls):
                tls.sendall(b"GET / HTTP/1.0\r\n\r\n")
                page = b""
                while chunk := tls.recv(65536):
                    page += chunk
                pages.append((page, tls.session_reused))
                session = tls.session
        assert b"New, TLSv1.2" in pages[0][0] and not pages[0][1]
        assert b"Reused, TLSv1.2" in pages[1][0] and pages[1][1]
        assert session is not None and session.has_ticket == tickets
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


def test_tls13_without_tickets_has_no_session() -> None:
    server = server_ctx("tlspy", "1.3", tickets=False)
    first, second = connect_twice(server, client_ctx("tlspy"))
    assert first == (False, False, None) and second == (False, False, None)


def test_each_server_context_has_its_own_cache() -> None:
    a, b = server_ctx("tlspy", "1.2", False), server_ctx("tlspy", "1.2", False)
    assert a.engine_config(True).session_cache is a.engine_config(True).session_cache
    assert a.engine_config(True).session_cache is not b.engine_config(True).session_cache
    assert tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT).engine_config(False).session_cache is None
    client = client_ctx("tlspy")
    first, _ = connect_twice(a, client)
    # A session from context a means nothing to context b: full handshake.
    server_reused: list[bool] = []

    def handler(conn: socket.socket) -> None:
        with b.wrap_socket(conn, server_side=True) as tls:
            tls.sendall(b"hi")
            recv_exactly(tls, 3)
            server_reused.append(tls.session_reused)

    with (serve(handler) as port,
          socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
          client.wrap_socket(raw, server_hostname="localhost", session=first[2]) as tls):
        recv_exactly(tls, 2)
        tls.sendall(b"bye")
        assert not tls.session_reused
    assert server_reused == [False]


def test_session_stats_count_like_ssl() -> None:
    server = server_ctx("tlspy", "1.2", False)
    client = client_ctx("tlspy")
    connect_twice(server, client)
    stats = server.session_stats()
    assert set(stats) == set(ssl.create_default_context().session_stats())
    assert stats["accept"] == stats["accept_good"] == 2
    assert stats["hits"] == 1 and stats["misses"] == 1 and stats["number"] == 1
    assert client.session_stats()["connect_good"] == 2


def test_session_setter_rules() -> None:
    server = server_ctx("tlspy", "1.2", True)
    ((_, _, session), _) = connect_twice(server, client_ctx("tlspy"))
    raw = socket.socket()
    raw.settimeout(TIMEOUT)
    tls = client_ctx("tlspy").wrap_socket(raw, server_hostname="localhost",
                                          do_handshake_on_connect=False)
    with tls:
        tls.session = session
        with pytest.raises(TypeError):
            tls.session = "not a session"
