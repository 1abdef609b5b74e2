"""Real peers for the newer engine features, against `openssl s_server` and
`openssl s_client` over 127.0.0.1 (each with a bounded timeout; without the
openssl binary these tests fail, never skip): plain RSA key exchange both
ways, TLS 1.2 session-ID resumption both ways, the key log compared with
OpenSSL's -keylogfile, and TLS_FALLBACK_SCSV both ways."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.engine.certs import NOW_TS, pki
from tests.engine.test_openssl import _files, _pump, handshake_over, start_s_server
from tlspy import engine
from tlspy.core.enums import AlertDescription, CipherSuite, ProtocolVersion
from tlspy.engine import Alert, Event, KeyLog, SessionCache, State

OPENSSL = shutil.which("openssl")
TIMEOUT = 15.0
CS = CipherSuite
V12 = ProtocolVersion.TLS_1_2


def _connect(port: int, cfg: engine.Config, session: engine.Ticket | None = None,
             line: bytes = b"abc\n") -> tuple[State, list[Event]]:
    """One tlspy client connection to s_server -rev: handshake, a line each
    way, close_notify."""
    st, out = engine.client(cfg, "server.test", session=session)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(out)
        st, seen = handshake_over(sock, st)
        events = list(seen)
        st, out = engine.send_application_data(st, line)
        sock.sendall(out)
        st, got = _pump(sock, st, b"\n")
        assert got == line[:-1][::-1] + b"\n"
        st, out = engine.send_close_notify(st)
        sock.sendall(out)
    return st, events


def _s_client(port: int, ca: str, *flags: str) -> subprocess.Popen[bytes]:
    assert OPENSSL is not None, "these interop tests need the openssl binary"
    return subprocess.Popen(
        [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", ca,
         "-servername", "server.test", "-ign_eof", *flags],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _serve(lsock: socket.socket, cfg: engine.Config, cli: subprocess.Popen[bytes],
           line: bytes = b"hi\n") -> tuple[State, list[Event], bytes]:
    """Serve one s_client connection (which sends ``line``), then close;
    the final state, every event, and s_client's output."""
    events: list[Event] = []
    try:
        assert cli.stdin is not None
        cli.stdin.write(line)
        cli.stdin.flush()
        conn, _ = lsock.accept()
        with conn:
            conn.settimeout(TIMEOUT)
            st = engine.server(cfg)
            got = b""
            while not (st.established and b"\n" in got) and not st.failed:
                data = conn.recv(65536)
                if not data:
                    break
                r = engine.handle_tls(st, data)
                events += r.events
                st, got = r.state, got + r.data
                if r.out:
                    conn.sendall(r.out)
            if st.established:
                assert got == line
                st, out = engine.send_close_notify(st)
                conn.sendall(out)
        stdout, _ = cli.communicate(timeout=TIMEOUT)
    finally:
        cli.kill()
        cli.wait(TIMEOUT)
    return st, events, stdout


def _listener() -> tuple[socket.socket, int]:
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    lsock.settimeout(TIMEOUT)
    return lsock, lsock.getsockname()[1]


# ------------------------------------------------------------ RSA key exchange


@pytest.mark.parametrize(("ossl_suite", "suite"), [
    ("AES128-GCM-SHA256", CS.TLS_RSA_WITH_AES_128_GCM_SHA256),
    ("AES256-SHA256", CS.TLS_RSA_WITH_AES_256_CBC_SHA256),
])
def test_rsa_kex_client_against_openssl_s_server(tmp_path: Path, ossl_suite: str,
                                                 suite: CipherSuite) -> None:
    _, cert, key = _files(tmp_path, "rsa")
    srv, port = start_s_server("-cert", cert, "-key", key, "-tls1_2", "-cipher", ossl_suite,
                               "-rev", "-naccept", "1")
    try:
        cfg = engine.Config(trust_anchors=(pki("rsa").anchor,), clock=lambda: NOW_TS,
                            versions=(V12,), cipher_suites=(suite,))
        st, _ = _connect(port, cfg)
        assert st.info is not None and st.info.cipher_suite == suite and st.info.group is None
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


