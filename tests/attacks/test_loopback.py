"""The attacks over a loopback socket against `tlspy s_server` (the shell:
TLSSocket, its threads and error handling), with the tlspy engine as the
hostile client writing raw records: a padding oracle (MAC-then-encrypt and
encrypt-then-MAC), an early ChangeCipherSpec (CVE-2014-0224) and a
Bleichenbacher ClientKeyExchange.  Each gets exactly one fatal alert
record, the same for every variant of the attack, then the connection is
closed; the server keeps serving.  A renegotiation attempt gets a
no_renegotiation warning and the connection goes on."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.attacks.common import V12, A, handshake_record, without_encrypt_then_mac
from tests.attacks.test_bleichenbacher import _block, _cke, _premaster
from tests.attacks.test_padding_oracle import Keys, etm, mte, padding, raw
from tests.tlspy.certs import files
from tlspy import engine
from tlspy.core.enums import AlertLevel, CipherSuite, ContentType
from tlspy.core.keyschedule import key_block12
from tlspy.core.record import parse_records
from tlspy.core.suites import suite_info
from tlspy.core.writer import assemble_handshake
from tlspy.engine import Alert, Config, State
from tlspy.engine._records import seal
from tlspy.engine.state import Established12
from tlspy.x509 import Certificate

pytestmark = pytest.mark.network
TIMEOUT = 20.0
CS = CipherSuite
CBC = CS.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
RSA_KEX = CS.TLS_RSA_WITH_AES_128_CBC_SHA


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    f = files("rsa")
    srv = subprocess.Popen(
        [sys.executable, "-m", "tlspy", "s_server", "-accept", "127.0.0.1:0", "-cert", f.cert,
         "-key", f.key, "-www", "-timeout", "10", "-cipher",
         "ECDHE-RSA-AES128-SHA:AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert srv.stdout is not None
        line = srv.stdout.readline().decode()
        assert line.startswith("ACCEPT "), line
        yield int(line.strip().rsplit(":", 1)[1])
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


def _config(suite: CipherSuite) -> Config:
    f = files("rsa")
    with open(f.ca, "rb") as fh:
        anchor = Certificate.from_pem(fh.read())
    return Config(versions=(V12,), cipher_suites=(suite,), trust_anchors=(anchor,),
                  check_name=False)


def _until_eof(sock: socket.socket) -> bytes:
    data = b""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    raise AssertionError("the server did not close the connection")


def _feed_until(sock: socket.socket, st: State, done: object) -> tuple[State, bytes]:
    """Read and feed the engine until ``done(result)``; (state, out)."""
    deadline = time.monotonic() + TIMEOUT
    out = b""
    while time.monotonic() < deadline:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        r = engine.handle_tls(st, chunk)
        assert not r.state.failed, r.events
        st, out = r.state, out + r.out
        if done(st, out):  # type: ignore[operator]
            return st, out
    raise AssertionError("timed out")


def _client_flight(port: int, suite: CipherSuite, *, use_etm: bool = True
                   ) -> tuple[socket.socket, State, bytes]:
    """Connect, send the ClientHello, read the server's flight: (socket,
    client state, the client's flight still to send)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    c, hello = engine.client(_config(suite), "localhost")
    if not use_etm:
        c, hello = without_encrypt_then_mac(c)
    sock.sendall(hello)
    c, flight = _feed_until(sock, c, lambda st, out: bool(out))
    return sock, c, flight


def _established(port: int, suite: CipherSuite, use_etm: bool) -> tuple[socket.socket, State]:
    sock, c, flight = _client_flight(port, suite, use_etm=use_etm)
    sock.sendall(flight)
    c, _ = _feed_until(sock, c, lambda st, out: st.established)
    return sock, c


def _keys(c: State) -> Keys:
    hs = c.hs
    assert isinstance(hs, Established12) and hs.info is not None
    info = suite_info(hs.info.cipher_suite)
    assert info is not None and info.mac is not None
    kb = key_block12(info, hs.master, hs.client_random, hs.server_random)
    return Keys(kb.client_key, kb.client_mac_key, info.mac)


def _one_alert(c: State, answer: bytes, alert: A) -> int:
    """``answer`` is one alert record that ``c`` reads as ``alert``; its length."""
    records, rest = parse_records(answer)
    assert not rest and len(records) == 1 and records[0].content_type == ContentType.ALERT
    r = engine.handle_tls(c, answer)
    got = [(e.level, e.description) for e in r.events if isinstance(e, Alert)]
    assert got == [(AlertLevel.FATAL, alert)], r.events
    return len(answer)


def _served(port: int) -> None:
    """The server still completes a handshake and answers a request."""
    sock, c = _established(port, CBC, True)
    with sock:
        c, out = engine.send_application_data(c, b"GET / HTTP/1.0\r\n\r\n")
        sock.sendall(out)
        page = engine.handle_tls(c, _until_eof(sock)).data
    assert page.startswith(b"HTTP/1.0 200 ok"), page[:100]


