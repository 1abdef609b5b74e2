"""Running one interop cell: start the peer on 127.0.0.1 (a subprocess, or
a stdlib ``ssl`` thread), run tlspy against it in the other role, move
1 MiB each way, and collect what both sides say was negotiated.

Every socket has a timeout, every wait is bounded, every process started
here is killed in a ``finally``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import random
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tlspy
from interop.cells import HRR_GROUP, Cell
from tests.tlspy.certs import Files, files
from tlspy.core.enums import CipherSuite, NamedGroup

TIMEOUT = 20.0
MIB = 1 << 20
HOST = "localhost"
# RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest.
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")
END = b"END\n"


def _payload(seed: int, size: int) -> bytes:
    """``size`` bytes of text lines then END.  The alphabet has no upper
    case and none of c k p q r s: openssl s_server/s_client take lines
    starting with some letters as commands; END cannot occur early."""
    rnd = random.Random(seed)
    alphabet = b"0123456789abdefghijlmnotuvwxyz"
    line = 4095
    body = bytearray()
    while len(body) < size:
        body += bytes(rnd.choices(alphabet, k=line)) + b"\n"
    return bytes(body[:size - 1]) + b"\n" + END


CLIENT_DATA = _payload(1, MIB)
SERVER_DATA = _payload(2, MIB)
SMALL_CLIENT = b"hello from the client\n" + END
SMALL_SERVER = b"hello from the server\n" + END

OPENSSL_GROUPS = {"x25519": "X25519", "secp256r1": "P-256", "secp384r1": "P-384",
                  "ffdhe2048": "ffdhe2048"}
GNUTLS_GROUPS = {"x25519": "X25519", "secp256r1": "SECP256R1", "secp384r1": "SECP384R1",
                 "ffdhe2048": "FFDHE2048"}
# How peers spell groups in what they print, normalised.
_GROUP_ALIASES = {"x25519": "x25519", "prime256v1": "secp256r1", "secp256r1": "secp256r1",
                  "p256": "secp256r1", "secp384r1": "secp384r1", "p384": "secp384r1",
                  "ffdhe2048": "ffdhe2048"}


def openssl_suite_name(suite: CipherSuite) -> str:
    """OpenSSL's name (what ssl.cipher() and tlspy's cipher() say)."""
    if suite.name.startswith("TLS_") and "_WITH_" not in suite.name:
        return suite.name
    kx, _, rest = suite.name[4:].partition("_WITH_")
    kx = kx.replace("_", "-")
    bulk = {"AES_128_GCM_SHA256": "AES128-GCM-SHA256", "AES_256_GCM_SHA384": "AES256-GCM-SHA384",
            "CHACHA20_POLY1305_SHA256": "CHACHA20-POLY1305"}[rest]
    return f"{kx}-{bulk}"


def gnutls_cipher_name(suite: CipherSuite) -> str:
    for key, name in (("AES_128_GCM", "AES-128-GCM"), ("AES_256_GCM", "AES-256-GCM"),
                      ("CHACHA20", "CHACHA20-POLY1305")):
        if key in suite.name:
            return name
    raise ValueError(suite)


# ------------------------------------------------------------------ peers' I/O


class Proc:
    """A peer process: stdin written from a thread, stdout (with stderr)
    gathered by a thread, searched for markers with bounded waits."""

    def __init__(self, argv: list[str], cwd: str | None = None) -> None:
        self.argv = argv
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, cwd=cwd)
        self.buf = bytearray()
        self.eof = False
        self.cv = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.p.stdout is not None
        while chunk := self.p.stdout.read1(1 << 16):  # type: ignore[attr-defined]
            with self.cv:
                self.buf += chunk
                self.cv.notify_all()
        with self.cv:
            self.eof = True
            self.cv.notify_all()

    def write(self, data: bytes) -> None:
        def feed() -> None:
            try:
                assert self.p.stdin is not None
                self.p.stdin.write(data)
                self.p.stdin.flush()
            except (OSError, ValueError):
                pass
        threading.Thread(target=feed, daemon=True).start()

    def close_stdin(self) -> None:
        try:
            assert self.p.stdin is not None
            self.p.stdin.close()
        except OSError:
            pass

    def wait_for(self, needle: bytes, start: int = 0, timeout: float = TIMEOUT) -> int:
        """The offset just past ``needle`` in the output (searched from
        ``start``); raises AssertionError on timeout or exit without it."""
        deadline = time.monotonic() + timeout
        pos = start
        with self.cv:
            while True:
                i = self.buf.find(needle, pos)
                if i >= 0:
                    return i + len(needle)
                pos = max(start, len(self.buf) - len(needle))
                left = deadline - time.monotonic()
                if self.eof or left <= 0:
                    raise AssertionError(
                        f"{os.path.basename(self.argv[0])}: no {needle[:40]!r} in its output "
                        f"({'exited' if self.eof else 'timed out'}); it said:\n{self.tail()}")
                self.cv.wait(left)

    def wait_count(self, needle: bytes, n: int, timeout: float = TIMEOUT) -> None:
        """Wait until ``needle`` occurs ``n`` times in the output."""
        deadline = time.monotonic() + timeout
        with self.cv:
            while self.buf.count(needle) < n:
                left = deadline - time.monotonic()
                if self.eof or left <= 0:
                    raise AssertionError(f"{os.path.basename(self.argv[0])}: {needle!r} not "
                                         f"seen {n} times; it said:\n{self.tail()}")
                self.cv.wait(min(left, 0.05))

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.argv[0]} did not exit; it said:\n{self.tail()}") from None
        with self.cv:
            self.cv.wait_for(lambda: self.eof, timeout)
        return rc

    def text(self) -> str:
        with self.cv:
            return bytes(self.buf).decode("latin-1")

    def tail(self, n: int = 1500) -> str:
        """The output without the bulk payload lines."""
        lines = [ln for ln in self.text().splitlines() if ln.strip()
                 and not re.search(r"[0-9a-z]{40,}", ln) and "command: " not in ln]
        return "\n".join(lines)[-n:]

    def stop(self) -> None:
        if self.p.poll() is None:
            self.p.kill()
        try:
            self.p.wait(TIMEOUT)
        finally:
            for f in (self.p.stdin, self.p.stdout):
                if f is not None:
                    with contextlib.suppress(OSError):
                        f.close()


def free_port() -> int:
    """A port free now (for peers that cannot be told to pick one)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _recv_until(tls: Any, marker: bytes, limit: int = 2 * MIB + 1024) -> bytes:
    got = bytearray()
    while not got.endswith(marker):
        data = tls.recv(1 << 16)
        if not data:
            break
        got += data
        assert len(got) <= limit, "peer sent more than expected"
    return bytes(got)


