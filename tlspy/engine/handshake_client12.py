"""TLS 1.2 client handshake (RFC 5246 7.3) with ECDHE (RFC 8422), Extended
Master Secret required (RFC 7627), secure renegotiation indication
(RFC 5746) and the TLS 1.3 downgrade sentinel check (RFC 8446 4.1.3):
ServerHello, Certificate, ServerKeyExchange, [CertificateRequest],
ServerHelloDone -> [Certificate], ClientKeyExchange, ChangeCipherSpec,
Finished -> ChangeCipherSpec, Finished."""

from __future__ import annotations

from dataclasses import replace

from nocrypto.util import compare_digest
from tlspy.core import keyschedule as ks
from tlspy.core.enums import (
    DOWNGRADE_TLS11,
    DOWNGRADE_TLS12,
    AlertDescription,
    CipherSuite,
    CompressionMethod,
    ECPointFormat,
    NamedGroup,
    ProtocolVersion,
    SignatureScheme,
)
from tlspy.core.messages import (
    ALPN,
    Certificate12,
    CertificateRequest12,
    CertificateVerify,
    ClientHello,
    ClientKeyExchangeDHE,
    ClientKeyExchangeECDHE,
    ClientKeyExchangeRSA,
    ECPointFormats,
    EncryptThenMac,
    ExtendedMasterSecret,
    Extension,
    Finished,
    HandshakeMessage,
    KeyExchange,
    NewSessionTicket12,
    RecordSizeLimit,
    RenegotiationInfo,
    ServerHello,
    ServerHelloDone,
    ServerKeyExchangeDHE,
    ServerKeyExchangeECDHE,
    ServerName,
    SessionTicket,
    SignatureAlgorithms,
    SupportedGroups,
    SupportedVersionsClientHello,
    SupportedVersionsServerHello,
)
from tlspy.core.record import MAX_PLAINTEXT, plaintext_limit
from tlspy.core.suites import suite_info
from tlspy.core.writer import assemble_handshake, assemble_server_key_exchange_params
from tlspy.engine._records import CCS_RECORD, seal_handshake
from tlspy.engine.config import Config
from tlspy.engine.events import Event, HandshakeComplete, NewSessionTicket, key_log
from tlspy.engine.handshake_common import (
    IPAddress,
    draw,
    fail,
    ip_literal,
    key_agreement,
    make_key_share,
    parse_chain,
    validation_alert,
)
from tlspy.engine.handshake_common12 import (
    EC_GROUPS,
    choose_client12,
    dhe_premaster,
    directions,
    ffdhe_group_of,
    rsa_kex_allowed,
    rsa_premaster_encrypt,
    sign12,
    suites_12,
    verify12,
)
from tlspy.engine.state import (
    ClientWaitCertificate12,
    ClientWaitChangeCipherSpec12,
    ClientWaitFinished12,
    ClientWaitHelloDone12,
    ClientWaitKeyExchange12,
    ClientWaitServerHello,
    Ctx12,
    Established12,
    SessionInfo,
    State,
)
from tlspy.engine.tickets import MAX_LIFETIME, Ticket
from tlspy.x509 import ValidationError, X509Error

A = AlertDescription
Step = tuple[State, bytes, list[Event]]
V12 = ProtocolVersion.TLS_1_2
# How long a client offers a session ID for (RFC 5246 F.1.4: at most 24 hours).
SESSION_ID_LIFETIME = 24 * 3600


def hello_extensions12() -> list[Extension]:
    """The TLS 1.2 extensions of a ClientHello offering TLS 1.2."""
    return [ExtendedMasterSecret(), RenegotiationInfo(b""),
            ECPointFormats((ECPointFormat.UNCOMPRESSED,)), SessionTicket(b""), EncryptThenMac()]


def with_ticket12(hello: ClientHello, ticket: Ticket, seed: bytes) -> ClientHello:
    """``hello`` offering ``ticket``: its session ID (RFC 5246 7.4.1.2) and
    its ticket in session_ticket (RFC 5077 3.4; with no session ID from the
    server, one of ours so that an accepting server's echo is recognisable)."""
    exts = tuple(SessionTicket(ticket.identity) if isinstance(e, SessionTicket) else e
                 for e in hello.extensions)
    sid = ticket.session_id or hello.legacy_session_id or draw(seed, b"session id", 32)
    return replace(hello, legacy_session_id=sid, extensions=exts)


