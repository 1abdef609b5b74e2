"""RSASSA-PSS keys (RFC 4055): PKCS#8 private keys and SubjectPublicKeyInfo
with the id-RSASSA-PSS algorithm, checked against keys OpenSSL makes (with
and without parameters) and pyca/cryptography's reading of ours."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tlspy.x509 import PrivateKey, builder, oids
from tlspy.x509.keys import PublicKey, parse_pss_params

OPENSSL = shutil.which("openssl")


def _openssl(*args: str) -> bytes:
    assert OPENSSL is not None, "this test needs the openssl binary"
    return subprocess.run([OPENSSL, *args], check=True, capture_output=True, timeout=60).stdout


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("pss-keys")
    plain, restricted = d / "plain.pem", d / "restricted.pem"
    _openssl("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048",
             "-out", str(plain))
    _openssl("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048",
             "-pkeyopt", "rsa_pss_keygen_md:sha384", "-pkeyopt", "rsa_pss_keygen_mgf1_md:sha384",
             "-pkeyopt", "rsa_pss_keygen_saltlen:48", "-out", str(restricted))
    return {"plain": plain, "restricted": restricted}


def test_openssl_pss_key_without_parameters(keys: dict[str, Path]) -> None:
    key = PrivateKey.from_pem(keys["plain"].read_bytes())
    assert key.kind == "rsa-pss" and key.pss is None and len(key.rsa) == 8
    spki = _openssl("pkey", "-in", str(keys["plain"]), "-pubout", "-outform", "DER")
    pub = builder.public_key_of(key)
    assert pub.der == spki
    assert pub.kind == "rsa-pss" and pub.algorithm.oid == oids.RSA_PSS
    assert pub.n == key.rsa[0] and pub.e == key.rsa[1]
    # Our PKCS#8 encoding: OpenSSL reads it back as the same RSA-PSS key.
    der = key.to_pkcs8()
    assert PrivateKey.from_der(der) == key
    theirs = serialization.load_der_private_key(der, None)
    assert isinstance(theirs, rsa.RSAPrivateKey)
    assert theirs.private_numbers().p in (key.rsa[3], key.rsa[4])


def test_openssl_pss_key_with_parameters(keys: dict[str, Path]) -> None:
    key = PrivateKey.from_pem(keys["restricted"].read_bytes())
    assert key.kind == "rsa-pss" and key.pss is not None
    assert (key.pss.hash, key.pss.mgf_hash, key.pss.salt_length) == ("sha384", "sha384", 48)
    spki = PublicKey.from_der(
        _openssl("pkey", "-in", str(keys["restricted"]), "-pubout", "-outform", "DER"))
    assert spki.kind == "rsa-pss" and spki.algorithm.params is not None
    params = parse_pss_params(spki.algorithm.params)
    assert (params.hash, params.salt_length) == ("sha384", 48)
    with pytest.raises(ValueError):
        key.to_pkcs8()  # parameters are not re-encoded


def test_rsa_key_stays_rsa() -> None:
    k = rsa.generate_private_key(65537, 2048)
    der = k.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption())
    key = PrivateKey.from_der(der)
    assert key.kind == "rsa" and key.pss is None
    assert builder.public_key_of(key).algorithm.oid == oids.RSA
