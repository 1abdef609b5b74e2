"""Key schedules: TLS 1.3 (RFC 8446 section 7) and TLS 1.2 (RFC 5246
section 5 and 6.3, RFC 7627 Extended Master Secret, RFC 5705 exporters).

Pure functions over bytes, with the hash named as in nocrypto.hash
("sha256", "sha384"); every HKDF/PRF/HMAC runs in nocrypto's C, a TLS 1.3
stage with the secrets drawn from it in one call (nocrypto.kdf.tls13_stage).
The transcript is an immutable value of the handshake bytes so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nocrypto import hash as nchash
from nocrypto.kdf import hkdf_expand_label as _expand_label
from nocrypto.kdf import tls12_prf, tls13_finished, tls13_key_iv, tls13_stage, tls13_transcript
from tlspy.core.suites import SuiteInfo
from tlspy.core.writer import assemble_message_hash

# ------------------------------------------------------------- transcript


@dataclass(frozen=True, slots=True)
class Transcript:
    """The concatenated handshake messages so far (RFC 8446 4.4.1).

    Kept as bytes so it serves both the TLS 1.3 transcript hash (chosen once
    the cipher suite is known) and TLS 1.2's CertificateVerify, which signs
    the raw messages.  :meth:`add_hash` also carries a running hash: the C
    context of the first ``run[2]`` bytes under ``run[0]``, which no one
    writes to once made (each step makes a new one), so a later hash only
    hashes what came since.
    """

    data: bytes = b""
    run: tuple[str, Any, int] | None = field(default=None, compare=False, repr=False)

    def add(self, *messages: bytes) -> Transcript:
        return Transcript(self.data + b"".join(messages), self.run)

    def add_hash(self, alg: str, *messages: bytes) -> tuple[Transcript, bytes]:
        """The transcript with ``messages`` added, and its hash."""
        data = self.data + b"".join(messages)
        run = self.run
        if run is not None and run[0] == alg:
            ctx, digest = tls13_transcript(alg, run[1], data[run[2]:])
        else:
            ctx, digest = tls13_transcript(alg, None, data)
        return Transcript(data, (alg, ctx, len(data))), digest

    def hash(self, alg: str) -> bytes:
        run = self.run
        if run is not None and run[0] == alg:
            return tls13_transcript(alg, run[1], self.data[run[2]:])[1]
        return nchash.digest(alg, self.data)

    def after_hello_retry_request(self, alg: str) -> Transcript:
        """The transcript with ClientHello1 replaced by the synthetic
        message_hash message (RFC 8446 4.4.1); call it with only
        ClientHello1 added."""
        return Transcript(assemble_message_hash(nchash.digest(alg, self.data)))


# ---------------------------------------------------------------- TLS 1.3


def hkdf_expand_label(alg: str, secret: bytes, label: bytes, context: bytes, length: int) -> bytes:
    """HKDF-Expand-Label; ``label`` without the "tls13 " prefix."""
    return _expand_label(alg, secret, label, context, length)


def derive_secret(alg: str, secret: bytes, label: bytes, transcript_hash: bytes) -> bytes:
    """Derive-Secret(secret, label, messages) given Transcript-Hash(messages)."""
    return _expand_label(alg, secret, label, transcript_hash, len(transcript_hash))


# Transcript-Hash("") per hash (the context of the "derived" and binder
# secrets): constants.
_EMPTY_HASH = {alg: nchash.digest(alg, b"") for alg in ("sha256", "sha384")}


def empty_hash(alg: str) -> bytes:
    h = _EMPTY_HASH.get(alg)
    return h if h is not None else nchash.digest(alg, b"")


def early_secret(alg: str, psk: bytes | None = None) -> bytes:
    """HKDF-Extract(0, PSK), with HashLen zeros when there is no PSK (a
    constant per hash)."""
    if psk is None:
        early = _NO_PSK_EARLY.get(alg)
        if early is not None:
            return early
    return tls13_stage(alg, None, psk, b"")[0]


_NO_PSK_EARLY = {alg: tls13_stage(alg, None, None, b"")[0] for alg in ("sha256", "sha384")}


def handshake_secret(alg: str, early: bytes, shared_secret: bytes | None) -> bytes:
    """HKDF-Extract(Derive-Secret(early, "derived", ""), (EC)DHE); None for
    psk_ke (no key exchange: zeros)."""
    return tls13_stage(alg, early, shared_secret, b"")[0]


def master_secret(alg: str, handshake: bytes) -> bytes:
    return tls13_stage(alg, handshake, None, b"")[0]


_HS_LABELS = (b"c hs traffic", b"s hs traffic")
_AP_LABELS = (b"c ap traffic", b"s ap traffic", b"exp master")


def handshake_stage(alg: str, early: bytes, shared_secret: bytes | None,
                    ch_sh_hash: bytes) -> tuple[bytes, bytes, bytes]:
    """(handshake secret, client and server handshake traffic secrets) over
    ClientHello..ServerHello, in one C call."""
    hs, c, s = tls13_stage(alg, early, shared_secret, ch_sh_hash, _HS_LABELS)
    return hs, c, s


def application_stage(alg: str, handshake: bytes,
                      ch_sf_hash: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """(master secret, client and server application traffic secrets 0,
    exporter master secret) over ClientHello..server Finished, in one C
    call."""
    master, c, s, exp = tls13_stage(alg, handshake, None, ch_sf_hash, _AP_LABELS)
    return master, c, s, exp


def resumption_stage(alg: str, handshake: bytes, ch_cf_hash: bytes) -> bytes:
    """The resumption master secret straight from the handshake secret (the
    master secret in between), over ClientHello..client Finished, in one C
    call."""
    return tls13_stage(alg, handshake, None, ch_cf_hash, (b"res master",))[1]


def binder_key(alg: str, early: bytes, *, external: bool) -> bytes:
    return derive_secret(alg, early, b"ext binder" if external else b"res binder", empty_hash(alg))


def resumption_binder_key(alg: str, psk: bytes) -> bytes:
    """The binder key of a resumption PSK: the early secret and
    Derive-Secret(., "res binder", "") in one C call."""
    return tls13_stage(alg, None, psk, empty_hash(alg), (b"res binder",))[1]


def resumption_early_secrets(alg: str, psk: bytes) -> tuple[bytes, bytes]:
    """(early secret, binder key) of a resumption PSK in one C call."""
    early, binder = tls13_stage(alg, None, psk, empty_hash(alg), (b"res binder",))
    return early, binder


def client_early_traffic_secret(alg: str, early: bytes, ch_hash: bytes) -> bytes:
    return derive_secret(alg, early, b"c e traffic", ch_hash)


def early_exporter_master_secret(alg: str, early: bytes, ch_hash: bytes) -> bytes:
    return derive_secret(alg, early, b"e exp master", ch_hash)


def handshake_traffic_secrets(alg: str, handshake: bytes, ch_sh_hash: bytes) -> tuple[bytes, bytes]:
    """(client, server) handshake traffic secrets over ClientHello..ServerHello."""
    return (
        derive_secret(alg, handshake, b"c hs traffic", ch_sh_hash),
        derive_secret(alg, handshake, b"s hs traffic", ch_sh_hash),
    )


def application_traffic_secrets(
    alg: str, master: bytes, ch_sf_hash: bytes
) -> tuple[bytes, bytes, bytes]:
    """(client, server) application traffic secrets 0 and the exporter
    master secret, over ClientHello..server Finished."""
    return (
        derive_secret(alg, master, b"c ap traffic", ch_sf_hash),
        derive_secret(alg, master, b"s ap traffic", ch_sf_hash),
        derive_secret(alg, master, b"exp master", ch_sf_hash),
    )


def resumption_master_secret(alg: str, master: bytes, ch_cf_hash: bytes) -> bytes:
    """Over ClientHello..client Finished."""
    return derive_secret(alg, master, b"res master", ch_cf_hash)


def resumption_psk(alg: str, resumption_master: bytes, ticket_nonce: bytes) -> bytes:
    """The PSK of a ticket (RFC 8446 4.6.1)."""
    return _expand_label(
        alg, resumption_master, b"resumption", ticket_nonce, nchash.digest_size(alg)
    )


def traffic_key_iv(
    alg: str, secret: bytes, key_length: int, iv_length: int = 12
) -> tuple[bytes, bytes]:
    """[sender]_write_key and [sender]_write_iv from a traffic secret."""
    return tls13_key_iv(alg, secret, key_length, iv_length)


def next_traffic_secret(alg: str, secret: bytes) -> bytes:
    """application_traffic_secret_N+1 (KeyUpdate, RFC 8446 7.2)."""
    return _expand_label(alg, secret, b"traffic upd", b"", nchash.digest_size(alg))


def finished_key(alg: str, base_key: bytes) -> bytes:
    return _expand_label(alg, base_key, b"finished", b"", nchash.digest_size(alg))


def finished_verify_data(alg: str, base_key: bytes, transcript_hash: bytes) -> bytes:
    """Finished.verify_data = HMAC(finished_key, Transcript-Hash); also the
    PSK binder with the binder key as ``base_key``."""
    return tls13_finished(alg, base_key, transcript_hash)


def exporter(alg: str, exporter_master: bytes, label: bytes, context: bytes, length: int) -> bytes:
    """TLS-Exporter(label, context_value, key_length) (RFC 8446 7.5)."""
    secret = derive_secret(alg, exporter_master, label, empty_hash(alg))
    return _expand_label(alg, secret, b"exporter", nchash.digest(alg, context), length)


# ---------------------------------------------------------------- TLS 1.2

MASTER_SECRET_LENGTH = 48
VERIFY_DATA_LENGTH = 12


def prf(alg: str, secret: bytes, label: bytes, seed: bytes, length: int) -> bytes:
    """The TLS 1.2 PRF, P_<alg>(secret, label + seed)."""
    return tls12_prf(alg, secret, label, seed, length)


def master_secret12(
    alg: str, premaster: bytes, client_random: bytes, server_random: bytes
) -> bytes:
    return tls12_prf(alg, premaster, b"master secret", client_random + server_random, 48)


def extended_master_secret(alg: str, premaster: bytes, session_hash: bytes) -> bytes:
    """RFC 7627: the session hash covers ClientHello..ClientKeyExchange."""
    return tls12_prf(alg, premaster, b"extended master secret", session_hash, 48)


@dataclass(frozen=True, slots=True)
class KeyBlock12:
    client_mac_key: bytes
    server_mac_key: bytes
    client_key: bytes
    server_key: bytes
    client_iv: bytes
    server_iv: bytes


def key_block12(
    info: SuiteInfo, master: bytes, client_random: bytes, server_random: bytes
) -> KeyBlock12:
    """The key block split per RFC 5246 6.3: MAC keys, keys, fixed IVs
    (GCM: 4-byte salt, ChaCha20: 12-byte IV, CBC: none)."""
    m, k, i = info.mac_key_length, info.key_length, info.fixed_iv_length
    block = tls12_prf(
        info.prf_hash, master, b"key expansion", server_random + client_random, 2 * (m + k + i)
    )
    parts = []
    pos = 0
    for n in (m, m, k, k, i, i):
        parts.append(block[pos : pos + n])
        pos += n
    return KeyBlock12(*parts)


def finished_verify_data12(
    alg: str, master: bytes, *, client: bool, handshake_hash: bytes
) -> bytes:
    label = b"client finished" if client else b"server finished"
    return tls12_prf(alg, master, label, handshake_hash, VERIFY_DATA_LENGTH)


def exporter12(
    alg: str,
    master: bytes,
    label: bytes,
    client_random: bytes,
    server_random: bytes,
    context: bytes | None,
    length: int,
) -> bytes:
    """RFC 5705 keying material exporter; ``context`` None means no context
    (distinct from an empty one)."""
    seed = client_random + server_random
    if context is not None:
        if len(context) > 0xFFFF:
            raise ValueError("exporter context is limited to 65535 bytes")
        seed += len(context).to_bytes(2, "big") + context
    return tls12_prf(alg, master, label, seed, length)


__all__ = [
    "MASTER_SECRET_LENGTH",
    "VERIFY_DATA_LENGTH",
    "KeyBlock12",
    "Transcript",
    "application_stage",
    "application_traffic_secrets",
    "binder_key",
    "client_early_traffic_secret",
    "derive_secret",
    "early_exporter_master_secret",
    "early_secret",
    "empty_hash",
    "exporter",
    "exporter12",
    "extended_master_secret",
    "finished_key",
    "finished_verify_data",
    "finished_verify_data12",
    "handshake_secret",
    "handshake_stage",
    "handshake_traffic_secrets",
    "hkdf_expand_label",
    "key_block12",
    "master_secret",
    "master_secret12",
    "next_traffic_secret",
    "prf",
    "resumption_binder_key",
    "resumption_early_secrets",
    "resumption_master_secret",
    "resumption_psk",
    "resumption_stage",
    "traffic_key_iv",
]