@pytest.mark.parametrize("use_etm", [False, True], ids=["mte", "etm"])
def test_padding_oracle_over_a_socket(port: int, use_etm: bool) -> None:
    def bad_padding(k: Keys) -> object:
        if use_etm:
            return etm(b"q" * 12 + b"\x03\x03\x02\x03")
        return mte(b"q" * ((-(k.mac_len + 4)) % 16), b"\x03\x03\x02\x03")

    cases = {
        "bad padding": bad_padding,
        "bad MAC": lambda k: etm(b"q" * 11 + padding(4), mac_xor=(3, 1)) if use_etm else mte(
            b"q" * 11, mac_xor=(3, 1)),
        "short": lambda k: raw(bytes(16 + 16)),
        "length byte too big": lambda k: etm(b"\xf0" * 32) if use_etm else raw(
            k.cbc(b"\xf0" * 32)),
    }
    lengths = {}
    for name, make in cases.items():
        sock, c = _established(port, CBC, use_etm)
        with sock:
            k = _keys(c)
            forge = make(k)
            good = (etm(b"GET " + padding(11)) if use_etm else mte(b"GET "))(k, c.write_seq)
            bad = forge(k, c.write_seq + 1)  # type: ignore[operator]
            sock.sendall(bytes((23, 3, 3)) + len(good).to_bytes(2, "big") + good
                         + bytes((23, 3, 3)) + len(bad).to_bytes(2, "big") + bad)
            lengths[name] = _one_alert(c, _until_eof(sock), A.BAD_RECORD_MAC)
    assert len(set(lengths.values())) == 1, lengths
    _served(port)


def test_early_change_cipher_spec_over_a_socket(port: int) -> None:
    answers = set()
    for suite in (CBC, RSA_KEX):
        sock, c, _ = _client_flight(port, suite)
        with sock:
            sock.sendall(b"\x14\x03\x03\x00\x01\x01")  # before the ClientKeyExchange
            answer = _until_eof(sock)
            _one_alert(c, answer, A.UNEXPECTED_MESSAGE)
            answers.add(answer)
    assert answers == {b"\x15\x03\x03\x00\x02\x02\x0a"}
    _served(port)


def test_bleichenbacher_over_a_socket(port: int) -> None:
    with open(files("rsa").cert, "rb") as fh:
        leaf = Certificate.from_pem(fh.read())
    n, e = leaf.public_key.n, leaf.public_key.e
    k = (n.bit_length() + 7) // 8
    blocks = {
        "intact, other premaster": _block(_premaster()[:2] + bytes(46), k),
        "block type 01": _block(_premaster(), k, head=b"\x00\x01"),
        "zero in padding": _block(_premaster(), k, zero_at=5),
        "no separator": _block(_premaster(), k, separator=False),
        "premaster of 47 bytes": _block(_premaster(length=47), k),
        "version 0302": _block(_premaster(0x0302), k),
    }
    cts = {name: pow(int.from_bytes(b, "big"), e, n).to_bytes(k, "big")
           for name, b in blocks.items()}
    cts["one byte short"] = cts["block type 01"][1:]
    cts["n"] = n.to_bytes(k, "big")
    answers = {}
    for name, ct in cts.items():
        sock, c, flight = _client_flight(port, RSA_KEX)
        with sock:
            records, rest = parse_records(flight)
            assert not rest and [x.content_type for x in records] == [22, 20, 22]
            tail = b"".join(x.header() + x.fragment for x in records[1:])
            sock.sendall(handshake_record(_cke(ct)) + tail)
            answers[name] = _until_eof(sock)
            _one_alert(c, answers[name], A.BAD_RECORD_MAC)
    assert set(answers.values()) == {b"\x15\x03\x03\x00\x02\x02\x14"}, answers
    _served(port)


def test_renegotiation_refused_over_a_socket(port: int) -> None:
    """A ClientHello after the TLS 1.2 handshake: a no_renegotiation
    warning, and the request that follows is still answered."""
    sock, c = _established(port, CBC, True)
    with sock:
        again, _ = engine.client(_config(CBC), "localhost")
        c, rec = seal(c, ContentType.HANDSHAKE, assemble_handshake(again.hs.hello))  # type: ignore[union-attr]
        sock.sendall(rec)
        seen: list[Alert] = []
        deadline = time.monotonic() + TIMEOUT
        while not seen and time.monotonic() < deadline:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection"
            r = engine.handle_tls(c, chunk)
            c = r.state
            seen += [e for e in r.events if isinstance(e, Alert)]
        assert [(e.level, e.description) for e in seen] == [(AlertLevel.WARNING,
                                                            A.NO_RENEGOTIATION)]
        c, out = engine.send_application_data(c, b"GET / HTTP/1.0\r\n\r\n")
        sock.sendall(out)
        page = engine.handle_tls(c, _until_eof(sock)).data
    assert page.startswith(b"HTTP/1.0 200 ok"), page[:100]
