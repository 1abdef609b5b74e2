"""cipher() names a TLS 1.2 suite the way ssl (OpenSSL) does, DHE suites
included (the interop matrix compares them with what peers print)."""

from __future__ import annotations

import ssl

import pytest

from tlspy.context import OPENSSL_NAMES_12
from tlspy.core.enums import CipherSuite
from tlspy.sslsocket import _suite_name

DHE = (CipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
       CipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
       CipherSuite.TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256)


@pytest.mark.parametrize("suite", [*OPENSSL_NAMES_12.values(), *DHE])
def test_tls12_suite_names_match_openssl(suite: CipherSuite) -> None:
    # ssl's own table: each cipher's IANA id beside OpenSSL's name.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.set_ciphers("ALL")
    names = {c["id"] & 0xFFFF: c["name"] for c in ctx.get_ciphers()}
    assert _suite_name(suite) == names[int(suite)]
