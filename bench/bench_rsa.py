"""RSA and finite-field DH: nocrypto beside OpenSSL (pyca/cryptography).

Operations per second, measured alternately in the same run; ratio is
nocrypto / OpenSSL."""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa as crsa

from bench.common import Table, alternate, ratio
from nocrypto import dh, rsa

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from cryptography.hazmat.primitives.asymmetric import dh as cdh


def _rng() -> Callable[[int], bytes]:
    try:
        from nocrypto.rng import random_bytes  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # before nocrypto.rng lands
        return os.urandom
    fn: Callable[[int], bytes] = random_bytes
    return fn


def _keys(bits: int) -> tuple[crsa.RSAPrivateKey, rsa.RSAPrivateKey]:
    okey = crsa.generate_private_key(65537, bits)
    pn = okey.private_numbers()
    key = rsa.RSAPrivateKey.from_numbers(pn.public_numbers.n, pn.public_numbers.e, pn.d, pn.p,
                                         pn.q, pn.dmp1, pn.dmq1, pn.iqmp)
    return okey, key


def _row(table: Table, label: str, ours: Callable[[], object],
         ossl: Callable[[], object]) -> None:
    res = alternate({"ours": ours, "ossl": ossl})
    table.row(label, res["ours"], res["ossl"], ratio(res["ours"], res["ossl"]))


def _rsa_rows(table: Table, rng: Callable[[int], bytes]) -> None:
    msg = b"benchmark message" * 4
    sha256 = hashes.SHA256()
    okey, key = _keys(2048)
    pub, opub = key.public_key(), okey.public_key()
    _row(table, "RSA-2048 sign (PKCS#1 v1.5)",
         lambda: key.sign_pkcs1v15("sha256", msg, rng=rng),
         lambda: okey.sign(msg, padding.PKCS1v15(), sha256))
    sig = key.sign_pkcs1v15("sha256", msg, rng=rng)
    _row(table, "RSA-2048 verify (PKCS#1 v1.5)",
         lambda: pub.verify_pkcs1v15("sha256", msg, sig),
         lambda: opub.verify(sig, msg, padding.PKCS1v15(), sha256))
    pss = padding.PSS(padding.MGF1(sha256), 32)
    _row(table, "RSA-2048 sign (PSS)",
         lambda: key.sign_pss("sha256", msg, rng=rng),
         lambda: okey.sign(msg, pss, sha256))
    ct = opub.encrypt(bytes(48), padding.PKCS1v15())
    _row(table, "RSA-2048 premaster decrypt",
         lambda: key.tls_premaster_decrypt(ct, 0, rng=rng),
         lambda: okey.decrypt(ct, padding.PKCS1v15()))
    okey3, key3 = _keys(3072)
    _row(table, "RSA-3072 sign (PKCS#1 v1.5)",
         lambda: key3.sign_pkcs1v15("sha256", msg, rng=rng),
         lambda: okey3.sign(msg, padding.PKCS1v15(), sha256))


def _keygen_row(table: Table, rng: Callable[[int], bytes], bits: int = 2048,
                keys: int = 12) -> None:
    """Key generation takes a random time per key, so a best-of rate would
    flatter whoever drew lucky primes: this is the mean over `keys` keys
    each, generated alternately."""
    spent = {"ours": 0.0, "ossl": 0.0}
    for _ in range(keys):
        start = time.perf_counter()
        rsa.generate(bits, rng=rng)
        mid = time.perf_counter()
        crsa.generate_private_key(65537, bits)
        spent["ours"] += mid - start
        spent["ossl"] += time.perf_counter() - mid
    ours, ossl = keys / spent["ours"], keys / spent["ossl"]
    table.row(f"RSA-{bits} keygen (mean of {keys})", ours, ossl, ratio(ours, ossl))


def _dh_rows(table: Table, rng: Callable[[int], bytes]) -> None:
    grp = dh.FFDHE2048
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oparams = cdh.DHParameterNumbers(grp.p, 2).parameters()
        opeer = oparams.generate_private_key().public_key()
    peer = grp.generate_private(rng).public_value()

    def ours_kx() -> bytes:
        return grp.generate_private(rng).exchange(peer)

    def ossl_kx() -> bytes:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            k = oparams.generate_private_key()
            k.public_key()
            return k.exchange(opeer)

    _row(table, "ffdhe2048 keygen + exchange", ours_kx, ossl_kx)


def run() -> None:
    rng = _rng()
    table = Table("RSA / DH (ops/s, best of 5 alternating rounds)",
                  ["operation", "nocrypto", "OpenSSL", "ratio"])
    _rsa_rows(table, rng)
    _keygen_row(table, rng)
    _dh_rows(table, rng)
