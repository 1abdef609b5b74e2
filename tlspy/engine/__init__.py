"""tlspy.engine: TLS 1.3 as a pure state machine (value in, value out).

::

    state, out = client(config, server_name="example.com", ticket=None)
    state = server(config)
    res = handle_tls(state, data)      # Result(state, out, data, events)
    state, out = send_application_data(state, payload)
    state, out = send_key_update(state, request_peer=True)
    state, out = send_close_notify(state)
    key = export_keying_material(state, label, context, length)

TLS 1.3 (RFC 8446): key shares x25519, secp256r1, secp384r1, ffdhe2048/3072/
4096; HelloRetryRequest (group mismatch, cookie); server certificates
chosen by SNI and signature_algorithms (Ed25519, ECDSA P-256/P-384,
RSA-PSS-RSAE); client certificates (optional or required); session tickets
and PSK resumption (psk_dhe_ke, ticket key rotation); KeyUpdate both ways;
middlebox compatibility mode; the downgrade sentinel; ALPN;
record_size_limit (RFC 8449); 0-RTT data is rejected (skipped) cleanly.
TLS 1.2 (RFC 5246): ECDHE_ECDSA and ECDHE_RSA with AES-GCM and
ChaCha20-Poly1305 (x25519, secp256r1, secp384r1); RSA PKCS#1 v1.5, RSA-PSS
and ECDSA signatures; Extended Master Secret required; secure renegotiation
indication, renegotiation refused (no_renegotiation); client certificates;
session tickets (RFC 5077) and session IDs (a server with
``Config.session_cache``); either comes to the client as a Ticket in a
NewSessionTicket event and is passed to ``client`` like a TLS 1.3 one, and
is only offered and accepted under the same server name;
TLS_FALLBACK_SCSV (sent with ``Config.fallback_scsv``; inappropriate_fallback
from a server with a higher version); record_size_limit; the downgrade
sentinel.  Both versions: rsa_pss_pss_* with id-RSASSA-PSS certificates; a
used server_name acknowledged.  Off unless configured:
DHE_RSA with the RFC 7919 groups, AES-CBC suites (encrypt-then-MAC when the
peer agrees, RFC 7366; otherwise MAC-then-encrypt through the constant-time
record check), plain RSA key exchange (TLS_RSA_WITH_AES_*; the server opens
the premaster through nocrypto's constant-time TLS entry point, and a bad
one only surfaces as bad_record_mac on the client's Finished).  A config with both versions
makes a client offer both and a server pick TLS 1.3 when the client offers
it; a TLS 1.2-only config works on either side.

Key logging: with ``Config.key_log`` the engine reports each secret as it
is derived in a ``KeyLog(label, client_random, secret)`` event with the NSS
key log labels (``KeyLog.line()`` is the SSLKEYLOGFILE line); a KeyUpdate
read or answered in ``handle_tls`` logs ``*_TRAFFIC_SECRET_N``; after
``send_key_update`` (which returns no events) ``traffic_key_log(state)``
gives the new secret.

Purity: a State is immutable; ``handle_tls`` on the same state and bytes
gives the same result (randomness is derived from a seed drawn from
``config.rng`` when the connection was created, time from ``config.clock``).

Failure contract (as OCaml-TLS): ``handle_tls`` never raises because of what
the peer sent.  Malformed or hostile input gives a Result whose ``out`` is
the fatal alert to send, whose state is failed (``state.failed``; later input
is ignored) and whose events end with ``Alert(sent=True, reason=...)``;
application data authenticated before the failure is still in ``data``.  A
fatal alert from the peer gives ``Alert(sent=False)`` and a failed state.
The engine only raises :class:`UsageError` when the caller misuses it
(sending data before the handshake completed or after close_notify).
"""

from __future__ import annotations

from dataclasses import replace