def client_hello(config: Config, server_name: str | None, seed: bytes) -> ClientHello:
    """A TLS 1.2-only ClientHello."""
    exts: list[Extension] = []
    if server_name is not None and ip_literal(server_name) is None:
        exts.append(ServerName(server_name.encode("ascii")))
    exts.append(SupportedGroups(tuple(config.groups)))
    exts.append(SignatureAlgorithms(tuple(config.signature_schemes)))
    if config.alpn_protocols:
        exts.append(ALPN(config.alpn_protocols))
    if config.record_size_limit is not None:
        exts.append(RecordSizeLimit(min(config.record_size_limit, MAX_PLAINTEXT)))
    exts += hello_extensions12()
    suites = suites_12(config)
    if config.fallback_scsv:
        suites += (CipherSuite.TLS_FALLBACK_SCSV,)
    return ClientHello(V12, draw(seed, b"client random", 32), b"", suites, b"\x00", tuple(exts))


def server_hello(st: State, hs: ClientWaitServerHello, raw: bytes, m: ServerHello) -> Step:
    """A ServerHello selecting TLS 1.2 (no supported_versions)."""
    cfg = st.config
    offered13 = ProtocolVersion.TLS_1_3 in cfg.versions and any(
        isinstance(e, SupportedVersionsClientHello) for e in hs.hello.extensions)
    if m.find(SupportedVersionsServerHello) is not None:
        raise fail(A.UNSUPPORTED_EXTENSION, "supported_versions was not offered")
    if m.legacy_version != V12:
        raise fail(A.PROTOCOL_VERSION, f"server selected version {m.legacy_version!r}")
    if offered13 and m.random[-8:] in (DOWNGRADE_TLS12, DOWNGRADE_TLS11):
        raise fail(A.ILLEGAL_PARAMETER, "downgrade sentinel in ServerHello.random")
    if m.cipher_suite not in suites_12(cfg) or m.cipher_suite not in hs.hello.cipher_suites:
        raise fail(A.ILLEGAL_PARAMETER, "ServerHello cipher suite was not offered")
    if m.legacy_compression_method != CompressionMethod.NULL:
        raise fail(A.ILLEGAL_PARAMETER, "ServerHello compression method")
    resuming = bool(hs.hello.legacy_session_id) and (
        m.legacy_session_id_echo == hs.hello.legacy_session_id)
    if resuming and (hs.ticket12 is None or m.cipher_suite != hs.ticket12.cipher_suite):
        raise fail(A.ILLEGAL_PARAMETER, "server resumes a session that was not offered")
    offered = {e.extension_type for e in hs.hello.extensions}
    for e in m.extensions:
        if e.extension_type not in offered:
            raise fail(A.UNSUPPORTED_EXTENSION, f"extension {e.extension_type} was not offered")
    if m.find(ExtendedMasterSecret) is None:
        raise fail(A.HANDSHAKE_FAILURE, "server does not support Extended Master Secret")
    reneg = m.find(RenegotiationInfo)
    if reneg is None or reneg.renegotiated_connection:
        raise fail(A.HANDSHAKE_FAILURE, "no secure renegotiation indication from the server")
    pf = m.find(ECPointFormats)
    if pf is not None and ECPointFormat.UNCOMPRESSED not in pf.formats:
        raise fail(A.ILLEGAL_PARAMETER, "server ec_point_formats lacks uncompressed")
    sni = m.find(ServerName)
    if sni is not None and sni.host_name is not None:
        raise fail(A.ILLEGAL_PARAMETER, "server_name from the server must be empty")
    alpn_sel: bytes | None = None
    alpn = m.find(ALPN)
    if alpn is not None:
        if len(alpn.protocols) != 1 or alpn.protocols[0] not in cfg.alpn_protocols:
            raise fail(A.ILLEGAL_PARAMETER, "server selected an ALPN protocol not offered")
        alpn_sel = alpn.protocols[0]
    info = suite_info(m.cipher_suite)
    assert info is not None
    etm = m.find(EncryptThenMac) is not None
    if etm and info.aead:  # RFC 7366 2: never with an AEAD suite
        raise fail(A.ILLEGAL_PARAMETER, "encrypt_then_mac with an AEAD suite")
    expect_ticket = m.find(SessionTicket) is not None
    limit = m.find(RecordSizeLimit)
    if limit is not None:
        # RFC 8449: what we send obeys the server's limit (plaintext bytes in
        # TLS 1.2); ours (offered) bounds what we read.
        st = st.replace(send_limit=plaintext_limit(limit.limit, tls13=False))
        if cfg.record_size_limit is not None:
            st = st.replace(recv_limit=min(cfg.record_size_limit, MAX_PLAINTEXT) + 1)
    ctx = Ctx12(info, hs.hello.random, m.random, hs.transcript.add(raw), hs.server_name,
                alpn_sel, offered13, ticket_expected=expect_ticket, etm=etm,
                client_version=hs.hello.legacy_version, session_id=m.legacy_session_id_echo)
    if resuming and hs.ticket12 is not None:  # abbreviated handshake (RFC 5077 3.1)
        t = hs.ticket12
        cw, sw = directions(info, t.psk, ctx.client_random, ctx.server_random, etm=etm,
                            seed=st.seed)
        ctx = replace(ctx, master=t.psk, peer_chain=t.peer_certificates, abbreviated=True,
                      pending_read=sw, pending_write=cw)
        return st.replace(hs=ClientWaitChangeCipherSpec12(ctx)), b"", key_log(
           cfg.key_log, ctx.client_random, ("CLIENT_RANDOM", t.psk))
    return st.replace(hs=ClientWaitCertificate12(ctx)), b"", []


