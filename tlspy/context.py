"""``tlspy.SSLContext``: the ``ssl.SSLContext`` API over the tlspy engine.

The constants are ssl's own objects (``tlspy.CERT_REQUIRED is
ssl.CERT_REQUIRED``), so stdlib code that compares a context's settings
with ssl's constants (http.client, urllib.request) works unchanged.  Each
connection gets the immutable :class:`tlspy.engine.Config` of the context
as it is when the connection is wrapped: one Config per side, made for
the first connection and kept until a setting changes.

Added to ssl's API: ``set_ciphersuites`` (TLS 1.3 suite names, ``:``
separated) and ``set_groups`` (OpenSSL 3 group lists).  Not supported:
encrypted private keys (``password``), TLS versions below 1.2,
post-handshake client authentication.
"""

from __future__ import annotations

import os
import socket
import ssl as _ssl
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nocrypto.rng import random_bytes
from tlspy.ciphers import OPENSSL_NAMES_12 as OPENSSL_NAMES_12
from tlspy.ciphers import SUITE_NAMES_12, group_by_name, parse_cipher_string
from tlspy.ciphers import parse_groups as _parse_groups
from tlspy.core.enums import CipherSuite, NamedGroup, ProtocolVersion
from tlspy.engine import CertifiedKey, Config, SessionCache
from tlspy.engine.config import DEFAULT_GROUPS, DEFAULT_SUITES_12, Validator, default_validator
from tlspy.errors import SSLError
from tlspy.x509 import Certificate, PrivateKey, TrustStore, X509Error, load_pem_certificates

if TYPE_CHECKING:
    from tlspy.engine.events import KeyLog
    from tlspy.sslobject import TLSObject
    from tlspy.sslsocket import TLSSocket

PROTOCOL_TLS_CLIENT = _ssl.PROTOCOL_TLS_CLIENT
PROTOCOL_TLS_SERVER = _ssl.PROTOCOL_TLS_SERVER
PROTOCOL_TLS = _ssl.PROTOCOL_TLS
CERT_NONE = _ssl.CERT_NONE
CERT_OPTIONAL = _ssl.CERT_OPTIONAL
CERT_REQUIRED = _ssl.CERT_REQUIRED
VerifyMode = _ssl.VerifyMode
TLSVersion = _ssl.TLSVersion
Options = _ssl.Options
OP_NO_TICKET = _ssl.OP_NO_TICKET
OP_NO_TLSv1_2 = _ssl.OP_NO_TLSv1_2
OP_NO_TLSv1_3 = _ssl.OP_NO_TLSv1_3
OP_NO_COMPRESSION = _ssl.OP_NO_COMPRESSION
Purpose = _ssl.Purpose
HAS_SNI = True
HAS_ALPN = True
HAS_TLSv1_2 = True
HAS_TLSv1_3 = True
HAS_ECDH = True
HAS_NEVER_CHECK_COMMON_NAME = True
HAS_NPN = HAS_SSLv2 = HAS_SSLv3 = HAS_TLSv1 = HAS_TLSv1_1 = False
AlertDescription = _ssl.AlertDescription
VerifyFlags = _ssl.VerifyFlags
SSLErrorNumber = _ssl.SSLErrorNumber
# ssl's ALERT_DESCRIPTION_*, OP_* and VERIFY_* constants, the same objects.
globals().update({k: v for k, v in vars(_ssl).items()
                  if k.startswith(("ALERT_DESCRIPTION_", "OP_", "VERIFY_")) and k not in globals()})

_DEFAULT_OPTIONS = (_ssl.OP_ALL | _ssl.OP_NO_SSLv2 | _ssl.OP_NO_SSLv3 | _ssl.OP_NO_COMPRESSION
                    | _ssl.OP_CIPHER_SERVER_PREFERENCE | _ssl.OP_SINGLE_DH_USE
                    | _ssl.OP_SINGLE_ECDH_USE | _ssl.OP_NO_TLSv1 | _ssl.OP_NO_TLSv1_1)

SUITES_13 = (CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384,
             CipherSuite.TLS_CHACHA20_POLY1305_SHA256)
SUITES_12 = DEFAULT_SUITES_12