class Relay:
    """A TCP relay between a client and a server on loopback, recording the
    first bytes the server sends on each connection (to see a
    HelloRetryRequest on the wire)."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        self.lsock = socket.create_server(("127.0.0.1", 0))
        self.lsock.settimeout(TIMEOUT)
        self.port = int(self.lsock.getsockname()[1])
        self.first: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            down, _ = self.lsock.accept()
        except OSError:
            return
        with down, socket.create_connection(("127.0.0.1", self.target), TIMEOUT) as up:
            down.settimeout(TIMEOUT)
            head = bytearray()
            self.first.append(b"")

            def upstream() -> None:
                # An end closing with unread data resets the connection:
                # pass the end on to the other side however it came.
                with contextlib.suppress(OSError):
                    while data := down.recv(1 << 16):
                        up.sendall(data)
                with contextlib.suppress(OSError):
                    up.shutdown(socket.SHUT_WR)

            t = threading.Thread(target=upstream, daemon=True)
            t.start()
            with contextlib.suppress(OSError):
                while data := up.recv(1 << 16):
                    if len(head) < 4096:
                        head += data
                        self.first[-1] = bytes(head)
                    down.sendall(data)
            with contextlib.suppress(OSError):
                down.shutdown(socket.SHUT_WR)
            t.join(TIMEOUT)

    def saw_hrr(self) -> bool:
        return bool(self.first) and HRR_RANDOM in self.first[0][:200]

    def close(self) -> None:
        self.lsock.close()


# ---------------------------------------------------------- the two ssl-like ends


@dataclasses.dataclass
class Seen:
    """One side's view of one connection."""

    version: str | None = None
    cipher: str | None = None
    group: str | None = None
    alpn: str | None = None
    resumed: bool = False
    peer_cert: bytes | None = None
    received: bytes = b""
    http: dict[str, str] = dataclasses.field(default_factory=dict)


def describe(tls: Any) -> Seen:
    c = tls.cipher()
    info = getattr(tls, "_info", None)
    group = None
    if info is not None and info.group is not None:
        group = NamedGroup(info.group).name.lower()
    return Seen(version=tls.version(), cipher=c[0] if c else None, group=group,
                alpn=tls.selected_alpn_protocol(), resumed=bool(tls.session_reused),
                peer_cert=tls.getpeercert(binary_form=True))


