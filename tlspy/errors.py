"""The shell's exceptions: each subclasses the stdlib ssl exception of the
same name, so code written for ``ssl`` catches them unchanged.

``args`` follow ssl's shape ``(code, message)`` where ``code`` is OpenSSL's
SSL_ERROR_* number; ``library`` and ``reason`` are set as ssl sets them.
"""

from __future__ import annotations

import ssl as _ssl
from collections.abc import Sequence

from tlspy.core.enums import AlertDescription
from tlspy.engine.events import Alert

# OpenSSL's SSL_ERROR_* codes, which ssl puts in args[0].
_SSL_ERROR_SSL = 1
_SSL_ERROR_WANT_READ = 2
_SSL_ERROR_WANT_WRITE = 3
_SSL_ERROR_ZERO_RETURN = 6
_SSL_ERROR_EOF = 8


class SSLError(_ssl.SSLError):
    """A TLS failure (the base of every tlspy shell error)."""

    code = _SSL_ERROR_SSL

    def __init__(self, message: str, reason: str = "SSL") -> None:
        super().__init__(self.code, message)
        self.library = "SSL"
        self.reason = reason


class SSLZeroReturnError(SSLError, _ssl.SSLZeroReturnError):
    """The peer closed the TLS connection cleanly (close_notify)."""

    code = _SSL_ERROR_ZERO_RETURN

    def __init__(self, message: str, reason: str = "ZERO_RETURN") -> None:
        super().__init__(message, reason)


class SSLWantReadError(SSLError, _ssl.SSLWantReadError):
    """A non-blocking operation needs more bytes from the peer."""

    code = _SSL_ERROR_WANT_READ


class SSLWantWriteError(SSLError, _ssl.SSLWantWriteError):
    """A non-blocking operation needs the socket to become writable."""

    code = _SSL_ERROR_WANT_WRITE


class SSLEOFError(SSLError, _ssl.SSLEOFError):
    """The transport ended without close_notify (truncation)."""

    code = _SSL_ERROR_EOF

    def __init__(self, message: str, reason: str = "UNEXPECTED_EOF_WHILE_READING") -> None:
        super().__init__(message, reason)


class SSLCertVerificationError(SSLError, _ssl.SSLCertVerificationError):
    """The peer's certificate chain did not validate.  ``verify_message``
    says why (tlspy.x509's reason and message), ``verify_code`` is the
    closest OpenSSL X509_V_ERR number."""

    def __init__(self, message: str, verify_code: int, verify_message: str) -> None:
        super().__init__(message, "CERTIFICATE_VERIFY_FAILED")
        self.verify_code = verify_code
        self.verify_message = verify_message


# tlspy.x509 ValidationError.reason -> OpenSSL X509_V_ERR_* (what ssl reports).
_VERIFY_CODES = {
    "expired": 10,
    "not-yet-valid": 9,
    "no-path": 20,
    "untrusted": 20,
    "self-signed": 18,
    "name-mismatch": 62,
    "bad-signature": 7,
}


def _alert_name(description: int) -> str:
    try:
        return AlertDescription(description).name
    except ValueError:
        return f"alert {description}"


def from_alert(description: int, sent: bool, reason: str) -> SSLError:
    """The exception for a fatal alert: one this side sent (``reason`` says
    what was wrong with the peer's input) or one the peer sent."""
    name = _alert_name(description)
    if sent and reason.startswith(("server certificate:", "client certificate:")):
        detail = reason.split(":", 1)[1].strip()
        code = _VERIFY_CODES.get(detail.split(":", 1)[0].strip(), 1)
        return SSLCertVerificationError(
            f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {reason}",
            code, reason)
    if sent:
        return SSLError(f"[SSL: {name}] the peer's input was refused ({reason}); "
                        f"tlspy sent the fatal alert {name.lower()}", name)
    return SSLError(f"[SSL: TLSV1_ALERT_{name}] the peer sent the fatal alert "
                    f"{name.lower()}", f"TLSV1_ALERT_{name}")


def from_failure(events: Sequence[object]) -> SSLError:
    """The exception for an engine result that failed: from its last fatal
    alert (sent or received), or a generic one when none is reported."""
    alerts = [e for e in events if isinstance(e, Alert) and e.description != 0]
    if alerts:
        a = alerts[-1]
        return from_alert(a.description, a.sent, a.reason)
    return SSLError("[SSL] the TLS connection has failed", "FAILED")


def closed_in_handshake(server_side: bool, hello_seen: bool) -> SSLError:
    """The error for a close_notify from the peer before the handshake
    finished, as OpenSSL reports it: on a server that has not seen the
    ClientHello yet an unexpected message, otherwise a clean close."""
    if server_side and not hello_seen:
        return SSLError("[SSL: UNEXPECTED_MESSAGE] the client sent close_notify before "
                        "its ClientHello", "UNEXPECTED_MESSAGE")
    return SSLZeroReturnError("TLS/SSL connection has been closed (EOF): the peer sent "
                              "close_notify during the handshake")


__all__ = [
    "SSLCertVerificationError",
    "SSLEOFError",
    "SSLError",
    "SSLWantReadError",
    "SSLWantWriteError",
    "SSLZeroReturnError",
    "closed_in_handshake",
    "from_alert",
]
