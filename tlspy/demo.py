"""`tlspy demo` (what `make demo` runs): the stack end to end on 127.0.0.1.

It makes a CA and a certificate for "localhost" with tlspy's own X.509
builder and nocrypto keys, starts a tlspy server (tlspy.SSLContext, the
ssl-compatible shell) on a free loopback port, connects a tlspy client to it
with the same code one would write for `ssl`, then `openssl s_client` (when
installed), and finally a client that expects another name and is refused.
Everything stops by itself: the server serves a fixed number of connections
with timeouts.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import nocrypto.cpu
import tlspy
from nocrypto import ec
from tlspy.x509 import Certificate, Name, PrivateKey, builder
from tlspy.x509.extensions import GeneralName
from tlspy.x509.keys import pem_encode

SECP256R1 = "secp256r1"
TIMEOUT = 10.0
CONNECTIONS = 3  # the tlspy client, openssl s_client, the refused client


def _ec_key() -> PrivateKey:
    key = ec.ECPrivateKey.generate(ec.P256)
    return PrivateKey("ec", curve=SECP256R1, scalar=key.private_bytes())


def make_pki(now: dt.datetime) -> tuple[Certificate, Certificate, PrivateKey]:
    """(CA certificate, leaf certificate for localhost, the leaf's key)."""
    ca_key, leaf_key = _ec_key(), _ec_key()
    ca_name = Name.build([("2.5.4.3", "tlspy demo CA")])
    ca_public = builder.public_key_of(ca_key)
    alg, sign = builder.signer_for(ca_key)
    ca = builder.build_certificate(
        subject=ca_name, issuer=ca_name, public_key=ca_public, serial=1,
        not_before=now - dt.timedelta(hours=1), not_after=now + dt.timedelta(days=1),
        extensions=[builder.basic_constraints(True),
                    builder.key_usage("keyCertSign", "cRLSign"),
                    builder.subject_key_identifier(builder.key_identifier(ca_public))],
        algorithm=alg, sign=sign)
    leaf_public = builder.public_key_of(leaf_key)
    leaf = builder.build_certificate(
        subject=Name.build([("2.5.4.3", "localhost")]), issuer=ca_name,
        public_key=leaf_public, serial=2,
        not_before=now - dt.timedelta(hours=1), not_after=now + dt.timedelta(days=1),
        extensions=[builder.basic_constraints(False),
                    builder.key_usage("digitalSignature"),
                    builder.extended_key_usage("1.3.6.1.5.5.7.3.1"),
                    builder.subject_alt_name(
                        GeneralName("dns", "localhost"),
                        GeneralName("ip", ipaddress.ip_address("127.0.0.1").packed)),
                    builder.authority_key_identifier(builder.key_identifier(ca_public))],
        algorithm=alg, sign=sign)
    return ca, leaf, leaf_key


def write_pki(directory: Path) -> tuple[str, str, str]:
    """ca.pem, cert.pem, key.pem for localhost under directory."""
    ca, leaf, key = make_pki(dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    paths = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    paths[0].write_bytes(ca.to_pem())
    paths[1].write_bytes(leaf.to_pem())
    paths[2].write_bytes(pem_encode("PRIVATE KEY", key.to_pkcs8()))
    return str(paths[0]), str(paths[1]), str(paths[2])


class DemoServer(threading.Thread):
    """A tlspy server for CONNECTIONS connections: reads one request, answers
    with what was negotiated.  Failed handshakes are recorded, not raised."""

    def __init__(self, cert: str, key: str) -> None:
        super().__init__(daemon=True)
        self.context = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.context.set_alpn_protocols(["http/1.1"])
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(TIMEOUT)
        self.port = self.listener.getsockname()[1]
        self.log: list[str] = []

    def run(self) -> None:
        with self.listener:
            for _ in range(CONNECTIONS):
                try:
                    raw, _addr = self.listener.accept()
                except OSError:
                    return
                raw.settimeout(TIMEOUT)
                try:
                    with self.context.wrap_socket(raw, server_side=True) as tls:
                        request = tls.recv(4096)
                        suite = (tls.cipher() or ("?",))[0]
                        body = f"hello from tlspy over {tls.version()} {suite}\n"
                        tls.sendall(b"HTTP/1.0 200 OK\r\n\r\n" + body.encode())
                        first_line = request.split(b"\r\n")[0].decode(errors="replace")
                        self.log.append(f"served {first_line!r}")
                except (OSError, tlspy.SSLError) as exc:
                    self.log.append(f"refused a connection: {exc}")


def _tlspy_client(port: str | int, ca: str, name: str) -> list[str]:
    context = tlspy.create_default_context(cafile=ca)
    context.set_alpn_protocols(["http/1.1"])
    with socket.create_connection(("127.0.0.1", int(port)), timeout=TIMEOUT) as raw, \
            context.wrap_socket(raw, server_hostname=name) as tls:
        tls.sendall(b"GET / HTTP/1.0\r\n\r\n")
        reply = b""
        while chunk := tls.recv(4096):
            reply += chunk
        subject = dict(x[0] for x in tls.getpeercert()["subject"])
        cipher = tls.cipher()
        body = reply.split(b"\r\n\r\n", 1)[-1].decode(errors="replace").strip()
        return [
            f"  version           {tls.version()}",
            f"  cipher suite      {cipher[0] if cipher else '-'}",
            f"  ALPN              {tls.selected_alpn_protocol()}",
            f"  server            CN={subject.get('commonName')}, verified against the demo CA",
            f"  reply             {body}",
        ]


def _openssl_client(port: int, ca: str) -> list[str]:
    openssl = shutil.which("openssl")
    if openssl is None:
        return ["  (openssl is not installed: skipped)"]
    proc = subprocess.run(
        [openssl, "s_client", "-connect", f"127.0.0.1:{port}", "-servername", "localhost",
         "-CAfile", ca, "-verify_return_error", "-brief", "-alpn", "http/1.1"],
        input=b"GET /openssl HTTP/1.0\r\n\r\n", capture_output=True, timeout=TIMEOUT)
    wanted = ("Protocol version", "Ciphersuite", "Verification", "ALPN", "hello from")
    text = (proc.stdout + proc.stderr).decode(errors="replace").splitlines()
    lines = [f"  {line.strip()}" for line in text if line.strip().startswith(wanted)]
    return lines or [f"  openssl s_client exited {proc.returncode}: {text[-1:]}"]


def main(argv: list[str]) -> int:
    if argv:
        print("usage: tlspy demo   (takes no options)")
        return 0 if argv[0] in ("-h", "--help") else 2
    hw = ", ".join(sorted(nocrypto.cpu.features() & {"aesni", "pclmulqdq", "sha_ni", "avx2",
                                                       "vaes", "bmi2", "adx"}))
    print("tlspy demo: a tlspy TLS server on 127.0.0.1, a tlspy client and openssl s_client")
    print(f"  crypto core: nocrypto, hardware paths available: {hw or 'none (portable C)'}")
    with tempfile.TemporaryDirectory(prefix="tlspy-demo-") as tmp:
        started = time.perf_counter()
        ca, cert, key = write_pki(Path(tmp))
        print(f"  made a P-256 CA and a certificate for localhost in "
              f"{(time.perf_counter() - started) * 1000:.1f} ms (tlspy.x509.builder)")
        server = DemoServer(cert, key)
        server.start()
        print(f"  tlspy server listening on 127.0.0.1:{server.port}")

        print("\ntlspy client (tlspy.create_default_context, ssl-style code):")
        print("\n".join(_tlspy_client(server.port, ca, "localhost")))
        print("\nopenssl s_client against the same server:")
        print("\n".join(_openssl_client(server.port, ca)))
        print("\na tlspy client that expects example.com:")
        try:
            _tlspy_client(server.port, ca, "example.com")
            print("  connected -- this should not happen")
            return 1
        except tlspy.SSLCertVerificationError as exc:
            print(f"  refused: {exc}")
        server.join(TIMEOUT)
    print("\nthe server saw:")
    print("\n".join(f"  {line}" for line in server.log))
    print("\nMore: `python -m tlspy s_server --help`, `s_client`, `verify`, `cert`;"
          " `make test`, `make bench`, `make fuzz`.")
    return 0
