"""RFC 8448 section 5 (HelloRetryRequest): the four hello messages parse and
round-trip, the cookie comes back, and the transcript with the message_hash
rule gives the listed hash and handshake traffic secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tlspy.core import keyschedule as ks
from tlspy.core import messages as m
from tlspy.core.enums import NamedGroup, ProtocolVersion
from tlspy.core.messages import ExtensionContext
from tlspy.core.reader import check_tls13_extensions, parse_handshake
from tlspy.core.writer import assemble_handshake

RAW = json.loads(
    (Path(__file__).parents[1] / "vectors" / "rfc8448" / "hello_retry_request.json").read_text()
)
V = {k: bytes.fromhex(v) for k, v in RAW.items() if k != "section"}
TLS13 = ProtocolVersion.TLS_1_3
ALG = "sha256"
HELLOS = ("client_hello_1", "hello_retry_request", "client_hello_2", "server_hello")


@pytest.mark.parametrize("name", HELLOS)
def test_roundtrip(name: str) -> None:
    assert assemble_handshake(parse_handshake(V[name], version=TLS13)) == V[name]


def test_hello_retry_request_contents() -> None:
    hrr = parse_handshake(V["hello_retry_request"], version=TLS13)
    assert isinstance(hrr, m.HelloRetryRequest)
    assert m.find_extension(hrr.extensions, m.KeyShareHelloRetryRequest) == (
        m.KeyShareHelloRetryRequest(NamedGroup.SECP256R1)
    )
    assert m.find_extension(hrr.extensions, m.SupportedVersionsServerHello) == (
        m.SupportedVersionsServerHello(ProtocolVersion.TLS_1_3)
    )
    cookie = m.find_extension(hrr.extensions, m.Cookie)
    ch2 = parse_handshake(V["client_hello_2"], version=TLS13)
    assert isinstance(ch2, m.ClientHello)
    assert cookie is not None and m.find_extension(ch2.extensions, m.Cookie) == cookie
    ks2 = m.find_extension(ch2.extensions, m.KeyShareClientHello)
    assert ks2 is not None and [s.group for s in ks2.shares] == [NamedGroup.SECP256R1]
    assert len(ks2.shares[0].key_exchange) == 65
    sh = parse_handshake(V["server_hello"], version=TLS13)
    assert isinstance(sh, m.ServerHello)
    check_tls13_extensions(sh.extensions, ExtensionContext.SERVER_HELLO)


def test_transcript_and_secrets() -> None:
    t = ks.Transcript().add(V["client_hello_1"]).after_hello_retry_request(ALG)
    t = t.add(V["hello_retry_request"], V["client_hello_2"], V["server_hello"])
    h = t.hash(ALG)
    assert h == V["transcript_hash_ch1_to_sh"]
    hs = ks.handshake_secret(ALG, ks.early_secret(ALG), V["ecdhe_shared"])
    assert hs == V["handshake_secret"]
    assert ks.handshake_traffic_secrets(ALG, hs, h) == (
        V["client_handshake_traffic_secret"],
        V["server_handshake_traffic_secret"],
    )
