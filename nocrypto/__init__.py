"""nocrypto: the constant-time crypto core of tlspy.

Secrets are only ever handled by the C in ``nocrypto/csrc``; this package is
the thin typed layer over it.  Submodules are imported on demand::

    import nocrypto.hash, nocrypto.cipher
"""

from nocrypto.errors import AuthenticationError, NocryptoError

__all__ = ["AuthenticationError", "NocryptoError"]