from tlspy.core.enums import (
    AlertDescription,
    AlertLevel,
    ContentType,
    KeyUpdateRequest,
    ProtocolVersion,
)
from tlspy.core.errors import TLSError
from tlspy.core.keyschedule import (
    Transcript,
    exporter,
    exporter12,
    next_traffic_secret,
    resumption_psk,
)
from tlspy.core.messages import Alert as AlertMessage
from tlspy.core.messages import (
    ClientHello,
    HandshakeMessage,
    HelloRequest,
    KeyUpdate,
    NewSessionTicket13,
    ServerHello,
    SupportedVersionsServerHello,
)
from tlspy.core.reader import parse_alert, parse_handshake
from tlspy.core.record import (
    HEADER_LENGTH,
    MAX_CIPHERTEXT_12,
    MAX_CIPHERTEXT_13,
    MAX_PLAINTEXT,
    Record,
    parse_records,
)
from tlspy.core.writer import assemble_alert, assemble_handshake
from tlspy.engine import (
    handshake_client12,
    handshake_client13,
    handshake_server12,
    handshake_server13,
)
from tlspy.engine._records import seal, seal_handshake
from tlspy.engine.config import CertifiedKey, Config
from tlspy.engine.events import (
    Alert,
    Closed,
    Event,
    HandshakeComplete,
    KeyLog,
    KeyUpdated,
    NewSessionTicket,
    Result,
    key_log,
)
from tlspy.engine.handshake_common import EngineError, UsageError, draw, fail
from tlspy.engine.handshake_common12 import EXPECTED12, SUITES_12, suites_12, tls12
from tlspy.engine.sessions import Session12, SessionCache, invalidate
from tlspy.engine.state import (
    HANDSHAKE12,
    PLAINTEXT12,
    SERVER_READING_CLIENT_FLIGHT,
    ClientWaitChangeCipherSpec12,
    ClientWaitServerHello,
    Established,
    Established12,
    Failed,
    ServerWaitChangeCipherSpec12,
    ServerWaitClientHello,
    ServerWaitClientHello2,
    SessionInfo,
    State,
    keys13,
)
from tlspy.engine.tickets import MAX_LIFETIME, Ticket

_tuple_new = tuple.__new__

A = AlertDescription


def client(
    config: Config, server_name: str | None = None, ticket: Ticket | None = None,
    *, session: Ticket | None = None,
) -> tuple[State, bytes]:
    """A client connection and its ClientHello (ready to send).  ``ticket``
    (or ``session``: the same thing, from a NewSessionTicket event: a TLS 1.3
    ticket, a TLS 1.2 ticket or a TLS 1.2 session ID) is offered for
    resumption when it has not expired, its suite is configured and it was
    made for the same ``server_name`` (RFC 8446 4.6.1, RFC 6066 3)."""
    if ticket is None:
        ticket = session
    if ticket is not None and ticket.server_name != server_name:
        ticket = None
    use13 = config.tls13 and bool(config.suites_13)
    if not use13 and not tls12(config):
        raise ValueError("the config enables no protocol version with a cipher suite for it")
    if server_name is not None:
        server_name.encode("ascii")
    seed = config.rng(32)
    ticket12 = None
    if ticket is not None and ticket.cipher_suite in SUITES_12:
        if ticket.usable(config.clock()) and ticket.cipher_suite in suites_12(config):
            ticket12 = ticket
        ticket = None
    if ticket is not None and (
        not use13 or not ticket.usable(config.clock())
        or ticket.cipher_suite not in config.suites_13
    ):
        ticket = None
    if use13:
        hello, shares = handshake_client13.client_hello(config, server_name, seed, ticket)
    else:
        hello, shares = handshake_client12.client_hello(config, server_name, seed), ()
    if ticket12 is not None:
        hello = handshake_client12.with_ticket12(hello, ticket12, seed)
    raw = assemble_handshake(hello)
    hs = ClientWaitServerHello(hello, shares, Transcript().add(raw), server_name,
                               ticket=ticket, ticket12=ticket12)
    st = State(config, True, hs, draw(seed, b"next", 32))
    # The first ClientHello goes out with record version 0x0301 (RFC 8446 5.1).
    out = bytes((ContentType.HANDSHAKE, 3, 1, len(raw) >> 8, len(raw) & 0xFF)) + raw
    if len(raw) > MAX_PLAINTEXT:  # pragma: no cover - hellos are small
        raise ValueError("ClientHello too large")
    return st, out


