"""What ``handle_tls`` reports besides bytes: events and the Result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, TypeAlias

from tlspy.core.enums import AlertDescription, AlertLevel
from tlspy.engine.state import SessionInfo, State
from tlspy.engine.tickets import Ticket


@dataclass(frozen=True, slots=True)
class HandshakeComplete:
    info: SessionInfo


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert received from the peer (``sent`` False) or the fatal alert
    this side sent because of a failure (``sent`` True, ``reason`` says why)."""

    level: AlertLevel | int
    description: AlertDescription | int
    sent: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Closed:
    """The peer sent close_notify: no more data will come from it."""


@dataclass(frozen=True, slots=True)
class KeyUpdated:
    """Traffic keys changed: ``read`` (the peer's KeyUpdate), ``write``
    (ours, in answer to its request or on send_key_update)."""

    read: bool
    write: bool


@dataclass(frozen=True, slots=True)
class NewSessionTicket:
    """The server sent a ticket; pass ``ticket`` to ``engine.client`` to
    resume."""

    ticket: Ticket


@dataclass(frozen=True, slots=True)
class KeyLog:
    """A secret this side derived, reported only when ``Config.key_log``:
    one line of the NSS key log format (``label client_random secret`` in
    hex) for Wireshark and friends.  Labels: CLIENT_HANDSHAKE_TRAFFIC_SECRET,
    SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_N,
    SERVER_TRAFFIC_SECRET_N (N counts KeyUpdates), EXPORTER_SECRET (TLS 1.3);
    CLIENT_RANDOM with the master secret (TLS 1.2).  These secrets decrypt
    the whole connection: never log them by default."""

    label: str
    client_random: bytes
    secret: bytes

    def line(self) -> str:
        """The NSS key log line (no newline)."""
        return f"{self.label} {self.client_random.hex()} {self.secret.hex()}"


Event: TypeAlias = (
    HandshakeComplete | Alert | Closed | KeyUpdated | NewSessionTicket | KeyLog
)


def key_log(enabled: bool, client_random: bytes, *entries: tuple[str, bytes]) -> list[Event]:
    """KeyLog events for ``entries`` (label, secret) when ``enabled``
    (``Config.key_log``); otherwise none."""
    if not enabled:
        return []
    return [KeyLog(label, client_random, secret) for label, secret in entries]


class Result(NamedTuple):
    """What ``handle_tls`` gives back.  A named tuple, so the data path
    builds one with a single ``tuple.__new__`` call."""

    state: State
    out: bytes
    data: bytes
    events: tuple[Event, ...]


__all__ = ["Alert", "Closed", "Event", "HandshakeComplete", "KeyLog", "KeyUpdated",
           "NewSessionTicket", "Result", "key_log"]