def _read_request(tls: Any) -> tuple[bytes, dict[str, str] | None]:
    """What a client sent: raw data up to END, or an HTTP request (its
    body and head fields) -- the -www-like part for curl and gnutls-cli."""
    got = bytearray()
    while True:
        head_end = got.find(b"\r\n\r\n")
        if head_end >= 0 and re.match(rb"[A-Z]+ /", got):
            head = bytes(got[:head_end]).decode("latin-1").split("\r\n")
            method, path, _ = head[0].split(" ", 2)
            fields = {k.strip().lower(): v.strip() for k, _, v in
                      (ln.partition(":") for ln in head[1:])}
            length = int(fields.get("content-length", "0"))
            body = bytearray(got[head_end + 4:])
            while len(body) < length:
                data = tls.recv(1 << 16)
                assert data, "client closed inside the request body"
                body += data
            fields[":method"], fields[":path"] = method, path
            return bytes(body), fields
        if got.endswith(END):
            return bytes(got), None
        data = tls.recv(1 << 16)
        if not data:
            return bytes(got), None
        got += data


def serve(ctx: Any, lsock: socket.socket, conns: int, seen: list[Seen],
          errors: list[BaseException]) -> None:
    """A server (tlspy's or ssl's context) for ``conns`` connections: raw
    data ending in END gets SERVER_DATA (or SMALL_SERVER for a small
    request) back; an HTTP request gets a response whose body is
    SERVER_DATA for /payload.  Then close_notify and close."""
    try:
        for _ in range(conns):
            conn, _ = lsock.accept()
            conn.settimeout(TIMEOUT)
            with ctx.wrap_socket(conn, server_side=True) as tls:
                s = describe(tls)
                seen.append(s)
                s.received, http = _read_request(tls)
                if http is not None:
                    s.http = http
                    body = SERVER_DATA if http[":path"] == "/payload" else b"small\n"
                    tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)
                                + body)
                elif s.received:
                    tls.sendall(SMALL_SERVER if s.received == SMALL_CLIENT else SERVER_DATA)
                with contextlib.suppress(OSError, ValueError):
                    tls.unwrap()
    except BaseException as e:  # reported by the test thread
        errors.append(e)


class ServerThread:
    """serve() on a thread with a loopback listening socket."""

    def __init__(self, ctx: Any, conns: int = 1) -> None:
        self.lsock = socket.create_server(("127.0.0.1", 0))
        self.lsock.settimeout(TIMEOUT)
        self.port = int(self.lsock.getsockname()[1])
        self.seen: list[Seen] = []
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=serve, args=(ctx, self.lsock, conns, self.seen,
                                                           self.errors), daemon=True)
        self.thread.start()

    def join(self) -> list[Seen]:
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "the server thread did not finish"
        if self.errors:
            raise self.errors[0]
        return self.seen

    def close(self) -> None:
        self.lsock.close()
        self.thread.join(TIMEOUT)


def connect(ctx: Any, port: int, session: Any = None) -> Any:
    sock = socket.create_connection(("127.0.0.1", port), TIMEOUT)
    try:
        return ctx.wrap_socket(sock, server_hostname=HOST, session=session)
    except BaseException:
        sock.close()
        raise


def exchange(tls: Any, mode: str, small: bool = False, proc: Proc | None = None,
             mark: int = 0) -> tuple[bytes, int]:
    """The client's side of the data exchange over a handshaken socket:
    'reply' (the server answers END-terminated data with its own),
    'echo' (gnutls-serv --echo), 'stdio' (openssl s_server relays our data
    to its stdout and its stdin to us).  Returns what the client received
    and, for stdio, the output offset after this connection's data."""
    data = SMALL_CLIENT if small else CLIENT_DATA
    if mode == "echo":
        got = bytearray()
        for i in range(0, len(data), 1 << 14):
            tls.sendall(data[i:i + (1 << 14)])
            want = min(i + (1 << 14), len(data))
            while len(got) < want:
                chunk = tls.recv(1 << 16)
                assert chunk, "echo server closed early"
                got += chunk
        return bytes(got), mark
    tls.sendall(data)
    if mode == "stdio":
        assert proc is not None
        mark = proc.wait_for(data, mark)
        proc.write(SMALL_SERVER if small else SERVER_DATA)
    return _recv_until(tls, END), mark


