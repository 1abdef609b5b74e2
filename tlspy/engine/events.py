"""What ``handle_tls`` reports besides bytes: events and the Result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

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


Event: TypeAlias = HandshakeComplete | Alert | Closed | KeyUpdated | NewSessionTicket


@dataclass(frozen=True, slots=True)
class Result:
    state: State
    out: bytes
    data: bytes
    events: tuple[Event, ...]


__all__ = ["Alert", "Closed", "Event", "HandshakeComplete", "KeyUpdated", "NewSessionTicket",
           "Result"]
