"""Config refuses what the engine cannot do, and its defaults are the
secure ones issue 5 names: TLS 1.2 and 1.3 only, AEAD suites only, EMS
required, SHA-1 signatures refused."""

from __future__ import annotations

import pytest

from tlspy.core.enums import CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme
from tlspy.core.messages import KeyExchange
from tlspy.core.suites import BulkCipher, suite_info
from tlspy.engine import Config


def test_defaults_are_the_secure_ones() -> None:
    c = Config()
    assert set(c.versions) == {ProtocolVersion.TLS_1_3, ProtocolVersion.TLS_1_2}
    for s in c.cipher_suites:
        info = suite_info(s)
        assert info is not None
        assert info.cipher not in (BulkCipher.AES_128_CBC, BulkCipher.AES_256_CBC), s
        assert info.kex is not KeyExchange.RSA, s  # plain RSA key exchange: opt-in only
    assert c.require_ems
    assert not c.key_log and not c.fallback_scsv
    assert not {SignatureScheme.RSA_PKCS1_SHA1, SignatureScheme.ECDSA_SHA1} & set(
        c.signature_schemes)


@pytest.mark.parametrize("kw, words", [
    ({"cipher_suites": (0x0005,)}, "cipher suite"),              # RC4-SHA: never
    ({"cipher_suites": (CipherSuite.TLS_AES_128_GCM_SHA256, 0xC0AC)}, "cipher suite"),
    ({"signature_schemes": (SignatureScheme.RSA_PKCS1_SHA1,)}, "SHA-1"),
    ({"groups": (0x001E,)}, "group"),                            # x448: not here
    ({"versions": (0x0302,)}, "version"),                        # TLS 1.1
    ({"groups": ()}, "groups"),
])
def test_config_refuses_what_the_engine_cannot_do(kw: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        Config(**kw)  # type: ignore[arg-type]


def test_ffdhe_groups_are_accepted_when_asked_for() -> None:
    c = Config(groups=(NamedGroup.FFDHE2048, NamedGroup.X25519))
    assert c.groups[0] == NamedGroup.FFDHE2048