# ------------------------------------------------------------------- the cell


@dataclasses.dataclass
class Outcome:
    """What both sides saw, for the test to assert on."""

    tlspy: list[Seen]
    peer: list[Seen]
    peer_text: str = ""
    hrr_on_wire: bool | None = None
    client_cert_der: bytes | None = None
    server_cert_der: bytes = b""


def _versions(ctx: Any, version: str) -> None:
    v = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
    ctx.minimum_version = v
    ctx.maximum_version = v


def tlspy_context(cell: Cell, server: Files, client: Files) -> tlspy.SSLContext:
    """tlspy's end of the cell, through the ssl-style API: one version, one
    suite (set_ciphersuites / set_ciphers), the cell's group (set_groups;
    for HRR x25519 then secp384r1 offered, one key share, or secp384r1
    accepted).  A server context has its session cache (TLS 1.2 session
    IDs: curl offers no tickets in 1.2) and ticket key by default."""
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER if cell.role == "server"
                           else tlspy.PROTOCOL_TLS_CLIENT)
    _versions(ctx, cell.version)
    if cell.version == "1.3":
        ctx.set_ciphersuites(cell.suite.name)
    else:
        ctx.set_ciphers(openssl_suite_name(cell.suite))
    groups = [cell.group]
    if cell.version == "1.2" and cell.role == "client" and cell.cert == "p256" and (
            cell.group != "secp256r1"):
        # An ECDSA P-256 certificate in TLS 1.2 needs P-256 among the
        # client's groups (RFC 8422 5.1; OpenSSL and GnuTLS enforce it).
        groups.append("secp256r1")
    if cell.feature == "hrr":
        groups = [HRR_GROUP] if cell.role == "server" else ["x25519", HRR_GROUP]
    ctx.set_groups(":".join(OPENSSL_GROUPS[g] for g in groups))
    _ends(ctx, cell, server, client, serving=cell.role == "server")
    return ctx


def _ends(ctx: tlspy.SSLContext | ssl.SSLContext, cell: Cell, server: Files, client: Files,
          serving: bool) -> None:
    """What tlspy's and the ssl peer's contexts share (the same ssl API):
    certificates and trust for the side ``ctx`` plays, client
    authentication and ALPN when the cell's feature asks for them."""
    if serving:
        ctx.load_cert_chain(server.cert, server.key)
        if cell.feature == "client-auth":
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(client.ca)
        if cell.feature == "alpn":
            ctx.set_alpn_protocols(["http/1.1"])
    else:
        ctx.load_verify_locations(server.ca)
        if cell.feature == "client-auth":
            ctx.load_cert_chain(client.cert, client.key)
        if cell.feature == "alpn":
            ctx.set_alpn_protocols(["h2", "http/1.1"])


def peer_groups(cell: Cell) -> list[str] | None:
    """The groups the peer is limited to (None: its defaults): the cell's
    group in group cells (a TLS 1.2 client also keeps P-256 for an ECDSA
    P-256 certificate, RFC 8422 5.1); for HRR the server takes only
    secp384r1 and the client offers x25519 first."""
    if cell.feature == "hrr":
        # (gnutls-cli sends shares for its first two groups)
        return [HRR_GROUP] if cell.role == "client" else ["x25519", "secp256r1", HRR_GROUP]
    if cell.dimension != "group":
        return None
    if (cell.role == "server" and cell.version == "1.2" and cell.cert == "p256"
            and cell.group != "secp256r1"):
        return [cell.group, "secp256r1"]
    return [cell.group]


def ffdhe_params(tmp: Path, group: str) -> str:
    """The RFC 7919 group's parameters as a PEM file (for -dhparam)."""
    path = tmp / f"{group}.pem"
    if not path.exists():
        subprocess.run([_need("openssl"), "genpkey", "-genparam", "-algorithm", "DH",
                        "-pkeyopt", f"group:{group}", "-out", str(path)],
                       check=True, capture_output=True, timeout=TIMEOUT)
    return str(path)


