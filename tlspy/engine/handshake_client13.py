"""TLS 1.3 client handshake (RFC 8446 4): ClientHello, HelloRetryRequest,
ServerHello, EncryptedExtensions, Certificate, CertificateVerify, Finished."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from nocrypto.util import compare_digest
from tlspy.core import keyschedule as ks
from tlspy.core.enums import (
    DOWNGRADE_TLS11,
    DOWNGRADE_TLS12,
    AlertDescription,
    CipherSuite,
    CompressionMethod,
    ExtensionType,
    NamedGroup,
    ProtocolVersion,
    PskKeyExchangeMode,
    SignatureScheme,
)
from tlspy.core.keyschedule import Transcript
from tlspy.core.messages import (
    ALPN,
    Certificate13,
    CertificateEntry,
    CertificateRequest13,
    CertificateVerify,
    ClientHello,
    Cookie,
    EncryptedExtensions,
    Extension,
    ExtensionContext,
    Finished,
    HandshakeMessage,
    HelloRetryRequest,
    KeyShareClientHello,
    KeyShareEntry,
    KeyShareHelloRetryRequest,
    KeyShareServerHello,
    PreSharedKeyClientHello,
    PreSharedKeyServerHello,
    PskKeyExchangeModes,
    RecordSizeLimit,
    ServerHello,
    ServerName,
    SignatureAlgorithms,
    SupportedGroups,
    SupportedVersionsClientHello,
    SupportedVersionsServerHello,
)
from tlspy.core.reader import check_tls13_extensions
from tlspy.core.record import plaintext_limit
from tlspy.core.suites import suite_info
from tlspy.core.writer import assemble_handshake, certificate_verify_content
from tlspy.engine._records import CCS_RECORD, seal_handshake
from tlspy.engine.config import SUPPORTED_SUITES_13, Config
from tlspy.engine.events import Event, HandshakeComplete, key_log
from tlspy.engine.handshake_client12 import hello_extensions12
from tlspy.engine.handshake_common import (
    SCHEMES_13,
    IPAddress,
    KeySharePrivate,
    choose_certificate,
    draw,
    draws,
    fail,
    ip_literal,
    key_agreement,
    make_key_share,
    parse_chain,
    sign,
    validation_alert,
    verify,
)
from tlspy.engine.handshake_common12 import SUITES_12
from tlspy.engine.state import (
    ClientWaitCertificate,
    ClientWaitCertificateVerify,
    ClientWaitEncryptedExtensions,
    ClientWaitFinished,
    ClientWaitServerHello,
    Established,
    Secrets13,
    SessionInfo,
    State,
    keys13,
)
from tlspy.engine.tickets import Ticket, with_binder
from tlspy.x509 import ValidationError, X509Error

A = AlertDescription
Step = tuple[State, bytes, list[Event]]


@dataclass(frozen=True, slots=True)
class _HelloParts:
    """What a Config puts in every first ClientHello, around the parts made
    per connection (server_name first, key_share, the PSK extensions)."""

    suites: tuple[CipherSuite, ...]
    before_share: tuple[Extension, ...]  # supported_groups, signature_algorithms, ALPN
    after_share: tuple[Extension, ...]  # supported_versions, record_size_limit
    tls12: tuple[Extension, ...]  # when TLS 1.2 is offered too (after psk modes)


@functools.lru_cache(maxsize=64)
def _hello_parts(
    suites: tuple[CipherSuite, ...], versions: tuple[ProtocolVersion, ...],
    groups: tuple[NamedGroup, ...], schemes: tuple[SignatureScheme, ...],
    alpn: tuple[bytes, ...], record_size_limit: int | None, fallback_scsv: bool,
) -> _HelloParts:
    """The constant parts of a Config's ClientHello (of these settings of
    it), made once: they are immutable values."""
    suites13 = tuple(s for s in suites if s in SUPPORTED_SUITES_13)
    suites12 = tuple(s for s in suites if s in SUITES_12)
    with12 = ProtocolVersion.TLS_1_2 in versions and bool(suites12)
    before: list[Extension] = [SupportedGroups(groups), SignatureAlgorithms(schemes)]
    if alpn:
        before.append(ALPN(alpn))
    after: list[Extension] = [SupportedVersionsClientHello(
        (ProtocolVersion.TLS_1_3, ProtocolVersion.TLS_1_2) if with12
        else (ProtocolVersion.TLS_1_3,))]
    if record_size_limit is not None:
        after.append(RecordSizeLimit(record_size_limit))
    offered = suites13 + suites12 if with12 else suites13
    if fallback_scsv:
        offered += (CipherSuite.TLS_FALLBACK_SCSV,)
    return _HelloParts(offered, tuple(before), tuple(after),
                       tuple(hello_extensions12()) if with12 else ())


def client_hello(
    config: Config, server_name: str | None, seed: bytes, ticket: Ticket | None = None
) -> tuple[ClientHello, tuple[KeySharePrivate, ...]]:
    """The first ClientHello (with ``ticket`` offered for resumption when
    given; the caller checked it is usable) and our key shares.  It offers
    TLS 1.2 too when the Config enables it with a suite."""
    parts = _hello_parts(config.cipher_suites, config.versions, config.groups,
                         config.signature_schemes, config.alpn_protocols,
                         config.record_size_limit, config.fallback_scsv)
    groups = config.groups[: config.key_shares]
    session_seed, client_random, *share_seeds = draws(seed, b"client hello", 2 + len(groups))
    shares = tuple(make_key_share(g, s) for g, s in zip(groups, share_seeds, strict=True))
    exts: tuple[Extension, ...] = ()
    if server_name is not None and ip_literal(server_name) is None:
        # IP literals are not sent in server_name (RFC 6066 3).
        exts = (ServerName(server_name.encode("ascii")),)
    exts += (*parts.before_share,
             KeyShareClientHello(tuple(KeyShareEntry(s.group, s.public) for s in shares)),
             *parts.after_share)
    if ticket is not None:
        exts += (PskKeyExchangeModes((PskKeyExchangeMode.PSK_DHE_KE,)), *parts.tls12,
                 PreSharedKeyClientHello((), ()))  # replaced by with_binder
    else:
        exts += parts.tls12
    hello = ClientHello(
        ProtocolVersion.TLS_1_2,
        client_random,
        session_seed if config.middlebox_compat else b"",
        parts.suites,
        b"\x00",
        exts,
    )
    if ticket is not None:
        hello = with_binder(hello, ticket, Transcript(), config.clock())
    return hello, shares


def _offered_types(hello: ClientHello) -> set[int]:
    return {e.extension_type for e in hello.extensions}


def _check_offered(extensions: tuple[Extension, ...], hello: ClientHello, allow: set[int]) -> None:
    offered = _offered_types(hello) | allow
    for e in extensions:
        if e.extension_type not in offered:
            raise fail(A.UNSUPPORTED_EXTENSION, f"extension {e.extension_type} was not offered")


def handle(st: State, raw: bytes, msg: HandshakeMessage) -> Step:
    hs = st.hs
    match hs, msg:
        case ClientWaitServerHello(), HelloRetryRequest():
            return _hello_retry(st, hs, raw, msg)
        case ClientWaitServerHello(), ServerHello():
            return _server_hello(st, hs, raw, msg)
        case ClientWaitEncryptedExtensions(), EncryptedExtensions():
            return _encrypted_extensions(st, hs, raw, msg)
        case ClientWaitCertificate(), CertificateRequest13() if hs.cert_request_context is None:
            if msg.certificate_request_context:
                raise fail(A.ILLEGAL_PARAMETER, "CertificateRequest context must be empty")
            sigalgs = msg.find(SignatureAlgorithms)
            if sigalgs is None:
                raise fail(A.MISSING_EXTENSION, "CertificateRequest without signature_algorithms")
            return st.replace(hs=replace(hs, transcript=hs.transcript.add(raw),
                                         cert_request_context=b"",
                                         cert_request_schemes=tuple(sigalgs.schemes))), b"", []
        case ClientWaitCertificate(), Certificate13():
            return _certificate(st, hs, raw, msg)
        case ClientWaitCertificateVerify(), CertificateVerify():
            return _certificate_verify(st, hs, raw, msg)
        case ClientWaitFinished(), Finished():
            return _finished(st, hs, raw, msg)
    raise fail(A.UNEXPECTED_MESSAGE, f"{type(msg).__name__} in {type(hs).__name__}")


def _hello_retry(st: State, hs: ClientWaitServerHello, raw: bytes, m: HelloRetryRequest) -> Step:
    if hs.retry_suite is not None:
        raise fail(A.UNEXPECTED_MESSAGE, "a second HelloRetryRequest")
    sv = m.find(SupportedVersionsServerHello)
    if sv is None or sv.selected_version != ProtocolVersion.TLS_1_3:
        raise fail(A.ILLEGAL_PARAMETER, "HelloRetryRequest without TLS 1.3 supported_versions")
    if m.legacy_version != ProtocolVersion.TLS_1_2:
        raise fail(A.ILLEGAL_PARAMETER, "HelloRetryRequest legacy_version")
    if m.legacy_session_id_echo != hs.hello.legacy_session_id:
        raise fail(A.ILLEGAL_PARAMETER, "HelloRetryRequest session id echo differs")
    if (m.cipher_suite not in hs.hello.cipher_suites or m.cipher_suite not in st.config.suites_13
            or m.legacy_compression_method != 0):
        raise fail(A.ILLEGAL_PARAMETER, "HelloRetryRequest cipher suite was not offered")
    _check_offered(m.extensions, hs.hello, {ExtensionType.COOKIE})
    ksr = m.find(KeyShareHelloRetryRequest)
    cookie = m.find(Cookie)
    if ksr is None and cookie is None:
        raise fail(A.ILLEGAL_PARAMETER, "HelloRetryRequest would not change the ClientHello")
    shares = hs.shares
    if ksr is not None:
        group = ksr.selected_group
        if group not in st.config.groups or any(s.group == group for s in hs.shares):
            raise fail(A.ILLEGAL_PARAMETER, f"HelloRetryRequest selected group {group!r}")
        shares = (make_key_share(NamedGroup(group), draw(st.seed, b"retry share", 32)),)
    info = suite_info(m.cipher_suite)
    assert info is not None
    exts: list[Extension] = []
    for e in hs.hello.extensions:
        if isinstance(e, KeyShareClientHello):
            exts.append(KeyShareClientHello(tuple(KeyShareEntry(s.group, s.public)
                                                  for s in shares)))
        else:
            exts.append(e)
    ticket = hs.ticket
    psk_ext = exts.pop() if isinstance(exts[-1], PreSharedKeyClientHello) else None
    if cookie is not None:
        exts.append(cookie)
    ch1 = hs.transcript  # holds ClientHello1 only
    prefix = ch1.after_hello_retry_request(info.prf_hash).add(raw)
    hello2 = replace(hs.hello, extensions=tuple(exts))
    if psk_ext is not None and ticket is not None:
        tinfo = suite_info(ticket.cipher_suite)
        if tinfo is not None and tinfo.prf_hash == info.prf_hash:
            hello2 = replace(hello2, extensions=(*exts, psk_ext))
            hello2 = with_binder(hello2, ticket, prefix, st.config.clock())
        else:
            ticket = None  # the retry's hash rules the ticket out
    ch2_raw = assemble_handshake(hello2)
    transcript = prefix.add(ch2_raw)
    out = b""
    if hs.hello.legacy_session_id and not hs.ccs_sent:
        out += CCS_RECORD
    st2, records = seal_handshake(st, ch2_raw)
    new = ClientWaitServerHello(hello2, shares, transcript, hs.server_name,
                                CipherSuite(m.cipher_suite), True if out else hs.ccs_sent,
                                ticket)
    return st2.replace(hs=new, seed=draw(st.seed, b"next", 32)), out + records, []


def _server_hello(st: State, hs: ClientWaitServerHello, raw: bytes, m: ServerHello) -> Step:
    sv = m.find(SupportedVersionsServerHello)
    if sv is None:
        # The server chose TLS 1.2 or below, which this client does not offer.
        if m.random[-8:] in (DOWNGRADE_TLS12, DOWNGRADE_TLS11):
            raise fail(A.ILLEGAL_PARAMETER, "downgrade sentinel in ServerHello.random")
        raise fail(A.PROTOCOL_VERSION, "server did not select TLS 1.3")
    if sv.selected_version != ProtocolVersion.TLS_1_3:
        raise fail(A.ILLEGAL_PARAMETER, f"server selected version {sv.selected_version!r}")
    if m.legacy_version != ProtocolVersion.TLS_1_2:
        raise fail(A.ILLEGAL_PARAMETER, "ServerHello legacy_version")
    if m.legacy_session_id_echo != hs.hello.legacy_session_id:
        raise fail(A.ILLEGAL_PARAMETER, "ServerHello session id echo differs")
    if m.legacy_compression_method != CompressionMethod.NULL:
        raise fail(A.ILLEGAL_PARAMETER, "ServerHello compression method")
    if m.cipher_suite not in hs.hello.cipher_suites or m.cipher_suite not in st.config.suites_13:
        raise fail(A.ILLEGAL_PARAMETER, "ServerHello cipher suite was not offered for TLS 1.3")
    if hs.retry_suite is not None and m.cipher_suite != hs.retry_suite:
        raise fail(A.ILLEGAL_PARAMETER, "ServerHello cipher suite differs from the retry's")
    check_tls13_extensions(m.extensions, ExtensionContext.SERVER_HELLO)
    _check_offered(m.extensions, hs.hello, set())
    ksh = m.find(KeyShareServerHello)
    if ksh is None:
        raise fail(A.MISSING_EXTENSION, "ServerHello without key_share")
    share = next((s for s in hs.shares if s.group == ksh.share.group), None)
    if share is None:
        raise fail(A.ILLEGAL_PARAMETER, f"ServerHello key share group {ksh.share.group!r}")
    shared = key_agreement(share, ksh.share.key_exchange)
    info = suite_info(m.cipher_suite)
    assert info is not None
    alg = info.prf_hash
    transcript = hs.transcript.add(raw)
    psk_sh = m.find(PreSharedKeyServerHello)
    resumed: Ticket | None = None
    if psk_sh is not None:
        ticket = hs.ticket
        if ticket is None or psk_sh.selected_identity != 0:
            raise fail(A.ILLEGAL_PARAMETER, "server selected a PSK that was not offered")
        tinfo = suite_info(ticket.cipher_suite)
        if tinfo is None or tinfo.prf_hash != alg:
            raise fail(A.ILLEGAL_PARAMETER, "resumption with a suite of another hash")
        resumed = ticket
    early = ks.early_secret(alg, resumed.psk if resumed is not None else None)
    hs_secret, c_hs, s_hs = ks.handshake_stage(alg, early, shared, transcript.hash(alg))
    secrets = Secrets13(info, NamedGroup(share.group), hs_secret, c_hs, s_hs, hs.hello.random)
    st2 = st.replace(
        hs=ClientWaitEncryptedExtensions(secrets, transcript, hs.hello, hs.server_name,
                                         hs.ccs_sent, resumed),
        read_seq=0, read=keys13(info, s_hs),
        # Installed now so that an alert this client sends is protected.
        write_seq=0, write=keys13(info, c_hs),
    )
    return st2, b"", key_log(st.config.key_log, hs.hello.random,
                             ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", c_hs),
                             ("SERVER_HANDSHAKE_TRAFFIC_SECRET", s_hs))


def _encrypted_extensions(
    st: State, hs: ClientWaitEncryptedExtensions, raw: bytes, m: EncryptedExtensions
) -> Step:
    _check_offered(m.extensions, hs.hello, set())
    sni = m.find(ServerName)
    if sni is not None and sni.host_name is not None:
        raise fail(A.ILLEGAL_PARAMETER, "server_name from the server must be empty")
    alpn = m.find(ALPN)
    selected: bytes | None = None
    if alpn is not None:
        if len(alpn.protocols) != 1 or alpn.protocols[0] not in st.config.alpn_protocols:
            raise fail(A.ILLEGAL_PARAMETER, "server ALPN is not one protocol we offered")
        selected = alpn.protocols[0]
    if any(e.extension_type == ExtensionType.EARLY_DATA for e in m.extensions):
        raise fail(A.UNSUPPORTED_EXTENSION, "early_data accepted but not offered")
    transcript = hs.transcript.add(raw)
    limit = m.find(RecordSizeLimit)
    if limit is not None:
        # Applies to what we send from now on; ours (offered) to what we read.
        st = st.replace(send_limit=plaintext_limit(limit.limit, tls13=True))
        if st.config.record_size_limit is not None:
            st = st.replace(recv_limit=st.config.record_size_limit)
    t = hs.resumed
    if t is not None:
        info = SessionInfo(ProtocolVersion.TLS_1_3, hs.secrets.suite.suite, hs.secrets.group,
                           None, selected, t.peer_certificates, hs.server_name, True)
        return st.replace(hs=ClientWaitFinished(hs.secrets, transcript, hs.ccs_sent, info,
                                                None, ())), b"", []
    new = ClientWaitCertificate(hs.secrets, transcript, hs.hello, hs.server_name,
                                hs.ccs_sent, selected)
    return st.replace(hs=new), b"", []


def _certificate(st: State, hs: ClientWaitCertificate, raw: bytes, m: Certificate13) -> Step:
    if m.certificate_request_context:
        raise fail(A.ILLEGAL_PARAMETER, "server Certificate with a request context")
    if not m.certificate_list:
        raise fail(A.DECODE_ERROR, "server sent no certificate")
    chain = parse_chain([e.cert_data for e in m.certificate_list])
    cfg = st.config
    if cfg.verify_peer:
        name: str | IPAddress | None = None
        if cfg.check_name and hs.server_name is not None:
            name = ip_literal(hs.server_name) or hs.server_name
        try:
            cfg.validator(chain, cfg.anchor_store, name, cfg.now(), "server")
        except ValidationError as e:
            raise fail(validation_alert(e), f"server certificate: {e}") from None
        except (X509Error, ValueError) as e:
            raise fail(A.BAD_CERTIFICATE, f"server certificate: {e}") from None
    new = ClientWaitCertificateVerify(hs.secrets, hs.transcript.add(raw), hs.hello,
                                      hs.server_name, hs.ccs_sent, hs.alpn,
                                      hs.cert_request_context, hs.cert_request_schemes, chain)
    return st.replace(hs=new), b"", []


def _certificate_verify(
    st: State, hs: ClientWaitCertificateVerify, raw: bytes, m: CertificateVerify
) -> Step:
    if m.algorithm not in st.config.signature_schemes or m.algorithm not in SCHEMES_13:
        raise fail(A.ILLEGAL_PARAMETER, f"CertificateVerify scheme {m.algorithm!r}")
    alg = hs.secrets.hash
    content = certificate_verify_content(server=True, transcript_hash=hs.transcript.hash(alg))
    if not verify(hs.peer_chain[0].public_key, m.algorithm, content, m.signature):
        raise fail(A.DECRYPT_ERROR, "server CertificateVerify signature is invalid")
    info = SessionInfo(
        ProtocolVersion.TLS_1_3,
        hs.secrets.suite.suite,
        hs.secrets.group,
        SignatureScheme(m.algorithm),
        hs.alpn,
        hs.peer_chain,
        hs.server_name,
    )
    new = ClientWaitFinished(hs.secrets, hs.transcript.add(raw), hs.ccs_sent, info,
                             hs.cert_request_context, hs.cert_request_schemes)
    return st.replace(hs=new), b"", []


def _finished(st: State, hs: ClientWaitFinished, raw: bytes, m: Finished) -> Step:
    sec = hs.secrets
    alg = sec.hash
    expected = ks.finished_verify_data(alg, sec.server_hs, hs.transcript.hash(alg))
    if len(m.verify_data) != len(expected):  # RFC 8446 4.4.4, RFC 5246 7.4.9
        raise fail(A.DECODE_ERROR, "server Finished has the wrong length")
    if not compare_digest(expected, m.verify_data):
        raise fail(A.DECRYPT_ERROR, "server Finished does not verify")
    transcript = hs.transcript.add(raw)
    # Up to the server's Finished: the application secrets' context, and our
    # Finished's too unless we send a certificate first.
    finished_hash = transcript.hash(alg)
    master, c_ap, s_ap, exp = ks.application_stage(alg, sec.handshake_secret, finished_hash)
    out = b""
    if st.config.middlebox_compat and not hs.ccs_sent:
        out += CCS_RECORD
    flight = b""
    if hs.cert_request_context is not None:
        chosen = choose_certificate(st.config, None, hs.cert_request_schemes)
        chain = () if chosen is None else chosen[0].chain
        cert = assemble_handshake(Certificate13(
            hs.cert_request_context, tuple(CertificateEntry(c.to_der()) for c in chain)))
        transcript = transcript.add(cert)
        flight += cert
        if chosen is not None:
            ck, scheme = chosen
            content = certificate_verify_content(server=False,
                                                 transcript_hash=transcript.hash(alg))
            cv = assemble_handshake(CertificateVerify(scheme, sign(ck, scheme, content,
                                                                   draw(st.seed, b"sign", 32))))
            transcript = transcript.add(cv)
            flight += cv
        finished_hash = transcript.hash(alg)
    fin = assemble_handshake(
        Finished(ks.finished_verify_data(alg, sec.client_hs, finished_hash))
    )
    flight += fin
    res_master = ks.resumption_master_secret(alg, master, transcript.add(fin).hash(alg))
    st2, records = seal_handshake(st, flight)
    st3 = st2.replace(
        hs=Established(sec.suite, hs.info, exp, res_master, sec.client_random),
        read_seq=0, read=keys13(sec.suite, s_ap),
        write_seq=0, write=keys13(sec.suite, c_ap),
    )
    events = key_log(st.config.key_log, sec.client_random, ("CLIENT_TRAFFIC_SECRET_0", c_ap),
                     ("SERVER_TRAFFIC_SECRET_0", s_ap), ("EXPORTER_SECRET", exp))
    return st3, out + records, [*events, HandshakeComplete(hs.info)]