def server(config: Config) -> State:
    """A server connection waiting for a ClientHello."""
    if not config.certificates:
        raise ValueError("a server config needs at least one certificate")
    return State(config, False, ServerWaitClientHello(), config.rng(32))


def _forget_session(st: State) -> None:
    """A TLS 1.2 connection ending with a fatal alert is not to be resumed
    (RFC 5246 7.2.2): the server's cache forgets its session."""
    hs = st.hs
    if st.is_client or st.config.session_cache is None:
        return
    sid = hs.session_id if isinstance(hs, Established12) else (
        hs.ctx.session_id if isinstance(hs, HANDSHAKE12) else b"")
    invalidate(st.config.session_cache, sid)


def _failed(st: State, alert: AlertDescription | int, reason: str, data: bytes = b"",
            sent: bytes = b"") -> Result:
    """The Result of a fatal error: the alert to send (after ``sent``, what
    ``st`` was reached by sending) and a failed state."""
    _forget_session(st)
    body = assemble_alert(AlertMessage(AlertLevel.FATAL, alert))
    out = b""
    if not st.write_closed:
        try:
            _, out = seal(st, ContentType.ALERT, body)
        except Exception:  # pragma: no cover - sealing two bytes does not fail
            out = b""
    new = st.replace(hs=Failed(alert, True, reason), pending=b"")
    return Result(new, sent + out, data, (Alert(AlertLevel.FATAL, alert, True, reason),))


def handle_tls(state: State, data: bytes) -> Result:
    """Consume bytes from the peer; see the module docstring."""
    hs = state.hs
    app: list[bytes] = []
    if type(hs) is Established and (fast := state.read.fast) is not None and (
        not state.read_closed and state.hsbuf.empty
    ):
        # Data path: TLS 1.3 application-data records, opened by one C call
        # into one buffer, and a partial one at the end kept for the next
        # call; whatever else follows them goes the general way.
        pending = state.pending
        buf = pending + data if pending else data
        seq = state.read_seq
        done, used, content = fast.open_application_data(seq, buf, state.recv_limit)
        if used == len(buf) and done:  # the usual: whole records, nothing left
            return _tuple_new(Result, (state.opened(seq + done), b"", content, ()))
        state, data = _data_records(state, buf, done, used)
        if not data:
            return _tuple_new(Result, (state, b"", content, ()))
        if content:
            app.append(content)
    elif type(hs) is Failed:
        return Result(state, b"", b"", ())
    progress = [state]
    out: list[bytes] = []
    try:
        return _handle(state, bytes(data), progress, app, out)
    except TLSError as e:
        # The alert goes out under the keys in force when the failure was
        # found (e.g. the client's handshake keys after ServerHello), after
        # what the records before the bad one made us send (a server's
        # flight answering a ClientHello that came with a bad record); data
        # authenticated before the failure is still delivered.
        return _failed(progress[0], e.alert, str(e), b"".join(app), b"".join(out))
    except Exception as e:  # a bug; still no exception escapes to the caller
        reason = f"internal error: {type(e).__name__}: {e}"
        return _failed(progress[0], A.INTERNAL_ERROR, reason, b"".join(app))


