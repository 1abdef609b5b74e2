"""Fuzz target: every handshake message reader (``tlspy.core.reader``).
The first byte picks the context (TLS 1.2 or 1.3; TLS 1.2 key exchange:
none yet, ECDHE, DHE, RSA) and what else to read (an extension block of
each context, an alert, a change_cipher_spec); the rest is the framed
message.  Only ``TLSError`` may escape, and a message that parses is
written back by ``tlspy.core.writer`` to bytes that parse to the same
value."""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports(include=["tlspy"]):
    from tests.fuzz.common import MAX_INPUT
    from tlspy.core.errors import TLSError
    from tlspy.core.messages import ExtensionContext, KeyExchange
    from tlspy.core.reader import (
        Reader,
        check_tls13_extensions,
        parse_alert,
        parse_change_cipher_spec,
        parse_extensions,
        parse_handshake,
    )
    from tlspy.core.writer import assemble_extensions, assemble_handshake

VERSIONS = (0x0303, 0x0304)
KEX = (None, *KeyExchange)
CONTEXTS = tuple(ExtensionContext)


def _message(data: bytes, version: int, kex: KeyExchange | None) -> None:
    try:
        msg = parse_handshake(data, version=version, kex=kex)
    except TLSError:
        return
    again = assemble_handshake(msg)
    assert parse_handshake(again, version=version, kex=kex) == msg, (msg, again.hex())


def _extensions(data: bytes, ctx: ExtensionContext) -> None:
    try:
        r = Reader(data, "extensions")
        exts = parse_extensions(r, ctx)
        r.done()
    except TLSError:
        return
    with contextlib.suppress(TLSError):
        check_tls13_extensions(exts, ctx)
    assert parse_extensions(Reader(assemble_extensions(exts), "again"), ctx) == exts


def TestOneInput(data: bytes) -> None:
    if not data or len(data) > MAX_INPUT:
        return
    mode, body = data[0], data[1:]
    version = VERSIONS[mode & 1]
    kex = KEX[(mode >> 1) % len(KEX)]
    _message(body, version, kex)
    what = mode >> 4
    if what < len(CONTEXTS):
        _extensions(body, CONTEXTS[what])
    elif what == 14:
        with contextlib.suppress(TLSError):
            parse_alert(body)
    elif what == 15:
        with contextlib.suppress(TLSError):
            parse_change_cipher_spec(body)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
