"""Real peers for TLS 1.2: the engine over 127.0.0.1 against `openssl
s_server -tls1_2` and `openssl s_client -tls1_2` with ECDHE-ECDSA and
ECDHE-RSA AEAD suites, each peer started by the test with a bounded
timeout.  Without the openssl binary these tests fail (never skip)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.engine.certs import NOW_TS, pki
from tests.engine.test_openssl import (
    _files,
    _pump,
    close_both_ways,
    handshake_over,
    start_s_server,
)
from tlspy import engine
from tlspy.core.enums import CipherSuite, NamedGroup, ProtocolVersion

OPENSSL = shutil.which("openssl")
TIMEOUT = 15.0
CS = CipherSuite


@pytest.mark.parametrize(("kind", "ossl_suite", "suite", "group", "versions"), [
    ("p256", "ECDHE-ECDSA-AES128-GCM-SHA256", CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
     NamedGroup.SECP256R1, (ProtocolVersion.TLS_1_2,)),
    ("rsa", "ECDHE-RSA-AES256-GCM-SHA384", CS.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
     NamedGroup.X25519, (ProtocolVersion.TLS_1_3, ProtocolVersion.TLS_1_2)),
    ("p384", "ECDHE-ECDSA-CHACHA20-POLY1305", CS.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
     NamedGroup.SECP384R1, (ProtocolVersion.TLS_1_2,)),
])
def test_client_against_openssl_s_server_tls12(
    tmp_path: Path, kind: str, ossl_suite: str, suite: CipherSuite, group: NamedGroup,
    versions: tuple[ProtocolVersion, ...],
) -> None:
    # An ECDSA certificate's curve must be among the client's groups in TLS
    # 1.2 (RFC 8422 5.1), so the group tested is the certificate's curve.
    _ca, cert, key = _files(tmp_path, kind)
    srv, port = start_s_server("-cert", cert, "-key", key,
         "-tls1_2", "-cipher", ossl_suite, "-rev", "-naccept", "1")
    try:
        cfg = engine.Config(trust_anchors=(pki(kind).anchor,), versions=versions,
                            groups=(group,), clock=lambda: NOW_TS)
        st, out = engine.client(cfg, "server.test")
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            sock.sendall(out)
            st, _ = handshake_over(sock, st)
            assert st.info is not None
            assert st.info.version == ProtocolVersion.TLS_1_2
            assert st.info.cipher_suite == suite and st.info.group == group
            st, out = engine.send_application_data(st, b"hello from tlspy\n")
            sock.sendall(out)
            st, got = _pump(sock, st, b"\n")  # -rev answers each line reversed
            assert got == b"ypslt morf olleh\n"
            st, out = engine.send_close_notify(st)
            sock.sendall(out)
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


@pytest.mark.parametrize(("kind", "ossl_suite", "suite"), [
    ("p256", "ECDHE-ECDSA-AES256-GCM-SHA384", CS.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
    ("rsa", "ECDHE-RSA-AES128-GCM-SHA256", CS.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
    ("rsa", "ECDHE-RSA-CHACHA20-POLY1305", CS.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256),
])
def test_server_against_openssl_s_client_tls12(
    tmp_path: Path, kind: str, ossl_suite: str, suite: CipherSuite
) -> None:
    ca, _, _ = _files(tmp_path, kind)
    assert OPENSSL is not None, "these interop tests need the openssl binary (.ci/run installs it)"
    cfg = engine.Config(certificates=(pki(kind).key,), alpn_protocols=(b"h2", b"http/1.1"))
    with socket.socket() as lsock:
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        lsock.settimeout(TIMEOUT)
        port = lsock.getsockname()[1]
        cli = subprocess.Popen(
            [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_2",
             "-cipher", ossl_suite, "-CAfile", ca, "-servername", "server.test",
             "-verify_hostname", "server.test", "-verify_return_error", "-alpn", "http/1.1",
             "-ign_eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        try:
            conn, _ = lsock.accept()
            with conn:
                conn.settimeout(TIMEOUT)
                st = engine.server(cfg)
                st, _ = handshake_over(conn, st)
                assert st.info is not None
                assert st.info.version == ProtocolVersion.TLS_1_2
                assert st.info.cipher_suite == suite
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
    assert b"TLSv1.2" in stdout
    assert b"Extended master secret: yes" in stdout


@pytest.mark.parametrize("kind", ["p256", "rsa"])
def test_client_certificate_from_openssl_s_client_tls12(tmp_path: Path, kind: str) -> None:
    from tests.engine.test_openssl import _serve_one

    _files(tmp_path, "p256")
    cp = pki(kind, ("client.test",), "client")
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
            [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_2",
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
    assert st.info is not None and st.info.version == ProtocolVersion.TLS_1_2
    assert st.info.peer_certificates == cp.key.chain


@pytest.mark.parametrize("kind", ["p384", "rsa"])
def test_client_certificate_to_openssl_s_server_tls12(tmp_path: Path, kind: str) -> None:
    _ca, cert, key = _files(tmp_path, "rsa")
    cp = pki(kind, ("client.test",), "client")
    (tmp_path / "cca.pem").write_bytes(cp.ca_pem)
    srv, port = start_s_server("-cert", cert, "-key", key,
         "-tls1_2", "-rev", "-naccept", "1", "-Verify", "1", "-verify_return_error",
         "-CAfile", str(tmp_path / "cca.pem"))
    try:
        cfg = engine.Config(trust_anchors=(pki("rsa").anchor,), certificates=(cp.key,),
                            versions=(ProtocolVersion.TLS_1_2,), clock=lambda: NOW_TS)
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


def test_ticket_resumption_against_openssl_s_server_tls12(tmp_path: Path) -> None:
    _, cert, key = _files(tmp_path, "p256")
    srv, port = start_s_server("-cert", cert, "-key", key,
         "-tls1_2", "-rev", "-naccept", "2")
    try:
        cfg = engine.Config(trust_anchors=(pki("p256").anchor,), clock=time.time,
                            versions=(ProtocolVersion.TLS_1_2,))
        ticket = None
        for attempt in range(2):
            st, out = engine.client(cfg, "server.test", ticket=ticket)
            with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
                sock.sendall(out)
                st, events = handshake_over(sock, st)
                tickets = [e.ticket for e in events if isinstance(e, engine.NewSessionTicket)]
                if tickets and ticket is None:
                    ticket = tickets[0]
                assert st.info is not None and st.info.resumed == (attempt == 1)
                st, out = engine.send_application_data(st, b"abc\n")
                sock.sendall(out)
                st, got = _pump(sock, st, b"\n")
                assert got == b"cba\n"
                st, out = engine.send_close_notify(st)
                sock.sendall(out)
            assert ticket is not None
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


def test_ticket_resumption_from_openssl_s_client_tls12(tmp_path: Path) -> None:
    from tests.engine.test_openssl import _serve_one

    ca, _, _ = _files(tmp_path, "rsa")
    assert OPENSSL is not None, "these interop tests need the openssl binary (.ci/run installs it)"
    cfg = engine.Config(certificates=(pki("rsa").key,), ticket_keys=(bytes(range(32)),))
    sess = str(tmp_path / "sess.pem")
    outputs = []
    with socket.socket() as lsock:
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        lsock.settimeout(TIMEOUT)
        port = lsock.getsockname()[1]
        for flag in ("-sess_out", "-sess_in"):
            cli = subprocess.Popen(
                [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_2",
                 "-CAfile", ca, "-servername", "server.test", flag, sess, "-ign_eof"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            )
            try:
                assert cli.stdin is not None
                cli.stdin.write(b"again\n")
                cli.stdin.flush()
                st = _serve_one(lsock, cfg, b"again\n")
                stdout, _ = cli.communicate(timeout=TIMEOUT)
            finally:
                cli.kill()
                cli.wait(TIMEOUT)
            assert st.info is not None
            assert st.info.resumed == (flag == "-sess_in")
            outputs.append(stdout)
    assert b"New, TLSv1.2" in outputs[0]
    assert b"Reused, TLSv1.2" in outputs[1]


@pytest.mark.parametrize(("kind", "ossl_suite", "suite", "ossl_flags"), [
    ("rsa", "ECDHE-RSA-AES128-SHA256", CS.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, ()),
    ("rsa", "ECDHE-RSA-AES256-SHA", CS.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, ("-no_etm",)),
    ("p256", "ECDHE-ECDSA-AES256-SHA384", CS.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
     ("-no_etm",)),
])
def test_cbc_client_against_openssl_s_server_tls12(
    tmp_path: Path, kind: str, ossl_suite: str, suite: CipherSuite, ossl_flags: tuple[str, ...]
) -> None:
    """CBC suites (configured explicitly), with encrypt-then-MAC and, when
    OpenSSL is told not to, MAC-then-encrypt."""
    _ca, cert, key = _files(tmp_path, kind)
    srv, port = start_s_server("-cert", cert, "-key", key,
         "-tls1_2", "-cipher", ossl_suite, "-rev", "-naccept", "1", *ossl_flags)
    try:
        cfg = engine.Config(trust_anchors=(pki(kind).anchor,), clock=lambda: NOW_TS,
                            versions=(ProtocolVersion.TLS_1_2,), cipher_suites=(suite,))
        st, out = engine.client(cfg, "server.test")
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            sock.sendall(out)
            st, _ = handshake_over(sock, st)
            assert st.info is not None and st.info.cipher_suite == suite
            st, out = engine.send_application_data(st, b"abc" * 3000 + b"\n")
            sock.sendall(out)
            st, got = _pump(sock, st, b"\n")
            assert got == b"cba" * 3000 + b"\n"
            st, out = engine.send_close_notify(st)
            sock.sendall(out)
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


@pytest.mark.parametrize("ossl_flags", [(), ("-no_etm",)])
def test_cbc_server_against_openssl_s_client_tls12(
    tmp_path: Path, ossl_flags: tuple[str, ...]
) -> None:
    from tests.engine.test_openssl import _serve_one

    ca, _, _ = _files(tmp_path, "p256")
    assert OPENSSL is not None, "these interop tests need the openssl binary (.ci/run installs it)"
    suite = CS.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
    cfg = engine.Config(certificates=(pki("p256").key,), cipher_suites=(suite,))
    with socket.socket() as lsock:
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        lsock.settimeout(TIMEOUT)
        port = lsock.getsockname()[1]
        cli = subprocess.Popen(
            [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_2",
             "-cipher", "ECDHE-ECDSA-AES128-SHA", "-CAfile", ca, "-servername", "server.test",
             "-ign_eof", *ossl_flags],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        try:
            assert cli.stdin is not None
            cli.stdin.write(b"cbc\n")
            cli.stdin.flush()
            st = _serve_one(lsock, cfg, b"cbc\n")
            stdout, _ = cli.communicate(timeout=TIMEOUT)
        finally:
            cli.kill()
            cli.wait(TIMEOUT)
    assert st.info is not None and st.info.cipher_suite == suite
    assert b"ECDHE-ECDSA-AES128-SHA" in stdout
