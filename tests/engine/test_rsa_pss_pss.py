"""rsa_pss_pss_sha256/384/512 (RFC 8446 4.2.3): certificates whose SPKI is
id-RSASSA-PSS.  The leaf is built with tlspy.x509.builder (pyca cannot make
such keys) and signed by a pyca CA; an OpenSSL-made RSA-PSS key and
certificate check the parsing independently, and openssl s_server signs
with one against the tlspy client."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import socket
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.engine.certs import NOW, pki
from tests.engine.helpers import configs, handshake
from tests.engine.test_handshake12 import _exchange, _failed_with
from tests.engine.test_openssl import TIMEOUT, _pump, handshake_over, start_s_server
from tlspy import asn1, engine
from tlspy.core.enums import AlertDescription, ProtocolVersion, SignatureScheme
from tlspy.engine import CertifiedKey, Config
from tlspy.engine.handshake_common import pss_key_allows, sign, verify
from tlspy.x509 import Certificate, Name, PrivateKey, builder, oids
from tlspy.x509.extensions import GeneralName
from tlspy.x509.keys import (
    ALGORITHM_IDENTIFIER,
    PSS_PARAMS,
    SPKI_PLAIN,
    AlgorithmIdentifier,
    PublicKey,
)

S = SignatureScheme
PSS_PSS = (S.RSA_PSS_PSS_SHA256, S.RSA_PSS_PSS_SHA384, S.RSA_PSS_PSS_SHA512)
RSAE = (S.RSA_PSS_RSAE_SHA256, S.RSA_PSS_RSAE_SHA384, S.RSA_PSS_RSAE_SHA512)
V12, V13 = ProtocolVersion.TLS_1_2, ProtocolVersion.TLS_1_3
OPENSSL = shutil.which("openssl")


def _pss_private(k: rsa.RSAPrivateKey) -> PrivateKey:
    n = k.private_numbers()
    return PrivateKey("rsa-pss", rsa=(n.public_numbers.n, n.public_numbers.e, n.d, n.p, n.q,
                                      n.dmp1, n.dmq1, n.iqmp))


@functools.cache
def pss_leaf(name: str = "server.test", spki_params: bytes | None = None,
             usage: str = "server") -> tuple[CertifiedKey, Certificate]:
    """A leaf with an id-RSASSA-PSS key (``spki_params`` in its SPKI when
    given) for ``name``, issued by our RSA CA (pyca signs the TBS)."""
    anchor, ca_pem = _own_ca()
    ca_key = serialization.load_pem_private_key(ca_pem, None)
    assert isinstance(ca_key, rsa.RSAPrivateKey)
    priv = _pss_private(rsa.generate_private_key(65537, 2048))
    pub = builder.public_key_of(priv)
    assert pub.kind == "rsa-pss" and pub.algorithm.oid == oids.RSA_PSS
    assert pub.algorithm.params is None
    if spki_params is not None:
        alg = AlgorithmIdentifier(oids.RSA_PSS, spki_params)
        pub = PublicKey.from_der(SPKI_PLAIN.serialize((alg, asn1.BitString(pub.key))))
    eku = "1.3.6.1.5.5.7.3.1" if usage == "server" else "1.3.6.1.5.5.7.3.2"
    leaf = builder.build_certificate(
        subject=Name.build([("2.5.4.3", name)]), issuer=anchor.subject,
        public_key=pub, serial=7, not_before=NOW - dt.timedelta(days=1),
        not_after=NOW + dt.timedelta(days=30),
        extensions=[builder.basic_constraints(False),
                    builder.subject_alt_name(GeneralName("dns", name)),
                    builder.extended_key_usage(eku),
                    builder.authority_key_identifier(builder.key_identifier(
                        anchor.public_key))],
        algorithm=AlgorithmIdentifier(oids.RSA_SHA256, b"\x05\x00"),
        sign=lambda tbs: ca_key.sign(tbs, padding.PKCS1v15(), hashes.SHA256()))
    return CertifiedKey((leaf,), priv), anchor


@functools.cache
def _own_ca() -> tuple[Certificate, bytes]:
    from cryptography import x509 as cx
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(65537, 2048)
    name = cx.Name([cx.NameAttribute(NameOID.COMMON_NAME, "Test CA rsa")])
    ca = (cx.CertificateBuilder().subject_name(name).issuer_name(name)
          .public_key(key.public_key()).serial_number(11)
          .not_valid_before(NOW - dt.timedelta(days=30))
          .not_valid_after(NOW + dt.timedelta(days=365))
          .add_extension(cx.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(cx.KeyUsage(False, False, False, False, False, True, True, False,
                                     False), critical=True)
          .add_extension(cx.SubjectKeyIdentifier.from_public_key(key.public_key()),
                         critical=False)
          .sign(key, hashes.SHA256()))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return Certificate.from_der(ca.public_bytes(serialization.Encoding.DER)), pem


def _pss_configs(client: dict | None = None, server: dict | None = None,
                 spki_params: bytes | None = None) -> tuple[Config, Config]:
    ck, _ = pss_leaf(spki_params=spki_params)
    anchor = _own_ca()[0]
    return configs("rsa", client={"trust_anchors": (anchor,), **(client or {})},
                   server={"certificates": (ck,), **(server or {})})


@pytest.mark.parametrize("version", [V13, V12])
@pytest.mark.parametrize("scheme", PSS_PSS)
def test_pss_certificate_each_scheme(version: ProtocolVersion, scheme: SignatureScheme) -> None:
    c, s = _pss_configs(client={"versions": (version,), "signature_schemes": (scheme,)})
    p = handshake(c, s)
    assert p.client.established and p.server.established, p.client_events
    info = p.client.info
    assert info is not None and info.version == version and info.signature_scheme == scheme
    assert info.peer_certificates[0].public_key.kind == "rsa-pss"
    _exchange(p)


def test_pss_pss_in_the_defaults() -> None:
    assert set(PSS_PSS) <= set(Config().signature_schemes)
    p = handshake(*_pss_configs())
    assert p.client.info is not None and p.client.info.signature_scheme == S.RSA_PSS_PSS_SHA256


def test_pss_key_never_signs_rsae_or_pkcs1() -> None:
    """A client offering only rsae/PKCS#1 schemes finds no certificate."""
    for version, schemes in ((V13, RSAE), (V12, (*RSAE, S.RSA_PKCS1_SHA256))):
        c, s = _pss_configs(client={"versions": (version,), "signature_schemes": schemes})
        r = engine.handle_tls(engine.server(s), engine.client(c, "server.test")[1])
        _failed_with(r, AlertDescription.HANDSHAKE_FAILURE)


