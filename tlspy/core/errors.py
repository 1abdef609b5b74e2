"""The tlspy.core exception hierarchy.

Every error carries the alert the RFCs name for it (``.alert``), so the engine
can turn any failure into the fatal alert to send.  Decoding errors also name
the structure and field that was wrong.
"""

from __future__ import annotations

from tlspy.core.enums import AlertDescription


class TLSError(Exception):
    """Base of every error tlspy.core raises on purpose."""

    alert: AlertDescription

    def __init__(self, message: str, alert: AlertDescription) -> None:
        super().__init__(message)
        self.alert = alert


class TLSDecodeError(TLSError):
    """Bytes off the wire do not form the structure they must.

    ``field`` names the structure and field (``"ClientHello.cipher_suites"``);
    ``alert`` is ``decode_error`` for malformed encodings and e.g.
    ``illegal_parameter`` or ``unexpected_message`` where the RFCs say so.
    """

    field: str

    def __init__(
        self,
        field: str,
        message: str,
        alert: AlertDescription = AlertDescription.DECODE_ERROR,
    ) -> None:
        super().__init__(f"{field}: {message}", alert)
        self.field = field


class TLSRecordError(TLSError):
    """A record that cannot be accepted: overflow, failed authentication,
    bad padding or content type (alert ``record_overflow``,
    ``bad_record_mac``, ``unexpected_message`` ...)."""


__all__ = ["TLSDecodeError", "TLSError", "TLSRecordError"]
