"""TLS 1.3 server handshake (RFC 8446 4): ClientHello (and a second one after
HelloRetryRequest), the server flight, the client's Finished."""

from __future__ import annotations

from dataclasses import replace

from nocrypto.util import compare_digest
from tlspy.core import keyschedule as ks
from tlspy.core.enums import (
    AlertDescription,
    CipherSuite,
    ContentType,
    NamedGroup,
    ProtocolVersion,
    PskKeyExchangeMode,
    SignatureScheme,
)
from tlspy.core.keyschedule import Transcript
from tlspy.core.messages import (
    ALPN,
    Certificate13,
    CertificateRequest13,
    CertificateVerify,
    ClientHello,
    Cookie,
    EarlyData,
    Extension,
    Finished,
    HandshakeMessage,
    HelloRetryRequest,
    KeyShareClientHello,
    KeyShareEntry,
    KeyShareHelloRetryRequest,
    PreSharedKeyClientHello,
    PskKeyExchangeModes,
    RawExtension,
    RecordSizeLimit,
    ServerName,
    SignatureAlgorithms,
    SupportedGroups,
    SupportedVersionsClientHello,
    SupportedVersionsServerHello,
)
from tlspy.core.record import fragment_records, plaintext_limit
from tlspy.core.suites import suite_info
from tlspy.core.writer import (
    assemble_handshake,
    certificate_verify,
    certificate_verify_content,
    encrypted_extensions,
    finished,
    new_session_ticket13,
    server_hello13,
)
from tlspy.engine._records import CCS_RECORD, seal_handshake
from tlspy.engine.events import Event, HandshakeComplete, key_log
from tlspy.engine.handshake_common import (
    SCHEMES_13,
    choose_certificate,
    draw,
    draws,
    fail,
    key_agreement,
    make_key_share,
    parse_chain,
    scheme_fits_key,
    sign,
    validation_alert,
    verify,
)
from tlspy.engine.state import (
    Established,
    Secrets13,
    ServerWaitClientCertificate,
    ServerWaitClientCertificateVerify,
    ServerWaitClientHello,
    ServerWaitClientHello2,
    ServerWaitFinished,
    SessionInfo,
    State,
    keys13,
)
from tlspy.engine.tickets import TicketState, open_ticket, seal_ticket
from tlspy.x509 import ValidationError, X509Error

A = AlertDescription
Step = tuple[State, bytes, list[Event]]
# Rejected 0-RTT data skipped at most (RFC 8446 4.2.10: max_early_data_size;
# tlspy never issues tickets, so any early data is a client's guess).
EARLY_DATA_SKIP = 1 << 16


def handle(st: State, raw: bytes, msg: HandshakeMessage) -> Step:
    hs = st.hs
    match hs, msg:
        case ServerWaitClientHello(), ClientHello():
            return _client_hello(st, raw, msg, None)
        case ServerWaitClientHello2(), ClientHello():
            return _client_hello(st, raw, msg, hs)
        case ServerWaitClientCertificate(), Certificate13():
            return _client_certificate(st, hs, raw, msg)
        case ServerWaitClientCertificateVerify(), CertificateVerify():
            return _client_certificate_verify(st, hs, raw, msg)
        case ServerWaitFinished(), Finished():
            return _finished(st, hs, raw, msg)
    raise fail(A.UNEXPECTED_MESSAGE, f"{type(msg).__name__} in {type(hs).__name__}")


def _server_name(m: ClientHello) -> str | None:
    sni = m.find(ServerName)
    if sni is None or sni.host_name is None:
        return None
    try:
        name = sni.host_name.decode("ascii")
    except UnicodeDecodeError:
        raise fail(A.ILLEGAL_PARAMETER, "server_name is not ASCII") from None
    if not name or (name.endswith(".") and len(name) == 1):
        raise fail(A.ILLEGAL_PARAMETER, "empty server_name")
    if not name.isprintable():  # NUL, BEL, escape sequences: no host name has them
        raise fail(A.ILLEGAL_PARAMETER, "control character in server_name")
    return name