def _data_records(state: State, buf: bytes, done: int, used: int) -> tuple[State, bytes]:
    """After the data path opened ``done`` application-data records from
    the first ``used`` bytes of ``buf`` (``state.pending`` + the new
    data): (new state, bytes left for the general path).  When at most the
    start of one more such record is left, it becomes the new state's
    pending bytes and nothing is left over; otherwise the state moves past
    the opened records and the rest (another record type, a bad tag,
    padding beyond the limit) is left for the general path, so no record
    is opened twice."""
    pending = state.pending
    seq = state.read_seq + done
    rest = len(buf) - used
    if not rest:
        if not done:  # no bytes at all
            return state, b""
        return state.opened(seq), b""
    # finished only if what is left is the start of one data record
    finished = True
    if buf[used] != 23 or (rest > 1 and buf[used + 1] != 3):
        finished = False
    elif rest >= 5:
        length = (buf[used + 3] << 8) | buf[used + 4]
        finished = length <= MAX_CIPHERTEXT_13 and rest < 5 + length
    if not finished:
        return state.opened(seq), bytes(buf[used:])
    tail = bytes(buf[used:])
    if not done and tail == pending:
        return state, b""
    return state.evolve(read_seq=seq, pending=tail), b""


def _handle(st: State, data: bytes, progress: list[State], app: list[bytes],
            out: list[bytes]) -> Result:
    """``progress[0]`` is always the state that what is in ``out`` led to."""
    events: list[Event] = []
    # TLS 1.2 protected records may carry up to 2048 bytes of expansion (CBC
    # padding up to 255 bytes, RFC 5246 6.2.3), TLS 1.3 ones 256.
    limit = MAX_CIPHERTEXT_12 if getattr(st.read.protection, "tls12", False) else (
        MAX_CIPHERTEXT_13)
    records, rest, bad = _parse_records(st.pending + data, limit)
    for rec in records:
        if st.read_closed:
            break  # data after close_notify is ignored (RFC 8446 6.1)
        ctype = rec.content_type
        if ctype == ContentType.CHANGE_CIPHER_SPEC and (
            isinstance(st.hs, (*HANDSHAKE12, Established12)) or (
                isinstance(st.hs, ClientWaitServerHello)
                and not (st.config.tls13 and st.config.suites_13))
        ):
            st = _change_cipher_spec12(st, rec.fragment)
            progress[0] = st
            continue
        if ctype == ContentType.CHANGE_CIPHER_SPEC:
            if (rec.fragment != b"\x01" or st.established or st.ccs_received
                    or isinstance(st.hs, ServerWaitClientHello)):
                raise fail(A.UNEXPECTED_MESSAGE, "change_cipher_spec")
            st = st.replace(ccs_received=True)
            continue
        if st.read.protection is None:
            if ctype == ContentType.APPLICATION_DATA:
                if isinstance(st.hs, ServerWaitClientHello2) and st.hs.skip_early_data:
                    continue  # rejected 0-RTT data before the second ClientHello
                raise fail(A.UNEXPECTED_MESSAGE, "application data before keys")
            if len(rec.fragment) > MAX_PLAINTEXT:
                raise fail(A.RECORD_OVERFLOW, "plaintext record too long")
            if ctype == ContentType.HANDSHAKE and not isinstance(
                st.hs, (ClientWaitServerHello, ServerWaitClientHello, ServerWaitClientHello2,
                        *PLAINTEXT12)
            ):
                raise fail(A.UNEXPECTED_MESSAGE, "plaintext handshake record")
            content = rec.fragment
        elif (ctype == ContentType.ALERT and not st.established and len(rec.fragment) == 2
              and not getattr(st.read.protection, "tls12", False)):
            # A TLS 1.3 peer that could not process our flight may still
            # send its alert in plaintext; it only ends the handshake.
            content = rec.fragment
        else:
            if ctype != ContentType.APPLICATION_DATA and not getattr(
                st.read.protection, "tls12", False
            ):
                raise fail(A.UNEXPECTED_MESSAGE, f"plaintext record of type {ctype} after keys")
            hs = st.hs
            try:
                ctype, content = st.read.protection.decrypt(st.read_seq, rec, st.recv_limit)
            except TLSError:
                if isinstance(hs, SERVER_READING_CLIENT_FLIGHT) and hs.early_data_budget >= len(
                    rec.fragment
                ):
                    budget = hs.early_data_budget - len(rec.fragment)
                    st = st.replace(hs=replace(hs, early_data_budget=budget))
                    continue  # rejected 0-RTT data (RFC 8446 4.2.10)
                raise
            st = st.evolve(read_seq=st.read_seq + 1)
            if isinstance(hs, SERVER_READING_CLIENT_FLIGHT) and hs.early_data_budget:
                st = st.replace(hs=replace(hs, early_data_budget=0))
        progress[0] = st
        if not content and ctype in (ContentType.HANDSHAKE, ContentType.ALERT):
            # RFC 8446 5.4 (RFC 5246 6.2.1 forbids sending them too).
            raise fail(A.UNEXPECTED_MESSAGE, f"empty record of type {ctype}")
        if ctype != ContentType.HANDSHAKE and not st.hsbuf.empty:
            raise fail(A.UNEXPECTED_MESSAGE, "handshake message interrupted")
        if ctype == ContentType.HANDSHAKE:
            st = _handshake_fragment(st, content, out, events, progress)
        elif ctype == ContentType.ALERT:
            st = _alert(st, content, events)
            if st.failed:
                return Result(st, b"".join(out), b"".join(app), tuple(events))
        elif ctype == ContentType.APPLICATION_DATA:
            if not st.established:
                raise fail(A.UNEXPECTED_MESSAGE, "application data during the handshake")
            app.append(content)
        else:
            raise fail(A.UNEXPECTED_MESSAGE, f"record content type {ctype}")
    if bad is not None and not st.read_closed:
        raise bad  # after the records before it (and what they made us send)
    pending = rest if not st.read_closed else b""
    if pending != st.pending:
        st = st.evolve(pending=pending)
    return Result(st, b"".join(out), b"".join(app), tuple(events))


