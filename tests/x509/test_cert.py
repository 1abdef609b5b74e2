"""Certificate model: differential parsing against pyca/cryptography and
asn1crypto (test oracles) on every certificate in the x509-limbo vectors, PEM
and key round trips, and fuzzing."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import warnings

import asn1crypto.x509 as ax
import pytest
from cryptography import x509 as cx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from hypothesis import given
from hypothesis import strategies as st

from tests.x509.limbo_data import all_certificate_ders
from tlspy import x509
from tlspy.x509 import oids
from tlspy.x509.keys import PrivateKey, PublicKey, pem_blocks, pem_encode

warnings.simplefilter("ignore")  # pyca warns on some deliberately odd vectors


def _pyca(der: bytes) -> cx.Certificate | None:
    try:
        c = cx.load_der_x509_certificate(der)
        c.extensions  # noqa: B018  (forces extension parsing)
        return c
    except Exception:
        return None


def _packed(ip: object) -> bytes:
    if isinstance(ip, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
        return ip.network_address.packed + ip.netmask.packed
    assert isinstance(ip, (ipaddress.IPv4Address, ipaddress.IPv6Address))
    return ip.packed


def _ours(der: bytes) -> x509.Certificate | None:
    try:
        return x509.Certificate.from_der(der)
    except x509.CertificateParseError:
        return None


# Certificates pyca accepts that we reject on purpose (strict DER / RFC 5280
# profile): a keyUsage with no bit set, non-IA5 dNSName, explicit or
# unsupported curves, empty SPKI.  Counted, and every reason must be one of these.
_OUR_STRICTER = ("keyUsage with no bit set", "IA5String", "curve", "expected an element")


def test_differential_against_pyca_and_asn1crypto_on_limbo_certificates() -> None:
    ders = all_certificate_ders()
    assert len(ders) > 30000
    agree = stricter = 0
    for der in ders:
        ours, theirs = _ours(der), _pyca(der)
        if ours is None:
            if theirs is not None:
                try:
                    x509.Certificate.from_der(der)
                except x509.CertificateParseError as e:
                    assert any(s in str(e) for s in _OUR_STRICTER), str(e)
                stricter += 1
            continue
        # asn1crypto (a second, independent oracle) on the TBS fields
        tbs = ax.Certificate.load(der)["tbs_certificate"]
        assert ours.serial_number == tbs["serial_number"].native
        assert ours.issuer.to_der() == tbs["issuer"].dump()
        assert ours.subject.to_der() == tbs["subject"].dump()
        assert ours.public_key.der == tbs["subject_public_key_info"].dump()
        assert ours.tbs_signature_algorithm.oid == tbs["signature"]["algorithm"].dotted
        if theirs is None:
            continue  # pyca refuses some odd name-constraint encodings we parse
        agree += 1
        assert ours.to_der() == der
        assert ours.version == theirs.version.value + 1
        assert ours.serial_number == theirs.serial_number
        assert ours.issuer.to_der() == theirs.issuer.public_bytes()
        assert ours.subject.to_der() == theirs.subject.public_bytes()
        assert ours.not_before == theirs.not_valid_before_utc
        assert ours.not_after == theirs.not_valid_after_utc
        assert ours.public_key.der == theirs.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ) if ours.public_key.kind != "unknown" else True
        assert ours.signature_algorithm.oid == theirs.signature_algorithm_oid.dotted_string
        assert ours.signature == theirs.signature
        assert ours.tbs_der == theirs.tbs_certificate_bytes
        assert [(e.oid, e.critical) for e in ours.extensions] == [
            (e.oid.dotted_string, e.critical) for e in theirs.extensions]
        for e in theirs.extensions:
            v = e.value
            if isinstance(v, cx.BasicConstraints):
                assert ours.basic_constraints == x509.extensions.BasicConstraints(v.ca, v.path_length)
            elif isinstance(v, cx.SubjectAlternativeName):
                san = ours.subject_alt_name or ()
                assert [g.value for g in san if g.kind == "dns"] == v.get_values_for_type(cx.DNSName)
                assert [g.value for g in san if g.kind == "ip"] == [
                    _packed(i) for i in v.get_values_for_type(cx.IPAddress)]
            elif isinstance(v, cx.ExtendedKeyUsage):
                assert list(ours.extended_key_usage or ()) == [o.dotted_string for o in v]
            elif isinstance(v, cx.SubjectKeyIdentifier):
                assert ours.subject_key_identifier == v.digest
            elif isinstance(v, cx.AuthorityKeyIdentifier):
                aki = ours.authority_key_identifier
                assert aki is not None and aki.key_id == v.key_identifier
            elif isinstance(v, cx.KeyUsage):
                ku = ours.key_usage
                assert ku is not None
                assert ku.has("digitalSignature") == v.digital_signature
                assert ku.has("keyCertSign") == v.key_cert_sign
    assert agree > 29000
    assert stricter < 60


def test_pem_round_trip_and_bundle() -> None:
    ders = all_certificate_ders()[:5]
    bundle = b"junk before\n" + b"".join(pem_encode("CERTIFICATE", d) for d in ders) + b"tail"
    certs = x509.load_pem_certificates(bundle)
    assert [c.to_der() for c in certs] == ders
    assert x509.Certificate.from_pem(certs[0].to_pem()) == certs[0]
    assert x509.load_pem_certificates(bundle.decode()) == certs


def test_rfc4514_matches_pyca_for_common_attributes() -> None:
    n = x509.Name.build([("2.5.4.6", "US"), ("2.5.4.10", "Ex, Inc."), ("2.5.4.3", "#host+1")])
    theirs = cx.Name.from_rfc4514_string(n.rfc4514())
    assert theirs.public_bytes() == n.to_der()
    assert n.rfc4514() == theirs.rfc4514_string()


@pytest.mark.parametrize("kind", ["rsa", "p256", "p384", "ed25519"])
def test_private_and_public_keys_against_pyca(kind: str) -> None:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
    if kind == "rsa":
        key = rsa.generate_private_key(65537, 2048)
    elif kind == "ed25519":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        key = ec.generate_private_key(ec.SECP256R1() if kind == "p256" else ec.SECP384R1())
    formats = [serialization.PrivateFormat.PKCS8]
    if kind in ("rsa", "p256", "p384"):
        formats.append(serialization.PrivateFormat.TraditionalOpenSSL)
    for fmt in formats:
        pem = key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())
        ours = PrivateKey.from_pem(pem)
        if kind == "rsa":
            assert isinstance(key, rsa.RSAPrivateKey)
            nums = key.private_numbers()
            assert ours.rsa[:4] == (nums.public_numbers.n, nums.public_numbers.e, nums.d, nums.p)
        elif kind == "ed25519":
            assert ours.scalar == key.private_bytes(serialization.Encoding.Raw,
                                                    serialization.PrivateFormat.Raw,
                                                    serialization.NoEncryption())
        else:
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            assert int.from_bytes(ours.scalar, "big") == key.private_numbers().private_value
            assert ours.curve == key.curve.name
        # our PKCS#8 encoding loads in pyca to the same key
        back = serialization.load_der_private_key(ours.to_pkcs8(), None)
        assert back.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ) == key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    spki = key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    pub = PublicKey.from_der(spki)
    assert pub.kind == {"rsa": "rsa", "ed25519": "ed25519"}.get(kind, "ec")
    assert pub.to_der() == spki


def test_extension_rules() -> None:
    der = all_certificate_ders()[0]
    cert = x509.Certificate.from_der(der)
    assert cert.version == 3
    assert cert.not_before.tzinfo == dt.timezone.utc
    assert cert.extension(oids.BASIC_CONSTRAINTS) is not None or cert.basic_constraints is None


@given(st.binary(max_size=300))
def test_fuzz_random_bytes(blob: bytes) -> None:
    with contextlib.suppress(x509.CertificateParseError):
        x509.Certificate.from_der(blob)


@given(st.data())
def test_fuzz_mutated_certificates(data: st.DataObject) -> None:
    ders = all_certificate_ders()
    der = bytearray(ders[data.draw(st.integers(0, 200))])
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(der) - 1))
        der[i] = data.draw(st.integers(0, 255))
    try:
        c = x509.Certificate.from_der(bytes(der))
    except x509.CertificateParseError:
        return
    assert c.to_der() == bytes(der)


def test_pem_blocks_rejects_bad_base64() -> None:
    with pytest.raises(x509.CertificateParseError):
        pem_blocks(b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")


@pytest.mark.parametrize("text", [
    "CN=example.com",
    "CN=Test\\, Inc.,O=Ex\\+ample,C=US",
    "CN=a+OU=b,O=c",
    "CN=\\#hash\\ ,DC=example,DC=com",
    "2.5.4.5=1234,CN=x",
    "CN=caf\\C3\\A9",
])
def test_rfc4514_parse_against_pyca(text: str) -> None:
    ours = x509.Name.from_rfc4514(text)
    theirs = cx.Name.from_rfc4514_string(text)
    assert [sorted((a.oid.dotted_string, a.value) for a in rdn) for rdn in theirs.rdns] == [
        sorted((a.oid, a.value) for a in rdn) for rdn in ours.rdns]
    again = x509.Name.from_rfc4514(ours.rfc4514())
    assert again.matches(ours) and again.rdns == ours.rdns


def test_rfc4514_rejects_garbage() -> None:
    for bad in ("CN", "=x", "FOO=bar", "CN=x\\"):
        with pytest.raises(ValueError):
            x509.Name.from_rfc4514(bad)
