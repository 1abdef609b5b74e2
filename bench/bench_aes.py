"""AES-GCM and AES-CBC throughput through nocrypto.cipher, beside
pyca/cryptography (OpenSSL) measured in the same run, on the hardware path
and then the portable constant-time path."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM as OsslGCM

import nocrypto.cpu
from bench.common import Table, alternate, mbps, ratio
from nocrypto._ffi import lib
from nocrypto.cipher import AES, AESGCM

SIZES = [16384, 1024, 64]


def _cases(portable: bool, gcm_only: bool = False
           ) -> list[tuple[str, int, Callable[[], object], Callable[[], object]]]:
    nonce = bytes(range(12))
    aad = bytes(13)  # a TLS 1.2 record header's worth
    out: list[tuple[str, int, Callable[[], object], Callable[[], object]]] = []
    with nocrypto.cpu.portable(portable):
        for bits in (128, 256):
            key = bytes(range(bits // 8))
            ours, ref = AESGCM(key), OsslGCM(key)
            for size in SIZES:
                data = bytes(size)
                sealed = ref.encrypt(nonce, data, aad)
                out.append((f"AES-{bits}-GCM seal", size,
                            lambda o=ours, d=data: o.encrypt(nonce, d, aad),
                            lambda r=ref, d=data: r.encrypt(nonce, d, aad)))
                out.append((f"AES-{bits}-GCM open", size,
                            lambda o=ours, s=sealed: o.decrypt(nonce, s, aad),
                            lambda r=ref, s=sealed: r.decrypt(nonce, s, aad)))
        if gcm_only:
            return out
        key, iv = bytes(range(16)), bytes(16)
        aes = AES(key)
        for size in SIZES:
            data = bytes(size)
            dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
            out.append(("AES-128-CBC decrypt", size,
                        lambda d=data: aes.cbc_decrypt(iv, d),
                        lambda d=data, c=dec: c.update(d)))
    return out


def _table(title: str, cases: list[tuple[str, int, Callable[[], object], Callable[[], object]]],
           rounds: int) -> None:
    table = Table(title, ["operation", "bytes", "nocrypto MB/s", "OpenSSL MB/s", "ratio"])
    for name, size, ours, ref in cases:
        rates = alternate({"ours": ours, "ref": ref}, rounds=rounds, min_time=0.1)
        a, b = mbps(rates["ours"], size), mbps(rates["ref"], size)
        table.row(name, size, a, b, ratio(a, b))


def run() -> None:
    gcm = AESGCM(bytes(16))
    _table(f"AES through nocrypto.cipher, hardware (GCM loop: {gcm.implementation}), "
           "vs pyca/cryptography (OpenSSL)", _cases(False), rounds=5)
    if gcm.implementation == "vaes":
        lib.nc_gcm_allow_wide(0)
        try:
            _table("AES-GCM on the 128-bit AES-NI + PCLMULQDQ loop (VAES off)",
                   _cases(False, gcm_only=True), rounds=3)
        finally:
            lib.nc_gcm_allow_wide(1)
    _table("AES through nocrypto.cipher, portable constant-time C, vs OpenSSL",
           _cases(True), rounds=3)