# What a second ClientHello may change (RFC 8446 4.1.2): the key share, the
# cookie, early_data dropped, the PSK's ages and binders, the padding.
_HRR_MAY_CHANGE = (KeyShareClientHello, Cookie, EarlyData, PreSharedKeyClientHello)
_PADDING = 21


def _hello_core(m: ClientHello) -> tuple[object, ...]:
    """The parts of a ClientHello a retry must repeat, in their order."""
    exts = tuple(e for e in m.extensions if not isinstance(e, _HRR_MAY_CHANGE)
                 and not (isinstance(e, RawExtension) and e.extension_type == _PADDING))
    return (m.legacy_version, m.random, m.legacy_session_id, m.cipher_suites,
            m.legacy_compression_methods, exts)


def _client_hello(
    st: State, raw: bytes, m: ClientHello, retry: ServerWaitClientHello2 | None
) -> Step:
    cfg = st.config
    sv = m.find(SupportedVersionsClientHello)
    if sv is None or ProtocolVersion.TLS_1_3 not in sv.versions:
        raise fail(A.PROTOCOL_VERSION, "client does not offer TLS 1.3")
    if m.legacy_version < ProtocolVersion.TLS_1_0:
        raise fail(A.PROTOCOL_VERSION, "ClientHello legacy_version below TLS 1.0")
    if m.legacy_compression_methods != b"\x00":
        raise fail(A.ILLEGAL_PARAMETER, "TLS 1.3 ClientHello compression methods must be null")
    groups_ext = m.find(SupportedGroups)
    shares_ext = m.find(KeyShareClientHello)
    sigalgs = m.find(SignatureAlgorithms)
    if m.find(PreSharedKeyClientHello) is None:
        if groups_ext is None or shares_ext is None:
            raise fail(A.MISSING_EXTENSION, "ClientHello without supported_groups/key_share")
        if sigalgs is None:
            raise fail(A.MISSING_EXTENSION, "ClientHello without signature_algorithms")
    if groups_ext is None or shares_ext is None or sigalgs is None:
        raise fail(A.MISSING_EXTENSION, "PSK-only handshakes are not supported")
    seen: set[int] = set()
    for entry in shares_ext.shares:
        if entry.group in seen or entry.group not in groups_ext.groups:
            raise fail(A.ILLEGAL_PARAMETER, f"key share for group {entry.group!r}")
        seen.add(entry.group)
    skip_early = m.find(EarlyData) is not None
    server_name = _server_name(m)

    if retry is not None:
        if _hello_core(m) != _hello_core(retry.hello1):
            raise fail(A.ILLEGAL_PARAMETER, "second ClientHello differs from the first")
        if retry.suite not in m.cipher_suites:
            raise fail(A.ILLEGAL_PARAMETER, "second ClientHello drops the selected suite")
        if len(shares_ext.shares) != 1 or shares_ext.shares[0].group != retry.group:
            raise fail(A.ILLEGAL_PARAMETER, "second ClientHello lacks the requested key share")
        cookie = m.find(Cookie)
        if retry.cookie is not None and (cookie is None or cookie.cookie != retry.cookie):
            raise fail(A.ILLEGAL_PARAMETER, "second ClientHello does not echo the cookie")
        if skip_early:
            raise fail(A.ILLEGAL_PARAMETER, "early_data after HelloRetryRequest")
        suite = retry.suite
        prefix = retry.transcript
        # 0-RTT data sent with the first ClientHello came before this one:
        # from here on an undecryptable record is bad_record_mac.
        skip_early = False
    else:
        suite_opt = next((s for s in cfg.suites_13 if s in m.cipher_suites), None)
        if suite_opt is None:
            raise fail(A.HANDSHAKE_FAILURE, "no cipher suite in common")
        suite = suite_opt
        prefix = Transcript()

    info = suite_info(suite)
    assert info is not None
    alg = info.prf_hash
    mutual = [g for g in cfg.groups if g in groups_ext.groups]
    if not mutual:
        raise fail(A.HANDSHAKE_FAILURE, "no group in common")
    share: KeyShareEntry | None = None
    for g in mutual:
        share = next((e for e in shares_ext.shares if e.group == g), None)
        if share is not None:
            break
    seed = st.seed
    out = b""
    if share is None:
        if retry is not None:
            raise fail(A.ILLEGAL_PARAMETER, "no usable key share after HelloRetryRequest")
        group = mutual[0]
        cookie_value = draw(seed, b"cookie", 32) if cfg.hrr_cookie else None
        hrr_exts: list[Extension] = [
            SupportedVersionsServerHello(ProtocolVersion.TLS_1_3),
            KeyShareHelloRetryRequest(group),
        ]
        if cookie_value is not None:
            hrr_exts.append(Cookie(cookie_value))
        hrr = HelloRetryRequest(ProtocolVersion.TLS_1_2, m.legacy_session_id, suite, 0,
                                tuple(hrr_exts))
        hrr_raw = assemble_handshake(hrr)
        t = prefix.add(raw).after_hello_retry_request(alg).add(hrr_raw)
        st2, records = seal_handshake(st, hrr_raw)
        if m.legacy_session_id and cfg.middlebox_compat:
            records += CCS_RECORD
        new = ServerWaitClientHello2(t, m, suite, group, cookie_value, skip_early)
        return st2.replace(hs=new, seed=draw(seed, b"next", 32)), records, []

    # The transcript and its running hash: the ClientHello up to its
    # binders when a PSK is accepted (the binder hashed that much), then the
    # rest of it with the ServerHello.
    accepted = _accept_psk(st, m, raw, alg, prefix, server_name)
    chosen = None
    if accepted is None:
        early, transcript, ch_rest = ks.early_secret(alg), prefix, raw
        chosen = choose_certificate(cfg, server_name, sigalgs.schemes)
        if chosen is None:
            raise fail(A.HANDSHAKE_FAILURE,
                       "no certificate fits the client's signature algorithms")
    else:
        early, transcript, ch_rest = accepted
    psk = accepted is not None
    group = NamedGroup(share.group)
    share_seed, server_random, sign_seed, next_seed = draws(seed, b"server hello", 4)
    mine = make_key_share(group, share_seed)
    shared = key_agreement(mine, share.key_exchange)

    alpn_sel: bytes | None = None
    alpn = m.find(ALPN)
    if alpn is not None and cfg.alpn_protocols:
        alpn_sel = next((p for p in cfg.alpn_protocols if p in alpn.protocols), None)
        if alpn_sel is None:
            raise fail(A.NO_APPLICATION_PROTOCOL, "no ALPN protocol in common")

    sh_raw = server_hello13(server_random, m.legacy_session_id, suite, group, mine.public, psk)
    transcript, th = transcript.add_hash(alg, ch_rest, sh_raw)
    out = fragment_records(ContentType.HANDSHAKE, 0x0303, sh_raw)
    if m.legacy_session_id and cfg.middlebox_compat and retry is None:
        out += CCS_RECORD

    hs_secret, c_hs, s_hs = ks.handshake_stage(alg, early, shared, th)
    # The flight from EncryptedExtensions on goes under the server's
    # handshake keys; RFC 8449 4: it obeys the client's record_size_limit.
    peer_limit = m.find(RecordSizeLimit)
    our_limit = None
    if peer_limit is not None:
        our_limit = cfg.record_size_limit or (1 << 14) + 1
        st = st.replace(send_limit=plaintext_limit(peer_limit.limit, tls13=True),
                        recv_limit=our_limit)
    flight = encrypted_extensions(server_name is not None, alpn_sel, our_limit)
    want_cert = cfg.client_auth != "none" and not psk
    scheme: SignatureScheme | None = None
    if want_cert:
        flight += assemble_handshake(CertificateRequest13(
            b"", (SignatureAlgorithms(tuple(s for s in cfg.signature_schemes
                                            if s in SCHEMES_13)),)))
    if chosen is not None:
        ck, scheme = chosen
        flight += ck.certificate13
        transcript, th = transcript.add_hash(alg, flight)
        content = certificate_verify_content(server=True, transcript_hash=th)
        cv = certificate_verify(scheme, sign(ck, scheme, content, sign_seed))
        flight += cv
        transcript, th = transcript.add_hash(alg, cv)
    else:
        transcript, th = transcript.add_hash(alg, flight)
    fin = finished(ks.finished_verify_data(alg, s_hs, th))
    transcript, th = transcript.add_hash(alg, fin)
    st, records = seal_handshake(st.replace(write_seq=0, write=keys13(info, s_hs)), flight + fin)
    out += records

    _master, c_ap, s_ap, exp = ks.application_stage(alg, hs_secret, th)
    session = SessionInfo(ProtocolVersion.TLS_1_3, CipherSuite(suite), group, scheme, alpn_sel,
                          (), server_name, psk)
    secrets = Secrets13(info, group, hs_secret, c_hs, s_hs, m.random)
    budget = EARLY_DATA_SKIP if skip_early else 0
    waiting: ServerWaitFinished | ServerWaitClientCertificate = (
        ServerWaitClientCertificate(secrets, transcript, c_ap, s_ap, exp, session, budget)
        if want_cert
        else ServerWaitFinished(secrets, transcript, c_ap, s_ap, exp, session, budget)
    )
    st = st.replace(
        hs=waiting,
        seed=next_seed,
        read_seq=0, read=keys13(info, c_hs),
        write_seq=0, write=keys13(info, s_ap),
    )
    events: list[Event] = []
    if cfg.key_log:
        events = key_log(True, m.random, ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", c_hs),
                         ("SERVER_HANDSHAKE_TRAFFIC_SECRET", s_hs),
                         ("CLIENT_TRAFFIC_SECRET_0", c_ap), ("SERVER_TRAFFIC_SECRET_0", s_ap),
                         ("EXPORTER_SECRET", exp))
    return st, out, events