def test_verify_binds_scheme_to_key_type() -> None:
    ck, _ = pss_leaf()
    rsa_ck = pki("rsa").key
    msg = b"content to sign"
    for scheme in PSS_PSS:
        sig = sign(ck, scheme, msg, bytes(32))
        assert verify(ck.chain[0].public_key, scheme, msg, sig)
        assert not verify(ck.chain[0].public_key, scheme, msg + b"!", sig)
        # The same PSS signature under an rsae code point is refused.
        rsae = RSAE[PSS_PSS.index(scheme)]
        assert not verify(ck.chain[0].public_key, rsae, msg, sig)
        # An rsaEncryption key never verifies rsa_pss_pss.
        sig2 = sign(rsa_ck, rsae, msg, bytes(32))
        assert verify(rsa_ck.chain[0].public_key, rsae, msg, sig2)
        assert not verify(rsa_ck.chain[0].public_key, scheme, msg, sig2)


def _params(h: str, salt: int) -> bytes:
    oid = {"sha256": oids.SHA256, "sha384": oids.SHA384, "sha512": oids.SHA512}[h]
    halg = AlgorithmIdentifier(oid, None)
    return PSS_PARAMS.serialize((halg, AlgorithmIdentifier(
        oids.MGF1, ALGORITHM_IDENTIFIER.serialize(halg)), salt, 1))


def test_spki_parameters_restrict_the_scheme() -> None:
    """An id-RSASSA-PSS SPKI with sha384 parameters (RFC 4055) signs only
    rsa_pss_pss_sha384, with a salt no shorter than its minimum."""
    ck, _ = pss_leaf(spki_params=_params("sha384", 48))
    pub = ck.chain[0].public_key
    assert [pss_key_allows(pub, s) for s in PSS_PSS] == [False, True, False]
    ck2, _ = pss_leaf(spki_params=_params("sha256", 64))  # minimum salt above 32
    assert not pss_key_allows(ck2.chain[0].public_key, S.RSA_PSS_PSS_SHA256)
    c, s = _pss_configs(spki_params=_params("sha384", 48))
    p = handshake(c, s)
    assert p.client.info is not None and p.client.info.signature_scheme == S.RSA_PSS_PSS_SHA384
    c, s = _pss_configs(client={"signature_schemes": (S.RSA_PSS_PSS_SHA256,)},
                        spki_params=_params("sha384", 48))
    r = engine.handle_tls(engine.server(s), engine.client(c, "server.test")[1])
    _failed_with(r, AlertDescription.HANDSHAKE_FAILURE)