_STAT_NAMES = ("number", "connect", "connect_good", "connect_renegotiate", "accept",
               "accept_good", "accept_renegotiate", "hits", "misses", "timeouts", "cache_full")

# One lock for every key log file, as ssl has: lines from threads never mix.
_KEYLOG_LOCK = threading.Lock()

_VERSION_RANK = {
    TLSVersion.MINIMUM_SUPPORTED: 0x0303, TLSVersion.MAXIMUM_SUPPORTED: 0x0304,
    TLSVersion.SSLv3: 0x0300, TLSVersion.TLSv1: 0x0301, TLSVersion.TLSv1_1: 0x0302,
    TLSVersion.TLSv1_2: 0x0303, TLSVersion.TLSv1_3: 0x0304,
}


def _split_der(data: bytes) -> list[bytes]:
    """Concatenated DER certificates (cadata as bytes) cut apart."""
    out, pos = [], 0
    while pos < len(data):
        if data[pos] != 0x30 or pos + 2 > len(data):
            raise SSLError("[X509: NOT_ENOUGH_DATA] cadata is not DER certificates", "DER")
        first = data[pos + 1]
        if first < 0x80:
            length, head = first, 2
        else:
            n = first & 0x7F
            if not 1 <= n <= 4 or pos + 2 + n > len(data):
                raise SSLError("[X509: BAD_LENGTH] cadata is not DER certificates", "DER")
            length, head = int.from_bytes(data[pos + 2 : pos + 2 + n], "big"), 2 + n
        end = pos + head + length
        if end > len(data):
            raise SSLError("[X509: NOT_ENOUGH_DATA] truncated DER certificate in cadata", "DER")
        out.append(data[pos:end])
        pos = end
    return out