def _finished(st: State, hs: ServerWaitFinished, raw: bytes, m: Finished) -> Step:
    sec = hs.secrets
    alg = sec.hash
    expected = ks.finished_verify_data(alg, sec.client_hs, hs.transcript.hash(alg))
    if len(m.verify_data) != len(expected):  # RFC 8446 4.4.4, RFC 5246 7.4.9
        raise fail(A.DECODE_ERROR, "client Finished has the wrong length")
    if not compare_digest(expected, m.verify_data):
        raise fail(A.DECRYPT_ERROR, "client Finished does not verify")
    cfg = st.config
    # A resumed client spent one ticket: one replaces it (as OpenSSL does).
    count = (min(cfg.tickets, 1) if hs.info.resumed else cfg.tickets) if cfg.ticket_keys else 0
    next_seed, *ticket_seeds = draws(st.seed, b"finished", 1 + count)
    # The resumption master secret only serves the tickets we send.
    res_master = ks.resumption_stage(alg, sec.handshake_secret,
                                     hs.transcript.add(raw).hash(alg)) if count else b""
    st2 = st.replace(
        hs=Established(sec.suite, hs.info, hs.exporter_master, res_master, sec.client_random),
        read_seq=0, read=keys13(sec.suite, hs.client_app),
        seed=next_seed,
    )
    out = b""
    if count:
        now = cfg.clock()
        nsts = b""
        for i, ticket_seed in enumerate(ticket_seeds):
            nonce = bytes((i,))
            age_add = int.from_bytes(ticket_seed[:4], "big")
            psk = ks.resumption_psk(alg, res_master, nonce)
            ticket = seal_ticket(
                cfg.ticket_sealers[0], ticket_seed[4:16],
                TicketState(sec.suite.suite, now, age_add, cfg.ticket_lifetime, psk,
                            hs.info.server_name),
            )
            nsts += new_session_ticket13(cfg.ticket_lifetime, age_add, nonce, ticket)
        st2, out = seal_handshake(st2, nsts)
    return st2, out, [HandshakeComplete(hs.info)]


