"""Padding oracle (Vaudenay, POODLE-TLS, Lucky Thirteen's functional side)
against the TLS 1.2 CBC suites, MAC-then-encrypt and encrypt-then-MAC
(RFC 7366): a tlspy server, established with a tlspy client, is sent
hand-made records under the client's real write keys (from the key block,
encrypted with pyca/cryptography as the oracle).  Every bad padding (length
byte too big, a wrong byte at each position), every bad MAC byte and every
short or misaligned record gives bad_record_mac (never decryption_failed),
and the server's answer is byte for byte the same in all cases: same data
delivered before, same alert record, same reason, nothing after."""

from __future__ import annotations

import hmac as std_hmac
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.attacks.common import A, record, tls12_pair
from tlspy import engine
from tlspy.core.enums import CipherSuite, ContentType
from tlspy.core.keyschedule import key_block12
from tlspy.core.suites import suite_info
from tlspy.engine import Result, State
from tlspy.engine.state import Established12

CS = CipherSuite
SUITES = (CS.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, CS.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384)
APP = ContentType.APPLICATION_DATA
IV = bytes(range(16))


@dataclass
class Keys:
    """The client's write keys, for forging its records."""

    enc: bytes
    mac: bytes
    mac_alg: str

    @property
    def mac_len(self) -> int:
        return {"sha1": 20, "sha256": 32, "sha384": 48}[self.mac_alg]

    def hmac(self, seq: int, length: int, data: bytes) -> bytes:
        head = seq.to_bytes(8, "big") + bytes((APP, 3, 3)) + length.to_bytes(2, "big")
        return std_hmac.new(self.mac, head + data, self.mac_alg).digest()

    def cbc(self, plain: bytes, iv: bytes = IV) -> bytes:
        assert len(plain) % 16 == 0
        e = Cipher(algorithms.AES(self.enc), modes.CBC(iv)).encryptor()
        return iv + e.update(plain) + e.finalize()


def _keys(server: State) -> Keys:
    hs = server.hs
    assert isinstance(hs, Established12) and hs.info is not None
    info = suite_info(hs.info.cipher_suite)
    assert info is not None and info.mac is not None
    kb = key_block12(info, hs.master, hs.client_random, hs.server_random)
    return Keys(kb.client_key, kb.client_mac_key, info.mac)


def padding(n: int) -> bytes:
    """A valid CBC padding of n+1 bytes (RFC 5246 6.2.3.2)."""
    return bytes([n]) * (n + 1)


# -- record builders: (keys, seq) -> fragment --------------------------------

Forge = Callable[[Keys, int], bytes]


def mte(content: bytes, pad: bytes | None = None, *, mac_xor: tuple[int, int] = (0, 0),
        mac: bytes | None = None) -> Forge:
    """MAC-then-encrypt: IV || E(content || MAC || pad)."""
    def forge(k: Keys, seq: int) -> bytes:
        m = bytearray(k.hmac(seq, len(content), content) if mac is None else mac)
        if mac_xor[1]:
            m[mac_xor[0]] ^= mac_xor[1]
        p = pad if pad is not None else padding((-(len(content) + len(m) + 1)) % 16)
        return k.cbc(content + bytes(m) + p)
    return forge


def etm(plain: bytes, *, mac_xor: tuple[int, int] = (0, 0), ct_xor: tuple[int, int] = (0, 0)
        ) -> Forge:
    """Encrypt-then-MAC: IV || E(plain) || MAC(IV || E(plain)); ``plain``
    is content and padding, as the attacker chooses them."""
    def forge(k: Keys, seq: int) -> bytes:
        c = bytearray(k.cbc(plain))
        if ct_xor[1]:
            c[ct_xor[0]] ^= ct_xor[1]
        m = bytearray(k.hmac(seq, len(c), bytes(c)))
        if mac_xor[1]:
            m[mac_xor[0]] ^= mac_xor[1]
        return bytes(c) + bytes(m)
    return forge


def raw(fragment: bytes) -> Forge:
    return lambda k, seq: fragment


# -- the attack ----------------------------------------------------------------

@dataclass
class Target:
    server: State
    keys: Keys
    etm: bool

    def send(self, forge: Forge) -> Result:
        """A good record, the forged one, another good record."""
        seq = self.server.read_seq
        good = mte(b"before") if not self.etm else etm(b"before" + padding(9))
        after = mte(b"after") if not self.etm else etm(b"after" + padding(10))
        data = b"".join(record(APP, f(self.keys, seq + i))
                        for i, f in enumerate((good, forge, after)))
        return engine.handle_tls(self.server, data)


@pytest.fixture(scope="module", params=[(s, e) for s in SUITES for e in (False, True)],
                ids=lambda p: f"{p[0].name}-{'etm' if p[1] else 'mte'}")
def target(request: pytest.FixtureRequest) -> Target:
    suite, use_etm = request.param
    _, s = tls12_pair(suite, etm=use_etm)
    assert s.read.protection is not None
    assert s.read.protection._core.encrypt_then_mac is use_etm  # type: ignore[union-attr]
    return Target(s, _keys(s), use_etm)


