"""The `tlspy` command against the same peers as the matrix: `tlspy
s_server -www` answers curl, `openssl s_client` and `gnutls-cli`; `tlspy
s_client` reads the status pages of `openssl s_server -www` and
`gnutls-serv` (its HTTP mode).  Both versions; every process bounded and
killed at the end."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from interop.run import TIMEOUT, Proc, _need, _start_gnutls_serv
from tests.tlspy.certs import files

REQUEST = b"GET / HTTP/1.0\r\n\r\n"
VERSIONS = ("1.2", "1.3")


@contextmanager
def tlspy_www(version: str) -> Iterator[int]:
    f = files()
    proc = Proc([sys.executable, "-m", "tlspy", "s_server", "-accept", "127.0.0.1:0",
                 "-cert", f.cert, "-key", f.key, "-www", f"-tls1_{version[-1]}"])
    try:
        end = proc.wait_for(b"ACCEPT ")
        line = proc.text()[end:].split("\n", 1)[0]
        yield int(line.rsplit(":", 1)[1])
    finally:
        proc.stop()


def _page_says(page: str, version: str) -> None:
    assert "HTTP/1.0 200 ok" in page, page[-1500:]
    assert f"Protocol  : TLSv{version}" in page, page[-1500:]


@pytest.mark.network
@pytest.mark.parametrize("version", VERSIONS)
def test_curl_against_tlspy_s_server_www(version: str) -> None:
    with tlspy_www(version) as port:
        r = subprocess.run([_need("curl"), "-sS", "-v", "--cacert", files().ca, "--resolve",
                            f"localhost:{port}:127.0.0.1", f"--tlsv{version}", "--tls-max",
                            version, "--http1.0", "--max-time", str(int(TIMEOUT)),
                            f"https://localhost:{port}/"],
                           capture_output=True, timeout=TIMEOUT + 5)
    assert r.returncode == 0, r.stderr.decode("latin-1")[-2000:]
    assert f"Protocol  : TLSv{version}" in r.stdout.decode("latin-1")
    assert re.search(rf"SSL connection using TLSv{version} / ", r.stderr.decode("latin-1"))


@pytest.mark.network
@pytest.mark.parametrize("tool", ["openssl", "gnutls"])
@pytest.mark.parametrize("version", VERSIONS)
def test_peer_clients_against_tlspy_s_server_www(tool: str, version: str) -> None:
    f = files()
    with tlspy_www(version) as port:
        if tool == "openssl":
            argv = [_need("openssl"), "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile",
                    f.ca, "-servername", "localhost", "-verify_return_error",
                    f"-tls1_{version[-1]}", "-ign_eof"]
        else:
            argv = [_need("gnutls-cli"), "-p", str(port), "127.0.0.1", "--x509cafile", f.ca,
                    "--verify-hostname", "localhost", "--priority",
                    f"NORMAL:-VERS-ALL:+VERS-TLS{version}"]
        proc = Proc(argv)
        try:
            proc.write(REQUEST)
            proc.wait_for(b"Protocol  : ")
            proc.wait_exit()  # the server closes after the page
            _page_says(proc.text(), version)
        finally:
            proc.close_stdin()
            proc.stop()


@pytest.mark.network
@pytest.mark.parametrize("tool", ["openssl", "gnutls"])
@pytest.mark.parametrize("version", VERSIONS)
def test_tlspy_s_client_against_peer_www(tool: str, version: str) -> None:
    f = files()
    if tool == "openssl":
        server = Proc([_need("openssl"), "s_server", "-accept", "127.0.0.1:0", "-cert", f.cert,
                       "-key", f.key, "-www", f"-tls1_{version[-1]}", "-naccept", "1"])
    else:  # without --echo gnutls-serv is an HTTP server with a status page
        server, port = _start_gnutls_serv(["--x509certfile", f.cert, "--x509keyfile", f.key,
                                           "--disable-client-cert", "--priority",
                                           f"NORMAL:-VERS-ALL:+VERS-TLS{version}"])
    try:
        if tool == "openssl":
            end = server.wait_for(b"ACCEPT")
            port = int(server.text()[end:].split("\n", 1)[0].rsplit(":", 1)[1])
        r = subprocess.run([sys.executable, "-m", "tlspy", "s_client", "-connect",
                            f"127.0.0.1:{port}", "-CAfile", f.ca, "-servername", "localhost"],
                           input=REQUEST, capture_output=True, timeout=TIMEOUT)
        out = r.stdout.decode("latin-1")
        assert f"Protocol  : TLSv{version}" in out, out[-2000:] + r.stderr.decode("latin-1")
        assert "Verify return code: 0 (ok)" in out
        # the peer's status page, relayed to stdout
        page = {"openssl": f"TLSv{version}", "gnutls": f"TLS{version}"}[tool]
        assert "HTTP/1.0 200" in out and page in out.split("Verify return code", 1)[1], out
    finally:
        server.stop()