def _accept_psk(
    st: State, m: ClientHello, raw: bytes, alg: str, prefix: Transcript,
    server_name: str | None,
) -> tuple[bytes, Transcript, bytes] | None:
    """When the client offers a ticket we sealed, of the chosen suite's hash
    and not expired, with a valid binder: the early secret of its PSK, the
    transcript (``prefix``: what came before this ClientHello) with the
    ClientHello up to its binders hashed, and the rest of the ClientHello;
    else None (a full handshake).  ``server_name``: the client's SNI, which
    must be the ticket's.  A bad binder is decrypt_error (RFC 8446 4.2.11)."""
    cfg = st.config
    offer = m.find(PreSharedKeyClientHello)
    if offer is None:
        return None
    modes = m.find(PskKeyExchangeModes)
    if modes is None:
        raise fail(A.MISSING_EXTENSION, "pre_shared_key without psk_key_exchange_modes")
    if not cfg.ticket_keys or PskKeyExchangeMode.PSK_DHE_KE not in modes.modes:
        return None
    ts = open_ticket(cfg.ticket_sealers, offer.identities[0].identity)
    if ts is None:
        return None
    tinfo = suite_info(ts.suite)
    age = cfg.clock() - ts.issued_at
    if tinfo is None or not tinfo.tls13 or tinfo.prf_hash != alg or not 0 <= age <= ts.lifetime:
        return None
    if ts.server_name != server_name:  # RFC 8446 4.6.1, RFC 6066 3
        return None
    cut = len(raw) - offer.binders_length()
    transcript, th = prefix.add_hash(alg, raw[:cut])
    early, binder_key = ks.resumption_early_secrets(alg, ts.psk)
    if not compare_digest(ks.finished_verify_data(alg, binder_key, th), offer.binders[0]):
        raise fail(A.DECRYPT_ERROR, "PSK binder does not verify")
    return early, transcript, raw[cut:]


