"""Chain building and path validation (RFC 5280 section 6, with the stricter
Web PKI profile of CA/B Forum BR 7.1 where x509-limbo's webpki cases and its
rfc5280 cases disagree).

Out of scope: revocation (CRL, OCSP) and certificate-policy processing
(policy trees); chains that validate here may still be revoked.

Layout follows pyca/cryptography's verification crate: a ``Policy`` built once
(time, name, EKU, depth, ops), chain building by depth-first search over
candidate issuers with backtracking, and budgets on signature checks, path
attempts and name-constraint comparisons so a hostile bundle cannot spin.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tlspy.x509 import constraints, hostname, oids
from tlspy.x509.cert import Certificate
from tlspy.x509.errors import ValidationError
from tlspy.x509.keys import PublicKey, SignatureAlgorithm, signature_algorithm
from tlspy.x509.ops import DefaultOps, Ops, UnsupportedAlgorithm
from tlspy.x509.store import TrustStore

DEFAULT_MAX_DEPTH = 8  # non-self-issued intermediates
MAX_PATH_LENGTH = 16  # certificates in a path, self-issued included
SIGNATURE_BUDGET = 64
PATH_BUDGET = 256
NAME_CONSTRAINT_BUDGET = 1 << 16

_EKUS_BY_USAGE = {"server": frozenset((oids.EKU_SERVER_AUTH,)),
                  "client": frozenset((oids.EKU_CLIENT_AUTH,))}
# Extensions this validator understands; any other critical extension fails.
_PROCESSED = frozenset((
    oids.BASIC_CONSTRAINTS, oids.KEY_USAGE, oids.EXTENDED_KEY_USAGE, oids.SUBJECT_ALT_NAME,
    oids.NAME_CONSTRAINTS, oids.AUTHORITY_KEY_IDENTIFIER, oids.SUBJECT_KEY_IDENTIFIER,
    oids.CERTIFICATE_POLICIES, oids.POLICY_CONSTRAINTS, oids.POLICY_MAPPINGS,
    oids.INHIBIT_ANY_POLICY, oids.ISSUER_ALT_NAME,
))
_MUST_NOT_BE_CRITICAL = frozenset((
    oids.AUTHORITY_KEY_IDENTIFIER, oids.SUBJECT_KEY_IDENTIFIER, oids.AUTHORITY_INFO_ACCESS,
    oids.SUBJECT_INFO_ACCESS, oids.CRL_DISTRIBUTION_POINTS,
))
_CURVES = frozenset(("secp256r1", "secp384r1", "secp521r1"))
_DEFAULT_OPS = DefaultOps()  # stateless


@dataclass(frozen=True)
class Chain:
    """A validated path: leaf first, trust anchor last."""

    certificates: tuple[Certificate, ...]

    @property
    def leaf(self) -> Certificate:
        return self.certificates[0]

    @property
    def anchor(self) -> Certificate:
        return self.certificates[-1]

    def __len__(self) -> int:
        return len(self.certificates)


@dataclass(frozen=True)
class Policy:
    """What to validate against, fixed for one verify_chain call."""

    at: dt.datetime
    name: str | ipaddress.IPv4Address | ipaddress.IPv6Address | None = None
    ekus: frozenset[str] = frozenset((oids.EKU_SERVER_AUTH,))
    max_depth: int = DEFAULT_MAX_DEPTH
    ops: Ops = field(default_factory=DefaultOps)
    allow_sha1: bool = False
    public_suffixes: frozenset[str] = hostname.PUBLIC_SUFFIXES
    cabf_common_name: bool = False


_IPV4_CHARS = frozenset("0123456789.")


def _maybe_ip(name: str) -> bool:
    """Whether ``name`` could be an IP literal (one with a colon, or only
    digits and dots): a DNS name skips ipaddress's slow failing parse."""
    return ":" in name or _IPV4_CHARS.issuperset(name)