def handle(st: State, raw: bytes, msg: HandshakeMessage) -> Step:
    hs = st.hs
    match hs, msg:
        case ClientWaitCertificate12(), Certificate12():
            return _certificate(st, hs, raw, msg)
        case ClientWaitKeyExchange12(), ServerKeyExchangeECDHE() | ServerKeyExchangeDHE():
            return _key_exchange(st, hs, raw, msg)
        case ClientWaitHelloDone12(), CertificateRequest12() if not hs.ctx.cert_requested:
            ctx = replace(hs.ctx, transcript=hs.ctx.transcript.add(raw), cert_requested=True,
                          cert_request_schemes=tuple(msg.supported_signature_algorithms),
                          cert_request_types=tuple(msg.certificate_types))
            return st.replace(hs=ClientWaitHelloDone12(ctx)), b"", []
        case ClientWaitHelloDone12(), ServerHelloDone():
            return _hello_done(st, hs, raw)
        case ClientWaitChangeCipherSpec12(), NewSessionTicket12() if hs.ctx.ticket_expected:
            return _new_session_ticket(st, hs, raw, msg)
        case ClientWaitFinished12(), Finished():
            return _finished(st, hs, raw, msg)
    raise fail(A.UNEXPECTED_MESSAGE, f"{type(msg).__name__} in {type(hs).__name__}")


def _certificate(st: State, hs: ClientWaitCertificate12, raw: bytes, m: Certificate12) -> Step:
    if not m.certificate_list:
        raise fail(A.DECODE_ERROR, "server sent no certificate")
    chain = parse_chain(m.certificate_list)
    cfg = st.config
    ctx = hs.ctx
    if cfg.verify_peer:
        name: str | IPAddress | None = None
        if cfg.check_name and ctx.server_name is not None:
            name = ip_literal(ctx.server_name) or ctx.server_name
        try:
            cfg.validator(chain, cfg.anchor_store, name, cfg.now(), "server")
        except ValidationError as e:
            raise fail(validation_alert(e), f"server certificate: {e}") from None
        except (X509Error, ValueError) as e:
            raise fail(A.BAD_CERTIFICATE, f"server certificate: {e}") from None
    new = replace(ctx, transcript=ctx.transcript.add(raw), peer_chain=chain)
    if ctx.suite.kex is KeyExchange.RSA:
        # No ServerKeyExchange: the premaster goes to the certificate's key.
        if chain[0].public_key.kind != "rsa" or chain[0].public_key.bits < 2048:
            raise fail(A.UNSUPPORTED_CERTIFICATE, "RSA key exchange needs an RSA key")
        if not rsa_kex_allowed(chain[0]):
            raise fail(A.UNSUPPORTED_CERTIFICATE, "certificate keyUsage forbids keyEncipherment")
        return st.replace(hs=ClientWaitHelloDone12(new)), b"", []
    return st.replace(hs=ClientWaitKeyExchange12(new)), b"", []


