"""`tlspy s_server` and `tlspy s_client`: OpenSSL's flag spellings (plus
``--long`` aliases) over tlspy.SSLContext and TLSSocket."""

from __future__ import annotations

import argparse
import socket
import sys
import threading
from collections.abc import Sequence

from tlspy.context import (
    CERT_NONE,
    CERT_OPTIONAL,
    CERT_REQUIRED,
    OP_NO_TICKET,
    PROTOCOL_TLS_CLIENT,
    PROTOCOL_TLS_SERVER,
    OP_NO_TLSv1_3,
    SSLContext,
    TLSVersion,
)
from tlspy.errors import SSLError
from tlspy.sslsocket import TLSSocket


def _flag(p: argparse.ArgumentParser, name: str, **kw: object) -> None:
    p.add_argument(f"-{name}", f"--{name}", **kw)  # type: ignore[arg-type]


def _common(p: argparse.ArgumentParser) -> None:
    _flag(p, "CAfile", metavar="FILE", help="trust anchors (PEM)")
    _flag(p, "cert", metavar="FILE", help="certificate chain (PEM, leaf first)")
    _flag(p, "key", metavar="FILE", help="private key (PEM; default: in -cert)")
    _flag(p, "alpn", metavar="LIST", help="comma-separated ALPN protocols")
    _flag(p, "cipher", metavar="STR", help="TLS 1.2 suites (OpenSSL cipher string)")
    _flag(p, "ciphersuites", metavar="STR", help="TLS 1.3 suites, colon-separated")
    _flag(p, "tls1_2", action="store_true", help="TLS 1.2 only")
    _flag(p, "tls1_3", action="store_true", help="TLS 1.3 only")
    _flag(p, "no_tls1_3", action="store_true", help="no TLS 1.3")
    _flag(p, "quiet", action="store_true", help="print less")


def _configure(ctx: SSLContext, a: argparse.Namespace) -> None:
    if a.tls1_2 or a.no_tls1_3:
        ctx.options |= OP_NO_TLSv1_3
    if a.tls1_3:
        ctx.minimum_version = TLSVersion.TLSv1_3
    if a.cipher:
        ctx.set_ciphers(a.cipher)
    if a.ciphersuites:
        ctx.set_ciphersuites(a.ciphersuites)
    if a.alpn:
        ctx.set_alpn_protocols(a.alpn.split(","))
    if a.cert:
        ctx.load_cert_chain(a.cert, a.key)
    if a.CAfile:
        ctx.load_verify_locations(cafile=a.CAfile)


def _summary(tls: TLSSocket) -> list[str]:
    info = tls._info
    lines = []
    if info is not None:
        for i, c in enumerate(info.peer_certificates):
            lines.append(f" {i} s:{c.subject.rfc4514()}")
            lines.append(f"   i:{c.issuer.rfc4514()}")
    cipher = tls.cipher()
    lines.append(f"Protocol  : {tls.version()}")
    lines.append(f"Cipher    : {cipher[0] if cipher else '-'}")
    lines.append(f"ALPN protocol: {tls.selected_alpn_protocol() or '(none)'}")
    return lines