def ssl_context(cell: Cell, server: Files, client: Files, tmp: Path) -> ssl.SSLContext:
    """The stdlib ssl peer's end: the version, and what the feature needs."""
    peer_server = cell.role == "client"
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if peer_server else ssl.PROTOCOL_TLS_CLIENT)
    _versions(ctx, cell.version)
    _ends(ctx, cell, server, client, serving=peer_server)
    if peer_server:
        groups = peer_groups(cell)
        if groups and not groups[0].startswith("ffdhe"):
            # ssl takes one curve; the stdlib cannot name ffdhe groups.
            ctx.set_ecdh_curve(groups[0] if groups[0] != "secp256r1" else "prime256v1")
        if cell.version == "1.2" and cell.group.startswith("ffdhe"):
            ctx.load_dh_params(ffdhe_params(tmp, cell.group))
    return ctx


def _client_files(cell: Cell) -> Files:
    return files("rsa" if cell.cert == "rsa" else "p256", "client")


def run_cell(cell: Cell) -> Outcome:
    server, client = files(cell.cert), _client_files(cell)
    with tempfile.TemporaryDirectory(prefix="tlspy-interop-") as tmp:
        runner = _RUNNERS[(cell.peer, cell.role)]
        out = runner(cell, server, client, Path(tmp))
    out.server_cert_der = server.leaf_der
    if cell.feature == "client-auth":
        out.client_cert_der = client.leaf_der
    return out


def _conns(cell: Cell) -> int:
    return 2 if cell.feature == "resumption" else 1


# -- tlspy client against a peer server ------------------------------------------


def _tlspy_client(cell: Cell, ctx: Any, port: int, mode: str,
                  proc: Proc | None = None) -> list[Seen]:
    seen: list[Seen] = []
    session = None
    mark = 0
    for i in range(_conns(cell)):
        small = i + 1 < _conns(cell)
        with connect(ctx, port, session) as tls:
            s = describe(tls)
            s.received, mark = exchange(tls, mode, small, proc, mark)
            seen.append(s)
            if mode == "stdio":
                tls.unwrap()
            session = tls.session
    return seen


def _with_relay(cell: Cell, port: int, run: Callable[[int], list[Seen]]) -> tuple[
        list[Seen], bool | None]:
    if cell.feature != "hrr":
        return run(port), None
    relay = Relay(port)
    try:
        seen = run(relay.port)
        relay.thread.join(TIMEOUT)
        return seen, relay.saw_hrr()
    finally:
        relay.close()


def _ssl_server(cell: Cell, server: Files, client: Files, tmp: Path) -> Outcome:
    srv = ServerThread(ssl_context(cell, server, client, tmp), _conns(cell))
    ctx = tlspy_context(cell, server, client)
    try:
        seen, hrr = _with_relay(cell, srv.port,
                                lambda p: _tlspy_client(cell, ctx, p, "reply"))
        peer = srv.join()
    finally:
        srv.close()
    return Outcome(seen, peer, hrr_on_wire=hrr)


def _openssl_server(cell: Cell, server: Files, client: Files, tmp: Path) -> Outcome:
    argv = [_need("openssl"), "s_server", "-accept", "127.0.0.1:0", "-cert", server.cert,
            "-key", server.key, f"-tls1_{cell.version[-1]}", "-naccept", str(_conns(cell))]
    if cell.feature == "client-auth":
        argv += ["-Verify", "1", "-CAfile", client.ca]
    if cell.feature == "alpn":
        argv += ["-alpn", "http/1.1"]
    if groups := peer_groups(cell):
        argv += ["-groups", ":".join(OPENSSL_GROUPS[g] for g in groups)]
    if cell.version == "1.2" and cell.group.startswith("ffdhe"):
        # OpenSSL 3.0 does not pick an RFC 7919 group in TLS 1.2 by itself
        # (its automatic 2048-bit group is another one, which tlspy refuses).
        argv += ["-dhparam", ffdhe_params(tmp, cell.group)]
    proc = Proc(argv)
    try:
        end = proc.wait_for(b"ACCEPT", timeout=TIMEOUT)
        line = proc.text()[end:].split("\n", 1)[0]
        port = int(line.rsplit(":", 1)[1])
        ctx = tlspy_context(cell, server, client)
        seen, hrr = _with_relay(cell, port,
                                lambda p: _tlspy_client(cell, ctx, p, "stdio", proc))
        proc.wait_count(b"CONNECTION CLOSED", _conns(cell))
        return Outcome(seen, parse_openssl_server(proc.text(), _conns(cell)),
                       proc.tail(), hrr_on_wire=hrr)
    finally:
        proc.stop()


