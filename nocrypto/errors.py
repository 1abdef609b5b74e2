"""The nocrypto exception hierarchy.

Wrong sizes and malformed arguments raise ValueError (or a subclass) that
names what was expected; cryptographic failures raise NocryptoError
subclasses and never carry secret data.
"""


class NocryptoError(Exception):
    """Base class of every error nocrypto raises on purpose."""


class AuthenticationError(NocryptoError):
    """A tag or MAC did not verify; no plaintext is released."""
