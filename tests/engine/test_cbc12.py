"""TLS 1.2 AES-CBC suites (never on by default): every ECDHE CBC suite
between tlspy peers with encrypt-then-MAC (RFC 7366), MAC-then-encrypt
records, the explicit IVs, and refusal when not configured."""

from __future__ import annotations

import pytest

from tests.engine.helpers import configs, handshake, plaintext_messages
from tests.engine.test_handshake12 import ONLY12, _exchange, _failed_with
from tlspy import engine
from tlspy.core.enums import AlertDescription, CipherSuite, ContentType, ProtocolVersion
from tlspy.core.errors import TLSError
from tlspy.core.messages import EncryptThenMac, ServerHello, find_extension
from tlspy.core.reader import parse_handshake
from tlspy.core.record import parse_records
from tlspy.core.suites import suite_info
from tlspy.engine.handshake_common12 import directions

A = AlertDescription
CS = CipherSuite
CBC_ECDSA = (CS.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CS.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
             CS.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
             CS.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384)
CBC_RSA = (CS.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, CS.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
           CS.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, CS.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384)


@pytest.mark.parametrize(("kind", "suite"), [("p256", s) for s in CBC_ECDSA]
                         + [("rsa", s) for s in CBC_RSA])
def test_cbc_suites_with_encrypt_then_mac(kind: str, suite: CipherSuite) -> None:
    c, s = configs(kind, client={**ONLY12, "cipher_suites": (suite,)},
                   server={"cipher_suites": (*CBC_ECDSA, *CBC_RSA)})
    p = handshake(c, s)
    assert p.client.info is not None and p.client.info.cipher_suite == suite
    sh = parse_handshake(plaintext_messages(p.wire[1][1])[0], version=ProtocolVersion.TLS_1_2)
    assert isinstance(sh, ServerHello)
    assert find_extension(sh.extensions, EncryptThenMac) is not None
    _exchange(p)


def test_cbc_is_off_by_default() -> None:
    c, s = configs("p256", client={**ONLY12, "cipher_suites": CBC_ECDSA})
    r = engine.handle_tls(engine.server(s), engine.client(c, "server.test")[1])
    _failed_with(r, A.HANDSHAKE_FAILURE)


def test_no_encrypt_then_mac_with_aead() -> None:
    c, s = configs("p256", client=ONLY12)
    p = handshake(c, s)
    sh = parse_handshake(plaintext_messages(p.wire[1][1])[0], version=ProtocolVersion.TLS_1_2)
    assert isinstance(sh, ServerHello)
    assert find_extension(sh.extensions, EncryptThenMac) is None


@pytest.mark.parametrize("etm", [False, True])
@pytest.mark.parametrize("suite", [CS.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
                                   CS.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384])
def test_cbc_records(etm: bool, suite: CipherSuite) -> None:
    info = suite_info(suite)
    assert info is not None
    cw, sw = directions(info, bytes(48), bytes(32), bytes(range(32)), etm=etm,
                        seed=b"k" * 32)
    assert cw.protection is not None and sw.protection is not None
    assert cw.protection is not sw.protection
    recs = [cw.protection.encrypt(i, ContentType.APPLICATION_DATA, bytes([i]) * (i * 7))
            for i in range(40)]
    # Fresh explicit IVs per record.
    assert len({r[5:21] for r in recs}) == 40
    # The peer's view of our write direction opens them, in order.
    peer, _ = directions(info, bytes(48), bytes(32), bytes(range(32)), etm=etm,
                         seed=b"z" * 32)
    assert peer.protection is not None
    for i, raw in enumerate(recs):
        (rec,), _ = parse_records(raw, 1 << 15)
        assert peer.protection.decrypt(i, rec) == (ContentType.APPLICATION_DATA,
                                                   bytes([i]) * (i * 7))
    # Any flipped bit, or the wrong sequence number, is bad_record_mac.
    (rec,), _ = parse_records(recs[5], 1 << 15)
    for pos in (0, 16, len(rec.fragment) - 1):
        bad = bytearray(rec.fragment)
        bad[pos] ^= 1
        with pytest.raises(TLSError) as e:
            peer.protection.decrypt(5, rec._replace(fragment=bytes(bad)))
        assert e.value.alert == A.BAD_RECORD_MAC
    with pytest.raises(TLSError) as e:
        peer.protection.decrypt(6, rec)
    assert e.value.alert == A.BAD_RECORD_MAC
    # The other direction's keys do not open it.
    with pytest.raises(TLSError):
        sw.protection.decrypt(5, rec)
