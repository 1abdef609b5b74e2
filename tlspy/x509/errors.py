"""The tlspy.x509 exception hierarchy."""

from __future__ import annotations

from tlspy.asn1 import ParseError


class X509Error(Exception):
    """Base class of every error tlspy.x509 raises on purpose."""


class CertificateParseError(X509Error, ValueError):
    """Input is not a well-formed certificate, key or PEM document.

    When the cause is a DER error, ``der_error`` holds the tlspy.asn1.ParseError
    (with its byte offset and grammar path).
    """

    def __init__(self, message: str, der_error: ParseError | None = None) -> None:
        super().__init__(message)
        self.der_error = der_error


class ValidationError(X509Error):
    """Path validation failed.

    ``reason`` is a short stable code (e.g. "expired", "name-mismatch",
    "no-path"); ``index`` the position in the chain (0 = leaf) of the
    certificate at fault, or None when no single certificate is to blame.
    """

    def __init__(self, reason: str, message: str, index: int | None = None) -> None:
        super().__init__(f"{reason}: {message}" + ("" if index is None else f" (certificate {index})"))
        self.reason = reason
        self.index = index
        self.message = message
