"""Fuzz target: the record layer reader.  ``parse_records`` (both size
limits), handshake reassembly (``HandshakeBuffer``), the TLS 1.3 inner
plaintext, and opening the records under fixed keys with every kind of
record protection (TLS 1.3 AEAD, TLS 1.2 GCM, CBC MAC-then-encrypt and
encrypt-then-MAC): only ``TLSError`` may escape, and what a protection
seals it opens again."""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports(include=["tlspy"]):
    from nocrypto.cipher import AESGCM, ChaCha20Poly1305
    from tests.fuzz.common import MAX_INPUT
    from tlspy.core.enums import ContentType
    from tlspy.core.errors import TLSError
    from tlspy.core.record import (
        MAX_CIPHERTEXT_12,
        MAX_CIPHERTEXT_13,
        HandshakeBuffer,
        Record,
        RecordProtection12,
        RecordProtection13,
        decode_inner_plaintext,
        parse_records,
    )
    from tlspy.core.record_cbc import RecordProtection12CBC

P13 = (RecordProtection13(AESGCM(b"a" * 16), b"i" * 12),
       RecordProtection13(ChaCha20Poly1305(b"c" * 32), b"j" * 12))
P12 = RecordProtection12(AESGCM(b"g" * 32), b"salt")
CBC = (RecordProtection12CBC(b"k" * 16, "sha1", b"m" * 20, encrypt_then_mac=False),
       RecordProtection12CBC(b"k" * 32, "sha384", b"m" * 48, encrypt_then_mac=False),
       RecordProtection12CBC(b"k" * 16, "sha256", b"m" * 32, encrypt_then_mac=True))
V12 = 0x0303


def _open(rec: Record, seq: int) -> None:
    for p in P13:
        with contextlib.suppress(TLSError):
            p.decrypt(seq, rec)
    for q in (P12, *CBC):
        with contextlib.suppress(TLSError):
            q.decrypt(seq, rec)


def _round_trip(seq: int, ctype: int, content: bytes) -> None:
    for p in P13:
        raw = p.encrypt(seq, ctype, content, padding=seq & 7)
        (rec,), rest = parse_records(raw, MAX_CIPHERTEXT_13)
        assert not rest and p.decrypt(seq, rec) == (ctype, content)
    raw = P12.encrypt(seq, ctype, V12, content)
    (rec,), _ = parse_records(raw, MAX_CIPHERTEXT_12)
    assert P12.decrypt(seq, rec) == content
    for q in CBC:
        raw = q.encrypt(seq, ctype, V12, content, bytes(16))
        (rec,), _ = parse_records(raw, MAX_CIPHERTEXT_12)
        assert q.decrypt(seq, rec) == content


def TestOneInput(data: bytes) -> None:
    if not data or len(data) > MAX_INPUT:
        return
    mode, body = data[0], data[1:]
    seq = mode >> 2
    limit = MAX_CIPHERTEXT_13 if mode & 1 else MAX_CIPHERTEXT_12
    try:
        records, rest = parse_records(body, limit)
    except TLSError:
        records, rest = (), b""
    assert len(rest) < 5 + limit
    buf = HandshakeBuffer()
    for rec in records:
        if rec.content_type == ContentType.HANDSHAKE:
            try:
                buf, _messages = buf.feed(rec.fragment)
            except TLSError:
                buf = HandshakeBuffer()
        _open(rec, seq)
    with contextlib.suppress(TLSError):
        decode_inner_plaintext(body)
    if mode & 2:
        _round_trip(seq, ContentType.APPLICATION_DATA, body[: 1 << 14])


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