def _client_certificate(
    st: State, hs: ServerWaitClientCertificate, raw: bytes, m: Certificate13
) -> Step:
    cfg = st.config
    if m.certificate_request_context:
        raise fail(A.ILLEGAL_PARAMETER, "client Certificate context differs from the request's")
    transcript = hs.transcript.add(raw)
    if not m.certificate_list:
        if cfg.client_auth == "required":
            raise fail(A.CERTIFICATE_REQUIRED, "client sent no certificate")
        return st.replace(hs=ServerWaitFinished(hs.secrets, transcript, hs.client_app,
                                                hs.server_app, hs.exporter_master, hs.info,
                                                hs.early_data_budget)), b"", []
    chain = parse_chain([e.cert_data for e in m.certificate_list])
    try:
        cfg.validator(chain, cfg.anchor_store, None, cfg.now(), "client")
    except ValidationError as e:
        raise fail(validation_alert(e), f"client certificate: {e}") from None
    except (X509Error, ValueError) as e:
        raise fail(A.BAD_CERTIFICATE, f"client certificate: {e}") from None
    info = replace(hs.info, peer_certificates=chain)
    return st.replace(hs=ServerWaitClientCertificateVerify(
       hs.secrets, transcript, hs.client_app, hs.server_app, hs.exporter_master, info,
       hs.early_data_budget)), b"", []


def _client_certificate_verify(
    st: State, hs: ServerWaitClientCertificateVerify, raw: bytes, m: CertificateVerify
) -> Step:
    if m.algorithm not in st.config.signature_schemes or m.algorithm not in SCHEMES_13:
        raise fail(A.ILLEGAL_PARAMETER, f"client CertificateVerify scheme {m.algorithm!r}")
    pub = hs.info.peer_certificates[0].public_key
    if not scheme_fits_key(pub, m.algorithm):  # e.g. rsa_pss_pss with an rsaEncryption key
        raise fail(A.ILLEGAL_PARAMETER, f"client CertificateVerify scheme {m.algorithm!r} "
                   f"does not fit its {pub.kind} key")
    alg = hs.secrets.hash
    content = certificate_verify_content(server=False, transcript_hash=hs.transcript.hash(alg))
    if not verify(pub, m.algorithm, content, m.signature):
        raise fail(A.DECRYPT_ERROR, "client CertificateVerify signature is invalid")
    return st.replace(hs=ServerWaitFinished(hs.secrets, hs.transcript.add(raw), hs.client_app,
                                            hs.server_app, hs.exporter_master, hs.info,
                                            hs.early_data_budget)), b"", []
