"""TLS 1.2 plain RSA key exchange (RFC 5246 7.4.7.1): off by default, on
when the Config names its suites; client and server; a ClientHello without
signature_algorithms still works; and the Bleichenbacher/ROBOT rule: no
premaster ciphertext, however bad, changes what the server does before the
client's Finished, which then fails with the same bad_record_mac."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from tests.engine.certs import pki
from tests.engine.helpers import configs, drive, handshake
from tests.engine.test_handshake12 import ONLY12, _exchange, _failed_with
from tlspy import engine
from tlspy.core.enums import AlertDescription, CipherSuite, ContentType
from tlspy.core.keyschedule import Transcript
from tlspy.core.messages import SignatureAlgorithms
from tlspy.core.record import parse_records
from tlspy.core.writer import assemble_handshake
from tlspy.engine import Alert, Config
from tlspy.engine import handshake_client12 as client12
from tlspy.engine.config import DEFAULT_SUITES
from tlspy.engine.state import (
    ClientWaitServerHello,
    Established12,
    ServerWaitChangeCipherSpec12,
    ServerWaitFinished12,
)
from tlspy.x509 import PublicKey

A = AlertDescription
CS = CipherSuite
RSA_KEX = (CS.TLS_RSA_WITH_AES_128_GCM_SHA256, CS.TLS_RSA_WITH_AES_256_GCM_SHA384,
           CS.TLS_RSA_WITH_AES_128_CBC_SHA, CS.TLS_RSA_WITH_AES_256_CBC_SHA,
           CS.TLS_RSA_WITH_AES_128_CBC_SHA256, CS.TLS_RSA_WITH_AES_256_CBC_SHA256)


def _rsa(client: dict | None = None, server: dict | None = None) -> tuple[Config, Config]:
    return configs("rsa", client={**ONLY12, "cipher_suites": RSA_KEX, **(client or {})},
                   server={"cipher_suites": RSA_KEX, **(server or {})})


@pytest.mark.parametrize("suite", RSA_KEX)
def test_every_rsa_kex_suite(suite: CipherSuite) -> None:
    c, s = _rsa(client={"cipher_suites": (suite,)})
    p = handshake(c, s)
    assert type(p.client.hs) is Established12 and type(p.server.hs) is Established12
    info = p.client.info
    assert info is not None and info.cipher_suite == suite
    assert info.group is None and info.signature_scheme is None
    assert p.server.info is not None and p.server.info.cipher_suite == suite
    _exchange(p)


def test_rsa_kex_never_in_the_defaults() -> None:
    assert not set(RSA_KEX) & set(DEFAULT_SUITES)
    c, s = configs("rsa", client={**ONLY12, "cipher_suites": RSA_KEX})
    r = engine.handle_tls(engine.server(s), engine.client(c, "server.test")[1])
    _failed_with(r, A.HANDSHAKE_FAILURE)  # the default server does not take them
    # A server naming them still prefers ECDHE when the client offers both.
    c, s = configs("rsa", client=ONLY12,
                   server={"cipher_suites": (*RSA_KEX, *DEFAULT_SUITES)})
    p = handshake(c, s)
    assert p.client.info is not None and p.client.info.group is not None


def test_rsa_kex_needs_an_rsa_certificate() -> None:
    c, s = configs("p256", client={**ONLY12, "cipher_suites": RSA_KEX},
                   server={"cipher_suites": RSA_KEX})
    r = engine.handle_tls(engine.server(s), engine.client(c, "server.test")[1])
    _failed_with(r, A.HANDSHAKE_FAILURE)


def _without_sigalgs(ccfg: Config) -> tuple[engine.State, bytes]:
    c, _ = engine.client(ccfg, "server.test")
    hs = c.hs
    assert isinstance(hs, ClientWaitServerHello)
    hello = replace(hs.hello, extensions=tuple(
        e for e in hs.hello.extensions if not isinstance(e, SignatureAlgorithms)))
    raw = assemble_handshake(hello)
    c = replace(c, hs=replace(hs, hello=hello, transcript=Transcript().add(raw)))
    return c, bytes((22, 3, 1)) + len(raw).to_bytes(2, "big") + raw


def test_client_hello_without_signature_algorithms() -> None:
    ccfg, scfg = _rsa(server={"cipher_suites": (*DEFAULT_SUITES, *RSA_KEX)})
    c, out = _without_sigalgs(ccfg)
    p = drive(c, out, engine.server(scfg))
    assert p.client.established and p.server.established
    assert p.server.info is not None and p.server.info.cipher_suite in RSA_KEX
    _exchange(p)
    # Without an RSA key exchange suite in common, no handshake: SHA-1
    # signatures (the default without the extension) are refused.
    ccfg2, scfg2 = configs("rsa", client=ONLY12)
    _, out2 = _without_sigalgs(ccfg2)
    _failed_with(engine.handle_tls(engine.server(scfg2), out2), A.HANDSHAKE_FAILURE)


# ------------------------------------------------------------ ROBOT


def _em(premaster: bytes, k: int, mutation: str) -> bytes:
    """A PKCS#1 v1.5 block for ``premaster`` with one defect."""
    ps = bytes(range(1, k - len(premaster) - 2))  # nonzero padding
    ps = bytes(b or 1 for b in ps)
    em = b"\x00\x02" + ps + b"\x00" + premaster
    if mutation == "first byte":
        em = b"\x01" + em[1:]
    elif mutation == "block type":
        em = b"\x00\x01" + em[2:]
    elif mutation == "no separator":
        em = em[:2] + ps + b"\x11" + premaster
    elif mutation == "separator early":  # a 47-byte premaster
        em = b"\x00\x02" + ps + b"\x00\x00" + premaster[1:]
    elif mutation == "separator late":  # a 49-byte premaster
        em = b"\x00\x02" + ps[:-1] + b"\x00\x07" + premaster
    elif mutation == "short padding":  # separator within the first 10 bytes
        em = b"\x00\x02" + b"\x05" * 4 + b"\x00" + bytes(k - 7 - len(premaster)) + premaster
    elif mutation == "wrong version":
        em = em[: k - 48] + b"\x03\x02" + premaster[2:]
    assert len(em) == k, mutation
    return em


