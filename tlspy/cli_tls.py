"""`tlspy s_server` and `tlspy s_client`: OpenSSL's flag spellings (plus
``--long`` aliases) over tlspy.SSLContext and TLSSocket."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import socket
import sys
import threading
import time
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
from tlspy.engine.config import PeerName, Validator, default_validator
from tlspy.errors import SSLError
from tlspy.sslsocket import TLSSocket
from tlspy.x509 import Certificate, X509Error


def _flag(p: argparse.ArgumentParser, name: str, **kw: object) -> None:
    p.add_argument(f"-{name}", f"--{name}", **kw)  # type: ignore[arg-type]


def _common(p: argparse.ArgumentParser) -> None:
    _flag(p, "CAfile", metavar="FILE", help="trust anchors (PEM)")
    _flag(p, "cert", metavar="FILE", help="certificate chain (PEM, leaf first)")
    _flag(p, "key", metavar="FILE", help="private key (PEM; default: in -cert)")
    _flag(p, "alpn", metavar="LIST", help="comma-separated ALPN protocols")
    _flag(p, "cipher", metavar="STR", help="TLS 1.2 suites (OpenSSL cipher string)")
    _flag(p, "ciphersuites", metavar="STR", help="TLS 1.3 suites, colon-separated")
    _flag(p, "groups", metavar="LIST", help="key exchange groups, e.g. X25519:P-256:ffdhe2048")
    p.add_argument("-curves", "-named_curve", dest="groups", help=argparse.SUPPRESS)
    _flag(p, "tls1_2", action="store_true", help="TLS 1.2 only")
    _flag(p, "tls1_3", action="store_true", help="TLS 1.3 only")
    _flag(p, "no_tls1_3", action="store_true", help="no TLS 1.3")
    _flag(p, "keylogfile", metavar="FILE",
          help="append the connection secrets (NSS key log format, for Wireshark)")
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
    if a.groups:
        ctx.set_groups(a.groups)
    if a.keylogfile:
        ctx.keylog_filename = a.keylogfile
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
    group = info.group if info is not None else None
    lines.append(f"Group     : {group.name.lower() if group is not None else '(none)'}")
    return lines


def _host_port(text: str, default_host: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return (host.strip("[]") or default_host), int(port)


_MAX_REQUEST = 1 << 16  # a full 2^14-byte record of headers fits (tlsfuzzer)
_DRAIN_SECONDS = 2.0
# At its end a connection (failed or not) is read on until the client
# closes, pauses, or has sent the largest handshake message there is (2^24
# bytes in 2^14-byte records): see _linger_close.
_LINGER_BYTES = (1 << 24) + (1 << 20)
_LINGER_SECONDS = 300.0


def _server_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tlspy s_server",
        description="A TLS server (OpenSSL s_server flags).  Each connection runs in its own "
                    "thread with a timeout; one failing connection is reported in one line "
                    "and never stops the server.")
    _flag(p, "accept", metavar="[HOST:]PORT", default=None, help="where to listen (default 4433)")
    _flag(p, "port", metavar="PORT", default=None, help="the port to listen on (as -accept)")
    _flag(p, "www", action="store_true",
          help="answer each request ending in a blank line with a status page")
    _flag(p, "naccept", type=int, default=0, metavar="N", help="stop after N connections")
    _flag(p, "verify", type=int, metavar="N",
          help="ask for a client certificate (as OpenSSL: a chain that fails verification "
               "is reported, not refused, unless -verify_return_error)")
    _flag(p, "Verify", type=int, metavar="N",
          help="require a client certificate (verification as with -verify)")
    _flag(p, "verify_return_error", action="store_true",
          help="refuse a client certificate that fails verification")
    _flag(p, "cert2", metavar="FILE", help="a second certificate chain (e.g. ECDSA beside RSA)")
    _flag(p, "key2", metavar="FILE", help="the second certificate's key")
    p.add_argument("-dcert", dest="cert2", help=argparse.SUPPRESS)
    p.add_argument("-dkey", dest="key2", help=argparse.SUPPRESS)
    _flag(p, "no_ticket", action="store_true", help="send no session tickets")
    _flag(p, "dhparam", metavar="FILE",
          help="accepted for OpenSSL compatibility: DHE uses the RFC 7919 groups (-groups)")
    _flag(p, "legacy_ems", action="store_true",
          help="TLS 1.2: also serve clients without Extended Master Secret (RFC 7627 5.2)")
    _flag(p, "num_tickets", type=int, metavar="N", help="TLS 1.3 tickets after each handshake")
    _flag(p, "timeout", type=float, default=30.0, metavar="S",
          help="seconds a connection may stay silent (default 30)")
    _flag(p, "serverpref", action="store_true",
          help="use the server's suite order (always so in tlspy)")
    _common(p)
    return p


def s_server(argv: Sequence[str]) -> int:
    p = _server_parser()
    a = p.parse_args(list(argv))
    if not a.cert:
        print("s_server: -cert is required (the server's certificate chain, PEM)",
              file=sys.stderr)
        return 2
    if a.timeout <= 0:
        print("s_server: -timeout must be positive", file=sys.stderr)
        return 2
    ctx = SSLContext(PROTOCOL_TLS_SERVER)
    try:
        _configure(ctx, a)
        if a.cert2:
            ctx.load_cert_chain(a.cert2, a.key2)
        if a.dhparam:
            ctx.load_dh_params(a.dhparam)
        ctx.verify_mode = CERT_REQUIRED if a.Verify is not None else (
            CERT_OPTIONAL if a.verify is not None else CERT_NONE)
        if ctx.verify_mode != CERT_NONE and not a.verify_return_error:
            ctx._validator = _report_only(a.quiet)
        if a.no_ticket:
            ctx.options |= OP_NO_TICKET
        if a.legacy_ems:
            ctx.require_extended_master_secret = False
        if a.num_tickets is not None:
            ctx.num_tickets = a.num_tickets
        ctx.engine_config(True)  # a bad combination fails here, not per connection
    except (OSError, SSLError, ValueError) as e:
        print(f"s_server: {e}", file=sys.stderr)
        return 1
    where = a.accept or a.port or "4433"
    host, port = _host_port(where if ":" in where else ":" + where, "0.0.0.0")
    try:
        lsock = socket.create_server((host, port), backlog=128)
    except OSError as e:
        print(f"s_server: cannot listen on {host}:{port}: {e}", file=sys.stderr)
        return 1
    print(f"ACCEPT {host}:{lsock.getsockname()[1]}", flush=True)
    server = _Server(ctx, a)
    try:
        server.run(lsock)
    except KeyboardInterrupt:
        pass
    finally:
        lsock.close()
    return 0


def _report_only(quiet: bool) -> Validator:
    """OpenSSL s_server's client verification without -verify_return_error:
    the chain is checked and a failure printed, but the handshake goes on
    (the CertificateVerify signature is still checked by the engine)."""
    def validate(chain: Sequence[Certificate], anchors: Sequence[Certificate], name: PeerName,
                 at: dt.datetime, usage: str) -> object:
        try:
            return default_validator(chain, anchors, name, at, usage)
        except X509Error as e:
            if not quiet:
                print(f"client certificate not verified ({e}); continuing, as "
                      f"openssl s_server does without -verify_return_error", flush=True)
            return None

    return validate


class _Server:
    """Accepts connections and serves each in a thread (at most 64 at once)."""

    def __init__(self, ctx: SSLContext, a: argparse.Namespace) -> None:
        self.ctx, self.a = ctx, a
        self.slots = threading.BoundedSemaphore(64)
        self.print_lock = threading.Lock()

    def say(self, line: str) -> None:
        if not self.a.quiet or " failed: " in line:
            with self.print_lock:
                print(line, flush=True)

    def run(self, lsock: socket.socket) -> None:
        threads: list[threading.Thread] = []
        served = 0
        while not self.a.naccept or served < self.a.naccept:
            try:
                conn, addr = lsock.accept()
            except OSError as e:  # e.g. EMFILE: report, breathe, go on
                self.say(f"accept failed: {e}")
                time.sleep(0.1)
                continue
            served += 1
            self.slots.acquire()
            t = threading.Thread(target=self.serve, args=(conn, addr, served), daemon=True)
            t.start()
            threads = [x for x in threads if x.is_alive()] + [t]
        for t in threads:
            t.join(self.a.timeout * 3)

    def serve(self, conn: socket.socket, addr: tuple[str, int], n: int) -> None:
        """One connection; whatever goes wrong ends up as one line."""
        try:
            conn.settimeout(self.a.timeout)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            tls = self.ctx.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        except Exception as e:  # one connection never kills the server
            self.say(f"connection {n} from {addr[0]} failed: {_plain_error(e)}")
            conn.close()
            self.slots.release()
            return
        try:
            tls.do_handshake()
            self.say(f"connection {n} from {addr[0]}: " + ", ".join(_summary(tls)[-4:]))
            if self.a.www:
                _www(tls)
            else:
                while data := tls.recv(65536):
                    with self.print_lock:
                        sys.stdout.buffer.write(data)
                        sys.stdout.flush()
        except Exception as e:  # one connection never kills the server
            self.say(f"connection {n} from {addr[0]} failed: {_plain_error(e)}")
        finally:
            _linger_close(tls)
            self.slots.release()


def _plain_error(e: BaseException) -> str:
    if isinstance(e, TimeoutError | socket.timeout):
        return "timed out waiting for the client"
    if isinstance(e, SSLError):
        return str(e.args[1] if len(e.args) > 1 else e)
    if isinstance(e, ConnectionError):
        return f"the client reset the connection ({e.strerror or e})"
    if isinstance(e, OSError):
        return f"socket error: {e.strerror or e}"
    return f"internal error {type(e).__name__}: {e}"


def _linger_close(tls: TLSSocket) -> None:
    """Stop sending (FIN after whatever alert went out), read and drop what
    the client still sends until it closes, pauses for half a second, or
    has sent a largest handshake message's worth (_LINGER_BYTES, within
    _LINGER_SECONDS), then close.  Closing with unread bytes makes the
    kernel send a reset, and a client still sending a long message (the
    tlsfuzzer scripts send a 16 MiB Finished) would fail its send and
    never read the fatal alert that answered the message's header."""
    with contextlib.suppress(OSError):
        socket.socket.shutdown(tls, socket.SHUT_WR)
        socket.socket.settimeout(tls, 0.5)
        deadline = time.monotonic() + _LINGER_SECONDS
        left = _LINGER_BYTES
        while left > 0 and time.monotonic() < deadline:
            data = socket.socket.recv(tls, 65536)
            if not data:
                break
            left -= len(data)
    with contextlib.suppress(OSError):
        tls.close()


def _www(tls: TLSSocket) -> None:
    """Read one request (up to a blank line, headers at most 64 KiB), answer
    with a status page, send close_notify and wait for the client's."""
    request = b""
    while b"\r\n\r\n" not in request and b"\n\n" not in request:
        if len(request) > _MAX_REQUEST:
            tls.shutdown(socket.SHUT_WR)  # close_notify: no answer to this
            raise SSLError(f"request headers longer than {_MAX_REQUEST} bytes; closing",
                           "REQUEST_TOO_LARGE")
        data = tls.recv(_MAX_REQUEST + 1)
        if not data:
            return  # close_notify before a whole request: nothing to answer
        request += data
    body = "\n".join(["<html><body><pre>", "tlspy s_server -www", *_summary(tls),
                      "</pre></body></html>", ""]).encode()
    tls.sendall(b"HTTP/1.0 200 ok\r\nContent-type: text/html\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    tls.shutdown(socket.SHUT_WR)  # close_notify, then FIN
    deadline = time.monotonic() + _DRAIN_SECONDS
    while time.monotonic() < deadline and tls.recv(65536):
        pass  # until the client's close_notify (or EOF)


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
