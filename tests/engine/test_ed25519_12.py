"""Ed25519 in TLS 1.2 (RFC 8422 5.1.1, 5.5): an Ed25519 server certificate
signs the ServerKeyExchange of the ECDHE_ECDSA suites with ed25519, and an
Ed25519 client certificate (certificate type ecdsa_sign) signs the
CertificateVerify.  The interop matrix runs the same against OpenSSL,
GnuTLS, ssl and curl; these are the engine-to-engine cases, with the
signature checked by pyca/cryptography as an oracle."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests.engine.certs import pki
from tests.engine.helpers import configs, handshake, plaintext_messages
from tlspy.core.enums import CipherSuite, ProtocolVersion, SignatureScheme
from tlspy.core.messages import KeyExchange, ServerKeyExchangeECDHE
from tlspy.core.reader import parse_handshake
from tlspy.core.writer import assemble_server_key_exchange_params

ONLY12 = (ProtocolVersion.TLS_1_2,)
ECDSA_SUITES = (CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256)


@pytest.mark.parametrize("suite", ECDSA_SUITES)
def test_ed25519_server_certificate(suite: CipherSuite) -> None:
    c, s = configs("ed25519", client={"versions": ONLY12, "cipher_suites": (suite,)})
    p = handshake(c, s)
    assert p.client.established and p.server.established
    info = p.client.info
    assert info is not None and info.version == ProtocolVersion.TLS_1_2
    assert info.cipher_suite == suite and info.signature_scheme == SignatureScheme.ED25519
    # The ServerKeyExchange signature verifies with pyca over
    # client_random + server_random + params (no prehash).
    msgs = plaintext_messages(p.wire[1][1])
    ske = parse_handshake(next(m for m in msgs if m[0] == 12), version=ProtocolVersion.TLS_1_2,
                          kex=KeyExchange.ECDHE)
    assert isinstance(ske, ServerKeyExchangeECDHE)
    assert ske.algorithm == SignatureScheme.ED25519
    client_random = plaintext_messages(p.wire[0][1])[0][6:38]
    server_random = msgs[0][6:38]
    pub = ed25519.Ed25519PublicKey.from_public_bytes(info.peer_certificates[0].public_key.key)
    pub.verify(ske.signature,
               client_random + server_random + assemble_server_key_exchange_params(ske))


def test_ed25519_client_certificate() -> None:
    cp = pki("ed25519", ("client.test",), "client")
    c, s = configs("p256", client={"certificates": (cp.key,), "versions": ONLY12},
                   server={"client_auth": "required", "trust_anchors": (cp.anchor,)})
    p = handshake(c, s)
    assert p.server.established and p.server.info is not None
    assert p.server.info.peer_certificates == cp.key.chain


def test_ed25519_not_offered_to_tls12_rsa_suites() -> None:
    # An Ed25519 certificate cannot serve an ECDHE_RSA suite.
    c, s = configs("ed25519", client={
        "versions": ONLY12,
        "cipher_suites": (CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,)})
    p = handshake(c, s)
    assert p.server.failed and not p.client.established
