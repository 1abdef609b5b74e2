"""Bleichenbacher / ROBOT against the TLS 1.2 RSA key exchange.  A tlspy
client's real flight (ClientKeyExchange, ChangeCipherSpec, Finished) has
its ClientKeyExchange replaced by a hand-made one: a PKCS#1 v1.5 block
encrypted to the server's key with one defect of every kind (first bytes
not 00 02, a zero byte inside the padding at each of many places, no zero
separator, a separator leaving a premaster of the wrong length, a wrong
version in the premaster), or a ciphertext that is not a valid RSA input
(shorter or longer than the modulus, zero, n, above n).  The server
answers the ClientKeyExchange and the ChangeCipherSpec with nothing and the
same next state, and fails at the Finished with the same bad_record_mac
alert, byte for byte, as for an intact block carrying another premaster.
tests/engine/test_rsa_kex12.py has the first such test (through the
client's encryptor); this one goes through every defect class in depth."""

from __future__ import annotations

import pytest

from tests.attacks.common import V12, A, alert_of, handshake_record
from tests.engine.certs import pki
from tests.engine.helpers import configs
from tlspy import engine
from tlspy.core.enums import CipherSuite
from tlspy.core.record import parse_records
from tlspy.engine import Alert, Result, State

CS = CipherSuite
SUITES = (CS.TLS_RSA_WITH_AES_128_CBC_SHA, CS.TLS_RSA_WITH_AES_128_GCM_SHA256)


def _block(premaster: bytes, k: int, *, head: bytes = b"\x00\x02", zero_at: int | None = None,
           separator: bool = True) -> bytes:
    """00 02 || nonzero padding || 00 || premaster, k bytes, with the
    requested defect; ``zero_at`` puts a zero byte at that offset of the
    block (inside the padding)."""
    pad_len = k - len(head) - len(premaster) - 1
    assert pad_len >= 1
    ps = bytearray((i * 37 + 11) % 255 + 1 for i in range(pad_len))
    em = bytearray(head + bytes(ps) + (b"\x00" if separator else b"\x5a") + premaster)
    if zero_at is not None:
        em[zero_at] = 0
    assert len(em) == k
    return bytes(em)


def _premaster(version: int = V12, length: int = 48) -> bytes:
    return (version.to_bytes(2, "big") + bytes(range(7, 7 + 46)))[:length].ljust(length, b"\x33")


def mutations(k: int) -> dict[str, bytes | int]:
    """Name -> the PKCS#1 block (bytes of length k) or a raw ciphertext
    integer/bytes marker for the non-RSA-input cases."""
    pm = _premaster()
    m: dict[str, bytes | int] = {
        "intact, other premaster": _block(_premaster(length=48)[:2] + bytes(46), k),
    }
    for first in (b"\x01", b"\xff", b"\x80"):
        m[f"first byte {first.hex()}"] = _block(pm, k, head=first + b"\x02")
    for second in (b"\x00", b"\x01", b"\x03", b"\xff"):
        m[f"block type {second.hex()}"] = _block(pm, k, head=b"\x00" + second)
    m["signature padding 00 01 ff.."] = b"\x00\x01" + b"\xff" * (k - 51) + b"\x00" + pm
    for pos in (2, 3, 5, 9, 10, 11, k // 2, k - 51, k - 50):
        # A zero inside the padding: the premaster looks longer than 48.
        m[f"zero byte at {pos}"] = _block(pm, k, zero_at=pos)
    m["no separator"] = _block(pm, k, separator=False)
    for length in (0, 1, 2, 32, 46, 47, 49, 50, 64, 100, k - 11):
        m[f"premaster of {length} bytes"] = _block(_premaster(length=length), k)
    for version in (0x0302, 0x0301, 0x0300, 0x0304, 0x0000, 0xFFFF, 0x0203):
        m[f"version {version:04x}"] = _block(_premaster(version), k)
    m["all zero block"] = bytes(k)
    return m


RAW_CIPHERTEXTS = ("one byte short", "two bytes short", "one byte", "empty", "one byte long",
                   "zero", "one", "n", "n + 1", "all ff")


def _raw_ciphertext(name: str, n: int, e: int, k: int) -> bytes:
    good = pow(int.from_bytes(_block(_premaster(), k), "big"), e, n).to_bytes(k, "big")
    return {
        "one byte short": good[1:], "two bytes short": good[2:], "one byte": good[:1],
        "empty": b"", "one byte long": b"\x00" + good, "zero": bytes(k),
        "one": (1).to_bytes(k, "big"), "n": n.to_bytes(k, "big"),
        "n + 1": (n + 1).to_bytes(k, "big"), "all ff": b"\xff" * k,
    }[name]


def _cke(ciphertext: bytes) -> bytes:
    body = len(ciphertext).to_bytes(2, "big") + ciphertext
    return b"\x10" + len(body).to_bytes(3, "big") + body


def _setup(suite: CipherSuite) -> tuple[State, list[bytes], int, int, int]:
    """(server waiting for the ClientKeyExchange, the client's real three
    records, n, e, k)."""
    ccfg, scfg = configs("rsa", client={"versions": (V12,), "cipher_suites": (suite,)},
                         server={"cipher_suites": (suite,)})
    c, hello = engine.client(ccfg, "server.test")
    r = engine.handle_tls(engine.server(scfg), hello)
    assert not r.state.failed
    rc = engine.handle_tls(c, r.out)
    records, rest = parse_records(rc.out)
    assert not rest and [x.content_type for x in records] == [22, 20, 22]
    raws = [x.header() + x.fragment for x in records]
    pub = pki("rsa").key.chain[0].public_key
    return r.state, raws, pub.n, pub.e, (pub.n.bit_length() + 7) // 8


def _answer(server: State, cke_record: bytes, rest: list[bytes]) -> tuple[Result, Result,
                                                                          Result]:
    r1 = engine.handle_tls(server, cke_record)
    r2 = engine.handle_tls(r1.state, rest[0])
    r3 = engine.handle_tls(r2.state, rest[1])
    return r1, r2, r3


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_every_bad_premaster_gives_one_answer(suite: CipherSuite) -> None:
    server, raws, n, e, k = _setup(suite)
    # The control: the client's own ClientKeyExchange completes.
    ok = _answer(server, raws[0], raws[1:])
    assert ok[2].state.established
    cases = {name: handshake_record(_cke(pow(int.from_bytes(em, "big"), e, n).to_bytes(k, "big")))
             for name, em in mutations(k).items() if isinstance(em, bytes)}
    cases |= {name: handshake_record(_cke(_raw_ciphertext(name, n, e, k)))
              for name in RAW_CIPHERTEXTS}
    assert len(cases) >= 45
    answers = {}
    for name, rec in cases.items():
        r1, r2, r3 = _answer(server, rec, raws[1:])
        # Nothing to see after the ClientKeyExchange and the CCS ...
        assert (r1.out, r1.data, r1.events) == (b"", b"", ()), name
        assert (r2.out, r2.data, r2.events) == (b"", b"", ()), name
        assert type(r1.state.hs) is type(ok[0].state.hs), name
        assert type(r2.state.hs) is type(ok[1].state.hs), name
        # ... and the Finished fails the same way.
        assert alert_of(r3) == A.BAD_RECORD_MAC, (name, r3.events)
        (alert,) = [ev for ev in r3.events if isinstance(ev, Alert)]
        answers[name] = (r3.out, r3.data, alert)
    assert len(set(answers.values())) == 1, answers