def _key_exchange(
    st: State, hs: ClientWaitKeyExchange12, raw: bytes,
    m: ServerKeyExchangeECDHE | ServerKeyExchangeDHE,
) -> Step:
    ctx = hs.ctx
    cfg = st.config
    if isinstance(m, ServerKeyExchangeDHE):
        ff = ffdhe_group_of(m.dh_p, m.dh_g)
        if ff is None or ff not in cfg.groups:
            raise fail(A.INSUFFICIENT_SECURITY, "ServerKeyExchange DH group is not one we offered")
        group, public = ff, m.dh_ys
    else:
        if m.named_curve not in cfg.groups or m.named_curve not in EC_GROUPS:
            raise fail(A.ILLEGAL_PARAMETER, f"ServerKeyExchange group {m.named_curve!r}")
        group, public = NamedGroup(m.named_curve), m.public
    if m.algorithm not in cfg.signature_schemes:
        raise fail(A.ILLEGAL_PARAMETER, f"ServerKeyExchange scheme {m.algorithm!r}")
    signed = ctx.client_random + ctx.server_random + assemble_server_key_exchange_params(m)
    if not verify12(ctx.suite.auth, ctx.peer_chain[0].public_key, m.algorithm, signed,
                    m.signature):
        raise fail(A.DECRYPT_ERROR, "ServerKeyExchange signature is invalid")
    new = replace(ctx, transcript=ctx.transcript.add(raw), group=group,
                  scheme=SignatureScheme(m.algorithm), peer_public=public)
    return st.replace(hs=ClientWaitHelloDone12(new)), b"", []


def _hello_done(st: State, hs: ClientWaitHelloDone12, raw: bytes) -> Step:
    ctx = hs.ctx
    cke: ClientKeyExchangeDHE | ClientKeyExchangeECDHE | ClientKeyExchangeRSA
    if ctx.suite.kex is KeyExchange.RSA:
        premaster, encrypted = rsa_premaster_encrypt(
            ctx.peer_chain[0].public_key, ctx.client_version, draw(st.seed, b"premaster", 32))
        cke = ClientKeyExchangeRSA(encrypted)
    else:
        assert ctx.group is not None
        share = make_key_share(ctx.group, draw(st.seed, b"share12", 32))
        if share.dh_key is not None:
            premaster = dhe_premaster(share, ctx.peer_public)
            cke = ClientKeyExchangeDHE(share.public)
        else:
            premaster = key_agreement(share, ctx.peer_public)
            cke = ClientKeyExchangeECDHE(share.public)
    alg = ctx.suite.prf_hash
    transcript = ctx.transcript.add(raw)
    flight = b""
    chosen = None
    if ctx.cert_requested:  # our certificate, or an empty list (RFC 5246 7.4.6)
        chosen = choose_client12(st.config, ctx.cert_request_types, ctx.cert_request_schemes)
        chain = tuple(c.to_der() for c in chosen[0].chain) if chosen is not None else ()
        flight += assemble_handshake(Certificate12(chain))
    flight += assemble_handshake(cke)
    transcript = transcript.add(flight)
    # RFC 7627 4: the session hash ends with ClientKeyExchange.
    master = ks.extended_master_secret(alg, premaster, transcript.hash(alg))
    if chosen is not None:
        ck, scheme = chosen
        sig = sign12(ck, scheme, transcript.data, draw(st.seed, b"cv12", 32))
        cv = assemble_handshake(CertificateVerify(scheme, sig))
        flight += cv
        transcript = transcript.add(cv)
    cw, sw = directions(ctx.suite, master, ctx.client_random, ctx.server_random, etm=ctx.etm,
                        seed=st.seed)
    st, out = seal_handshake(st, flight)
    out += CCS_RECORD
    st = st.replace(write=cw, write_seq=0)
    fin = assemble_handshake(Finished(ks.finished_verify_data12(
        alg, master, client=True, handshake_hash=transcript.hash(alg))))
    st, records = seal_handshake(st, fin)
    new = replace(ctx, transcript=transcript.add(fin), master=master, pending_read=sw)
    return st.replace(hs=ClientWaitChangeCipherSpec12(new),
                  seed=draw(st.seed, b"next", 32)), out + records, key_log(
       st.config.key_log, ctx.client_random, ("CLIENT_RANDOM", master))


