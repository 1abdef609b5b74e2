"""Handshake messages in and out of tlspy.core, without the engine around
them: microseconds to parse a ClientHello (OpenSSL's, from the stdlib ssl
module, and tlspy's resuming one with key_share, PSK, SNI and ALPN), to
write tlspy's again, to write a TLS 1.3 server flight (ServerHello,
EncryptedExtensions, Certificate, CertificateVerify, Finished,
NewSessionTicket) and to parse that flight back as a client does."""

from __future__ import annotations

import contextlib
import ssl
import tempfile
from pathlib import Path

from bench.common import Table, alternate
from tests.engine.certs import pki
from tests.engine.helpers import configs, handshake
from tlspy import engine
from tlspy.core import messages as m
from tlspy.core.enums import CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme
from tlspy.core.reader import parse_handshake
from tlspy.core.writer import assemble_handshake

TLS13 = ProtocolVersion.TLS_1_3


def openssl_client_hello() -> bytes:
    """The ClientHello handshake message the ssl module's client sends."""
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "ca.pem").write_bytes(pki("p256").ca_pem)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(Path(d) / "ca.pem")
        ctx.set_alpn_protocols(["h2", "http/1.1"])
    out = ssl.MemoryBIO()
    c = ctx.wrap_bio(ssl.MemoryBIO(), out, server_hostname="server.test")
    with contextlib.suppress(ssl.SSLWantReadError):
        c.do_handshake()
    record = out.read()
    return record[5:]


def tlspy_client_hello() -> bytes:
    """tlspy's ClientHello resuming a TLS 1.3 session (key_share, PSK,
    SNI, ALPN and the default groups and schemes)."""
    ccfg, scfg = configs("p256", client={"alpn_protocols": (b"h2", b"http/1.1")},
                         server={"ticket_keys": (bytes(32),), "alpn_protocols": (b"h2",)})
    [ticket] = [e.ticket for e in handshake(ccfg, scfg).client_events
                if isinstance(e, engine.NewSessionTicket)]
    _, out = engine.client(ccfg, "server.test", ticket=ticket)
    return out[5:]


def server_flight() -> list[m.HandshakeMessage]:
    """The messages of a full TLS 1.3 server flight and a ticket."""
    cert = pki("p256").key.chain[0].to_der()
    return [
        m.ServerHello(ProtocolVersion.TLS_1_2, bytes(range(32)), bytes(32),
                      CipherSuite.TLS_AES_128_GCM_SHA256, 0,
                      (m.SupportedVersionsServerHello(TLS13),
                       m.KeyShareServerHello(m.KeyShareEntry(NamedGroup.X25519, bytes(32))))),
        m.EncryptedExtensions((m.ServerName(None), m.ALPN((b"h2",)))),
        m.Certificate13(b"", (m.CertificateEntry(cert, ()),)),
        m.CertificateVerify(SignatureScheme.ECDSA_SECP256R1_SHA256, bytes(71)),
        m.Finished(bytes(32)),
        m.NewSessionTicket13(7200, 0x12345678, b"\x00", bytes(120), (m.EarlyData(16384),)),
    ]


def run() -> None:
    hellos = {"OpenSSL": openssl_client_hello(), "tlspy resuming": tlspy_client_hello()}
    flight = server_flight()
    wire = [assemble_handshake(x) for x in flight]
    for raw in hellos.values():
        assert assemble_handshake(parse_handshake(raw, version=TLS13)) == raw
    assert [parse_handshake(w, version=TLS13) for w in wire] == flight

    def write_flight() -> None:
        for x in flight:
            assemble_handshake(x)

    def parse_flight() -> None:
        for w in wire:
            parse_handshake(w, version=TLS13)

    ops = {f"parse CH: {name}": (lambda raw=raw: parse_handshake(raw, version=TLS13))
           for name, raw in hellos.items()}
    hello = parse_handshake(hellos["tlspy resuming"], version=TLS13)
    ops["write CH: tlspy resuming"] = lambda: assemble_handshake(hello)
    ops["write server flight (6 messages)"] = write_flight
    ops["parse server flight (6 messages)"] = parse_flight
    rates = alternate(ops, rounds=5, min_time=0.2)
    t = Table("handshake messages (tlspy.core reader/writer)", ["operation", "µs per op"])
    for name, rate in rates.items():
        t.row(name, 1e6 / rate)
