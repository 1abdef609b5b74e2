"""RSA and finite-field DH: nocrypto beside OpenSSL (pyca/cryptography).

Operations per second, measured alternately in the same run; ratio is
nocrypto / OpenSSL."""

from __future__ import annotations

import os
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


def run() -> None:
    rng = _rng()
    msg = b"benchmark message" * 4
    table = Table("RSA / DH (ops/s, best of 5 alternating rounds)",
                  ["operation", "nocrypto", "OpenSSL", "ratio"])
    for bits in (2048, 3072):
        okey, key = _keys(bits)
        res = alternate({
            "ours": lambda key=key: key.sign_pkcs1v15("sha256", msg, rng=rng),
            "ossl": lambda okey=okey: okey.sign(msg, padding.PKCS1v15(), hashes.SHA256()),
        })
        table.row(f"RSA-{bits} sign (PKCS#1 v1.5)", res["ours"], res["ossl"],
                  ratio(res["ours"], res["ossl"]))
        if bits == 2048:
            sig = key.sign_pkcs1v15("sha256", msg, rng=rng)
            pub, opub = key.public_key(), okey.public_key()
            res = alternate({
                "ours": lambda: pub.verify_pkcs1v15("sha256", msg, sig),
                "ossl": lambda: opub.verify(sig, msg, padding.PKCS1v15(), hashes.SHA256()),
            })
            table.row("RSA-2048 verify (PKCS#1 v1.5)", res["ours"], res["ossl"],
                      ratio(res["ours"], res["ossl"]))
            pss = padding.PSS(padding.MGF1(hashes.SHA256()), 32)
            res = alternate({
                "ours": lambda: key.sign_pss("sha256", msg, rng=rng),
                "ossl": lambda: okey.sign(msg, pss, hashes.SHA256()),
            })
            table.row("RSA-2048 sign (PSS)", res["ours"], res["ossl"],
                      ratio(res["ours"], res["ossl"]))
            ct = opub.encrypt(bytes(48), padding.PKCS1v15())
            res = alternate({
                "ours": lambda: key.tls_premaster_decrypt(ct, 0, rng=rng),
                "ossl": lambda: okey.decrypt(ct, padding.PKCS1v15()),
            })
            table.row("RSA-2048 premaster decrypt", res["ours"], res["ossl"],
                      ratio(res["ours"], res["ossl"]))

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

    res = alternate({"ours": ours_kx, "ossl": ossl_kx})
    table.row("ffdhe2048 keygen + exchange", res["ours"], res["ossl"],
              ratio(res["ours"], res["ossl"]))
