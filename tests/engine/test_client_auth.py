"""TLS 1.3 client certificates: CertificateRequest, the client's
Certificate + CertificateVerify, the empty Certificate, and failures."""

from __future__ import annotations

import pytest

from tests.engine.certs import KINDS, pki
from tests.engine.helpers import configs, handshake
from tlspy import engine
from tlspy.core.enums import AlertDescription

A = AlertDescription


def _client_pki(kind: str):  # type: ignore[no-untyped-def]
    return pki(kind, ("client.test",), "client")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mode", ["optional", "required"])
def test_client_certificate_accepted(kind: str, mode: str) -> None:
    cp = _client_pki(kind)
    ccfg, scfg = configs("p256", client={"certificates": (cp.key,)},
                         server={"client_auth": mode, "trust_anchors": (cp.anchor,)})
    p = handshake(ccfg, scfg)
    assert p.client.established and p.server.established
    assert p.server.info is not None
    assert p.server.info.peer_certificates == cp.key.chain
    assert engine.export_keying_material(p.client, b"label", b"", 48) == (
        engine.export_keying_material(p.server, b"label", b"", 48))
    _, out = engine.send_application_data(p.client, b"authenticated")
    assert engine.handle_tls(p.server, out).data == b"authenticated"


def test_no_certificate_optional() -> None:
    ccfg, scfg = configs(server={"client_auth": "optional"})
    p = handshake(ccfg, scfg)
    assert p.server.established and p.server.info is not None
    assert p.server.info.peer_certificates == ()


def test_no_certificate_required() -> None:
    ccfg, scfg = configs(server={"client_auth": "required"})
    p = handshake(ccfg, scfg)
    assert p.server.failed and p.server.hs.alert == A.CERTIFICATE_REQUIRED  # type: ignore[union-attr]
    # The client learns it through the alert (sent under the server's keys).
    assert p.client.failed and p.client.hs.alert == A.CERTIFICATE_REQUIRED  # type: ignore[union-attr]


def test_untrusted_client_certificate() -> None:
    cp = _client_pki("ed25519")
    ccfg, scfg = configs(client={"certificates": (cp.key,)},
                         server={"client_auth": "optional",
                                 "trust_anchors": (pki("p384").anchor,)})
    p = handshake(ccfg, scfg)
    assert p.server.failed and p.server.hs.alert == A.UNKNOWN_CA  # type: ignore[union-attr]


def test_server_certificate_rejected_as_client_certificate() -> None:
    sp = pki("p256")  # serverAuth only
    ccfg, scfg = configs(client={"certificates": (sp.key,)},
                         server={"client_auth": "required", "trust_anchors": (sp.anchor,)})
    p = handshake(ccfg, scfg)
    assert p.server.failed and p.server.hs.alert == A.BAD_CERTIFICATE  # type: ignore[union-attr]


def test_client_key_mismatch_is_decrypt_error() -> None:
    cp = _client_pki("p256")
    other = pki("p256", ("x.test",), "client")
    mixed = engine.CertifiedKey(cp.key.chain, other.key.key)
    ccfg, scfg = configs(client={"certificates": (mixed,)},
                         server={"client_auth": "required", "trust_anchors": (cp.anchor,)})
    p = handshake(ccfg, scfg)
    assert p.server.failed and p.server.hs.alert == A.DECRYPT_ERROR  # type: ignore[union-attr]
