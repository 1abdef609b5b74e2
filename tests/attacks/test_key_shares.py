"""Invalid key shares: x25519 all-zero and low-order points, P-256/P-384
points off the curve, at infinity, compressed or of the wrong length,
FFDHE values 0, 1, p-1, >= p and of the wrong length.  TLS 1.3 (in the
ClientHello to a server, in the ServerHello to a client) and TLS 1.2
(ClientKeyExchange for ECDHE and DHE): each is illegal_parameter (RFC 8446
4.2.8 and 4.2.8.1/2, RFC 7748 6.1 all-zero check; tlsfuzzer's
test-dhe-rsa-key-exchange-with-bad-messages expects the same for DHE);
an empty one is decode_error (the syntax allows no empty share)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric import ec as pyca_ec

from nocrypto import dh
from tests.attacks.common import V12, A, alert_of, handshake_record
from tests.engine.helpers import configs
from tlspy import engine
from tlspy.core.enums import CipherSuite, NamedGroup
from tlspy.core.messages import (
    ClientHello,
    ClientKeyExchangeDHE,
    ClientKeyExchangeECDHE,
    KeyShareClientHello,
    KeyShareEntry,
    KeyShareServerHello,
    ServerHello,
)
from tlspy.core.reader import parse_handshake
from tlspy.core.writer import assemble_handshake

G = NamedGroup
P25519 = 2**255 - 19
# RFC 7748 points of small order (and their non-canonical encodings).
LOW_ORDER_U = (0, 1, 325606250916557431795983626356110631294008115727848805560023387167927233504,
               39382357235489614581723060781553021112529911719440698176882885853963445705823,
               P25519 - 1, P25519, P25519 + 1)


def x25519_bad() -> list[tuple[str, bytes]]:
    cases = [(f"u={u}", u.to_bytes(32, "little")) for u in LOW_ORDER_U]
    # The top bit is masked (RFC 7748 5): the same points with it set.
    cases += [(f"u={u}|2^255", (u | 1 << 255).to_bytes(32, "little")) for u in LOW_ORDER_U[:4]]
    cases += [("31 bytes", bytes(31)), ("33 bytes", b"\x09" + bytes(32)), ("empty", b"")]
    return cases


def _valid_point(curve: pyca_ec.EllipticCurve) -> bytes:
    from cryptography.hazmat.primitives import serialization

    key = pyca_ec.derive_private_key(7, curve)
    return key.public_key().public_bytes(serialization.Encoding.X962,
                                         serialization.PublicFormat.UncompressedPoint)


def ec_bad(group: NamedGroup) -> list[tuple[str, bytes]]:
    curve = pyca_ec.SECP256R1() if group == G.SECP256R1 else pyca_ec.SECP384R1()
    size = 32 if group == G.SECP256R1 else 48
    good = _valid_point(curve)
    x, y = good[1 : 1 + size], good[1 + size :]
    p = {32: 2**256 - 2**224 + 2**192 + 2**96 - 1,
         48: 2**384 - 2**128 - 2**96 + 2**32 - 1}[size]
    y_off = (int.from_bytes(y, "big") + 1).to_bytes(size, "big")
    return [
        ("not on the curve", b"\x04" + x + y_off),
        ("(0, 0)", b"\x04" + bytes(2 * size)),
        ("x = p", b"\x04" + p.to_bytes(size, "big") + y),
        ("y = p", b"\x04" + x + p.to_bytes(size, "big")),
        ("infinity", b"\x00"),
        ("compressed", bytes([2 + (y[-1] & 1)]) + x),
        ("hybrid", bytes([6 + (y[-1] & 1)]) + x + y),
        ("no prefix", x + y),
        ("one byte short", good[:-1]),
        ("one byte long", good + b"\x00"),
        ("empty", b""),
    ]


def ffdhe_bad(*, tls13: bool) -> list[tuple[str, bytes]]:
    p = dh.FFDHE2048.p
    n = 256
    values = {"0": 0, "1": 1, "p-1": p - 1, "p": p, "p+1": p + 1, "2^2048-1": 2**2048 - 1}
    cases = [(k, v.to_bytes(n, "big")) for k, v in values.items()]
    if tls13:  # TLS 1.3 shares are left-padded to the size of p (RFC 8446 4.2.8.1)
        cases += [("255 bytes", (p // 3).to_bytes(n, "big")[1:]), ("257 bytes", b"\x00" * 257)]
    else:  # TLS 1.2 values come without leading zeros
        cases += [("1 unpadded", b"\x01"), ("0 empty", b""), ("257 bytes", b"\x01" + bytes(256))]
    return cases


CASES_13 = ([(G.X25519, *c) for c in x25519_bad()] + [(G.SECP256R1, *c) for c in ec_bad(
    G.SECP256R1)] + [(G.SECP384R1, *c) for c in ec_bad(G.SECP384R1)]
    + [(G.FFDHE2048, *c) for c in ffdhe_bad(tls13=True)])


def expected(share: bytes) -> A:
    """An empty share breaks the syntax (key_exchange<1..2^16-1>, RFC 8446
    4.2.8; dh_Yc<1..2^16-1>, ECPoint<1..2^8-1>): decode_error; any other
    bad value: illegal_parameter."""
    return A.DECODE_ERROR if not share else A.ILLEGAL_PARAMETER


def _ids(cases: list[tuple[NamedGroup, str, bytes]]) -> list[str]:
    return [f"{g.name}-{label}" for g, label, _ in cases]


def _first(data: bytes) -> bytes:
    return data[5 : 5 + int.from_bytes(data[3:5], "big")]


@pytest.mark.parametrize(("group", "label", "share"), CASES_13, ids=_ids(CASES_13))
def test_tls13_server_refuses_client_share(group: NamedGroup, label: str, share: bytes) -> None:
    ccfg, scfg = configs(client={"groups": (group,)},
                         server={"groups": (G.X25519, G.SECP256R1, G.SECP384R1, G.FFDHE2048)})
    _, ch_rec = engine.client(ccfg, "server.test")
    ch = parse_handshake(_first(ch_rec), version=0x0304)
    assert isinstance(ch, ClientHello)
    exts = tuple(KeyShareClientHello((KeyShareEntry(group, share),))
                 if isinstance(e, KeyShareClientHello) else e for e in ch.extensions)
    r = engine.handle_tls(engine.server(scfg),
                          handshake_record(assemble_handshake(replace(ch, extensions=exts)),
                                           version=0x0301))
    assert alert_of(r) == expected(share), label


@pytest.mark.parametrize(("group", "label", "share"), CASES_13, ids=_ids(CASES_13))
def test_tls13_client_refuses_server_share(group: NamedGroup, label: str, share: bytes) -> None:
    ccfg, scfg = configs(client={"groups": (group,)}, server={"groups": (group,)})
    c, ch = engine.client(ccfg, "server.test")
    flight = engine.handle_tls(engine.server(scfg), ch).out
    sh = parse_handshake(_first(flight), version=0x0304)
    assert isinstance(sh, ServerHello)
    exts = tuple(KeyShareServerHello(KeyShareEntry(group, share))
                 if isinstance(e, KeyShareServerHello) else e for e in sh.extensions)
    r = engine.handle_tls(c, handshake_record(assemble_handshake(replace(sh, extensions=exts))))
    assert alert_of(r) == expected(share), label
    assert r.out[:1] == b"\x15"  # no keys yet: a plaintext alert


CS = CipherSuite
CASES_12 = ([(G.X25519, *c) for c in x25519_bad()] + [(G.SECP256R1, *c) for c in ec_bad(
    G.SECP256R1)] + [(G.SECP384R1, *c) for c in ec_bad(G.SECP384R1)]
    + [(G.FFDHE2048, *c) for c in ffdhe_bad(tls13=False)])


@pytest.mark.parametrize(("group", "label", "share"), CASES_12, ids=_ids(CASES_12))
def test_tls12_server_refuses_client_key_exchange(group: NamedGroup, label: str,
                                                  share: bytes) -> None:
    dhe = group == G.FFDHE2048
    suite = CS.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 if dhe else \
        CS.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    ccfg, scfg = configs("rsa", client={"versions": (V12,), "cipher_suites": (suite,),
                                        "groups": (group,)},
                         server={"cipher_suites": (suite,), "groups": (group,)})
    _, ch = engine.client(ccfg, "server.test")
    r = engine.handle_tls(engine.server(scfg), ch)
    assert not r.state.failed and r.out
    cke = ClientKeyExchangeDHE(share) if dhe else ClientKeyExchangeECDHE(share)
    r2 = engine.handle_tls(r.state, handshake_record(assemble_handshake(cke)))
    assert alert_of(r2) == expected(share), label
