"""tlspy: a clean-slate TLS stack for Python.

The ssl-compatible shell::

    import tlspy
    ctx = tlspy.create_default_context()          # like ssl.create_default_context()
    with socket.create_connection((host, 443)) as raw:
        with ctx.wrap_socket(raw, server_hostname=host) as tls:
            tls.sendall(b"...")

``tlspy.SSLContext`` mirrors ``ssl.SSLContext`` (plus ``set_ciphersuites``
for TLS 1.3 suite names); its constants are ssl's own, its exceptions
subclass ssl's.  The names below load on first use, so ``import tlspy``
stays cheap.  See README.md for what works today.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_CONTEXT_NAMES = (
    "SSLContext", "create_default_context", "PROTOCOL_TLS", "PROTOCOL_TLS_CLIENT",
    "PROTOCOL_TLS_SERVER", "CERT_NONE", "CERT_OPTIONAL", "CERT_REQUIRED", "VerifyMode",
    "TLSVersion", "Options", "OP_NO_TICKET", "OP_NO_TLSv1_2", "OP_NO_TLSv1_3",
    "OP_NO_COMPRESSION", "Purpose", "HAS_SNI", "HAS_ALPN", "HAS_TLSv1_2", "HAS_TLSv1_3",
)
_ERROR_NAMES = (
    "SSLError", "SSLCertVerificationError", "SSLEOFError", "SSLWantReadError",
    "SSLWantWriteError", "SSLZeroReturnError",
)
_LAZY = {**dict.fromkeys(_CONTEXT_NAMES, "tlspy.context"),
         **dict.fromkeys(_ERROR_NAMES, "tlspy.errors"),
         "TLSSocket": "tlspy.sslsocket", "TLSObject": "tlspy.sslobject"}

if TYPE_CHECKING:
    from tlspy.context import (
        CERT_NONE,
        CERT_OPTIONAL,
        CERT_REQUIRED,
        HAS_ALPN,
        HAS_SNI,
        OP_NO_COMPRESSION,
        OP_NO_TICKET,
        PROTOCOL_TLS,
        PROTOCOL_TLS_CLIENT,
        PROTOCOL_TLS_SERVER,
        HAS_TLSv1_2,
        HAS_TLSv1_3,
        OP_NO_TLSv1_2,
        OP_NO_TLSv1_3,
        Options,
        Purpose,
        SSLContext,
        TLSVersion,
        VerifyMode,
        create_default_context,
    )
    from tlspy.errors import (
        SSLCertVerificationError,
        SSLEOFError,
        SSLError,
        SSLWantReadError,
        SSLWantWriteError,
        SSLZeroReturnError,
    )
    from tlspy.sslobject import TLSObject
    from tlspy.sslsocket import TLSSocket


# ssl's own constants under the same names (ALERT_DESCRIPTION_*, OP_*,
# VERIFY_*, HAS_*, AlertDescription ...): tlspy.context takes them over.
_SSL_PREFIXES = ("ALERT_DESCRIPTION_", "OP_", "VERIFY_", "HAS_")
_SSL_NAMES = ("AlertDescription", "VerifyFlags", "SSLErrorNumber")


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None and (name.startswith(_SSL_PREFIXES) or name in _SSL_NAMES):
        module = "tlspy.context"
        if not hasattr(importlib.import_module(module), name):
            module = None
    if module is None:
        raise AttributeError(f"module 'tlspy' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "CERT_NONE",
    "CERT_OPTIONAL",
    "CERT_REQUIRED",
    "HAS_ALPN",
    "HAS_SNI",
    "OP_NO_COMPRESSION",
    "OP_NO_TICKET",
    "PROTOCOL_TLS",
    "PROTOCOL_TLS_CLIENT",
    "PROTOCOL_TLS_SERVER",
    "HAS_TLSv1_2",
    "HAS_TLSv1_3",
    "OP_NO_TLSv1_2",
    "OP_NO_TLSv1_3",
    "Options",
    "Purpose",
    "SSLCertVerificationError",
    "SSLContext",
    "SSLEOFError",
    "SSLError",
    "SSLWantReadError",
    "SSLWantWriteError",
    "SSLZeroReturnError",
    "TLSObject",
    "TLSSocket",
    "TLSVersion",
    "VerifyMode",
    "create_default_context",
]
