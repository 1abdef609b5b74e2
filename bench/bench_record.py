"""Record protection overhead: tlspy.core.record sealing and opening whole
records (header, inner content type, nonce, parse) beside the bare nocrypto
AEAD call on the same payload, and OpenSSL's AEAD through pyca/cryptography
for scale.  The ratio column is record layer / bare AEAD."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM as OsslGCM
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305 as OsslChaCha

from bench.common import Table, alternate, mbps, ratio
from tlspy.core.enums import ContentType
from tlspy.core.protect import new_aead
from tlspy.core.record import RecordProtection12, RecordProtection13, parse_records
from tlspy.core.suites import BulkCipher

SIZES = [16384, 1024]
APP = ContentType.APPLICATION_DATA


def _cases() -> list[
    tuple[str, int, Callable[[], object], Callable[[], object], Callable[[], object]]
]:
    out = []
    nonce, iv = bytes(range(12)), bytes(range(12))
    header = bytes(5)
    for cipher, key, ossl in (
        (BulkCipher.AES_128_GCM, bytes(16), OsslGCM(bytes(16))),
        (BulkCipher.CHACHA20_POLY1305, bytes(32), OsslChaCha(bytes(32))),
    ):
        aead = new_aead(cipher, key)
        p13 = RecordProtection13(aead, iv)
        p12 = RecordProtection12(aead, iv[:4] if cipher is not BulkCipher.CHACHA20_POLY1305 else iv)
        for size in SIZES:
            data = bytes(size)
            sealed = bytes(aead.encrypt(nonce, data, header))  # type: ignore[attr-defined]
            wire13 = p13.encrypt(7, APP, data)
            wire12 = p12.encrypt(7, APP, 0x0303, data)
            name = cipher.value
            out.append(
                (
                    f"TLS 1.3 {name} seal",
                    size,
                    lambda p=p13, d=data: p.encrypt(7, APP, d),
                    lambda a=aead, d=data: a.encrypt(nonce, d, header),  # type: ignore[attr-defined]
                    lambda o=ossl, d=data: o.encrypt(nonce, d, header),
                )
            )
            out.append(
                (
                    f"TLS 1.3 {name} parse+open",
                    size,
                    lambda p=p13, w=wire13: p.decrypt(7, parse_records(w)[0][0]),
                    lambda a=aead, s=sealed: a.decrypt(nonce, s, header),  # type: ignore[attr-defined]
                    lambda o=ossl, s=sealed: o.decrypt(nonce, s, header),
                )
            )
            out.append(
                (
                    f"TLS 1.2 {name} parse+open",
                    size,
                    lambda p=p12, w=wire12: p.decrypt(7, parse_records(w)[0][0]),
                    lambda a=aead, s=sealed: a.decrypt(nonce, s, header),  # type: ignore[attr-defined]
                    lambda o=ossl, s=sealed: o.decrypt(nonce, s, header),
                )
            )
    return out


def run() -> None:
    table = Table(
        "Record protection (tlspy.core.record) vs the bare AEAD call",
        ["operation", "bytes", "record MB/s", "AEAD MB/s", "OpenSSL MB/s", "rec/AEAD"],
    )
    for name, size, rec, bare, ossl in _cases():
        rates = alternate({"rec": rec, "bare": bare, "ossl": ossl}, rounds=3, min_time=0.1)
        r, b, o = (mbps(rates[k], size) for k in ("rec", "bare", "ossl"))
        table.row(name, size, r, b, o, ratio(r, b))