def _parse_records(data: bytes, limit: int
                   ) -> tuple[tuple[Record, ...], bytes, TLSError | None]:
    """The whole records in ``data``, the bytes left, and the error of a
    bad record header after them (its whole records before it are still
    handled: a ClientHello followed by a record of an unknown type is
    answered, then refused)."""
    try:
        records, rest = parse_records(data, limit)
        return records, rest, None
    except TLSError as err:
        good: list[Record] = []
        pos = 0
        while len(data) - pos >= HEADER_LENGTH:
            n = HEADER_LENGTH + int.from_bytes(data[pos + 3:pos + 5], "big")
            try:
                one, _ = parse_records(data[pos:pos + n], limit)
            except TLSError:
                break
            if not one:
                break
            good += one
            pos += n
        return tuple(good), b"", err


def _change_cipher_spec12(st: State, fragment: bytes) -> State:
    """TLS 1.2 ChangeCipherSpec: the peer's new keys take over (RFC 5246
    7.1); anywhere else, or inside a handshake message, it is unexpected."""
    hs = st.hs
    if fragment != b"\x01":
        raise fail(A.UNEXPECTED_MESSAGE, "malformed change_cipher_spec")
    if not st.hsbuf.empty:
        raise fail(A.UNEXPECTED_MESSAGE, "change_cipher_spec inside a handshake message")
    if isinstance(hs, ClientWaitChangeCipherSpec12):
        return handshake_client12.change_cipher_spec(st, hs)
    if isinstance(hs, ServerWaitChangeCipherSpec12):
        return handshake_server12.change_cipher_spec(st, hs)
    raise fail(A.UNEXPECTED_MESSAGE, f"change_cipher_spec in {type(hs).__name__}")


