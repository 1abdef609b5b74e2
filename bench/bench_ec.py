"""Elliptic curves: ops/s of nocrypto beside OpenSSL (pyca/cryptography).

X25519 exchange and public key, Ed25519 sign/verify, P-256 ECDSA sign/verify and ECDH,
P-384 ECDSA sign/verify and ECDH.  Both sides use pre-expanded key objects
and hash the same 64-byte message.
"""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec as oec
from cryptography.hazmat.primitives.asymmetric import ed25519 as oed
from cryptography.hazmat.primitives.asymmetric import utils
from cryptography.hazmat.primitives.asymmetric import x25519 as ox

from bench.common import Table, alternate, ratio
from nocrypto import ec, ed25519

MSG = bytes(range(64))


def _x25519() -> list[tuple[str, Callable[[], object], Callable[[], object]]]:
    a, b = bytes([1]) * 32, bytes([2]) * 32
    pub_b = ec.x25519_base(b)
    oa = ox.X25519PrivateKey.from_private_bytes(a)
    opub = ox.X25519PublicKey.from_public_bytes(pub_b)
    return [
        ("X25519 exchange", lambda: ec.x25519(a, pub_b), lambda: oa.exchange(opub)),
        # OpenSSL derives the public key when the private key is loaded
        ("X25519 public key", lambda: ec.x25519_base(a),
         lambda: ox.X25519PrivateKey.from_private_bytes(a).public_key()),
    ]


def _ed25519() -> list[tuple[str, Callable[[], object], Callable[[], object]]]:
    seed = bytes([3]) * 32
    key = ed25519.Ed25519PrivateKey.from_seed(seed)
    okey = oed.Ed25519PrivateKey.from_private_bytes(seed)
    pub, opub = key.public_key(), okey.public_key()
    sig = key.sign(MSG)
    return [
        ("Ed25519 sign", lambda: key.sign(MSG), lambda: okey.sign(MSG)),
        ("Ed25519 verify", lambda: ed25519.verify(pub, MSG, sig), lambda: opub.verify(sig, MSG)),
    ]


def _nist(curve: ec.Curve, ocurve: oec.EllipticCurve, hash_name: str,
          ohash: hashes.HashAlgorithm) -> list[tuple[str, Callable[[], object], Callable[[], object]]]:
    d = 0x1234567890ABCDEF1234567890ABCDEF
    key = ec.ECPrivateKey.from_bytes(curve, d.to_bytes(curve.size, "big"))
    okey = oec.derive_private_key(d, ocurve)
    peer = ec.ECPrivateKey.from_bytes(curve, (d + 7).to_bytes(curve.size, "big")).public_key()
    opeer = oec.derive_private_key(d + 7, ocurve).public_key()
    pub, opub = key.public_key(), okey.public_key()
    sig = key.sign(MSG, hash_name)
    osig = utils.encode_dss_signature(*ec.decode_rs(curve, sig))
    label = "P-256" if curve is ec.P256 else "P-384"
    algo = oec.ECDSA(ohash)
    return [
        (f"{label} ECDSA sign", lambda: key.sign(MSG, hash_name), lambda: okey.sign(MSG, algo)),
        (f"{label} ECDSA verify", lambda: pub.verify(sig, MSG, hash_name),
         lambda: opub.verify(osig, MSG, algo)),
        (f"{label} ECDH", lambda: key.exchange(peer), lambda: okey.exchange(oec.ECDH(), opeer)),
    ]


def run() -> None:
    table = Table("elliptic curves (ops/s)", ["operation", "nocrypto", "OpenSSL", "ratio"])
    rows = [*_x25519(), *_ed25519(),
            *_nist(ec.P256, oec.SECP256R1(), "sha256", hashes.SHA256()),
            *_nist(ec.P384, oec.SECP384R1(), "sha384", hashes.SHA384())]
    for name, ours, ref in rows:
        rates = alternate({"ours": ours, "ref": ref}, rounds=3, min_time=0.15)
        table.row(name, rates["ours"], rates["ref"], ratio(rates["ours"], rates["ref"]))
