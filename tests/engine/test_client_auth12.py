"""TLS 1.2 client certificates (RFC 5246 7.4.4, 7.4.6, 7.4.8):
CertificateRequest, the client's Certificate + CertificateVerify over the
handshake messages, the empty Certificate, and failures."""

from __future__ import annotations

import pytest

from tests.engine.certs import pki
from tests.engine.helpers import configs, handshake
from tlspy import engine
from tlspy.core.enums import AlertDescription, ProtocolVersion, SignatureScheme

A = AlertDescription
ONLY12 = (ProtocolVersion.TLS_1_2,)


def _client_pki(kind: str):  # type: ignore[no-untyped-def]
    return pki(kind, ("client.test",), "client")


@pytest.mark.parametrize("server_kind", ["p256", "rsa"])
@pytest.mark.parametrize("kind", ["p256", "p384", "rsa"])
@pytest.mark.parametrize("mode", ["optional", "required"])
def test_client_certificate_accepted(kind: str, mode: str, server_kind: str) -> None:
    cp = _client_pki(kind)
    ccfg, scfg = configs(server_kind, client={"certificates": (cp.key,), "versions": ONLY12},
                         server={"client_auth": mode, "trust_anchors": (cp.anchor,)})
    p = handshake(ccfg, scfg)
    assert p.client.established and p.server.established
    assert p.server.info is not None and p.server.info.version == ProtocolVersion.TLS_1_2
    assert p.server.info.peer_certificates == cp.key.chain
    assert engine.export_keying_material(p.client, b"label", b"", 48) == (
        engine.export_keying_material(p.server, b"label", b"", 48))
    _, out = engine.send_application_data(p.client, b"authenticated")
    assert engine.handle_tls(p.server, out).data == b"authenticated"


def test_pkcs1_client_signature() -> None:
    cp = _client_pki("rsa")
    ccfg, scfg = configs(client={"certificates": (cp.key,), "versions": ONLY12,
                                 "signature_schemes": (SignatureScheme.ECDSA_SECP256R1_SHA256,
                                                       SignatureScheme.RSA_PKCS1_SHA256)},
                         server={"client_auth": "required", "trust_anchors": (cp.anchor,)})
    p = handshake(ccfg, scfg)
    assert p.server.established and p.server.info is not None
    assert p.server.info.peer_certificates == cp.key.chain


def test_no_certificate_optional() -> None:
    ccfg, scfg = configs(client={"versions": ONLY12}, server={"client_auth": "optional"})
    p = handshake(ccfg, scfg)
    assert p.server.established and p.server.info is not None
    assert p.server.info.peer_certificates == ()


def test_no_certificate_required() -> None:
    ccfg, scfg = configs(client={"versions": ONLY12}, server={"client_auth": "required"})
    p = handshake(ccfg, scfg)
    assert p.server.failed and p.server.hs.alert == A.HANDSHAKE_FAILURE  # type: ignore[union-attr]
    assert p.client.failed and p.client.hs.alert == A.HANDSHAKE_FAILURE  # type: ignore[union-attr]


def test_untrusted_client_certificate() -> None:
    cp = _client_pki("p256")
    ccfg, scfg = configs(client={"certificates": (cp.key,), "versions": ONLY12},
                         server={"client_auth": "optional",
                                 "trust_anchors": (pki("p384").anchor,)})
    p = handshake(ccfg, scfg)
    assert p.server.failed and p.server.hs.alert == A.UNKNOWN_CA  # type: ignore[union-attr]


def test_client_key_mismatch_is_decrypt_error() -> None:
    cp = _client_pki("p256")
    other = pki("p256", ("x.test",), "client")
    mixed = engine.CertifiedKey(cp.key.chain, other.key.key)
    ccfg, scfg = configs(client={"certificates": (mixed,), "versions": ONLY12},
                         server={"client_auth": "required", "trust_anchors": (cp.anchor,)})
    p = handshake(ccfg, scfg)
    assert p.server.failed and p.server.hs.alert == A.DECRYPT_ERROR  # type: ignore[union-attr]
