"""TLS 1.2 session-ID resumption (RFC 5246 7.4.1.2): the server's session
cache, an effect handed in through ``Config.session_cache`` like ``rng`` and
``clock`` (after OCaml-TLS), so that the engine itself stays pure.

A cache is any object with ``get(session_id) -> Session12 | None`` and
``put(session_id, session)``; :class:`SessionCache` is a small thread-safe
bounded LRU one.  With no cache configured the server issues no session IDs.
The client needs no cache: it keeps the :class:`~tlspy.engine.Ticket` from
the ``NewSessionTicket`` event (its ``session_id`` set) and passes it back to
``engine.client``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from tlspy.core.enums import CipherSuite
from tlspy.x509 import Certificate


@dataclass(frozen=True, slots=True)
class Session12:
    """What a server keeps of a TLS 1.2 session to resume it: the suite,
    the master secret, when it was made and for how long it may be resumed,
    the SNI it was made for (RFC 6066 3), whether it used the Extended Master
    Secret (RFC 7627 5.3) and the client's certificates."""

    suite: CipherSuite
    master: bytes
    issued_at: float
    lifetime: int
    server_name: str | None
    extended_master_secret: bool = True
    peer_certificates: tuple[Certificate, ...] = ()

    def usable(self, now: float) -> bool:
        return 0 <= now - self.issued_at <= self.lifetime


class SessionStore(Protocol):
    """What the engine needs of a session cache.  A cache that also has
    ``remove(session_id)`` is told to forget a session whose connection
    ended with a fatal alert (RFC 5246 7.2.2)."""

    def get(self, session_id: bytes) -> Session12 | None: ...

    def put(self, session_id: bytes, session: Session12) -> None: ...


def invalidate(cache: SessionStore | None, session_id: bytes) -> None:
    """Forget ``session_id`` in ``cache`` when it can forget."""
    remove = getattr(cache, "remove", None)
    if session_id and remove is not None:
        remove(session_id)


class SessionCache:
    """A bounded, thread-safe LRU session cache: at most ``max_size``
    sessions, each dropped ``lifetime`` seconds after it was stored (by
    ``clock``, the system clock unless given)."""

    __slots__ = ("_clock", "_entries", "_lifetime", "_lock", "_max_size")

    def __init__(self, max_size: int = 1024, lifetime: float = 7200.0,
                 clock: Callable[[], float] = time.time) -> None:
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        if lifetime <= 0:
            raise ValueError("lifetime must be positive")
        self._max_size = max_size
        self._lifetime = lifetime
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[bytes, tuple[float, Session12]] = OrderedDict()

    def get(self, session_id: bytes) -> Session12 | None:
        with self._lock:
            entry = self._entries.get(bytes(session_id))
            if entry is None:
                return None
            stored_at, session = entry
            if not 0 <= self._clock() - stored_at <= self._lifetime:
                del self._entries[bytes(session_id)]
                return None
            self._entries.move_to_end(bytes(session_id))
            return session

    def put(self, session_id: bytes, session: Session12) -> None:
        if not 1 <= len(session_id) <= 32:
            raise ValueError("a session ID is 1..32 bytes")
        with self._lock:
            self._entries[bytes(session_id)] = (self._clock(), session)
            self._entries.move_to_end(bytes(session_id))
            while len(self._entries) > self._max_size:
                self._entries.popitem(last=False)

    def remove(self, session_id: bytes) -> None:
        with self._lock:
            self._entries.pop(bytes(session_id), None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


__all__ = ["Session12", "SessionCache", "SessionStore", "invalidate"]
