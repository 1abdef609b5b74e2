"""Fuzz target: the certificate parser (``tlspy.x509``).  The first byte
picks what the rest is: a DER certificate (parsed, every extension
accessor and name rendering touched, then validated as its own trust
anchor and as a leaf under the fixed PKI's CA, which runs signature
verification on hostile keys and parameters), a SubjectPublicKeyInfo, a
private key (PKCS#8, PKCS#1, SEC1) or a PEM document.  Only the
documented errors may escape: ``tlspy.x509.X509Error`` (parse and
validation errors) and ``tlspy.asn1.ParseError``."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys

import atheris

with atheris.instrument_imports(include=["tlspy"]):
    from tests.fuzz.common import MAX_INPUT, NOW, fixed_pki
    from tlspy import asn1
    from tlspy.x509 import (
        Certificate,
        PrivateKey,
        PublicKey,
        X509Error,
        load_pem_certificates,
        verify_chain,
    )

EXPECTED = (X509Error, asn1.ParseError)
AT = dt.datetime.fromtimestamp(NOW, dt.timezone.utc)
ANCHORS = fixed_pki().anchors
ACCESSORS = ("basic_constraints", "key_usage", "extended_key_usage", "subject_alt_name",
             "name_constraints", "authority_key_identifier", "subject_key_identifier",
             "certificate_policies", "policy_constraints", "inhibit_any_policy",
             "authority_info_access", "crl_distribution_points")


def _certificate(der: bytes) -> None:
    cert = Certificate.from_der(der)
    assert cert.to_der() == der
    for name in ACCESSORS:
        with contextlib.suppress(EXPECTED):
            getattr(cert, name)
    cert.subject.rfc4514()
    cert.issuer.rfc4514()
    _ = cert.is_self_issued
    _ = cert.public_key.bits
    for anchors, usage in (((cert,), "server"), (ANCHORS, "client")):
        with contextlib.suppress(EXPECTED):
            verify_chain(cert, [], anchors, name="server.test", at=AT, usage=usage)


def TestOneInput(data: bytes) -> None:
    if not data or len(data) > MAX_INPUT:
        return
    mode, body = data[0] & 3, data[1:]
    try:
        if mode == 0:
            _certificate(body)
        elif mode == 1:
            PublicKey.from_der(body)
        elif mode == 2:
            PrivateKey.from_der(body)
        else:
            for cert in load_pem_certificates(body):
                _certificate(cert.der)
    except EXPECTED:
        pass


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
