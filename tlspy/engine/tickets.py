"""TLS 1.3 session tickets and PSK resumption (RFC 8446 4.6.1, 4.2.11).

Server side: a ticket is ``key_id (4) || nonce (12) || AES-256-GCM(ticket
key, state)`` where state is the suite, issue time, ticket_age_add, lifetime,
the resumption PSK (TLS 1.2: the master secret) and the server name of the
original handshake (a ticket is only accepted under the same SNI).  ``Config.ticket_keys`` lists the keys: the first
seals new tickets, every one opens (rotation: put the new key first, keep the
old one until its tickets expire).  A ticket that does not open, has expired
or names a suite of another hash is ignored (full handshake).

Client side: :class:`Ticket` is what the application keeps from a
``NewSessionTicket`` event and hands to ``engine.client(..., ticket=)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from nocrypto import hash as nchash
from nocrypto.cipher import AESGCM
from nocrypto.errors import AuthenticationError
from tlspy.core import keyschedule as ks
from tlspy.core.enums import CipherSuite
from tlspy.core.keyschedule import Transcript
from tlspy.core.messages import ClientHello, PreSharedKeyClientHello, PskIdentity
from tlspy.core.suites import suite_info
from tlspy.core.writer import assemble_handshake
from tlspy.x509 import Certificate

MAX_LIFETIME = 7 * 24 * 3600  # RFC 8446 4.6.1


@dataclass(frozen=True, slots=True)
class Ticket:
    """A resumable session as a client keeps it."""

    identity: bytes
    psk: bytes
    cipher_suite: CipherSuite
    age_add: int
    lifetime: int
    received_at: float  # config.clock() when the ticket arrived
    server_name: str | None
    alpn: bytes | None
    peer_certificates: tuple[Certificate, ...]
    # TLS 1.2: the session ID the server gave (RFC 5246 7.4.1.2), sent again
    # when resuming; ``identity`` is empty when there is no ticket, only an ID.
    session_id: bytes = b""

    def usable(self, now: float) -> bool:
        return 0 <= now - self.received_at <= min(self.lifetime, MAX_LIFETIME)

    def obfuscated_age(self, now: float) -> int:
        return (int((now - self.received_at) * 1000) + self.age_add) & 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class TicketState:
    """What the server finds inside a ticket it opened."""

    suite: CipherSuite
    issued_at: float
    age_add: int
    lifetime: int
    psk: bytes
    server_name: str | None = None  # the SNI of the original handshake


@dataclass(frozen=True, slots=True)
class TicketKey:
    """A ticket key loaded once (Config.ticket_keys, in Config.ticket_sealers):
    its 4-byte id and its AES-256-GCM key, expanded in C."""

    key_id: bytes
    aead: AESGCM

    @classmethod
    def load(cls, key: bytes) -> TicketKey:
        return cls(nchash.digest("sha256", b"tlspy ticket key" + key)[:4], AESGCM(key))


def seal_ticket(key: TicketKey, nonce: bytes, st: TicketState) -> bytes:
    body = (
        int(st.suite).to_bytes(2, "big")
        + int(st.issued_at * 1000).to_bytes(8, "big")
        + st.age_add.to_bytes(4, "big")
        + st.lifetime.to_bytes(4, "big")
        + bytes([len(st.psk)])
        + st.psk
    )
    name = (st.server_name or "").encode("ascii")
    body += bytes([len(name)]) + name
    return key.key_id + nonce + key.aead.encrypt(nonce, body, key.key_id)


def open_ticket(keys: tuple[TicketKey, ...], ticket: bytes) -> TicketState | None:
    """The state inside ``ticket``, or None when no key opens it."""
    if len(ticket) < 4 + 12 + 16 + 19:
        return None
    kid, nonce, sealed = ticket[:4], ticket[4:16], ticket[16:]
    for key in keys:
        if key.key_id != kid:
            continue
        try:
            body = key.aead.decrypt(nonce, sealed, kid)
        except (AuthenticationError, ValueError):
            return None
        suite = int.from_bytes(body[:2], "big")
        psk_len = body[18] if len(body) > 18 else len(body)
        name_at = 19 + psk_len
        if suite_info(suite) is None or len(body) < name_at + 1 or (
                len(body) != name_at + 1 + body[name_at]):
            return None
        name = body[name_at + 1:].decode("ascii", "replace")
        return TicketState(
            CipherSuite(suite),
            int.from_bytes(body[2:10], "big") / 1000,
            int.from_bytes(body[10:14], "big"),
            int.from_bytes(body[14:18], "big"),
            body[19:name_at],
            name or None,
        )
    return None


def binder(alg: str, psk: bytes, prefix: Transcript, truncated_hello: bytes) -> bytes:
    """The PSK binder (RFC 8446 4.2.11.2) over the transcript so far plus the
    ClientHello truncated before the binders list."""
    bk = ks.resumption_binder_key(alg, psk)
    return ks.finished_verify_data(alg, bk, nchash.digest(alg, prefix.data + truncated_hello))


def with_binder(hello: ClientHello, ticket: Ticket, prefix: Transcript, now: float) -> ClientHello:
    """``hello`` with its last extension (pre_shared_key) carrying ``ticket``
    and the binder computed for it."""
    info = suite_info(ticket.cipher_suite)
    assert info is not None
    alg = info.prf_hash
    identity = PskIdentity(ticket.identity, ticket.obfuscated_age(now))
    placeholder = PreSharedKeyClientHello((identity,), (bytes(info.hash_length),))
    draft = ClientHello(hello.legacy_version, hello.random, hello.legacy_session_id,
                        hello.cipher_suites, hello.legacy_compression_methods,
                        (*hello.extensions[:-1], placeholder))
    raw = assemble_handshake(draft)
    truncated = raw[: len(raw) - placeholder.binders_length()]
    final = PreSharedKeyClientHello((identity,), (binder(alg, ticket.psk, prefix, truncated),))
    return ClientHello(hello.legacy_version, hello.random, hello.legacy_session_id,
                       hello.cipher_suites, hello.legacy_compression_methods,
                       (*hello.extensions[:-1], final))


__all__ = ["Ticket", "TicketKey", "TicketState", "binder", "open_ticket", "seal_ticket", "with_binder"]