MUTATIONS = ("none", "first byte", "block type", "no separator", "separator early",
             "separator late", "short padding", "wrong version", "ct short", "ct long",
             "ct zero", "ct above n")


def _encryptor(mutation: str) -> Callable[[PublicKey, int, bytes], tuple[bytes, bytes]]:
    def encrypt(pub: PublicKey, client_version: int, seed: bytes) -> tuple[bytes, bytes]:
        premaster = client_version.to_bytes(2, "big") + seed[:30] + seed[:16]
        k = (pub.n.bit_length() + 7) // 8
        em = _em(premaster, k, mutation if not mutation.startswith("ct") else "none")
        ct = pow(int.from_bytes(em, "big"), pub.e, pub.n).to_bytes(k, "big")
        if mutation == "ct short":
            ct = ct[1:]
        elif mutation == "ct long":
            ct = b"\x00" + ct
        elif mutation == "ct zero":
            ct = bytes(k)
        elif mutation == "ct above n":
            ct = (pub.n + 1).to_bytes(k, "big")
        return premaster, ct

    return encrypt


@pytest.mark.parametrize("suite", [CS.TLS_RSA_WITH_AES_128_GCM_SHA256,
                                   CS.TLS_RSA_WITH_AES_128_CBC_SHA])
def test_bad_premaster_is_indistinguishable(suite: CipherSuite,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = {}
    for mutation in MUTATIONS:
        monkeypatch.setattr(client12, "rsa_premaster_encrypt", _encryptor(mutation))
        c, s = _rsa(client={"cipher_suites": (suite,)})
        c0, hello = engine.client(c, "server.test")
        r = engine.handle_tls(engine.server(s), hello)
        rc = engine.handle_tls(c0, r.out)
        records, rest = parse_records(rc.out)
        assert not rest and [x.content_type for x in records] == [
            ContentType.HANDSHAKE, ContentType.CHANGE_CIPHER_SPEC, ContentType.HANDSHAKE]
        raws = [rc.out[:5 + len(records[0].fragment)], b"\x14\x03\x03\x00\x01\x01",
                rc.out[-(5 + len(records[2].fragment)):]]
        # ClientKeyExchange: accepted silently, whatever it holds.
        r1 = engine.handle_tls(r.state, raws[0])
        assert (r1.out, r1.data, r1.events) == (b"", b"", ())
        assert type(r1.state.hs) is ServerWaitChangeCipherSpec12
        r2 = engine.handle_tls(r1.state, raws[1])
        assert (r2.out, r2.events) == (b"", ()) and type(r2.state.hs) is ServerWaitFinished12
        r3 = engine.handle_tls(r2.state, raws[2])
        if mutation == "none":
            assert r3.state.established
            assert engine.handle_tls(rc.state, r3.out).state.established
            continue
        _failed_with(r3, A.BAD_RECORD_MAC)
        (alert,) = [e for e in r3.events if isinstance(e, Alert)]
        outcomes[mutation] = (r3.out, alert.description, alert.reason)
    assert len(set(outcomes.values())) == 1, outcomes


def test_malformed_client_key_exchange_is_decode_error() -> None:
    c, s = _rsa()
    c0, hello = engine.client(c, "server.test")
    r = engine.handle_tls(engine.server(s), hello)
    rc = engine.handle_tls(c0, r.out)
    (rec, *_), _ = parse_records(rc.out)
    body = rec.fragment
    assert body[0] == 16  # ClientKeyExchange
    # The vector's length field one longer than what follows.
    n = int.from_bytes(body[4:6], "big")
    bad = body[:4] + (n + 1).to_bytes(2, "big") + body[6:]
    r1 = engine.handle_tls(r.state, bytes((22, 3, 3)) + len(bad).to_bytes(2, "big") + bad)
    _failed_with(r1, A.DECODE_ERROR)


def test_rsa_kex_with_client_certificate() -> None:
    client_pki = pki("rsa", ("client.test",), "client")
    c, s = _rsa(client={"certificates": (client_pki.key,)},
                server={"client_auth": "required", "trust_anchors": (client_pki.anchor,)})
    p = handshake(c, s)
    assert p.server.info is not None and p.server.info.peer_certificates
    _exchange(p)


def test_rsa_kex_is_deterministic_and_chunking_free() -> None:
    """A pinned rng and clock give the same bytes on every run, and the
    server's answer does not depend on how the client's flight is cut."""
    runs = [handshake(*_rsa()) for _ in range(2)]
    assert runs[0].wire == runs[1].wire
    c, s = _rsa()
    c0, hello = engine.client(c, "server.test")
    r = engine.handle_tls(engine.server(s), hello)
    flight = engine.handle_tls(c0, r.out).out
    whole = engine.handle_tls(r.state, flight)
    for cut in (1, 5, 6, 7, 100, len(flight) - 1):
        st = r.state
        out = b""
        for piece in (flight[:cut], flight[cut:]):
            res = engine.handle_tls(st, piece)
            st, out = res.state, out + res.out
        assert st.established and out == whole.out
