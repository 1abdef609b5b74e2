"""RFC 8446 4.4.2.1: a TLS 1.3 server asks for the client's OCSP response
with an empty status_request extension in its CertificateRequest (GnuTLS
does so whenever it asks for a client certificate).  Found by the interop
matrix: the empty body was refused with decode_error."""

from __future__ import annotations

from tlspy.core import messages as m
from tlspy.core.enums import ExtensionType, HandshakeType, ProtocolVersion
from tlspy.core.reader import parse_handshake
from tlspy.core.writer import assemble_handshake


def _certificate_request(*extensions: tuple[int, bytes]) -> bytes:
    exts = b"".join(t.to_bytes(2, "big") + len(d).to_bytes(2, "big") + d for t, d in extensions)
    body = b"\x00" + len(exts).to_bytes(2, "big") + exts
    return bytes([HandshakeType.CERTIFICATE_REQUEST]) + len(body).to_bytes(3, "big") + body


def test_empty_status_request_in_certificate_request() -> None:
    sigalgs = (ExtensionType.SIGNATURE_ALGORITHMS, b"\x00\x02\x08\x04")
    raw = _certificate_request(sigalgs, (ExtensionType.STATUS_REQUEST, b""))
    cr = parse_handshake(raw, version=ProtocolVersion.TLS_1_3)
    assert isinstance(cr, m.CertificateRequest13)
    assert [e.extension_type for e in cr.extensions] == [ExtensionType.SIGNATURE_ALGORITHMS,
                                                         ExtensionType.STATUS_REQUEST]
    assert m.find_extension(cr.extensions, m.StatusRequestAck) == m.StatusRequestAck()
    assert assemble_handshake(cr) == raw  # and it writes back the same bytes


def test_full_status_request_in_certificate_request_still_parses() -> None:
    body = b"\x01\x00\x00\x00\x00"  # ocsp, no responder ids, no extensions
    sigalgs = (ExtensionType.SIGNATURE_ALGORITHMS, b"\x00\x02\x08\x04")
    raw = _certificate_request(sigalgs, (ExtensionType.STATUS_REQUEST, body))
    cr = parse_handshake(raw, version=ProtocolVersion.TLS_1_3)
    assert isinstance(cr, m.CertificateRequest13)
    assert m.find_extension(cr.extensions, m.StatusRequest) == m.StatusRequest()