def _host_port(text: str, default_host: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return (host.strip("[]") or default_host), int(port)


def s_server(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="tlspy s_server",
                                description="A TLS server (OpenSSL s_server flags).")
    _flag(p, "accept", metavar="[HOST:]PORT", default="4433", help="where to listen")
    _flag(p, "www", action="store_true", help="answer each request with a status page")
    _flag(p, "naccept", type=int, default=0, metavar="N", help="stop after N connections")
    _flag(p, "verify", type=int, metavar="N", help="ask for a client certificate")
    _flag(p, "Verify", type=int, metavar="N", help="require a client certificate")
    _flag(p, "no_ticket", action="store_true", help="send no session tickets")
    _common(p)
    a = p.parse_args(list(argv))
    if not a.cert:
        print("s_server: -cert is required", file=sys.stderr)
        return 2
    ctx = SSLContext(PROTOCOL_TLS_SERVER)
    try:
        _configure(ctx, a)
    except (OSError, SSLError, ValueError) as e:
        print(f"s_server: {e}", file=sys.stderr)
        return 1
    ctx.verify_mode = CERT_REQUIRED if a.Verify is not None else (
        CERT_OPTIONAL if a.verify is not None else CERT_NONE)
    if a.no_ticket:
        ctx.options |= OP_NO_TICKET
    host, port = _host_port(a.accept if ":" in a.accept else ":" + a.accept, "0.0.0.0")
    lsock = socket.create_server((host, port))
    print(f"ACCEPT {host}:{lsock.getsockname()[1]}", flush=True)
    served = 0
    while not a.naccept or served < a.naccept:
        conn, addr = lsock.accept()
        served += 1
        conn.settimeout(30)
        try:
            with ctx.wrap_socket(conn, server_side=True) as tls:
                if not a.quiet:
                    print(f"connection from {addr[0]}: " + ", ".join(_summary(tls)[-3:]),
                          flush=True)
                if a.www:
                    _www(tls)
                else:
                    while data := tls.recv(65536):
                        sys.stdout.buffer.write(data)
                        sys.stdout.flush()
        except (OSError, SSLError) as e:
            print(f"connection from {addr[0]} failed: {e}", flush=True)
    lsock.close()
    return 0


def _www(tls: TLSSocket) -> None:
    request = b""
    while b"\r\n\r\n" not in request and b"\n\n" not in request:
        data = tls.recv(4096)
        if not data:
            return
        request += data
        if len(request) > 65536:
            return
    body = "\n".join(["<html><body><pre>", "tlspy s_server -www", *_summary(tls),
                      "</pre></body></html>", ""]).encode()
    tls.sendall(b"HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n" + body)
    tls.unwrap()


def s_client(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="tlspy s_client",
                                description="A TLS client (OpenSSL s_client flags): "
                                            "prints what was negotiated, then relays "
                                            "stdin and stdout.")
    _flag(p, "connect", metavar="HOST:PORT", default="localhost:4433")
    _flag(p, "servername", metavar="NAME", help="SNI and the name to verify")
    _flag(p, "verify_return_error", action="store_true",
          help="fail when verification fails (always on in tlspy)")
    _flag(p, "insecure", action="store_true", help="do not verify the server")
    _common(p)
    a = p.parse_args(list(argv))
    host, port = _host_port(a.connect, "localhost")
    ctx = SSLContext(PROTOCOL_TLS_CLIENT)
    try:
        _configure(ctx, a)
        if not a.CAfile:
            ctx.load_default_certs()
    except (OSError, SSLError, ValueError) as e:
        print(f"s_client: {e}", file=sys.stderr)
        return 1
    if a.insecure:
        ctx.check_hostname = False
        ctx.verify_mode = CERT_NONE
    name = a.servername or host
    try:
        raw = socket.create_connection((host, port), timeout=30)
        tls = ctx.wrap_socket(raw, server_hostname=name)
    except SSLError as e:
        print(f"s_client: handshake failed: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"s_client: cannot connect to {host}:{port}: {e}", file=sys.stderr)
        return 1
    with tls:
        print("---\nCertificate chain")
        print("\n".join(_summary(tls)))
        verified = "0 (ok)" if ctx.verify_mode != CERT_NONE else "(not verified: -insecure)"
        print(f"Verify return code: {verified}\n---", flush=True)

        def pump() -> None:
            try:
                while data := tls.recv(65536):
                    sys.stdout.buffer.write(data)
                    sys.stdout.flush()
            except (OSError, SSLError):
                pass

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            while line := sys.stdin.buffer.readline():
                tls.sendall(line)
        except (OSError, SSLError) as e:
            print(f"s_client: {e}", file=sys.stderr)
        reader.join(5)
    return 0


def main_server(argv: list[str]) -> int:
    return s_server(argv)


def main_client(argv: list[str]) -> int:
    return s_client(argv)
