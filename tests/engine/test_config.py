"""Config refuses what the engine cannot do, and its defaults are the
secure ones issue 5 names: TLS 1.2 and 1.3 only, AEAD suites only, EMS
required, SHA-1 signatures refused."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from nocrypto.ec import ECPrivateKey
from nocrypto.ed25519 import Ed25519PrivateKey
from nocrypto.rsa import RSAPrivateKey
from tests.engine.certs import KINDS, pki
from tests.engine.helpers import configs, handshake
from tlspy import engine
from tlspy.core.enums import CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme
from tlspy.core.messages import KeyExchange
from tlspy.core.suites import BulkCipher, suite_info
from tlspy.engine import CertifiedKey, Config
from tlspy.engine.config import DEFAULT_SUITES_13
from tlspy.engine.tickets import TicketKey
from tlspy.x509 import TrustStore


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


# ------------------------------------------- keys loaded once, at config time

_LOADED = {"ed25519": Ed25519PrivateKey, "p256": ECPrivateKey, "p384": ECPrivateKey,
           "rsa": RSAPrivateKey}


@pytest.mark.parametrize("kind", KINDS)
def test_certified_key_loads_its_key_once(kind: str) -> None:
    ck = pki(kind).key
    assert isinstance(ck.private, _LOADED[kind])
    # The loaded key is part of neither equality nor the repr.
    assert CertifiedKey(ck.chain, ck.key) == ck
    assert "private" not in repr(ck)


def test_certified_key_refuses_an_unusable_key() -> None:
    ck = pki("rsa").key
    n, e, d, p, q, *_ = ck.key.rsa
    bad = replace(ck.key, rsa=(n, e, d, p, q + 2, 0, 0, 0))
    with pytest.raises(ValueError):
        CertifiedKey(ck.chain, bad)


def test_ticket_keys_loaded_once() -> None:
    keys = (bytes(range(32)), bytes(32))
    cfg = Config(ticket_keys=keys)
    assert [k.key_id for k in cfg.ticket_sealers] == [TicketKey.load(k).key_id for k in keys]
    assert replace(cfg, ticket_keys=keys[1:]).ticket_sealers[0].key_id == TicketKey.load(
        keys[1]).key_id
    assert Config().ticket_sealers == ()


def test_suites_13_made_with_the_config() -> None:
    cfg = Config()
    assert cfg.suites_13 == DEFAULT_SUITES_13 == cfg.cipher_suites[:3]
    only12 = replace(cfg, cipher_suites=cfg.cipher_suites[3:])
    assert only12.suites_13 == () and only12.cipher_suites == cfg.cipher_suites[3:]
    swapped = replace(cfg, cipher_suites=cfg.cipher_suites[2::-1])
    assert swapped.suites_13 == cfg.suites_13[::-1]


def test_trust_anchors_indexed_once() -> None:
    """The validator gets anchor_store: the anchors as a TrustStore, made
    with the Config (and again by replace), not per connection."""
    p256, rsa = pki("p256").anchor, pki("rsa").anchor
    seen = []

    def keep(chain, anchors, name, at, usage):  # type: ignore[no-untyped-def]
        seen.append(anchors)

    cfg = Config(trust_anchors=(p256, rsa, p256))
    assert isinstance(cfg.anchor_store, TrustStore) and list(cfg.anchor_store) == [p256, rsa]
    assert list(cfg.anchor_store.named(rsa.subject.matching_key())) == [rsa]
    assert list(replace(cfg, trust_anchors=(rsa,)).anchor_store) == [rsa]
    assert len(Config().anchor_store) == 0
    ccfg, scfg = configs(client={"validator": keep})
    for _ in range(2):
        assert handshake(ccfg, scfg).client.established
    assert seen == [ccfg.anchor_store] * 2 and seen[0] is seen[1]


@pytest.mark.parametrize("kind", ["rsa", "p256", "ed25519"])
def test_one_server_state_answers_alike_across_threads(kind: str) -> None:
    """The kept key's mutable part (RSA blinding, under a lock) changes no
    output: the same state and ClientHello give the same flight from
    several threads at once, and again afterwards."""
    ccfg, scfg = configs(kind)
    _c, hello = engine.client(ccfg, "server.test")
    s0 = engine.server(scfg)
    first = engine.handle_tls(s0, hello).out
    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda _: engine.handle_tls(s0, hello).out, range(40)))
    assert first and set(outs) == {first}
    assert engine.handle_tls(s0, hello).out == first
