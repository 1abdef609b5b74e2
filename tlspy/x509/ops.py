"""Signature checks behind a small pluggable interface (like the ``ops`` of
pyca/cryptography's verification crate): path validation never names a
primitive implementation, so tests can swap in another one."""

from __future__ import annotations

import importlib
from typing import Any, Protocol

from tlspy.x509.keys import PublicKey, SignatureAlgorithm


class Ops(Protocol):
    def verify_signature(self, key: PublicKey, alg: SignatureAlgorithm, message: bytes,
                         signature: bytes) -> bool:
        """True if signature over message verifies under key with alg."""
        ...


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


class DefaultOps:
    """Signature checks with nocrypto (RSA PKCS#1 v1.5 and PSS, ECDSA P-256/P-384/P-521,
    Ed25519).  A primitive nocrypto does not provide verifies as False."""

    def verify_signature(self, key: PublicKey, alg: SignatureAlgorithm, message: bytes,
                         signature: bytes) -> bool:
        try:
            return bool(self._verify(key, alg, message, signature))
        except (ValueError, TypeError, AttributeError):
            return False

    def _verify(self, key: PublicKey, alg: SignatureAlgorithm, message: bytes,
                signature: bytes) -> Any:
        if alg.kind == "ed25519":
            ed = _module("nocrypto.ed25519")
            return ed is not None and ed.verify(key.key, message, signature)
        hashing = _module("nocrypto.hash")
        if hashing is None or alg.hash is None:
            return False
        digest = hashing.digest(alg.hash, message)
        if alg.kind == "rsa-pkcs1":
            rsa = _module("nocrypto.rsa")
            return rsa is not None and rsa.verify_pkcs1v15_digest(
                key.n, key.e, alg.hash, digest, signature)
        if alg.kind == "rsa-pss":
            rsa = _module("nocrypto.rsa")
            pss = alg.pss
            return rsa is not None and pss is not None and rsa.verify_pss_digest(
                key.n, key.e, alg.hash, digest, signature, pss.mgf_hash, pss.salt_length)
        if alg.kind == "ecdsa":
            ec = _module("nocrypto.ec")
            return ec is not None and ec.ecdsa_verify_digest(key.curve, key.key, digest, signature)
        return False