def _idna(v: str) -> str | None:
    if v.isascii():
        return None
    try:
        return v.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def _lenient_ip(v: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An IP address in the loose spellings resolvers accept (hex, leading zeros,
    upper case, uncompressed IPv6), or None."""
    try:
        if ":" in v:
            return ipaddress.IPv6Address(v)
        if v.lower().startswith("0x"):
            n = int(v, 16)
            return ipaddress.IPv4Address(n) if n < 1 << 32 else None
        parts = v.split(".")
        if len(parts) == 4 and all(p.isdigit() and p.isascii() for p in parts):
            octets = [int(p) for p in parts]
            if all(o < 256 for o in octets):
                return ipaddress.IPv4Address(bytes(octets))
    except ValueError:
        return None
    return None


class _Budget:
    __slots__ = ("nc", "paths", "signatures")

    def __init__(self) -> None:
        self.signatures = SIGNATURE_BUDGET
        self.paths = PATH_BUDGET
        self.nc = NAME_CONSTRAINT_BUDGET


class _Fail(Exception):
    """A candidate path failed; carries the ValidationError for the report."""

    def __init__(self, error: ValidationError) -> None:
        self.error = error


def _err(reason: str, message: str, index: int | None) -> _Fail:
    return _Fail(ValidationError(reason, message, index))


def verify_chain(leaf: Certificate, intermediates: Iterable[Certificate],
                 anchors: Iterable[Certificate], *, name: str | ipaddress.IPv4Address
                 | ipaddress.IPv6Address | None = None, at: dt.datetime | None = None,
                 usage: str = "server", ekus: Sequence[str] | None = None,
                 max_depth: int | None = None, ops: Ops | None = None,
                 allow_sha1: bool = False) -> Chain:
    """Build and validate a path from leaf to one of anchors.

    name: a DNS name (str) or an ipaddress object, matched against the leaf's
    subjectAltName (RFC 9525); None skips the identity check.  at: the
    validation time (aware datetime; None reads the system clock).  usage:
    "server" or "client" picks the default EKU; ekus overrides it with dotted
    OIDs.  max_depth bounds the non-self-issued intermediates (default 8).
    ops swaps the signature checks (default: nocrypto); allow_sha1 admits
    SHA-1 signatures (MD5 never).
    anchors may be a TrustStore: its subject index then serves every call
    (any other iterable is indexed for this call only).
    Raises ValidationError (.reason, .index) when no path validates.
    """
    if usage not in _EKUS_BY_USAGE:
        raise ValueError('usage must be "server" or "client"')
    if at is None:
        at = dt.datetime.now(dt.timezone.utc)
    elif at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    at = at.astimezone(dt.timezone.utc).replace(microsecond=0)
    if isinstance(name, str) and _maybe_ip(name):
        try:
            ipaddress.ip_address(name)
        except ValueError:
            pass
        else:
            raise ValueError("pass IP addresses as ipaddress objects, not strings")
    policy = Policy(
        at=at, name=name,
        ekus=frozenset(ekus) if ekus is not None else _EKUS_BY_USAGE[usage],
        max_depth=DEFAULT_MAX_DEPTH if max_depth is None else max_depth,
        ops=ops if ops is not None else _DEFAULT_OPS,
        allow_sha1=allow_sha1,
    )
    store = anchors if isinstance(anchors, TrustStore) else TrustStore(anchors)
    return _Verifier(policy, intermediates, store).run(leaf)


class _Verifier:
    def __init__(self, policy: Policy, intermediates: Iterable[Certificate],
                 anchors: TrustStore) -> None:
        self.p = policy
        self.anchors = anchors
        self.by_subject: dict[tuple[object, ...], list[Certificate]] = {}
        for c in intermediates:
            if c not in anchors:
                self.by_subject.setdefault(c.subject.matching_key(), []).append(c)
        self.budget = _Budget()
        self.sig_cache: dict[tuple[int, int], bool] = {}
        self.best: ValidationError | None = None

    # -- driver -------------------------------------------------------------
    def run(self, leaf: Certificate) -> Chain:
        try:
            self._check_common(leaf, 0)
            self._check_leaf(leaf)
        except _Fail as f:
            raise f.error from None
        path = [leaf]
        try:
            found = self._extend(path)
        except _Fail as f:  # a budget ran out
            raise f.error from None
        if found is not None:
            return Chain(tuple(found))
        raise self.best or ValidationError("no-path", "no issuer found for the chain", len(path) - 1)

    def _note(self, e: ValidationError) -> None:
        # keep the error from the deepest attempt: it is the most specific
        if self.best is None or (e.index or 0) >= (self.best.index or 0):
            self.best = e

    def _candidates(self, cert: Certificate) -> list[tuple[Certificate, bool]]:
        """Possible issuers of cert: subject matches its issuer name and, when both
        identifiers are present, SKI equals its AKI keyIdentifier.  Anchors first."""
        aki = cert.authority_key_identifier
        key_id = aki.key_id if aki is not None else None
        name = cert.issuer.matching_key()
        out = []
        for pool, is_anchor in ((self.anchors.named(name), True),
                                (self.by_subject.get(name, ()), False)):
            for c in pool:
                ski = c.subject_key_identifier
                if key_id is not None and ski is not None and ski != key_id:
                    continue
                out.append((c, is_anchor))
        return out

    def _extend(self, path: list[Certificate]) -> list[Certificate] | None:
        child = path[-1]
        index = len(path)
        if index >= MAX_PATH_LENGTH:
            self._note(ValidationError("too-deep", "path too long", index - 1))
            return None
        candidates = self._candidates(child)
        if not candidates:
            self._note(ValidationError("no-issuer", f"no issuer for {child.issuer}", index - 1))
        for cand, is_anchor in candidates:
            if any(cand == c or (c.subject.matches(cand.subject)
                                 and c.public_key.der == cand.public_key.der) for c in path):
                continue  # a loop (same certificate or same logical CA)
            self.budget.paths -= 1
            if self.budget.paths < 0:
                raise _err("budget", "too many candidate paths", None)
            try:
                self._check_issuer(cand, index, path, is_anchor)
                self._check_signature(child, cand, index - 1)
            except _Fail as f:
                self._note(f.error)
                continue
            path.append(cand)
            if is_anchor:
                try:
                    self._check_name_constraints(path)
                    self._check_policy_constraints(path)
                    return list(path)
                except _Fail as f:
                    self._note(f.error)
            else:
                found = self._extend(path)
                if found is not None:
                    return found
            path.pop()
        return None

    # -- per-certificate checks ---------------------------------------------
    def _check_common(self, c: Certificate, i: int) -> None:
        if c.version != 3:
            raise _err("bad-version", f"version {c.version} certificate; v3 required", i)
        serial_len = (c.serial_number.bit_length() + 8) // 8
        if (c.serial_number <= 0 or serial_len > 20) and c not in self.anchors:
            # RFC 5280 4.1.2.2; trust anchors are taken as configured
            raise _err("bad-serial", "serial number must be positive and at most 20 octets", i)
        if (c.tbs_signature_algorithm.oid != c.signature_algorithm.oid
                or c.tbs_signature_algorithm.params != c.signature_algorithm.params):
            raise _err("signature-algorithm-mismatch",
                       "signature and signatureAlgorithm fields differ", i)
        if not c.issuer.rdns:
            raise _err("empty-issuer", "empty issuer name", i)
        if self.p.at < c.not_before:
            raise _err("not-yet-valid", f"valid from {c.not_before.isoformat()}", i)
        if self.p.at > c.not_after:
            raise _err("expired", f"expired at {c.not_after.isoformat()}", i)
        for e in c.extensions:
            if e.critical and e.oid not in _PROCESSED:
                raise _err("unknown-critical-extension", f"unhandled critical extension {e.oid}", i)
            if e.critical and e.oid in _MUST_NOT_BE_CRITICAL:
                raise _err("bad-extension", f"extension {e.oid} must not be critical", i)
        pc = c.extension(oids.POLICY_CONSTRAINTS)
        if pc is not None and not pc.critical:
            raise _err("bad-extension", "policyConstraints must be critical", i)
        san = c.extension(oids.SUBJECT_ALT_NAME)
        if not c.subject.rdns:
            if san is None or not san.critical:
                raise _err("bad-extension", "empty subject needs a critical subjectAltName", i)
        elif san is not None and san.critical:
            raise _err("bad-extension", "subjectAltName is critical but the subject is not empty", i)
        aki = c.authority_key_identifier
        if aki is not None:
            if aki.key_id is None:
                raise _err("bad-extension", "authorityKeyIdentifier without keyIdentifier", i)
            if (aki.issuer is None) != (aki.serial is None):
                raise _err("bad-extension", "authorityKeyIdentifier issuer/serial must go together", i)
        self._check_key(c.public_key, i)

    def _check_key(self, k: PublicKey, i: int) -> None:
        if k.kind in ("rsa", "rsa-pss"):
            bits = k.n.bit_length()
            if bits < 2048 or bits % 8:
                raise _err("weak-key", f"{bits}-bit RSA key (2048+ and a multiple of 8 required)", i)
        elif k.kind == "ec":
            if k.curve not in _CURVES:
                raise _err("weak-key", f"unsupported curve {k.curve}", i)
        elif k.kind != "ed25519":
            raise _err("unsupported-key", f"unsupported public key algorithm {k.algorithm.oid}", i)

    def _check_leaf(self, c: Certificate) -> None:
        bc = c.basic_constraints
        if bc is not None and bc.ca:
            raise _err("ca-as-leaf", "leaf certificate is a CA", 0)
        ku = c.key_usage
        if ku is not None and ku.has("keyCertSign"):
            raise _err("bad-key-usage", "leaf certificate asserts keyCertSign", 0)
        if c.name_constraints is not None or c.extension(oids.NAME_CONSTRAINTS) is not None:
            raise _err("bad-extension", "nameConstraints in a leaf certificate", 0)
        if c.authority_key_identifier is None and not c.is_self_issued:
            raise _err("bad-extension", "leaf lacks authorityKeyIdentifier", 0)
        eku_ext = c.extension(oids.EXTENDED_KEY_USAGE)
        eku = c.extended_key_usage
        if eku_ext is None or eku is None:
            raise _err("bad-eku", "leaf has no extendedKeyUsage", 0)
        if eku_ext.critical:
            raise _err("bad-eku", "leaf extendedKeyUsage is critical", 0)
        if oids.EKU_ANY in eku:
            raise _err("bad-eku", "leaf asserts anyExtendedKeyUsage (CABF BR 7.1.2.7.10)", 0)
        if not self.p.ekus <= set(eku):
            raise _err("bad-eku", f"leaf EKU lacks {sorted(self.p.ekus - set(eku))}", 0)
        self._check_leaf_cn(c)
        name = self.p.name
        if name is not None:
            san = c.subject_alt_name
            if not san:
                raise _err("name-mismatch", "leaf has no subjectAltName", 0)
            try:
                ok = hostname.matches_name(san, name, self.p.public_suffixes)
            except ValueError as e:
                raise _err("name-mismatch", str(e), 0) from None
            if not ok:
                raise _err("name-mismatch", f"{name} not in the leaf's subjectAltName", 0)

    def _check_leaf_cn(self, c: Certificate) -> None:
        """CABF BR 7.1.4.3: a subject CN must copy a SAN entry character for character.

        With cabf_common_name (off by default) every host-like CN is checked.
        Always enforced: a CN naming the same identity as a SAN entry must spell
        it the same way (no case, U-label or IP-literal variants).  (The full rule is off by default because x509-limbo's BetterTLS
        cases require a CN outside the SAN to be ignored.)
        """
        san = c.subject_alt_name or ()
        dns = {g.value for g in san if g.kind == "dns"}
        ips = {str(ipaddress.ip_address(g.value)) for g in san
               if g.kind == "ip" and len(g.value) in (4, 16)}
        folded = {d.lower() for d in dns}
        for a in c.subject.attributes(oids.COMMON_NAME):
            v = a.value
            if v is None:
                continue
            if v in dns or v in ips:
                continue
            if v.lower() in folded or _idna(v) in folded:
                raise _err("bad-common-name", "subject CN spells a SAN dNSName differently", 0)
            addr = _lenient_ip(v)
            if addr is not None and str(addr) in ips:
                raise _err("bad-common-name", "subject CN spells a SAN iPAddress non-canonically", 0)
            if self.p.cabf_common_name and ("." in v or ":" in v) and not any(
                    ch.isspace() for ch in v):
                raise _err("bad-common-name", "subject CN is not one of the SAN entries", 0)

    def _check_issuer(self, c: Certificate, i: int, path: list[Certificate],
                      is_anchor: bool) -> None:
        self._check_common(c, i)
        bc_ext = c.extension(oids.BASIC_CONSTRAINTS)
        bc = c.basic_constraints
        if bc_ext is None or bc is None or not bc.ca:
            raise _err("not-a-ca", "issuer is not a CA (basicConstraints)", i)
        if not bc_ext.critical:
            raise _err("not-a-ca", "CA basicConstraints must be critical", i)
        if not c.subject.rdns:
            raise _err("empty-subject", "CA with an empty subject", i)
        ku = c.key_usage
        if ku is not None and not ku.has("keyCertSign"):
            raise _err("bad-key-usage", "CA keyUsage lacks keyCertSign", i)
        if c.subject_key_identifier is None:
            raise _err("bad-extension", "CA lacks subjectKeyIdentifier", i)
        aki = c.authority_key_identifier
        self_signed = c.is_self_issued
        if aki is None and not is_anchor:
            raise _err("bad-extension", "CA lacks authorityKeyIdentifier", i)
        if is_anchor and aki is not None:
            if aki.issuer is not None or aki.serial is not None:
                raise _err("bad-extension", "trust anchor AKI names an issuer", i)
            if self_signed and aki.key_id != c.subject_key_identifier:
                raise _err("bad-extension", "self-signed anchor AKI differs from its SKI", i)
        # intermediates strictly between leaf and c that are not self-issued
        below = sum(1 for x in path[1:i] if not x.is_self_issued)
        if bc.path_len is not None and below > bc.path_len:
            raise _err("path-length", f"pathLenConstraint {bc.path_len} exceeded", i)
        if not is_anchor:
            depth = below + (0 if c.is_self_issued else 1)
            if depth > self.p.max_depth:
                raise _err("too-deep", f"more than {self.p.max_depth} intermediates", i)
        eku = c.extended_key_usage
        if eku is not None:
            if is_anchor:
                raise _err("bad-eku", "trust anchor carries extendedKeyUsage", i)
            if oids.EKU_ANY not in eku and not self.p.ekus <= set(eku):
                raise _err("bad-eku", "issuer EKU does not allow the requested usage", i)
        nc = c.name_constraints
        if nc is not None:
            try:
                constraints.check_well_formed(nc)
            except constraints.ConstraintError as e:
                raise _err("bad-name-constraints", str(e), i) from None

    def _check_signature(self, child: Certificate, issuer: Certificate, i: int) -> None:
        key = (id(child), id(issuer))
        ok = self.sig_cache.get(key)
        if ok is None:
            try:
                alg = signature_algorithm(child.signature_algorithm)
            except ValueError as e:
                raise _err("unsupported-signature", str(e), i) from None
            self._check_alg(alg, issuer.public_key, i)
            self.budget.signatures -= 1
            if self.budget.signatures < 0:
                raise _err("budget", "too many signature checks", None)
            try:
                ok = self.p.ops.verify_signature(issuer.public_key, alg, child.tbs_der,
                                                 child.signature)
            except UnsupportedAlgorithm as e:
                raise _err("unsupported-signature", str(e), i) from None
            self.sig_cache[key] = ok
        if not ok:
            raise _err("bad-signature", "signature does not verify under the issuer's key", i)

    def _check_alg(self, alg: SignatureAlgorithm, key: PublicKey, i: int) -> None:
        if alg.hash in ("md5", "sha1", "sha224") and not (self.p.allow_sha1 and alg.hash == "sha1"):
            raise _err("weak-signature", f"{alg.hash} signatures are refused", i)
        want = {"rsa-pkcs1": ("rsa",), "rsa-pss": ("rsa", "rsa-pss"), "ecdsa": ("ec",),
                "ed25519": ("ed25519",)}[alg.kind]
        if key.kind not in want:
            raise _err("key-mismatch", f"{alg.kind} signature from a {key.kind} key", i)

    def _check_policy_constraints(self, path: list[Certificate]) -> None:
        """Certificate policies are not processed, so fail closed where RFC 5280
        6.1 would demand a valid policy tree: a requireExplicitPolicy that takes
        effect within this path."""
        for i, c in enumerate(path):
            pc = c.policy_constraints
            if pc is None or pc.require_explicit_policy is None:
                continue
            below = sum(1 for j, x in enumerate(path[:i]) if j == 0 or not x.is_self_issued)
            if pc.require_explicit_policy <= below:
                raise _err("unsupported-policy",
                           "requireExplicitPolicy applies but policy processing is not supported", i)

    def _check_name_constraints(self, path: list[Certificate]) -> None:
        for i in range(len(path) - 1, 0, -1):
            nc = path[i].name_constraints
            if nc is None:
                continue
            subtrees = len(nc.permitted or ()) + len(nc.excluded or ())
            for j in range(i - 1, -1, -1):
                sub = path[j]
                if j > 0 and sub.is_self_issued:
                    continue  # RFC 5280 6.1.4: self-issued intermediates are exempt
                names = constraints.names_of(sub.subject, sub.subject_alt_name)
                self.budget.nc -= subtrees * max(1, len(names))
                if self.budget.nc < 0:
                    raise _err("budget", "name constraints too costly to evaluate", i)
                problem = constraints.check(nc, names)
                if problem is not None:
                    raise _err("name-constraints", problem, j)
