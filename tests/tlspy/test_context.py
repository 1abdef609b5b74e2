"""tlspy.SSLContext's settings behave as ssl.SSLContext's do."""

from __future__ import annotations

import ssl
import subprocess
import sys
from pathlib import Path

import pytest

import tlspy
from tests.tlspy.certs import files
from tlspy.core.enums import CipherSuite, ProtocolVersion


def test_constants_are_ssl_s_own() -> None:
    assert tlspy.CERT_REQUIRED is ssl.CERT_REQUIRED
    assert tlspy.PROTOCOL_TLS_CLIENT is ssl.PROTOCOL_TLS_CLIENT
    assert tlspy.OP_NO_TICKET is ssl.OP_NO_TICKET
    assert tlspy.TLSVersion is ssl.TLSVersion


def test_error_classes_subclass_ssl_s() -> None:
    assert issubclass(tlspy.SSLError, ssl.SSLError)
    assert issubclass(tlspy.SSLCertVerificationError, ssl.SSLCertVerificationError)
    assert issubclass(tlspy.SSLCertVerificationError, ValueError)
    assert issubclass(tlspy.SSLEOFError, ssl.SSLEOFError)
    assert issubclass(tlspy.SSLZeroReturnError, ssl.SSLZeroReturnError)
    assert issubclass(tlspy.SSLWantReadError, ssl.SSLWantReadError)
    assert issubclass(tlspy.SSLWantWriteError, ssl.SSLWantWriteError)
    assert issubclass(tlspy.SSLEOFError, tlspy.SSLError)


def test_defaults_match_ssl() -> None:
    for proto in (ssl.PROTOCOL_TLS_CLIENT, ssl.PROTOCOL_TLS_SERVER):
        ours, theirs = tlspy.SSLContext(proto), ssl.SSLContext(proto)
        assert ours.verify_mode == theirs.verify_mode
        assert ours.check_hostname == theirs.check_hostname
        assert ours.protocol == theirs.protocol
    d = tlspy.create_default_context(cafile=files().ca)
    assert d.verify_mode == ssl.CERT_REQUIRED and d.check_hostname


def test_verify_mode_and_check_hostname_interlock() -> None:
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT)
    with pytest.raises(ValueError):
        ctx.verify_mode = ssl.CERT_NONE
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    assert ctx.engine_config(False).verify_peer is False
    ctx.check_hostname = True  # as ssl: turns verification back on
    assert ctx.verify_mode == ssl.CERT_REQUIRED
    assert ctx.engine_config(False).check_name


def test_server_verify_mode_is_client_auth() -> None:
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(files().cert, files().key)
    assert ctx.engine_config(True).client_auth == "none"
    ctx.verify_mode = ssl.CERT_OPTIONAL
    assert ctx.engine_config(True).client_auth == "optional"
    ctx.verify_mode = ssl.CERT_REQUIRED
    assert ctx.engine_config(True).client_auth == "required"


def test_versions_and_options() -> None:
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT)
    assert ctx.engine_config(False).versions == (ProtocolVersion.TLS_1_3,
                                                 ProtocolVersion.TLS_1_2)
    ctx.minimum_version = tlspy.TLSVersion.TLSv1_3
    assert ctx.engine_config(False).versions == (ProtocolVersion.TLS_1_3,)
    ctx.minimum_version = tlspy.TLSVersion.TLSv1_2
    ctx.options |= tlspy.OP_NO_TLSv1_3
    assert ctx.engine_config(False).versions == (ProtocolVersion.TLS_1_2,)
    ctx.maximum_version = tlspy.TLSVersion.TLSv1_1
    with pytest.raises(tlspy.SSLError, match="NO_PROTOCOLS_AVAILABLE"):
        ctx.engine_config(False)


def test_tickets_follow_op_no_ticket() -> None:
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
    assert ctx.engine_config(True).tickets == 2
    ctx.options |= tlspy.OP_NO_TICKET
    assert ctx.engine_config(True).tickets == 0


def test_config_is_made_once_and_follows_every_change() -> None:
    """One Config per side serves every connection; any setting changed
    after a connection (attribute, method, plain attribute, the certificate
    and trust lists) is in the Config of the next."""
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS)
    ctx.load_cert_chain(files().cert, files().key)
    server, client = ctx.engine_config(True), ctx.engine_config(False)
    assert ctx.engine_config(True) is server and ctx.engine_config(False) is client
    assert server is not client and not client.ticket_keys and server.ticket_keys
    ctx.num_tickets = 5
    assert ctx.engine_config(True).tickets == 5
    ctx.set_alpn_protocols(["h2"])
    assert ctx.engine_config(False).alpn_protocols == (b"h2",)
    before = ctx.engine_config(False).trust_anchors
    ctx.load_verify_locations(files().ca)
    assert len(ctx.engine_config(False).trust_anchors) == len(before) + 1
    ctx.load_cert_chain(files("rsa").cert, files("rsa").key)
    assert len(ctx.engine_config(True).certificates) == 2
    ctx.keylog_filename = None
    ctx.require_extended_master_secret = False
    again = ctx.engine_config(True)
    assert not again.require_ems and ctx.engine_config(True) is again
    # the ticket key and session cache stay the context's across Configs
    assert again.ticket_keys == server.ticket_keys
    assert again.session_cache is server.session_cache


