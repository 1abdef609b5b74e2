"""OpenSSL's spellings for what a context negotiates: TLS 1.2 cipher
strings (``set_ciphers``, ``s_server -cipher``) and group names
(``set_ecdh_curve``, ``-groups``).

A cipher string is OpenSSL's little language: words separated by ``:``
(or spaces, commas), each a suite name (``AES128-SHA``) or a keyword
(``ALL``, ``HIGH``, ``DEFAULT``, ``kRSA``, ``ECDHE``, ``AESGCM``, ``SHA1``
...), keywords joined by ``+`` meaning "all of these".  A bare word
appends the suites it selects, ``-`` removes them (a later word may add
them back), ``!`` removes them for good, ``+`` moves them to the end;
``@STRENGTH`` sorts by key size, ``@SECLEVEL=n`` is accepted and ignored.
Keywords for things tlspy never implements (RC4, 3DES, NULL, EXPORT,
PSK, CAMELLIA ...) select nothing.

Only suites the engine implements are ever selected.  ``DEFAULT`` is the
engine's secure default (ECDHE with an AEAD); CBC and RSA key exchange
come only from a string that asks for them (a name, ``ALL``, ``HIGH``,
``kRSA``, ``AES128-SHA``...), as with OpenSSL.
"""

from __future__ import annotations

from tlspy.core.enums import CipherSuite, NamedGroup
from tlspy.core.messages import KeyExchange
from tlspy.core.suites import Auth, BulkCipher, suite_info
from tlspy.engine.config import DEFAULT_SUITES_12
from tlspy.engine.handshake_common12 import SUITES_12 as ENGINE_SUITES_12

CS = CipherSuite

# OpenSSL's names for the TLS 1.2 suites tlspy knows (engine support is
# checked separately: a name the engine cannot run selects nothing).
OPENSSL_NAMES_12: dict[str, CipherSuite] = {
    "ECDHE-ECDSA-AES128-GCM-SHA256": CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    "ECDHE-RSA-AES128-GCM-SHA256": CS.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    "ECDHE-ECDSA-AES256-GCM-SHA384": CS.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    "ECDHE-RSA-AES256-GCM-SHA384": CS.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    "ECDHE-ECDSA-CHACHA20-POLY1305": CS.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    "ECDHE-RSA-CHACHA20-POLY1305": CS.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    "DHE-RSA-AES128-GCM-SHA256": CS.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
    "DHE-RSA-AES256-GCM-SHA384": CS.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
    "DHE-RSA-CHACHA20-POLY1305": CS.TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    "AES128-GCM-SHA256": CS.TLS_RSA_WITH_AES_128_GCM_SHA256,
    "AES256-GCM-SHA384": CS.TLS_RSA_WITH_AES_256_GCM_SHA384,
    "ECDHE-ECDSA-AES128-SHA256": CS.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
    "ECDHE-RSA-AES128-SHA256": CS.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    "ECDHE-ECDSA-AES256-SHA384": CS.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
    "ECDHE-RSA-AES256-SHA384": CS.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
    "ECDHE-ECDSA-AES128-SHA": CS.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    "ECDHE-RSA-AES128-SHA": CS.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    "ECDHE-ECDSA-AES256-SHA": CS.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    "ECDHE-RSA-AES256-SHA": CS.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
    "DHE-RSA-AES128-SHA256": CS.TLS_DHE_RSA_WITH_AES_128_CBC_SHA256,
    "DHE-RSA-AES256-SHA256": CS.TLS_DHE_RSA_WITH_AES_256_CBC_SHA256,
    "DHE-RSA-AES128-SHA": CS.TLS_DHE_RSA_WITH_AES_128_CBC_SHA,
    "DHE-RSA-AES256-SHA": CS.TLS_DHE_RSA_WITH_AES_256_CBC_SHA,
    "AES128-SHA256": CS.TLS_RSA_WITH_AES_128_CBC_SHA256,
    "AES256-SHA256": CS.TLS_RSA_WITH_AES_256_CBC_SHA256,
    "AES128-SHA": CS.TLS_RSA_WITH_AES_128_CBC_SHA,
    "AES256-SHA": CS.TLS_RSA_WITH_AES_256_CBC_SHA,
}
SUITE_NAMES_12 = {v: k for k, v in OPENSSL_NAMES_12.items()}


def implemented_12() -> tuple[CipherSuite, ...]:
    """The TLS 1.2 suites the engine runs, in OpenSSL's default order
    (ECDHE before DHE before RSA key exchange, AEAD before CBC)."""
    return tuple(s for s in OPENSSL_NAMES_12.values() if s in ENGINE_SUITES_12)


def cipher_protocol(suite: CipherSuite) -> str:
    """The protocol version OpenSSL names a suite by (the second item of
    ssl's ``cipher()``): the first version that defined it."""
    info = suite_info(suite)
    if info is None or info.tls13:
        return "TLSv1.3"
    if info.mac != "sha1":
        return "TLSv1.2"
    return "TLSv1.0" if info.kex is KeyExchange.ECDHE else "SSLv3"


