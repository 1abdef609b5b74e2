"""A test-only Ops that checks signatures with pyca/cryptography (an oracle),
used while nocrypto's signature primitives are not available."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from tlspy.x509.keys import PublicKey, SignatureAlgorithm

_HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
           "sha384": hashes.SHA384, "sha512": hashes.SHA512, "md5": hashes.MD5}


class PycaOps:
    def __init__(self) -> None:
        self.calls = 0

    def verify_signature(self, key: PublicKey, alg: SignatureAlgorithm, message: bytes,
                         signature: bytes) -> bool:
        self.calls += 1
        try:
            pub = serialization.load_der_public_key(key.der)
        except (ValueError, TypeError):
            return False
        try:
            if alg.kind == "ed25519":
                assert isinstance(pub, ed25519.Ed25519PublicKey)
                pub.verify(signature, message)
                return True
            assert alg.hash is not None
            h = _HASHES[alg.hash]()
            if alg.kind == "ecdsa":
                if not isinstance(pub, ec.EllipticCurvePublicKey):
                    return False
                pub.verify(signature, message, ec.ECDSA(h))
                return True
            if not isinstance(pub, rsa.RSAPublicKey):
                return False
            if alg.kind == "rsa-pkcs1":
                pub.verify(signature, message, padding.PKCS1v15(), h)
                return True
            assert alg.pss is not None
            pss = padding.PSS(padding.MGF1(_HASHES[alg.pss.mgf_hash]()), alg.pss.salt_length)
            pub.verify(signature, message, pss, h)
            return True
        except (InvalidSignature, ValueError):
            return False
