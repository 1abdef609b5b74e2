"""`tlspy cert`: the files it writes load in OpenSSL (x509, pkey, verify),
in pyca/cryptography and in the stdlib ssl module, verify with `tlspy
verify`, and serve a real handshake (stdlib client, tlspy server)."""

from __future__ import annotations

import ipaddress
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import serialization

import tlspy
from tlspy.mkcert import issue

TIMEOUT = 15.0
OPENSSL = shutil.which("openssl")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60, cwd=cwd)


def make(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "tlspy", "cert", "--dir", str(tmp), *args)


@pytest.mark.parametrize("key_type", ["p256", "rsa2048", "ed25519"])
def test_cert_files_load_everywhere(tmp_path: Path, key_type: str) -> None:
    out = make(tmp_path, "--key-type", key_type)
    assert out.returncode == 0, out.stderr
    assert "trust this CA" in out.stdout
    ca, cert, key = (tmp_path / n for n in ("ca.pem", "cert.pem", "key.pem"))
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8
    assert (key.stat().st_mode & 0o077) == 0

    # pyca/cryptography (oracle): the names, the CA bit, the key matches.
    leaf_c, ca_c = cx509.load_pem_x509_certificates(cert.read_bytes())
    san = leaf_c.extensions.get_extension_for_class(cx509.SubjectAlternativeName).value
    assert san.get_values_for_type(cx509.DNSName) == ["localhost"]
    assert san.get_values_for_type(cx509.IPAddress) == [ipaddress.ip_address("127.0.0.1"),
                                                        ipaddress.ip_address("::1")]
    assert ca_c.extensions.get_extension_for_class(cx509.BasicConstraints).value.ca
    priv = serialization.load_pem_private_key(key.read_bytes(), None)
    assert priv.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == leaf_c.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    # OpenSSL.
    if OPENSSL:
        assert run(OPENSSL, "x509", "-in", str(cert), "-noout").returncode == 0
        assert run(OPENSSL, "pkey", "-in", str(key), "-noout").returncode == 0
        verified = run(OPENSSL, "verify", "-CAfile", str(ca), str(cert))
        assert verified.returncode == 0 and "OK" in verified.stdout, verified.stderr

    # tlspy verify, by name and by IP.
    for name in ("localhost", "::1"):
        v = run(sys.executable, "-m", "tlspy", "verify", "-CAfile", str(ca), "-name", name,
                str(cert))
        assert v.returncode == 0 and ": OK" in v.stdout, v.stdout + v.stderr

    # stdlib ssl loads both; a stdlib client verifies a tlspy server using them.
    server = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    stdlib_server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    stdlib_server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(ca))
    with socket.create_server(("127.0.0.1", 0)) as lsock:
        lsock.settimeout(TIMEOUT)

        def serve() -> None:
            conn, _ = lsock.accept()
            conn.settimeout(TIMEOUT)
            with server.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b"ok")
                tls.recv(1)

        t = threading.Thread(target=serve, daemon=True)
        t.start()
        with (socket.create_connection(lsock.getsockname(), timeout=TIMEOUT) as raw,
              client.wrap_socket(raw, server_hostname="127.0.0.1") as tls):
            assert tls.recv(2) == b"ok"
            tls.sendall(b"x")
        t.join(TIMEOUT)
        assert not t.is_alive()


def test_cert_with_given_names(tmp_path: Path) -> None:
    out = make(tmp_path, "example.test", "*.example.test", "10.1.2.3")
    assert out.returncode == 0, out.stderr
    leaf = cx509.load_pem_x509_certificates((tmp_path / "cert.pem").read_bytes())[0]
    san = leaf.extensions.get_extension_for_class(cx509.SubjectAlternativeName).value
    assert san.get_values_for_type(cx509.DNSName) == ["example.test", "*.example.test"]
    assert san.get_values_for_type(cx509.IPAddress) == [ipaddress.ip_address("10.1.2.3")]


def test_cert_errors_in_plain_words(tmp_path: Path) -> None:
    out = make(tmp_path, "bad name")
    assert out.returncode == 2 and "neither a host name nor an IP address" in out.stderr
    out = make(tmp_path, "--key-type", "dsa")
    assert out.returncode == 2 and "invalid choice" in out.stderr
    blocker = tmp_path / "file"
    blocker.write_text("")
    out = make(blocker)
    assert out.returncode == 1 and "cannot write the files" in out.stderr
    helped = run(sys.executable, "-m", "tlspy", "cert", "--help")
    assert helped.returncode == 0 and "--key-type" in helped.stdout


def test_issue_names_the_first_name_and_signs_with_the_ca() -> None:
    issued = issue(["a.test"], "p256")
    assert issued.leaf.issuer == issued.ca.subject
    assert "a.test" in issued.leaf.subject.rfc4514()
    with pytest.raises(ValueError):
        issue([], "p256")