def _alert(st: State, content: bytes, events: list[Event]) -> State:
    alert = parse_alert(content)
    events.append(Alert(alert.level, alert.description))
    if alert.description == A.CLOSE_NOTIFY:
        events.append(Closed())
        return st.replace(read_closed=True)
    if alert.description == A.USER_CANCELED:
        return st
    if (alert.description == A.NO_RENEGOTIATION and alert.level == AlertLevel.WARNING
            and isinstance(st.hs, Established12)):
        return st  # we never ask to renegotiate; a refusal changes nothing
    # Every other alert is fatal in TLS 1.3 (RFC 8446 6).
    _forget_session(st)
    return st.replace(hs=Failed(alert.description, False, "alert received"), pending=b"")


def _key_changes(st_before: State, st_after: State) -> bool:
    return st_before.read.protection is not st_after.read.protection


def _handshake_fragment(
    st: State, fragment: bytes, out: list[bytes], events: list[Event], progress: list[State]
) -> State:
    hsbuf, messages = st.hsbuf.feed(fragment)
    st = st.replace(hsbuf=hsbuf)
    for i, raw in enumerate(messages):
        progress[0] = st
        hs = st.hs
        is12 = isinstance(hs, (*HANDSHAKE12, Established12))
        if is12 and st.is_client and raw == b"\x00\x00\x00\x00" and not isinstance(
            hs, Established12
        ):
            continue  # HelloRequest mid-handshake: ignored, not hashed (RFC 5246 7.4.1.1)
        # The type is checked before the body is parsed: a misplaced
        # message is unexpected_message whatever its contents.
        if (is12 and raw[0] not in EXPECTED12.get(type(hs), raw[:1])) or (
            isinstance(hs, ClientWaitServerHello) and raw[0] != 2
        ) or (isinstance(hs, (ServerWaitClientHello, ServerWaitClientHello2)) and raw[0] != 1):
            raise fail(A.UNEXPECTED_MESSAGE, f"handshake type {raw[0]} in {type(hs).__name__}")
        msg: HandshakeMessage = parse_handshake(
            raw, version=ProtocolVersion.TLS_1_2 if is12 else ProtocolVersion.TLS_1_3,
            kex=hs.ctx.suite.kex if isinstance(hs, HANDSHAKE12) else None)
        before = st
        if isinstance(hs, ServerWaitClientHello) and isinstance(msg, ClientHello):
            handshake_server12.check_fallback(st.config, msg)
        if isinstance(hs, Established12):
            st = _post_handshake12(st, msg, out, events)
        elif isinstance(hs, Established):
            st = _post_handshake(st, msg, out, events)
        elif is12:
            handler = handshake_client12.handle if st.is_client else handshake_server12.handle
            st, o, ev = handler(st, raw, msg)
            out.append(o)
            events.extend(ev)
        elif (isinstance(hs, ClientWaitServerHello) and isinstance(msg, ServerHello)
              and tls12(st.config) and (
                  msg.find(SupportedVersionsServerHello) is None
                  or not (st.config.tls13 and st.config.suites_13))):
            # TLS 1.2 chosen, or a TLS 1.2-only client (which then refuses
            # the supported_versions it did not offer).
            st, o, ev = handshake_client12.server_hello(st, hs, raw, msg)
            out.append(o)
            events.extend(ev)
        elif (isinstance(hs, ServerWaitClientHello) and isinstance(msg, ClientHello)
              and handshake_server12.wants_12(st.config, msg)):
            st, o, ev = handshake_server12.client_hello(st, raw, msg)
            out.append(o)
            events.extend(ev)
        elif (isinstance(hs, ServerWaitClientHello) and isinstance(msg, ClientHello)
              and not (st.config.tls13 and st.config.suites_13)):
            raise fail(A.PROTOCOL_VERSION, "no protocol version in common")
        elif st.is_client:
            st, o, ev = handshake_client13.handle(st, raw, msg)
            out.append(o)
            events.extend(ev)
        else:
            st, o, ev = handshake_server13.handle(st, raw, msg)
            out.append(o)
            events.extend(ev)
        progress[0] = st
        if _key_changes(before, st) and (i != len(messages) - 1 or not st.hsbuf.empty):
            raise fail(A.UNEXPECTED_MESSAGE, "handshake message spans a key change")
    return st