def _tags(suite: CipherSuite) -> frozenset[str]:
    """The OpenSSL keywords that select ``suite``."""
    info = suite_info(suite)
    assert info is not None
    tags = {"ALL", "HIGH", "TLSv1.2", "COMPLEMENTOFDEFAULT"}
    kex = {KeyExchange.ECDHE: ("kECDHE", "kEECDH", "ECDHE", "EECDH", "ECDH"),
           KeyExchange.DHE: ("kDHE", "kEDH", "DHE", "EDH", "DH"),
           KeyExchange.RSA: ("kRSA", "RSA")}[info.kex]  # type: ignore[index]
    tags.update(kex)
    tags.update(("aRSA", "RSA") if info.auth is Auth.RSA else ("aECDSA", "ECDSA"))
    c = info.cipher
    if c in (BulkCipher.AES_128_GCM, BulkCipher.AES_256_GCM):
        tags.update(("AES", "AESGCM"))
    elif c in (BulkCipher.AES_128_CBC, BulkCipher.AES_256_CBC):
        tags.add("AES")
    else:
        tags.add("CHACHA20")
    if c in (BulkCipher.AES_128_GCM, BulkCipher.AES_128_CBC):
        tags.add("AES128")
    elif c in (BulkCipher.AES_256_GCM, BulkCipher.AES_256_CBC):
        tags.add("AES256")
    if info.mac == "sha1":
        tags.update(("SHA1", "SHA", "TLSv1", "SSLv3", "TLSv1.0"))
    elif info.mac == "sha256" or (info.mac is None and info.prf_hash == "sha256"):
        tags.add("SHA256")
    else:
        tags.add("SHA384")
    if info.mac is None:
        tags.add("AEAD")
    if suite in DEFAULT_SUITES_12:
        tags.add("DEFAULT")
        tags.discard("COMPLEMENTOFDEFAULT")
    return frozenset(tags)


def _select(word: str, universe: tuple[CipherSuite, ...]) -> list[CipherSuite]:
    """The suites one word (``A+B`` = both) selects, in ``universe`` order."""
    if word in OPENSSL_NAMES_12:
        suite = OPENSSL_NAMES_12[word]
        return [suite] if suite in universe else []
    parts = word.split("+")
    return [s for s in universe if all(p in _tags(s) for p in parts)]


def parse_cipher_string(text: str) -> tuple[CipherSuite, ...]:
    """The TLS 1.2 suites an OpenSSL cipher string selects, in order
    (empty when it selects none; see the module docstring)."""
    universe = implemented_12()
    chosen: list[CipherSuite] = []
    banned: set[CipherSuite] = set()
    words = text.replace(",", ":").replace(" ", ":").split(":")
    for word in filter(None, words):
        if word.startswith("@"):
            if word == "@STRENGTH":
                chosen.sort(key=lambda s: -(suite_info(s).key_length  # type: ignore[union-attr]
                                            if suite_info(s) else 0))
            continue  # @SECLEVEL=n: tlspy has no weak keys to filter
        op, token = (word[0], word[1:]) if word[0] in "!-+" else ("", word)
        picked = _select(token, universe)
        if op == "!":
            banned.update(picked)
            chosen = [s for s in chosen if s not in banned]
        elif op == "-":
            chosen = [s for s in chosen if s not in picked]
        elif op == "+":
            moved = [s for s in chosen if s in picked]
            chosen = [s for s in chosen if s not in picked] + moved
        else:
            chosen += [s for s in picked if s not in chosen and s not in banned]
    return tuple(chosen)


# Group names: OpenSSL's short names (set_ecdh_curve) and the NIST and
# RFC 8446 spellings OpenSSL 3 takes for -groups.
GROUP_NAMES: dict[str, NamedGroup] = {
    "x25519": NamedGroup.X25519,
    "prime256v1": NamedGroup.SECP256R1, "secp256r1": NamedGroup.SECP256R1,
    "p-256": NamedGroup.SECP256R1,
    "secp384r1": NamedGroup.SECP384R1, "p-384": NamedGroup.SECP384R1,
    "ffdhe2048": NamedGroup.FFDHE2048, "ffdhe3072": NamedGroup.FFDHE3072,
    "ffdhe4096": NamedGroup.FFDHE4096,
}


def group_by_name(name: str) -> NamedGroup | None:
    """The group an OpenSSL name means (case-insensitive), or None."""
    return GROUP_NAMES.get(name.strip().lower())


def parse_groups(text: str) -> tuple[NamedGroup, ...]:
    """``X25519:P-256:ffdhe2048`` (OpenSSL 3's -groups list) in order;
    ValueError naming an unknown group."""
    out: list[NamedGroup] = []
    for name in filter(None, text.replace(",", ":").split(":")):
        group = group_by_name(name)
        if group is None:
            known = ", ".join(sorted({n for n in GROUP_NAMES if not n.startswith("p-")}))
            raise ValueError(f"unknown group {name!r} (tlspy knows {known}, P-256, P-384)")
        if group not in out:
            out.append(group)
    if not out:
        raise ValueError("no group given")
    return tuple(out)


__all__ = ["GROUP_NAMES", "OPENSSL_NAMES_12", "SUITE_NAMES_12", "cipher_protocol", "group_by_name",
           "implemented_12", "parse_cipher_string", "parse_groups"]