def test_set_ciphersuites_and_set_ciphers() -> None:
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT)
    ctx.set_ciphersuites("TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256")
    ctx.set_ciphers("ECDHE-RSA-AES128-GCM-SHA256")
    assert ctx.engine_config(False).cipher_suites == (
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)
    with pytest.raises(ssl.SSLError, match="NO_CIPHER_MATCH"):
        ctx.set_ciphersuites("TLS_RC4_DREAMS")
    with pytest.raises(ssl.SSLError, match="No cipher can be selected"):
        ctx.set_ciphers("RC4-MD5")
    ctx.set_ciphers("HIGH:!ECDHE-RSA-CHACHA20-POLY1305")
    suites = ctx.engine_config(False).cipher_suites
    assert CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 not in suites
    assert CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 in suites
    assert [c["name"] for c in ctx.get_ciphers()][:2] == ["TLS_CHACHA20_POLY1305_SHA256",
                                                       "TLS_AES_128_GCM_SHA256"]


def test_load_verify_locations_forms(tmp_path: Path) -> None:
    f = files()
    pem = Path(f.ca).read_text()
    for kwargs in ({"cafile": f.ca}, {"cadata": pem}, {"cadata": f.ca_der + files("rsa").ca_der}):
        ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(**kwargs)  # type: ignore[arg-type]
        ders = ctx.get_ca_certs(binary_form=True)
        assert ders[0] == f.ca_der
        assert ctx.cert_store_stats()["x509_ca"] == len(ders)
    (tmp_path / "a.pem").write_text(pem)
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(capath=str(tmp_path))
    assert ctx.get_ca_certs(binary_form=True) == [f.ca_der]
    with pytest.raises(TypeError):
        ctx.load_verify_locations()
    with pytest.raises(ssl.SSLError):
        ctx.load_verify_locations(cadata=f.ca_der[:-5])


def test_get_ca_certs_matches_ssl() -> None:
    ours = tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT)
    theirs = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for ctx in (ours, theirs):
        ctx.load_verify_locations(cafile=files().ca)
    assert ours.get_ca_certs() == theirs.get_ca_certs()


def test_load_cert_chain_errors(tmp_path: Path) -> None:
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
    with pytest.raises(FileNotFoundError):
        ctx.load_cert_chain(str(tmp_path / "missing.pem"))
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(ssl.SSLError):
        ctx.load_cert_chain(str(tmp_path / "junk.pem"))
    with pytest.raises(ssl.SSLError):  # the certificate file holds no key
        ctx.load_cert_chain(files().cert)
    both = tmp_path / "both.pem"
    both.write_bytes(Path(files().cert).read_bytes() + Path(files().key).read_bytes())
    ctx.load_cert_chain(str(both))  # key in the same file, as ssl allows
    assert len(ctx.engine_config(True).certificates) == 1


def test_wrap_socket_argument_checks() -> None:
    import socket

    client = tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT)
    with socket.socket() as s, pytest.raises(ValueError, match="check_hostname"):
        client.wrap_socket(s)
    with socket.socket() as s, pytest.raises(ValueError, match="server"):
        client.wrap_socket(s, server_side=True)
    with pytest.raises(TypeError):
        tlspy.TLSSocket()


def test_import_tlspy_stays_cheap() -> None:
    code = ("import sys, tlspy; assert 'ssl' not in sys.modules; "
            "assert 'tlspy.engine' not in sys.modules; tlspy.SSLContext; "
            "assert 'tlspy.engine' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_every_public_ssl_name_exists() -> None:
    """The names ssl.SSLContext, SSLSocket and SSLObject have, and the
    module constants (ALERT_DESCRIPTION_*, OP_*, VERIFY_*, HAS_*)."""
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(files().cert, files().key)
    missing = [n for n in dir(ssl.SSLContext) if not n.startswith("_") and not hasattr(ctx, n)]
    assert missing == []
    assert [n for n in dir(ssl.SSLSocket)
            if not n.startswith("_") and not hasattr(tlspy.TLSSocket, n)] == []
    obj = ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_side=True)
    assert [n for n in dir(ssl.SSLObject) if not n.startswith("_") and not hasattr(obj, n)] == []
    for name in dir(ssl):
        if name.startswith(("ALERT_DESCRIPTION_", "OP_", "VERIFY_")):
            assert getattr(tlspy, name) is getattr(ssl, name)
    assert tlspy.HAS_TLSv1_3 and not tlspy.HAS_TLSv1 and not tlspy.HAS_SSLv3
    assert ctx.sslsocket_class is tlspy.TLSSocket and ctx.sslobject_class is tlspy.TLSObject
    assert ctx.security_level == 2
    with pytest.raises(FileNotFoundError):
        ctx.load_dh_params("/nonexistent/dhparams.pem")
    with pytest.raises(AttributeError):
        tlspy.OP_NOT_A_THING  # noqa: B018