def _post_handshake12(
    st: State, msg: object, out: list[bytes], events: list[Event]
) -> State:
    """After a TLS 1.2 handshake: a HelloRequest (to the client) or a
    ClientHello (to the server) asks for renegotiation, which tlspy refuses
    with a no_renegotiation warning (RFC 5246 7.2.2); anything else is
    unexpected."""
    if (isinstance(msg, HelloRequest) and st.is_client) or (
        isinstance(msg, ClientHello) and not st.is_client
    ):
        if not st.write_closed:
            body = assemble_alert(AlertMessage(AlertLevel.WARNING, A.NO_RENEGOTIATION))
            st, o = seal(st, ContentType.ALERT, body)
            out.append(o)
        return st
    raise fail(A.UNEXPECTED_MESSAGE, f"{type(msg).__name__} after the handshake")


def _post_handshake(st: State, msg: object, out: list[bytes], events: list[Event]) -> State:
    hs = st.hs
    assert isinstance(hs, Established)
    alg = hs.suite.prf_hash
    if isinstance(msg, KeyUpdate):
        if msg.request_update not in (KeyUpdateRequest.UPDATE_NOT_REQUESTED,
                                      KeyUpdateRequest.UPDATE_REQUESTED):
            raise fail(A.ILLEGAL_PARAMETER, "KeyUpdate request value")
        secret = next_traffic_secret(alg, st.read.secret)
        hs, label = _next_generation(hs, client=not st.is_client)
        events += key_log(st.config.key_log, hs.client_random, (label, secret))
        st = st.replace(hs=hs, read_seq=0, read=keys13(hs.suite, secret))
        wrote = False
        if msg.request_update == KeyUpdateRequest.UPDATE_REQUESTED and not st.write_closed:
            st, o = _send_key_update(st, KeyUpdateRequest.UPDATE_NOT_REQUESTED, events)
            out.append(o)
            wrote = True
        events.append(KeyUpdated(True, wrote))
        return st
    if isinstance(msg, NewSessionTicket13) and st.is_client:
        if msg.ticket_lifetime > MAX_LIFETIME:
            raise fail(A.ILLEGAL_PARAMETER, "ticket lifetime above seven days")
        info = hs.info
        ticket = Ticket(
            msg.ticket,
            resumption_psk(alg, hs.resumption_master, msg.ticket_nonce),
            hs.suite.suite,
            msg.ticket_age_add,
            msg.ticket_lifetime,
            st.config.clock(),
            info.server_name,
            info.alpn,
            info.peer_certificates,
        )
        events.append(NewSessionTicket(ticket))
        return st
    raise fail(A.UNEXPECTED_MESSAGE, f"{type(msg).__name__} after the handshake")


def _next_generation(hs: Established, client: bool) -> tuple[Established, str]:
    """``hs`` with the client's (or the server's) count of traffic key
    updates moved on, and the key log label of its new secret."""
    if client:
        hs = replace(hs, client_updates=hs.client_updates + 1)
        return hs, f"CLIENT_TRAFFIC_SECRET_{hs.client_updates}"
    hs = replace(hs, server_updates=hs.server_updates + 1)
    return hs, f"SERVER_TRAFFIC_SECRET_{hs.server_updates}"


def _send_key_update(
    st: State, request: KeyUpdateRequest, events: list[Event] | None = None
) -> tuple[State, bytes]:
    """Our KeyUpdate and new write keys; the new secret's KeyLog goes to
    ``events`` when there is somewhere to report it."""
    hs = st.hs
    assert isinstance(hs, Established)
    st, out = seal_handshake(st, assemble_handshake(KeyUpdate(request)))
    secret = next_traffic_secret(hs.suite.prf_hash, st.write.secret)
    hs, label = _next_generation(hs, client=st.is_client)
    if events is not None:
        events += key_log(st.config.key_log, hs.client_random, (label, secret))
    return st.replace(hs=hs, write_seq=0, write=keys13(hs.suite, secret)), out