def _new_session_ticket(
    st: State, hs: ClientWaitChangeCipherSpec12, raw: bytes, m: NewSessionTicket12
) -> Step:
    ctx = hs.ctx
    new = replace(ctx, transcript=ctx.transcript.add(raw), ticket_expected=False,
                  got_ticket=bool(m.ticket))
    events: list[Event] = []
    if m.ticket:  # an empty ticket: none this time (RFC 5077 3.3)
        lifetime = min(m.ticket_lifetime_hint or MAX_LIFETIME, MAX_LIFETIME)
        events.append(NewSessionTicket(Ticket(
            m.ticket, ctx.master, CipherSuite(ctx.suite.suite), 0, lifetime,
            st.config.clock(), ctx.server_name, ctx.alpn, ctx.peer_chain, ctx.session_id)))
    return st.replace(hs=ClientWaitChangeCipherSpec12(new)), b"", events


def change_cipher_spec(st: State, hs: ClientWaitChangeCipherSpec12) -> State:
    assert hs.ctx.pending_read is not None
    if hs.ctx.ticket_expected:
        raise fail(A.UNEXPECTED_MESSAGE, "ChangeCipherSpec instead of NewSessionTicket")
    return st.replace(read=hs.ctx.pending_read, read_seq=0,
                  hs=ClientWaitFinished12(replace(hs.ctx, pending_read=None)))


def _finished(st: State, hs: ClientWaitFinished12, raw: bytes, m: Finished) -> Step:
    ctx = hs.ctx
    alg = ctx.suite.prf_hash
    expected = ks.finished_verify_data12(alg, ctx.master, client=False,
                                         handshake_hash=ctx.transcript.hash(alg))
    if len(m.verify_data) != len(expected):  # RFC 8446 4.4.4, RFC 5246 7.4.9
        raise fail(A.DECODE_ERROR, "server Finished has the wrong length")
    if not compare_digest(expected, m.verify_data):
        raise fail(A.DECRYPT_ERROR, "server Finished is wrong")
    info = SessionInfo(V12, CipherSuite(ctx.suite.suite), ctx.group, ctx.scheme, ctx.alpn,
                       ctx.peer_chain, ctx.server_name, resumed=ctx.abbreviated)
    est = Established12(ctx.suite, info, b"", b"", ctx.client_random, master=ctx.master,
                        server_random=ctx.server_random)
    out = b""
    events: list[Event] = []
    if ctx.session_id and not ctx.got_ticket and not ctx.abbreviated:
        # The server can resume this session by its ID (RFC 5246 7.4.1.2).
        events.append(NewSessionTicket(Ticket(
            b"", ctx.master, CipherSuite(ctx.suite.suite), 0, SESSION_ID_LIFETIME,
            st.config.clock(), ctx.server_name, ctx.alpn, ctx.peer_chain, ctx.session_id)))
    if ctx.abbreviated:  # our ChangeCipherSpec and Finished close the handshake
        transcript = ctx.transcript.add(raw)
        fin = assemble_handshake(Finished(ks.finished_verify_data12(
            alg, ctx.master, client=True, handshake_hash=transcript.hash(alg))))
        assert ctx.pending_write is not None
        st = st.replace(write=ctx.pending_write, write_seq=0)
        st, records = seal_handshake(st, fin)
        out = CCS_RECORD + records
    return st.replace(hs=est), out, [HandshakeComplete(info), *events]