def _assert_same_failure(t: Target, forges: list[Forge]) -> None:
    assert forges
    first: Result | None = None
    for i, f in enumerate(forges):
        r = t.send(f)
        assert r.state.failed, f"case {i} was accepted"
        assert r.state.hs.alert == A.BAD_RECORD_MAC, (i, r.events)  # type: ignore[union-attr]
        assert r.data == b"before", i
        if first is None:
            first = r
            assert r.out[:1] == bytes([ContentType.ALERT]) and r.out.count(b"\x15\x03\x03") == 1
            continue
        # Byte-identical answer: same alert record, same events and reason.
        assert r.out == first.out, i
        assert r.events == first.events, i


def test_valid_records_with_every_padding_length(target: Target) -> None:
    """The control: every legal padding length 0..255 is accepted."""
    for n in range(256):
        if target.etm:
            content = b"x" * ((-(n + 1)) % 16 + 3 * 16)
            f = etm(content + padding(n))
        else:
            content = b"x" * ((-(n + 1 + target.keys.mac_len)) % 16 + 16)
            f = mte(content, padding(n))
        r = target.send(f)
        assert not r.state.failed, (n, r.events)
        assert r.data == b"before" + content + b"after", n


def test_padding_length_too_big(target: Target) -> None:
    """A padding length byte (and padding bytes) claiming more than the
    record holds, for every value that does."""
    forges: list[Forge] = []
    for total in (16, 32, 64, 96):
        room = total - (0 if target.etm else target.keys.mac_len)
        for n in range(max(room, 0), 256):
            plain = bytes([n]) * total
            if target.etm:
                forges.append(etm(plain))
            else:
                # The MAC position is whatever the bogus length implies: no
                # MAC can be right, as with a real attacker.
                forges.append(raw(target.keys.cbc(plain)))
    _assert_same_failure(target, forges)


def test_wrong_padding_byte_at_each_position(target: Target) -> None:
    forges: list[Forge] = []
    for n in (15, 31, 255):
        for pos in range(n):  # each padding byte but the length byte itself
            pad = bytearray(padding(n))
            pad[pos] ^= 0x01
            if target.etm:
                content = b"y" * ((-(n + 1)) % 16 + 16)
                forges.append(etm(content + bytes(pad)))
            else:
                content = b"y" * ((-(n + 1 + target.keys.mac_len)) % 16)
                forges.append(mte(content, bytes(pad)))
    _assert_same_failure(target, forges)


def test_every_bad_mac_byte(target: Target) -> None:
    forges: list[Forge] = []
    for pos in range(target.keys.mac_len):
        for bit in (0x01, 0x80):
            if target.etm:
                forges.append(etm(b"z" * 11 + padding(4), mac_xor=(pos, bit)))
            else:
                forges.append(mte(b"z" * 11, mac_xor=(pos, bit)))
    # A MAC of another sequence number (a replayed or reordered record),
    # and an all-zero MAC.
    other = mte(b"z" * 11) if not target.etm else etm(b"z" * 11 + padding(4))
    forges.append(lambda k, seq: other(k, seq + 1))
    if not target.etm:
        forges.append(mte(b"z" * 11, mac=bytes(target.keys.mac_len)))
    _assert_same_failure(target, forges)


def test_every_ciphertext_byte_flipped(target: Target) -> None:
    """Any bit of IV or ciphertext changed (the MAC kept as computed over
    the original for MtE, recomputed never): bad_record_mac."""
    content = b"w" * 40
    good = mte(content)(target.keys, target.server.read_seq + 1) if not target.etm else \
        etm(content + padding(7))(target.keys, target.server.read_seq + 1)
    forges: list[Forge] = []
    for pos in range(len(good)):
        bad = bytearray(good)
        bad[pos] ^= 0x04
        forges.append(raw(bytes(bad)))
    _assert_same_failure(target, forges)


def test_short_and_misaligned_records(target: Target) -> None:
    """Shorter than IV + MAC + padding, or not a whole number of blocks."""
    m = target.keys.mac_len
    minimum = 16 + (m + 16 if target.etm else (m + 1 + 15) // 16 * 16)
    lengths = set(range(minimum)) | {n for n in range(minimum, minimum + 80)
                                     if (n - (m if target.etm else 0)) % 16}
    forges: list[Forge] = [raw(bytes((i * 7 + n) & 0xFF for i in range(n)))
                           for n in sorted(lengths)]
    # Authentic MACs over short EtM ciphertexts: padding check, not MAC.
    if target.etm:
        forges += [lambda k, seq, n=n: (c := IV + bytes(n)) + k.hmac(seq, len(c), c)
                   for n in (0, 1, 15, 17)]
    _assert_same_failure(target, forges)


def test_same_answer_across_causes(target: Target) -> None:
    """One bad padding, one bad MAC, one short record: one answer."""
    bad_pad = etm(b"q" * 12 + b"\x03\x03\x02\x03") if target.etm else mte(
        b"q" * ((-(target.keys.mac_len + 4)) % 16), b"\x03\x03\x02\x03")
    bad_mac = etm(b"q" * 11 + padding(4), mac_xor=(0, 1)) if target.etm else mte(
        b"q" * 11, mac_xor=(0, 1))
    _assert_same_failure(target, [bad_pad, bad_mac, raw(IV + bytes(5))])

