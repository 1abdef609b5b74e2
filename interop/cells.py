"""The interop matrix's cells: a covering design over peer x role x
(version, suite, group, certificate type, feature), and the cells each peer
cannot run, with the reason.  README.md in this folder states the design."""

from __future__ import annotations

from dataclasses import dataclass

from tlspy.core.enums import CipherSuite

CS = CipherSuite

# The peers and the roles tlspy plays against each (curl is a client only).
PEER_ROLES: tuple[tuple[str, str], ...] = (
    ("openssl", "client"), ("openssl", "server"),
    ("gnutls", "client"), ("gnutls", "server"),
    ("ssl", "client"), ("ssl", "server"),
    ("curl", "server"),
)
VERSIONS = ("1.3", "1.2")
SUITES_13 = (CS.TLS_AES_128_GCM_SHA256, CS.TLS_AES_256_GCM_SHA384,
             CS.TLS_CHACHA20_POLY1305_SHA256)
SUITES_12 = (CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
             CS.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
             CS.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
             CS.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
             CS.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
             CS.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256)
GROUPS = ("x25519", "secp256r1", "secp384r1", "ffdhe2048")
CERTS = ("rsa", "p256", "ed25519")
FEATURES = ("client-auth", "resumption", "alpn", "hrr")
DIMENSIONS = ("suite", "group", "cert", *FEATURES)

# The base configuration every other dimension varies one thing of.
BASE_SUITE = {"1.3": CS.TLS_AES_128_GCM_SHA256,
              "1.2": CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
BASE_GROUP = "x25519"
BASE_CERT = "p256"
# TLS 1.2 finite-field DH is a DHE suite (RFC 7919 group), with RSA.
DHE_SUITE_12 = CS.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
# HelloRetryRequest: the client offers x25519 (its one key share) then
# secp384r1; the server accepts only secp384r1.
HRR_GROUP = "secp384r1"


@dataclass(frozen=True)
class Cell:
    peer: str       # openssl | gnutls | curl | ssl
    role: str       # tlspy's role: client | server
    dimension: str  # suite | group | cert | client-auth | resumption | alpn | hrr
    version: str    # "1.3" | "1.2"
    suite: CipherSuite
    group: str
    cert: str

    @property
    def value(self) -> str:
        """What this cell varies, for the table."""
        if self.dimension == "suite":
            return self.suite.name
        if self.dimension == "group":
            return self.group
        if self.dimension == "cert":
            return self.cert
        return self.dimension

    @property
    def id(self) -> str:
        return f"{self.peer}-{self.role}-{self.version}-{self.dimension}-{self.value}"

    @property
    def feature(self) -> str | None:
        return self.dimension if self.dimension in FEATURES else None


def _suite_for_cert(version: str, cert: str) -> CipherSuite:
    if version == "1.3":
        return BASE_SUITE["1.3"]
    if cert == "rsa":
        return CS.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    return CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256


def cells_for(peer: str, role: str) -> list[Cell]:
    """Every suite once per version; every group and certificate type once
    per version on the base config; each feature once per version (HRR:
    TLS 1.3 only, it does not exist in 1.2)."""
    out: list[Cell] = []
    for v in VERSIONS:
        for s in SUITES_13 if v == "1.3" else SUITES_12:
            cert = "rsa" if "_RSA_" in s.name else BASE_CERT
            out.append(Cell(peer, role, "suite", v, s, BASE_GROUP, cert))
        for g in GROUPS:
            if g == BASE_GROUP:
                continue  # every suite cell already runs x25519
            if v == "1.2" and g.startswith("ffdhe"):
                out.append(Cell(peer, role, "group", v, DHE_SUITE_12, g, "rsa"))
            else:
                out.append(Cell(peer, role, "group", v, BASE_SUITE[v], g, BASE_CERT))
        for c in CERTS:
            if c == BASE_CERT:
                continue  # every ECDSA suite cell runs P-256
            out.append(Cell(peer, role, "cert", v, _suite_for_cert(v, c), BASE_GROUP, c))
        for f in FEATURES:
            if f == "hrr" and v == "1.2":
                continue
            out.append(Cell(peer, role, f, v, BASE_SUITE[v], BASE_GROUP, BASE_CERT))
    return out


def all_cells() -> list[Cell]:
    return [c for peer, role in PEER_ROLES for c in cells_for(peer, role)]


def unsupported(cell: Cell) -> str | None:
    """Why the peer cannot run this cell (None: it runs)."""
    return UNSUPPORTED.get((cell.peer, cell.role, cell.version, cell.dimension, cell.value))


# (peer, tlspy role, version, dimension, value) -> the peer's limitation.
# Every cell currently runs: OpenSSL 3.0, GnuTLS 3.7, curl 7.88 and ssl
# take every suite, group, certificate type and feature here (curl resumes
# TLS 1.2 by session ID only, which tlspy's server does with a session
# cache).  A peer limitation goes here, and shows in the table.
UNSUPPORTED: dict[tuple[str, str, str, str, str], str] = {}

# What a peer does not report about a connection, so the cells check that
# from tlspy's side only (printed under the table).
PEER_NOTES: dict[str, str] = {
    "openssl": "s_server prints no version line and no group; s_client prints the group "
               "(Server Temp Key) but for TLS 1.2 DHE only its size",
    "gnutls": "names the AEAD, not the suite (AES-128-GCM)",
    "curl": "7.88 prints no group and no client certificate result",
    "ssl": "no API for the group (before Python 3.13)",
}