class SSLContext:
    """The ``ssl.SSLContext`` interface; see the module docstring."""

    # The engine Config per side (True: server), made by engine_config.
    _configs: dict[bool, Config]

    def __setattr__(self, name: str, value: Any) -> None:
        # Every setting is an attribute, and lists are replaced, never
        # changed in place: so any assignment drops the Configs made so
        # far, and the next connection gets one with the new settings.
        object.__setattr__(self, name, value)
        object.__setattr__(self, "_configs", {})

    def __init__(self, protocol: int | None = None) -> None:
        if protocol is None:
            protocol = PROTOCOL_TLS
        if protocol not in (PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, PROTOCOL_TLS):
            raise ValueError(f"tlspy supports PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER and "
                             f"PROTOCOL_TLS, not {protocol!r}")
        self.protocol = _ssl._SSLMethod(protocol)
        client = protocol == PROTOCOL_TLS_CLIENT
        self._verify_mode = CERT_REQUIRED if client else CERT_NONE
        self._check_hostname = client
        self._options = Options(_DEFAULT_OPTIONS)
        self._minimum_version = TLSVersion.MINIMUM_SUPPORTED
        self._maximum_version = TLSVersion.MAXIMUM_SUPPORTED
        self._anchors: list[Certificate] = []
        self._chains: list[CertifiedKey] = []
        self._alpn: tuple[bytes, ...] = ()
        self._suites_13: tuple[CipherSuite, ...] = SUITES_13
        self._suites_12: tuple[CipherSuite, ...] = SUITES_12
        self.num_tickets = 2
        # tlspy addition: a TLS 1.2 server refuses clients without Extended
        # Master Secret (RFC 7627) unless this is set False.
        self.require_extended_master_secret = True
        self.post_handshake_auth = False
        self.hostname_checks_common_name = False
        self.verify_flags = _ssl.VerifyFlags.VERIFY_X509_TRUSTED_FIRST
        self._groups: tuple[NamedGroup, ...] = DEFAULT_GROUPS
        self._sni_callback: Callable[..., Any] | None = None
        # The chain check (tlspy.engine.config.Validator); None: the default.
        self._validator: Validator | None = None
        self._keylog_filename: str | None = None
        self._ticket_key = b""  # drawn when a server first needs it
        # A server context's TLS 1.2 session-ID cache (ssl: one per context).
        self._session_cache: SessionCache | None = None
        self._stats = dict.fromkeys(_STAT_NAMES, 0)

    # -- verification settings ----------------------------------------------
    @property
    def verify_mode(self) -> _ssl.VerifyMode:
        return self._verify_mode

    @verify_mode.setter
    def verify_mode(self, value: int) -> None:
        mode = VerifyMode(value)
        if mode == CERT_NONE and self._check_hostname:
            raise ValueError("Cannot set verify_mode to CERT_NONE when check_hostname "
                             "is enabled.")
        self._verify_mode = mode

    @property
    def check_hostname(self) -> bool:
        return self._check_hostname

    @check_hostname.setter
    def check_hostname(self, value: bool) -> None:
        value = bool(value)
        if value and self._verify_mode == CERT_NONE:
            self._verify_mode = CERT_REQUIRED  # as ssl does
        self._check_hostname = value

    @property
    def options(self) -> _ssl.Options:
        return self._options

    @options.setter
    def options(self, value: int) -> None:
        self._options = Options(value)

    @property
    def minimum_version(self) -> _ssl.TLSVersion:
        return self._minimum_version

    @minimum_version.setter
    def minimum_version(self, value: _ssl.TLSVersion) -> None:
        self._minimum_version = TLSVersion(value)

    @property
    def maximum_version(self) -> _ssl.TLSVersion:
        return self._maximum_version

    @maximum_version.setter
    def maximum_version(self, value: _ssl.TLSVersion) -> None:
        self._maximum_version = TLSVersion(value)

    # -- certificates -------------------------------------------------------
    def load_cert_chain(self, certfile: str | os.PathLike[str],
                        keyfile: str | os.PathLike[str] | None = None,
                        password: object = None) -> None:
        """The chain (leaf first) in PEM ``certfile`` and its key from
        ``keyfile`` (default: ``certfile``)."""
        cert_pem = Path(certfile).read_bytes()
        key_pem = cert_pem if keyfile is None else Path(keyfile).read_bytes()
        try:
            chain = load_pem_certificates(cert_pem)
        except X509Error as e:
            raise SSLError(f"[SSL] {certfile}: {e}", "PEM_LIB") from None
        if not chain:
            raise SSLError(f"[SSL] no certificate in {certfile}", "PEM_LIB")
        if b"ENCRYPTED" in key_pem:
            raise SSLError("[SSL] encrypted private keys are not supported by tlspy "
                           "(password given)" if password else
                           "[SSL] the private key is encrypted; tlspy does not decrypt keys",
                           "PEM_LIB")
        try:
            key = PrivateKey.from_pem(key_pem)
            certified = CertifiedKey(tuple(chain), key)
        except (X509Error, ValueError) as e:
            raise SSLError(f"[SSL] {keyfile or certfile}: {e}", "PEM_LIB") from None
        self._chains = [*self._chains, certified]

    def load_verify_locations(self, cafile: str | os.PathLike[str] | None = None,
                              capath: str | os.PathLike[str] | None = None,
                              cadata: str | bytes | None = None) -> None:
        """Trust anchors from a PEM file, a directory of PEM/DER files, or
        ``cadata`` (PEM text as str, DER certificates as bytes)."""
        if cafile is None and capath is None and cadata is None:
            raise TypeError("cafile, capath and cadata cannot be all omitted")
        found: list[Certificate] = []
        try:
            if cafile is not None:
                store = TrustStore.from_file(cafile)
                if not len(store):
                    raise SSLError(f"[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate in "
                                   f"{cafile}", "NO_CERTIFICATE_OR_CRL_FOUND")
                found += list(store)
            if capath is not None:
                found += list(TrustStore.from_directory(capath))
            if isinstance(cadata, str):
                certs = load_pem_certificates(cadata)
                if not certs:
                    raise SSLError("[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate in "
                                   "cadata", "NO_CERTIFICATE_OR_CRL_FOUND")
                found += certs
            elif cadata is not None:
                found += [Certificate.from_der(d) for d in _split_der(bytes(cadata))]
        except X509Error as e:
            raise SSLError(f"[X509] {e}", "PEM_LIB") from None
        self._add_anchors(found)

    def load_default_certs(self, purpose: object = Purpose.SERVER_AUTH) -> None:
        self.set_default_verify_paths()

    def set_default_verify_paths(self) -> None:
        """The system trust bundle ($SSL_CERT_FILE / $SSL_CERT_DIR first)."""
        try:
            store = TrustStore.system()
        except FileNotFoundError:
            return  # as OpenSSL: no bundle is not an error here
        self._add_anchors(store)

    def _add_anchors(self, certs: Iterable[Certificate]) -> None:
        anchors = list(self._anchors)
        for c in certs:
            if c not in anchors:
                anchors.append(c)
        self._anchors = anchors

    def get_ca_certs(self, binary_form: bool = False) -> list[Any]:
        if binary_form:
            return [c.to_der() for c in self._anchors]
        from tlspy.sslsocket import decode_certificate

        return [decode_certificate(c) for c in self._anchors]

    def cert_store_stats(self) -> dict[str, int]:
        ca = sum(1 for c in self._anchors
                 if c.basic_constraints is not None and c.basic_constraints.ca)
        return {"x509": len(self._anchors), "crl": 0, "x509_ca": ca}

    # -- negotiation ----------------------------------------------------------
    def set_alpn_protocols(self, alpn_protocols: Iterable[str]) -> None:
        protos = []
        for p in alpn_protocols:
            b = p.encode("ascii")
            if not 1 <= len(b) <= 255:
                raise ValueError("ALPN protocols must be 1 to 255 in length")
            protos.append(b)
        self._alpn = tuple(protos)

    def set_npn_protocols(self, npn_protocols: Iterable[str]) -> None:
        raise NotImplementedError("NPN is not supported (use ALPN)")

    def set_ciphersuites(self, ciphersuites: str) -> None:
        """TLS 1.3 suites by IANA name, ``:`` separated, in preference order."""
        chosen = []
        for name in filter(None, ciphersuites.split(":")):
            try:
                suite = CipherSuite[name]
            except KeyError:
                suite = None
            if suite is None or suite not in SUITES_13:
                raise SSLError(f"[SSL: NO_CIPHER_MATCH] unknown TLS 1.3 cipher suite {name!r} "
                               f"(known: {', '.join(s.name for s in SUITES_13)})",
                               "NO_CIPHER_MATCH")
            chosen.append(suite)
        if not chosen:
            raise SSLError("[SSL: NO_CIPHER_MATCH] no cipher suite given", "NO_CIPHER_MATCH")
        self._suites_13 = tuple(chosen)

    def set_ciphers(self, ciphers: str) -> None:
        """TLS 1.2 suites from an OpenSSL cipher string (see tlspy.ciphers:
        suite names, keywords, ``+`` / ``-`` / ``!``).  CBC and RSA key
        exchange suites are used only when the string selects them."""
        suites = parse_cipher_string(ciphers)
        if not suites:
            raise SSLError("[SSL: NO_CIPHER_MATCH] No cipher can be selected.", "NO_CIPHER_MATCH")
        self._suites_12 = suites

    def get_ciphers(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for s in self._suites_13:
            out.append({"name": s.name, "protocol": "TLSv1.3", "id": 0x03000000 | s})
        for s in self._suites_12:
            out.append({"name": SUITE_NAMES_12[s], "protocol": "TLSv1.2", "id": 0x03000000 | s})
        return out

    def set_ecdh_curve(self, curve_name: str | bytes) -> None:
        """Key exchange with this one group only (OpenSSL short names:
        ``prime256v1``, ``secp384r1``, ``X25519``; ``ffdhe2048`` ... too)."""
        name = curve_name.decode("ascii") if isinstance(curve_name, bytes) else curve_name
        if not isinstance(name, str):
            raise TypeError(f"curve_name must be str, not {type(curve_name).__name__}")
        group = group_by_name(name)
        if group is None:
            raise ValueError(f"unknown elliptic curve name {name!r}")
        self._groups = (group,)

    def set_groups(self, groups: str) -> None:
        """Key exchange groups in preference order, OpenSSL 3's ``-groups``
        spelling: ``X25519:P-256:secp384r1:ffdhe2048`` (tlspy's addition to
        the ssl API, like set_ciphersuites)."""
        try:
            self._groups = _parse_groups(groups)
        except ValueError as e:
            raise SSLError(f"[SSL: UNSUPPORTED_GROUP] {e}", "UNSUPPORTED_GROUP") from None

    def get_groups(self) -> list[str]:
        """The configured groups by IANA name, in preference order."""
        return [g.name.lower() for g in self._groups]

    @property
    def sni_callback(self) -> Callable[..., Any] | None:
        """Server side: ``callback(conn, server_name, context)`` runs when the
        ClientHello arrives (``server_name`` is None without SNI); it may set
        ``conn.context`` to another context to switch certificates, and
        returning an ``ALERT_DESCRIPTION_*`` number refuses the handshake
        with that alert (as ssl does)."""
        return self._sni_callback

    @sni_callback.setter
    def sni_callback(self, value: Callable[..., Any] | None) -> None:
        if self.protocol == PROTOCOL_TLS_CLIENT:
            raise ValueError("sni_callback cannot be set on TLS_CLIENT context")
        if value is not None and not callable(value):
            raise TypeError("not a callable object")
        self._sni_callback = value

    def load_dh_params(self, path: str | os.PathLike[str]) -> None:
        """Accepted for ssl compatibility (the file must exist): tlspy's DHE
        uses only the RFC 7919 groups (ffdhe2048/3072/4096, see set_groups),
        never server-chosen parameters."""
        if not Path(path).is_file():
            raise FileNotFoundError(2, "No such file or directory", os.fspath(path))

    @property
    def security_level(self) -> int:
        """OpenSSL's level 2 comes closest to what tlspy enforces: no SHA-1
        signatures, no suite below 128 bits, nothing below TLS 1.2."""
        return 2

    @property
    def sslsocket_class(self) -> type[TLSSocket]:
        from tlspy.sslsocket import TLSSocket

        return TLSSocket

    @property
    def sslobject_class(self) -> type[TLSObject]:
        from tlspy.sslobject import TLSObject

        return TLSObject

    def set_servername_callback(self, server_name_callback: Callable[..., Any] | None) -> None:
        """The older spelling: the callback gets the same three arguments."""
        self.sni_callback = server_name_callback

    def session_stats(self) -> dict[str, int]:
        """Handshake and session cache counts, under ssl's keys."""
        stats = dict(self._stats)
        stats["number"] = len(self._session_cache) if self._session_cache is not None else 0
        return stats

    def _connection_config(self, server_side: bool) -> Config:
        """engine_config for a connection being started (and counted)."""
        cfg = self.engine_config(server_side)
        self._stats["accept" if server_side else "connect"] += 1
        return cfg

    def _count_handshake(self, server_side: bool, resumed: bool) -> None:
        side = "accept" if server_side else "connect"
        self._stats[side + "_good"] += 1
        if server_side:
            self._stats["hits" if resumed else "misses"] += 1

    @property
    def keylog_filename(self) -> str | None:
        """Where the secrets of every connection made from now on are
        appended, in the NSS key log format Wireshark reads (as ssl: the
        file is created, with a comment line, when set; None stops)."""
        return self._keylog_filename

    @keylog_filename.setter
    def keylog_filename(self, value: str | os.PathLike[str] | None) -> None:
        if value is None:
            self._keylog_filename = None
            return
        path = os.fspath(value)
        if not isinstance(path, str):
            raise TypeError("keylog_filename must be a str or os.PathLike of str")
        with _KEYLOG_LOCK, open(path, "a", encoding="ascii") as f:
            if f.tell() == 0:
                f.write("# TLS secrets log file, generated by tlspy\n")
        self._keylog_filename = path

    def _log_key(self, entry: KeyLog) -> None:
        """Append one secret (a KeyLog event) to keylog_filename."""
        path = self._keylog_filename
        if path is None:
            return
        with _KEYLOG_LOCK, open(path, "a", encoding="ascii") as f:
            f.write(entry.line() + "\n")

    # -- building connections -------------------------------------------------
    def _versions(self) -> tuple[ProtocolVersion, ...]:
        lo = max(_VERSION_RANK[self._minimum_version], 0x0303)
        hi = min(_VERSION_RANK[self._maximum_version], 0x0304)
        versions = []
        if lo <= 0x0304 <= hi and not self._options & OP_NO_TLSv1_3:
            versions.append(ProtocolVersion.TLS_1_3)
        if lo <= 0x0303 <= hi and not self._options & OP_NO_TLSv1_2:
            versions.append(ProtocolVersion.TLS_1_2)
        if not versions:
            raise SSLError("[SSL: NO_PROTOCOLS_AVAILABLE] no protocols available: tlspy "
                           "speaks TLS 1.2 and 1.3 only", "NO_PROTOCOLS_AVAILABLE")
        return tuple(versions)

    def engine_config(self, server_side: bool) -> Config:
        """The immutable engine Config for a connection starting now (the
        same object for every connection until a setting changes)."""
        cfg = self._configs.get(server_side)
        if cfg is None:
            cfg = self._make_config(server_side)
            self._configs[server_side] = cfg
        return cfg

    def _make_config(self, server_side: bool) -> Config:
        verify = self._verify_mode != CERT_NONE
        client_auth = "none"
        if server_side and self._verify_mode == CERT_OPTIONAL:
            client_auth = "optional"
        elif server_side and self._verify_mode == CERT_REQUIRED:
            client_auth = "required"
        no_tickets = bool(self._options & OP_NO_TICKET) or self.num_tickets == 0
        ticket_keys: tuple[bytes, ...] = ()
        if server_side and not no_tickets:
            if not self._ticket_key:
                self._ticket_key = random_bytes(32)
            ticket_keys = (self._ticket_key,)
        cache = None
        if server_side:
            if self._session_cache is None:
                self._session_cache = SessionCache()
            cache = self._session_cache
        try:
            return Config(
                versions=self._versions(),
                cipher_suites=self._suites_13 + self._suites_12,
                certificates=tuple(self._chains),
                trust_anchors=tuple(self._anchors),
                verify_peer=verify,
                validator=self._validator or default_validator,
                check_name=self._check_hostname and not server_side,
                alpn_protocols=self._alpn,
                groups=self._groups,
                key_log=self._keylog_filename is not None,
                session_cache=cache,
                require_ems=self.require_extended_master_secret,
                client_auth=client_auth,
                tickets=0 if no_tickets else min(self.num_tickets, 16),
                ticket_keys=ticket_keys,
            )
        except ValueError as e:
            raise SSLError(f"[SSL] invalid configuration: {e}", "BAD_CONFIG") from None

    def wrap_socket(self, sock: socket.socket, server_side: bool = False,
                    do_handshake_on_connect: bool = True, suppress_ragged_eofs: bool = True,
                    server_hostname: str | bytes | None = None,
                    session: object = None) -> TLSSocket:
        from tlspy.sslsocket import TLSSocket

        return TLSSocket._create(sock, self, server_side=server_side,
                                 do_handshake_on_connect=do_handshake_on_connect,
                                 suppress_ragged_eofs=suppress_ragged_eofs,
                                 server_hostname=server_hostname, session=session)

    def wrap_bio(self, incoming: _ssl.MemoryBIO, outgoing: _ssl.MemoryBIO,
                 server_side: bool = False, server_hostname: str | bytes | None = None,
                 session: object = None) -> TLSObject:
        """A TLSObject (the ssl.SSLObject API, as asyncio uses it)."""
        from tlspy.sslobject import TLSObject

        return TLSObject._create(incoming, outgoing, self, server_side, server_hostname,
                                 session)


def create_default_context(purpose: object = Purpose.SERVER_AUTH, *,
                           cafile: str | None = None, capath: str | None = None,
                           cadata: str | bytes | None = None) -> SSLContext:
    """As ssl.create_default_context: a client context verifying servers
    against the system bundle (or the given locations), or a server
    context for Purpose.CLIENT_AUTH."""
    if purpose == Purpose.SERVER_AUTH:
        ctx = SSLContext(PROTOCOL_TLS_CLIENT)
    elif purpose == Purpose.CLIENT_AUTH:
        ctx = SSLContext(PROTOCOL_TLS_SERVER)
    else:
        raise ValueError(purpose)
    if cafile or capath or cadata:
        ctx.load_verify_locations(cafile, capath, cadata)
    elif ctx.verify_mode != CERT_NONE:
        ctx.load_default_certs(purpose)
    keylog = os.environ.get("SSLKEYLOGFILE")
    if keylog and not sys.flags.ignore_environment:  # as ssl does
        ctx.keylog_filename = keylog
    return ctx
