"""Signature checks behind a small pluggable interface (like the ``ops`` of
pyca/cryptography's verification crate): path validation never names a
primitive implementation, so tests can swap in another one."""

from __future__ import annotations

import importlib
from typing import Any, Protocol

import tlspy.asn1 as asn1
from tlspy.x509.keys import PublicKey, SignatureAlgorithm


class UnsupportedAlgorithm(Exception):
    """The ops cannot check this algorithm/key combination at all."""


class Ops(Protocol):
    def verify_signature(self, key: PublicKey, alg: SignatureAlgorithm, message: bytes,
                         signature: bytes) -> bool:
        """True if signature over message verifies under key with alg; raise
        UnsupportedAlgorithm when the combination cannot be checked."""
        ...


# RFC 3279 2.2.3: Ecdsa-Sig-Value
ECDSA_SIG = asn1.sequence(
    asn1.required("r", asn1.INTEGER),
    asn1.required("s", asn1.INTEGER),
    name="Ecdsa-Sig-Value",
)


def ecdsa_der_to_raw(der: bytes, size: int) -> bytes | None:
    """The fixed-length r||s form of a DER ECDSA signature, or None if malformed."""
    try:
        r, s = ECDSA_SIG.parse(der)
    except asn1.ParseError:
        return None
    if not (0 < r < 1 << (8 * size) and 0 < s < 1 << (8 * size)):
        return None
    return bytes(r.to_bytes(size, "big") + s.to_bytes(size, "big"))


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise UnsupportedAlgorithm(f"{name} is not available") from None


_EC_CURVES = {"secp256r1": "P256", "secp384r1": "P384"}


def loaded_key(key: PublicKey) -> Any:
    """An RSA or EC ``key`` loaded into nocrypto (RSAPublicKey,
    ECPublicKey), made once per PublicKey and kept on it: loading a modulus
    sets up its Montgomery constants (tens of microseconds, more than the
    verification), and a client meets the same keys again and again (its
    trust anchors, the chains the engine's parse cache holds).  The loaded
    key is immutable too.  UnsupportedAlgorithm for other keys and curves;
    nocrypto's ValueError for a key it refuses."""
    k = key._loaded
    if k is None:
        if key.kind in ("rsa", "rsa-pss"):
            k = _module("nocrypto.rsa").RSAPublicKey(key.n, key.e)
        elif key.kind == "ec" and key.curve in _EC_CURVES:
            ec = _module("nocrypto.ec")
            k = ec.ECPublicKey.from_bytes(getattr(ec, _EC_CURVES[key.curve]), key.key)
        else:
            raise UnsupportedAlgorithm(f"a {key.kind} key ({key.curve}) in nocrypto")
        object.__setattr__(key, "_loaded", k)
    return k


class DefaultOps:
    """Signature checks with nocrypto: RSA PKCS#1 v1.5 and PSS (nocrypto.rsa),
    ECDSA P-256/P-384 (nocrypto.ec), Ed25519 (nocrypto.ed25519).  A primitive
    nocrypto lacks raises UnsupportedAlgorithm; a malformed key or signature
    verifies as False."""

    def verify_signature(self, key: PublicKey, alg: SignatureAlgorithm, message: bytes,
                         signature: bytes) -> bool:
        try:
            return bool(self._verify(key, alg, message, signature))
        except AttributeError as e:  # nocrypto without the expected entry point
            raise UnsupportedAlgorithm(str(e)) from None
        except (ValueError, TypeError, ArithmeticError):
            return False

    def _verify(self, key: PublicKey, alg: SignatureAlgorithm, message: bytes,
                signature: bytes) -> Any:
        if alg.kind == "ed25519":
            return _module("nocrypto.ed25519").verify(key.key, message, signature)
        if alg.hash is None:
            raise UnsupportedAlgorithm(f"{alg.kind} without a hash")
        if alg.kind in ("rsa-pkcs1", "rsa-pss"):
            if key.kind not in ("rsa", "rsa-pss"):
                return False
            pub = loaded_key(key)
            if alg.kind == "rsa-pkcs1":
                return pub.verify_pkcs1v15(alg.hash, message, signature)
            pss = alg.pss
            return pss is not None and pub.verify_pss(alg.hash, message, signature,
                                                      pss.salt_length, pss.mgf_hash)
        if alg.kind == "ecdsa":
            if key.curve not in _EC_CURVES:
                raise UnsupportedAlgorithm(f"ECDSA on {key.curve}")
            size = getattr(_module("nocrypto.ec"), _EC_CURVES[key.curve]).size
            raw = ecdsa_der_to_raw(signature, size)
            if raw is None:
                return False
            return loaded_key(key).verify(raw, message, alg.hash)
        raise UnsupportedAlgorithm(alg.kind)