def test_pss_client_certificate() -> None:
    ck, _ = pss_leaf("client.test", usage="client")
    anchor = _own_ca()[0]
    for version in (V13, V12):
        c, s = configs("p256", client={"versions": (version,), "certificates": (ck,)},
                       server={"client_auth": "required", "trust_anchors": (anchor,)})
        p = handshake(c, s)
        assert p.server.established, p.server_events
        assert p.server.info is not None and p.server.info.peer_certificates == ck.chain


def test_pss_key_pkcs8_round_trip() -> None:
    ck, _ = pss_leaf()
    der = ck.key.to_pkcs8()
    back = PrivateKey.from_der(der)
    assert back.kind == "rsa-pss" and back.rsa == ck.key.rsa
    # pyca reads it as an RSA key with the same numbers (the oracle).
    theirs = serialization.load_der_private_key(der, None)
    assert isinstance(theirs, rsa.RSAPrivateKey)
    assert theirs.private_numbers().d == ck.key.rsa[2]


# ------------------------------------------------------------ OpenSSL-made


@pytest.fixture(scope="module")
def openssl_pss(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(RSA-PSS key, its certificate, the issuing CA), all made by OpenSSL."""
    assert OPENSSL is not None, "these interop tests need the openssl binary"
    d = tmp_path_factory.mktemp("pss")
    ca_key, ca, key, csr, cert, ext = (d / n for n in (
        "ca.key", "ca.pem", "key.pem", "leaf.csr", "cert.pem", "ext.cnf"))
    ext.write_text("basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:server.test\n"
                   "extendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid\n")
    for cmd in (
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
         "-days", "30", "-subj", "/CN=OpenSSL PSS test CA"],
        ["genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key],
        ["req", "-new", "-key", key, "-subj", "/CN=server.test", "-out", csr],
        ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-set_serial", "5",
         "-days", "30", "-extfile", ext, "-out", cert],
    ):
        subprocess.run([OPENSSL, *map(str, cmd)], check=True, capture_output=True,
                       timeout=TIMEOUT)
    return key, cert, ca


def test_openssl_pss_key_and_certificate(openssl_pss: tuple[Path, Path, Path]) -> None:
    key_path, cert_path, ca_path = openssl_pss
    key = PrivateKey.from_pem(key_path.read_bytes())
    cert = Certificate.from_pem(cert_path.read_bytes())
    ca = Certificate.from_pem(ca_path.read_bytes())
    assert key.kind == "rsa-pss" and cert.public_key.kind == "rsa-pss"
    # OpenSSL's unrestricted RSA-PSS key: an SPKI without parameters, as ours.
    assert builder.public_key_of(key).der == cert.public_key.der
    now = cert.not_before.timestamp() + 60
    c = Config(trust_anchors=(ca,), clock=lambda: now)
    s = Config(certificates=(CertifiedKey((cert,), key),), clock=lambda: now)
    for version in (V13, V12):
        p = handshake(replace(c, versions=(version,)), s)
        assert p.client.established, p.client_events
        assert p.client.info is not None and p.client.info.signature_scheme in PSS_PSS


def test_client_against_openssl_s_server_with_pss_certificate(
        openssl_pss: tuple[Path, Path, Path]) -> None:
    key_path, cert_path, ca_path = openssl_pss
    ca = Certificate.from_pem(ca_path.read_bytes())
    srv, port = start_s_server("-cert", str(cert_path), "-key", str(key_path), "-tls1_3",
                               "-rev", "-naccept", "1")
    try:
        cfg = Config(trust_anchors=(ca,), signature_schemes=PSS_PSS)
        st, out = engine.client(cfg, "server.test")
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            sock.sendall(out)
            st, _ = handshake_over(sock, st)
            assert st.info is not None and st.info.signature_scheme in PSS_PSS
            st, out = engine.send_application_data(st, b"pss\n")
            sock.sendall(out)
            st, got = _pump(sock, st, b"\n")
            assert got == b"ssp\n"
    finally:
        srv.kill()
        srv.wait(TIMEOUT)


def test_rsae_only_server_refuses_pss_only_client() -> None:
    c, s = configs("rsa", client={"signature_schemes": PSS_PSS})
    r = engine.handle_tls(engine.server(s), engine.client(c, "server.test")[1])
    _failed_with(r, AlertDescription.HANDSHAKE_FAILURE)