def _gnutls_priority(cell: Cell) -> str:
    """One version; the peer's groups."""
    prio = f"NORMAL:-VERS-ALL:+VERS-TLS{cell.version}"
    if groups := peer_groups(cell):
        prio += ":-GROUP-ALL" + "".join(f":+GROUP-{GNUTLS_GROUPS[g]}" for g in groups)
    return prio


def _gnutls_server(cell: Cell, server: Files, client: Files, tmp: Path) -> Outcome:
    args = ["--echo", "--x509certfile", server.cert, "--x509keyfile", server.key,
            "--priority", _gnutls_priority(cell)]
    if cell.feature == "client-auth":
        args += ["--require-client-cert", "--x509cafile", client.ca]
    else:
        args += ["--disable-client-cert"]
    if cell.feature == "alpn":
        args += ["--alpn", "http/1.1"]
    proc, port = _start_gnutls_serv(args)
    try:
        ctx = tlspy_context(cell, server, client)
        seen, hrr = _with_relay(cell, port, lambda p: _tlspy_client(cell, ctx, p, "echo"))
        proc.wait_count(b"- Description:", _conns(cell))
        return Outcome(seen, parse_gnutls(proc.text(), GNUTLS_SERV_CONN), proc.tail(),
                       hrr_on_wire=hrr)
    finally:
        proc.stop()


def _start_gnutls_serv(args: list[str]) -> tuple[Proc, int]:
    """gnutls-serv on a port free a moment ago (it cannot pick one itself);
    another process taking the port first makes it exit, so try again."""
    for _ in range(3):
        port = free_port()
        proc = Proc([_need("gnutls-serv"), "-p", str(port), *args])
        try:
            # "...listening on IPv4 0.0.0.0 port N...done" (or an error word)
            end = proc.wait_for(b"...", proc.wait_for(b"listening on IPv4"))
            proc.wait_for(b"\n", end)
        except AssertionError:
            proc.stop()
            raise
        if proc.text()[end:].startswith("done"):
            return proc, port
        proc.stop()  # the IPv4 bind failed (it would go on with IPv6 alone)
    raise AssertionError("gnutls-serv found no free port in three tries")


# -- peer clients against a tlspy server ------------------------------------------


def _tlspy_server(cell: Cell, server: Files, client: Files,
                  run_client: Callable[[int], tuple[list[Seen], str]]) -> Outcome:
    srv = ServerThread(tlspy_context(cell, server, client), _conns(cell))
    text = ""
    try:
        relay = Relay(srv.port) if cell.feature == "hrr" else None
        try:
            peer, text = run_client(relay.port if relay else srv.port)
            if relay:
                relay.thread.join(TIMEOUT)
        finally:
            if relay:
                relay.close()
        seen = srv.join()
    finally:
        srv.close()
    return Outcome(seen, peer, text, hrr_on_wire=relay.saw_hrr() if relay else None)


def _ssl_client(cell: Cell, server: Files, client: Files, tmp: Path) -> Outcome:
    ctx = ssl_context(cell, server, client, tmp)

    def run(port: int) -> tuple[list[Seen], str]:
        return _tlspy_client(cell, ctx, port, "reply"), ""

    return _tlspy_server(cell, server, client, run)


def _openssl_client(cell: Cell, server: Files, client: Files, tmp: Path) -> Outcome:
    def run(port: int) -> tuple[list[Seen], str]:
        seen, texts = [], []
        sess = tmp / "session.pem"
        for i in range(_conns(cell)):
            small = i + 1 < _conns(cell)
            argv = [_need("openssl"), "s_client", "-connect", f"127.0.0.1:{port}",
                    "-servername", HOST, "-CAfile", server.ca, "-verify_return_error",
                    "-verify_hostname", HOST, f"-tls1_{cell.version[-1]}", "-ign_eof"]
            if groups := peer_groups(cell):
                argv += ["-groups", ":".join(OPENSSL_GROUPS[g] for g in groups)]
            if cell.feature == "client-auth":
                argv += ["-cert", client.cert, "-key", client.key]
            if cell.feature == "alpn":
                argv += ["-alpn", "h2,http/1.1"]
            if cell.feature == "resumption":
                argv += ["-sess_out", str(sess)] if i == 0 else ["-sess_in", str(sess)]
            seen.append(_stdio_client(argv, small, parse_openssl_client))
            texts.append(seen[-1].http.pop("text"))
        return seen, "\n".join(texts)

    return _tlspy_server(cell, server, client, run)