def _check_can_send(state: State) -> None:
    if not state.established:
        raise UsageError("the handshake has not completed")
    if state.write_closed:
        raise UsageError("close_notify was already sent")


def send_application_data(
    state: State, payload: bytes | bytearray | memoryview
) -> tuple[State, bytes]:
    """``payload`` as protected records (at most the send limit each): with
    nocrypto keys one C call seals them all into one buffer (``seal``)."""
    if type(state.hs) is Established and not state.write_closed and payload:
        return seal(state, 23, payload)  # the data path: no further checks
    _check_can_send(state)
    if not payload:
        return state, b""
    return seal(state, ContentType.APPLICATION_DATA, payload)


def send_key_update(state: State, request_peer: bool = True) -> tuple[State, bytes]:
    """A KeyUpdate; our write keys change at once.  With ``request_peer``
    the peer is asked to update its keys too."""
    _check_can_send(state)
    if isinstance(state.hs, Established12):
        raise UsageError("KeyUpdate is a TLS 1.3 message")
    req = KeyUpdateRequest.UPDATE_REQUESTED if request_peer else (
        KeyUpdateRequest.UPDATE_NOT_REQUESTED)
    return _send_key_update(state, req)


def traffic_key_log(state: State) -> tuple[KeyLog, ...]:
    """The current TLS 1.3 application traffic secrets of an established
    connection as KeyLog entries (``CLIENT_TRAFFIC_SECRET_N``,
    ``SERVER_TRAFFIC_SECRET_N``), when ``Config.key_log``; otherwise none.
    For a KeyUpdate this side started with :func:`send_key_update`, which
    has no events to report its new secret in: call this afterwards."""
    hs = state.hs
    if not state.config.key_log or type(hs) is not Established:
        return ()
    mine, theirs = state.write.secret, state.read.secret
    client, server = (mine, theirs) if state.is_client else (theirs, mine)
    return (KeyLog(f"CLIENT_TRAFFIC_SECRET_{hs.client_updates}", hs.client_random, client),
            KeyLog(f"SERVER_TRAFFIC_SECRET_{hs.server_updates}", hs.client_random, server))


def export_keying_material(state: State, label: bytes, context: bytes, length: int) -> bytes:
    """TLS-Exporter(label, context, length) (RFC 8446 7.5) of an established
    connection."""
    hs = state.hs
    if not isinstance(hs, Established):
        raise UsageError("the handshake has not completed")
    if isinstance(hs, Established12):  # RFC 5705 (context always given here)
        return exporter12(hs.suite.prf_hash, hs.master, label, hs.client_random,
                          hs.server_random, context, length)
    return exporter(hs.suite.prf_hash, hs.exporter_master, label, context, length)


def send_close_notify(state: State) -> tuple[State, bytes]:
    """The close_notify alert; nothing more can be sent afterwards."""
    if state.write_closed or state.failed:
        return state, b""
    body = assemble_alert(AlertMessage(AlertLevel.WARNING, A.CLOSE_NOTIFY))
    st, out = seal(state, ContentType.ALERT, body)
    return st.replace(write_closed=True), out


__all__ = [
    "Alert",
    "CertifiedKey",
    "Closed",
    "Config",
    "EngineError",
    "Event",
    "HandshakeComplete",
    "KeyLog",
    "KeyUpdated",
    "NewSessionTicket",
    "Result",
    "Session12",
    "SessionCache",
    "SessionInfo",
    "State",
    "Ticket",
    "UsageError",
    "client",
    "export_keying_material",
    "handle_tls",
    "send_application_data",
    "send_close_notify",
    "send_key_update",
    "server",
    "traffic_key_log",
]