@pytest.mark.parametrize(("ossl_suite", "suite", "flags"), [
    ("AES128-SHA", CS.TLS_RSA_WITH_AES_128_CBC_SHA, ()),
    ("AES128-SHA", CS.TLS_RSA_WITH_AES_128_CBC_SHA, ("-no_etm",)),
    ("AES256-GCM-SHA384", CS.TLS_RSA_WITH_AES_256_GCM_SHA384, ()),
])
def test_rsa_kex_server_against_openssl_s_client(tmp_path: Path, ossl_suite: str,
                                                 suite: CipherSuite,
                                                 flags: tuple[str, ...]) -> None:
    ca, _, _ = _files(tmp_path, "rsa")
    cfg = engine.Config(certificates=(pki("rsa").key,), cipher_suites=(suite,))
    lsock, port = _listener()
    with lsock:
        st, _, stdout = _serve(lsock, cfg, _s_client(port, ca, "-tls1_2", "-cipher", ossl_suite,
                                                     *flags))
    assert st.info is not None and st.info.cipher_suite == suite, stdout
    assert ossl_suite.encode() in stdout


# ------------------------------------------------------------ session IDs


def test_session_id_resumption_against_openssl_s_server(tmp_path: Path) -> None:
    _, cert, key = _files(tmp_path, "p256")
    srv, port = start_s_server("-cert", cert, "-key", key, "-tls1_2", "-no_ticket", "-rev",
                               "-naccept", "2")
    try:
        cfg = engine.Config(trust_anchors=(pki("p256").anchor,), clock=time.time,
                            versions=(V12,))
        st, events = _connect(port, cfg)
        [session] = [e.ticket for e in events if isinstance(e, engine.NewSessionTicket)]
        assert session.identity == b"" and len(session.session_id) == 32
        assert st.info is not None and not st.info.resumed
        st, events = _connect(port, cfg, session)
        assert st.info is not None and st.info.resumed
        assert not [e for e in events if isinstance(e, engine.NewSessionTicket)]
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


def test_session_id_resumption_from_openssl_s_client(tmp_path: Path) -> None:
    ca, _, _ = _files(tmp_path, "rsa")
    cache = SessionCache()
    cfg = engine.Config(certificates=(pki("rsa").key,), session_cache=cache)
    sess = str(tmp_path / "sess.pem")
    lsock, port = _listener()
    with lsock:
        st1, _, out1 = _serve(lsock, cfg, _s_client(port, ca, "-tls1_2", "-no_ticket",
                                                    "-sess_out", sess))
        st2, _, out2 = _serve(lsock, cfg, _s_client(port, ca, "-tls1_2", "-no_ticket",
                                                    "-sess_in", sess))
    assert st1.info is not None and not st1.info.resumed
    assert st2.info is not None and st2.info.resumed
    assert b"New, TLSv1.2" in out1 and b"Reused, TLSv1.2" in out2
    assert len(cache) == 1


# ------------------------------------------------------------ key log


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_key_log_matches_openssl_keylogfile(tmp_path: Path, version: str) -> None:
    ca, _, _ = _files(tmp_path, "p256")
    cfg = engine.Config(certificates=(pki("p256").key,), key_log=True)
    logfile = tmp_path / "keys.log"
    lsock, port = _listener()
    with lsock:
        st, events, _ = _serve(lsock, cfg, _s_client(port, ca, version, "-keylogfile",
                                                     str(logfile)))
    assert st.established
    ours = {e.line() for e in events if isinstance(e, KeyLog)}
    theirs = {ln.strip() for ln in logfile.read_text().splitlines()
              if ln.strip() and not ln.startswith("#")}
    assert ours and ours == theirs


# ------------------------------------------------------------ fallback SCSV


def test_openssl_fallback_scsv_refused(tmp_path: Path) -> None:
    ca, _, _ = _files(tmp_path, "p256")
    cfg = engine.Config(certificates=(pki("p256").key,))
    lsock, port = _listener()
    with lsock:
        st, events, stdout = _serve(lsock, cfg, _s_client(port, ca, "-tls1_2",
                                                          "-fallback_scsv"))
    assert st.failed
    sent = [e for e in events if isinstance(e, Alert) and e.sent]
    assert sent and sent[0].description == AlertDescription.INAPPROPRIATE_FALLBACK
    assert b"inappropriate fallback" in stdout.lower()


def test_fallback_scsv_to_openssl_s_server(tmp_path: Path) -> None:
    _, cert, key = _files(tmp_path, "p256")
    srv, port = start_s_server("-cert", cert, "-key", key, "-rev")
    try:
        cfg = engine.Config(trust_anchors=(pki("p256").anchor,), clock=lambda: NOW_TS,
                            versions=(V12,), fallback_scsv=True)
        st, out = engine.client(cfg, "server.test")
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            sock.sendall(out)
            r = engine.handle_tls(st, sock.recv(65536))
        assert r.state.failed
        got = [e for e in r.events if isinstance(e, Alert) and not e.sent]
        assert got and got[0].description == AlertDescription.INAPPROPRIATE_FALLBACK
    finally:
        srv.kill()
        srv.wait(TIMEOUT)