def _stdio_client(argv: list[str], small: bool, parse: Callable[[str], Seen]) -> Seen:
    """A client process that sends its stdin and prints what it receives:
    it gets our client data, then stdin stays open until the server's
    data has arrived."""
    proc = Proc(argv)
    try:
        proc.write(SMALL_CLIENT if small else CLIENT_DATA)
        want = SMALL_SERVER if small else SERVER_DATA
        end = proc.wait_for(want)
        proc.wait_exit()
        text = proc.text()
        s = parse(text)
        s.received = want if end else b""
        s.http["text"] = proc.tail()
        return s
    finally:
        proc.close_stdin()
        proc.stop()


def _gnutls_client(cell: Cell, server: Files, client: Files, tmp: Path) -> Outcome:
    def run(port: int) -> tuple[list[Seen], str]:
        argv = [_need("gnutls-cli"), "-p", str(port), "127.0.0.1", "--x509cafile", server.ca,
                "--verify-hostname", HOST, "--sni-hostname", HOST,
                "--priority", _gnutls_priority(cell)]
        if cell.feature == "client-auth":
            argv += ["--x509certfile", client.cert, "--x509keyfile", client.key]
        if cell.feature == "alpn":
            argv += ["--alpn", "h2", "--alpn", "http/1.1"]
        if cell.feature == "resumption":
            # Under TLS 1.3 the ticket comes after the handshake: without
            # --waitresumption gnutls-cli gives up on it after a short while,
            # and on a loaded machine reconnects with nothing to resume.
            argv += ["--resume", "--waitresumption"] if cell.version == "1.3" else ["--resume"]
        proc = Proc(argv)
        try:
            proc.write(CLIENT_DATA)
            proc.wait_for(SERVER_DATA)
            proc.close_stdin()  # gnutls-cli closes the connection at stdin EOF
            proc.wait_exit()
            seen = parse_gnutls(proc.text(), GNUTLS_CLI_CONN)
            if seen:
                seen[-1].received = SERVER_DATA
            return seen, proc.tail()
        finally:
            proc.close_stdin()
            proc.stop()

    return _tlspy_server(cell, server, client, run)


def _curl_client(cell: Cell, server: Files, client: Files, tmp: Path) -> Outcome:
    up, down = tmp / "upload.txt", tmp / "download.txt"
    up.write_bytes(CLIENT_DATA)

    def run(port: int) -> tuple[list[Seen], str]:
        url = f"https://{HOST}:{port}"
        common = ["--cacert", server.ca, "--resolve", f"{HOST}:{port}:127.0.0.1",
                  "--tlsv1.3" if cell.version == "1.3" else "--tlsv1.2",
                  "--tls-max", cell.version, "--max-time", str(int(TIMEOUT)), "-sS"]
        if groups := peer_groups(cell):
            common += ["--curves", ":".join(OPENSSL_GROUPS[g] for g in groups)]
        if cell.feature == "client-auth":
            common += ["--cert", client.cert, "--key", client.key]
        if cell.feature != "alpn":
            common += ["--no-alpn"]
        argv = [_need("curl"), "-v"]
        if cell.feature == "resumption":
            argv += [*common, "-o", os.devnull, f"{url}/small", "--next"]
        argv += [*common, "-H", "Expect:", "-T", str(up), "-o", str(down), f"{url}/payload"]
        r = subprocess.run(argv, capture_output=True, timeout=TIMEOUT + 5)
        text = r.stderr.decode("latin-1")
        assert r.returncode == 0, f"curl exited {r.returncode}: " + " / ".join(
            ln for ln in text.splitlines() if ln.startswith(("curl:", "* TLS", "* OpenSSL")))
        seen = parse_curl(text)
        seen[-1].received = down.read_bytes()
        return seen, text

    return _tlspy_server(cell, server, client, run)


_RUNNERS: dict[tuple[str, str], Callable[[Cell, Files, Files, Path], Outcome]] = {
    ("ssl", "client"): _ssl_server,
    ("ssl", "server"): _ssl_client,
    ("openssl", "client"): _openssl_server,
    ("openssl", "server"): _openssl_client,
    ("gnutls", "client"): _gnutls_server,
    ("gnutls", "server"): _gnutls_client,
    ("curl", "server"): _curl_client,
}


def _need(tool: str) -> str:
    path = shutil.which(tool)
    assert path, f"the interop matrix needs {tool} (.ci/run installs it)"
    return path


# ------------------------------------------------------- what the peers print


def norm_group(text: str | None) -> str | None:
    if text is None:
        return None
    return _GROUP_ALIASES.get(re.sub(r"[^0-9a-z]", "", text.lower()), text.lower())


def parse_openssl_client(text: str) -> Seen:
    s = Seen()
    if m := re.search(r"^(New|Reused), (TLSv1\.\d), Cipher is (\S+)", text, re.M):
        s.resumed, s.version, s.cipher = m[1] == "Reused", m[2], m[3]
    if m := re.search(r"^Server Temp Key: (.*)$", text, re.M):
        parts = [p.strip() for p in m[1].split(",")]
        # "X25519, 253 bits", "ECDH, prime256v1, 256 bits", "ffdhe2048, 2048 bits";
        # TLS 1.2 DHE says only "DH, 2048 bits": no group name to check.
        if parts[0] == "ECDH":
            s.group = norm_group(parts[1])
        elif parts[0] != "DH":
            s.group = norm_group(parts[0])
    if m := re.search(r"^ALPN protocol: (\S+)", text, re.M):
        s.alpn = m[1]
    return s


def parse_openssl_server(text: str, conns: int) -> list[Seen]:
    """s_server prints per connection: CIPHER is X, 'Reused session-id' when
    resumed, the client certificate (PEM) when one came, ALPN."""
    out = []
    for part in text.split("CONNECTION CLOSED")[:conns]:
        s = Seen()
        if m := re.search(r"^CIPHER is (\S+)", part, re.M):
            s.cipher = m[1]
        if m := re.search(r"^Protocol version: (\S+)", part, re.M):
            s.version = m[1]
        s.resumed = "Reused session-id" in part
        if m := re.search(r"^ALPN protocols? selected: (\S+)", part, re.M):
            s.alpn = m[1]
        if m := re.search(r"Client certificate\n(-----BEGIN CERTIFICATE-----.*?"
                          r"-----END CERTIFICATE-----)", part, re.S):
            s.peer_cert = ssl.PEM_cert_to_DER_cert(m[1])
        out.append(s)
    return out


_GNUTLS_VERSIONS = {"TLS1.3": "TLSv1.3", "TLS1.2": "TLSv1.2"}


def parse_gnutls(text: str, sep: str) -> list[Seen]:
    """gnutls-serv / gnutls-cli: '- Description: (TLS1.3-X.509)-(ECDHE-X25519)-
    (ECDSA-SECP256R1-SHA256)-(AES-256-GCM)' per handshake; each connection's
    output starts with ``sep``."""
    out = []
    for part in text.split(sep)[1:]:
        s = Seen()
        if "- Description: " not in part:
            continue
        s.resumed = "This is a resumed session" in part or "Resume Handshake" in part
        part = part[part.index("- Description: "):]
        fields = re.findall(r"\(([^)]*)\)", part.split("\n", 1)[0])
        s.version = _GNUTLS_VERSIONS.get(fields[0].split("-")[0])
        s.cipher = fields[-1]
        kx = [f for f in fields[1:-1] if f.startswith(("ECDHE-", "DHE-"))]
        if kx:
            s.group = norm_group(kx[0].split("-", 1)[1])
        elif m := re.search(r"^ - Using curve: (\S+)", part, re.M):
            s.group = norm_group(m[1])
        if m := re.search(r"^- Application protocol: (\S+)", part, re.M):
            s.alpn = m[1]
        if m := re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", part,
                          re.S):
            s.peer_cert = ssl.PEM_cert_to_DER_cert(m[0])  # gnutls-serv: the client's
        out.append(s)
    return out


GNUTLS_SERV_CONN = "* Accepted connection"
GNUTLS_CLI_CONN = "Connecting to '"


def parse_curl(text: str) -> list[Seen]:
    """curl -v: '* SSL connection using TLSv1.3 / TLS_AES_128_GCM_SHA256' per
    connection, '* ALPN: server accepted http/1.1', 'SSL re-using session ID'."""
    out = []
    for part in re.split(r"^\*\s+Trying ", text, flags=re.M)[1:]:
        s = Seen()
        if m := re.search(r"SSL connection using (TLSv1\.\d) / (\S+)(?: / (\S+))?", part):
            s.version, s.cipher = m[1], m[2]
            s.group = norm_group(m[3]) if m[3] else None
        if m := re.search(r"ALPN[:,] server accepted (?:to use )?(\S+)", part):
            s.alpn = m[1]
        s.resumed = "re-using session ID" in part
        out.append(s)
    return out
