"""Certificate extensions (RFC 5280 4.2) and GeneralName (4.2.1.6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import tlspy.asn1 as asn1
from tlspy.x509 import oids
from tlspy.x509.name import NAME

# -- GeneralName -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GeneralName:
    """kind: "other" (value (oid, der)), "email", "dns", "x400" (der), "dirname"
    (Name), "edi" (der), "uri", "ip" (4/16 bytes, or 8/32 in name constraints:
    address + mask), "rid" (OID str)."""

    kind: str
    value: Any

    def __str__(self) -> str:
        if self.kind == "ip":
            return self.value.hex() if isinstance(self.value, bytes) else str(self.value)
        return f"{self.kind}:{self.value}"


OTHER_NAME = asn1.sequence(
    asn1.required("type-id", asn1.OBJECT_IDENTIFIER),
    asn1.required("value", asn1.explicit(0, asn1.ANY)),
    name="OtherName",
)


def _raw_tagged(number: int) -> asn1.Grammar[bytes]:
    """A constructed context-tagged element kept as its content bytes
    (x400Address, ediPartyName)."""
    return asn1.implicit(number, asn1.sequence_of(asn1.ANY)).map(b"".join, _split_tlvs)


def _split_tlvs(b: bytes) -> tuple[bytes, ...]:
    out = []
    pos = 0
    while pos < len(b):
        _, _, end = asn1.read_header(b, pos, len(b))
        out.append(b[pos:end])
        pos = end
    return tuple(out)


_GN_ALTS: list[tuple[str, asn1.Grammar[Any]]] = [
    ("other", asn1.implicit(0, OTHER_NAME)),
    ("email", asn1.implicit(1, asn1.IA5String)),
    ("dns", asn1.implicit(2, asn1.IA5String)),
    ("x400", _raw_tagged(3)),
    ("dirname", asn1.explicit(4, NAME)),
    ("edi", _raw_tagged(5)),
    ("uri", asn1.implicit(6, asn1.IA5String)),
    ("ip", asn1.implicit(7, asn1.OCTET_STRING)),
    ("rid", asn1.implicit(8, asn1.OBJECT_IDENTIFIER)),
]

GENERAL_NAME = asn1.choice(*_GN_ALTS, name="GeneralName").map(
    lambda kv: GeneralName(kv[0], kv[1]), lambda g: (g.kind, g.value))
GENERAL_NAMES = asn1.sequence_of(GENERAL_NAME, min_size=1, name="GeneralNames")


# -- extension values ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BasicConstraints:
    ca: bool
    path_len: int | None


@dataclass(frozen=True, slots=True)
class KeyUsage:
    """RFC 5280 4.2.1.3 bits, by name."""

    bits: asn1.BitString

    NAMES = ("digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
             "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly")

    def has(self, name: str) -> bool:
        return self.bits.bit(self.NAMES.index(name))

    def names(self) -> frozenset[str]:
        return frozenset(n for i, n in enumerate(self.NAMES) if self.bits.bit(i))


@dataclass(frozen=True, slots=True)
class GeneralSubtree:
    base: GeneralName
    minimum: int = 0
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class NameConstraints:
    permitted: tuple[GeneralSubtree, ...] | None
    excluded: tuple[GeneralSubtree, ...] | None


@dataclass(frozen=True, slots=True)
class AuthorityKeyIdentifier:
    key_id: bytes | None
    issuer: tuple[GeneralName, ...] | None
    serial: int | None


@dataclass(frozen=True, slots=True)
class PolicyInformation:
    oid: str
    qualifiers: tuple[bytes, ...] | None  # PolicyQualifierInfo DERs


@dataclass(frozen=True, slots=True)
class PolicyConstraints:
    require_explicit_policy: int | None
    inhibit_policy_mapping: int | None


@dataclass(frozen=True, slots=True)
class AccessDescription:
    method: str
    location: GeneralName


@dataclass(frozen=True, slots=True)
class DistributionPoint:
    full_name: tuple[GeneralName, ...] | None
    relative_name: tuple[Any, ...] | None
    reasons: asn1.BitString | None
    crl_issuer: tuple[GeneralName, ...] | None


BASIC_CONSTRAINTS = asn1.sequence(
    asn1.default("cA", asn1.BOOLEAN, False),
    asn1.optional("pathLenConstraint", asn1.INTEGER),
    name="BasicConstraints",
).map(lambda t: _basic(t[0], t[1]), lambda b: (b.ca, b.path_len))


def _basic(ca: bool, path_len: int | None) -> BasicConstraints:
    if path_len is not None and path_len < 0:
        raise ValueError("negative pathLenConstraint")
    return BasicConstraints(ca, path_len)


def _key_usage(b: asn1.BitString) -> KeyUsage:
    if not any(b.data):
        raise ValueError("keyUsage with no bit set")
    return KeyUsage(b)


KEY_USAGE = asn1.BIT_STRING.map(_key_usage, lambda k: k.bits)
EXT_KEY_USAGE = asn1.sequence_of(asn1.OBJECT_IDENTIFIER, min_size=1, name="ExtKeyUsageSyntax")


def _subtree(t: tuple[Any, ...]) -> GeneralSubtree:
    if t[1] != 0 or t[2] is not None:
        # RFC 5280 4.2.1.10: minimum MUST be zero and maximum absent
        raise ValueError("GeneralSubtree minimum/maximum must be default")
    return GeneralSubtree(t[0], t[1], t[2])


GENERAL_SUBTREE = asn1.sequence(
    asn1.required("base", GENERAL_NAME),
    asn1.default("minimum", asn1.implicit(0, asn1.INTEGER), 0),
    asn1.optional("maximum", asn1.implicit(1, asn1.INTEGER)),
    name="GeneralSubtree",
).map(_subtree, lambda s: (s.base, s.minimum, s.maximum))
SUBTREES = asn1.sequence_of(GENERAL_SUBTREE, min_size=1, name="GeneralSubtrees")


def _name_constraints(t: tuple[Any, ...]) -> NameConstraints:
    if t[0] is None and t[1] is None:
        raise ValueError("empty NameConstraints")
    return NameConstraints(t[0], t[1])


NAME_CONSTRAINTS = asn1.sequence(
    asn1.optional("permittedSubtrees", asn1.implicit(0, SUBTREES)),
    asn1.optional("excludedSubtrees", asn1.implicit(1, SUBTREES)),
    name="NameConstraints",
).map(_name_constraints, lambda n: (n.permitted, n.excluded))

AUTHORITY_KEY_ID = asn1.sequence(
    asn1.optional("keyIdentifier", asn1.implicit(0, asn1.OCTET_STRING)),
    asn1.optional("authorityCertIssuer", asn1.implicit(1, GENERAL_NAMES)),
    asn1.optional("authorityCertSerialNumber", asn1.implicit(2, asn1.INTEGER)),
    name="AuthorityKeyIdentifier",
).map(lambda t: AuthorityKeyIdentifier(*t), lambda a: (a.key_id, a.issuer, a.serial))

SUBJECT_KEY_ID = asn1.OCTET_STRING

POLICY_INFORMATION = asn1.sequence(
    asn1.required("policyIdentifier", asn1.OBJECT_IDENTIFIER),
    asn1.optional("policyQualifiers", asn1.sequence_of(asn1.ANY, min_size=1)),
    name="PolicyInformation",
).map(lambda t: PolicyInformation(*t), lambda p: (p.oid, p.qualifiers))


def _policies(ps: tuple[PolicyInformation, ...]) -> tuple[PolicyInformation, ...]:
    if len({p.oid for p in ps}) != len(ps):
        raise ValueError("a policy appears twice in certificatePolicies")
    return ps


CERTIFICATE_POLICIES = asn1.sequence_of(POLICY_INFORMATION, min_size=1,
                                        name="CertificatePolicies").map(_policies, lambda p: p)

POLICY_MAPPINGS = asn1.sequence_of(asn1.sequence(
    asn1.required("issuerDomainPolicy", asn1.OBJECT_IDENTIFIER),
    asn1.required("subjectDomainPolicy", asn1.OBJECT_IDENTIFIER),
), min_size=1, name="PolicyMappings")


def _policy_constraints(t: tuple[Any, ...]) -> PolicyConstraints:
    if t[0] is None and t[1] is None:
        raise ValueError("empty PolicyConstraints")
    return PolicyConstraints(*t)


POLICY_CONSTRAINTS = asn1.sequence(
    asn1.optional("requireExplicitPolicy", asn1.implicit(0, asn1.INTEGER)),
    asn1.optional("inhibitPolicyMapping", asn1.implicit(1, asn1.INTEGER)),
    name="PolicyConstraints",
).map(_policy_constraints, lambda p: (p.require_explicit_policy, p.inhibit_policy_mapping))

INHIBIT_ANY_POLICY = asn1.INTEGER

AUTHORITY_INFO_ACCESS = asn1.sequence_of(asn1.sequence(
    asn1.required("accessMethod", asn1.OBJECT_IDENTIFIER),
    asn1.required("accessLocation", GENERAL_NAME),
    name="AccessDescription",
).map(lambda t: AccessDescription(*t), lambda a: (a.method, a.location)), min_size=1,
    name="AuthorityInfoAccessSyntax")

DISTRIBUTION_POINT_NAME = asn1.choice(
    ("fullName", asn1.implicit(0, GENERAL_NAMES)),
    ("nameRelativeToCRLIssuer", asn1.implicit(1, asn1.set_of(asn1.ANY, min_size=1))),
    name="DistributionPointName",
)


def _dp(t: tuple[Any, ...]) -> DistributionPoint:
    name, reasons, issuer = t
    if name is None and issuer is None:
        raise ValueError("DistributionPoint without name or cRLIssuer")
    full = name[1] if name is not None and name[0] == "fullName" else None
    rel = name[1] if name is not None and name[0] != "fullName" else None
    return DistributionPoint(full, rel, reasons, issuer)


def _dp_to(d: DistributionPoint) -> tuple[Any, ...]:
    name = ("fullName", d.full_name) if d.full_name is not None else (
        ("nameRelativeToCRLIssuer", d.relative_name) if d.relative_name is not None else None)
    return (name, d.reasons, d.crl_issuer)


CRL_DISTRIBUTION_POINTS = asn1.sequence_of(asn1.sequence(
    asn1.optional("distributionPoint", asn1.explicit(0, DISTRIBUTION_POINT_NAME)),
    asn1.optional("reasons", asn1.implicit(1, asn1.BIT_STRING)),
    asn1.optional("cRLIssuer", asn1.implicit(2, GENERAL_NAMES)),
    name="DistributionPoint",
).map(_dp, _dp_to), min_size=1, name="CRLDistributionPoints")


# OID -> (attribute name, grammar)
KNOWN: dict[str, tuple[str, asn1.Grammar[Any]]] = {
    oids.BASIC_CONSTRAINTS: ("basic_constraints", BASIC_CONSTRAINTS),
    oids.KEY_USAGE: ("key_usage", KEY_USAGE),
    oids.EXTENDED_KEY_USAGE: ("extended_key_usage", EXT_KEY_USAGE),
    oids.SUBJECT_ALT_NAME: ("subject_alt_name", GENERAL_NAMES),
    oids.ISSUER_ALT_NAME: ("issuer_alt_name", GENERAL_NAMES),
    oids.NAME_CONSTRAINTS: ("name_constraints", NAME_CONSTRAINTS),
    oids.AUTHORITY_KEY_IDENTIFIER: ("authority_key_identifier", AUTHORITY_KEY_ID),
    oids.SUBJECT_KEY_IDENTIFIER: ("subject_key_identifier", SUBJECT_KEY_ID),
    oids.CERTIFICATE_POLICIES: ("certificate_policies", CERTIFICATE_POLICIES),
    oids.POLICY_MAPPINGS: ("policy_mappings", POLICY_MAPPINGS),
    oids.POLICY_CONSTRAINTS: ("policy_constraints", POLICY_CONSTRAINTS),
    oids.INHIBIT_ANY_POLICY: ("inhibit_any_policy", INHIBIT_ANY_POLICY),
    oids.AUTHORITY_INFO_ACCESS: ("authority_info_access", AUTHORITY_INFO_ACCESS),
    oids.SUBJECT_INFO_ACCESS: ("subject_info_access", AUTHORITY_INFO_ACCESS),
    oids.CRL_DISTRIBUTION_POINTS: ("crl_distribution_points", CRL_DISTRIBUTION_POINTS),
}


@dataclass(frozen=True, slots=True)
class Extension:
    oid: str
    critical: bool
    value: bytes  # extnValue contents (DER of the extension's own type)
    parsed: Any = None  # the typed value for extensions in KNOWN

    @property
    def known(self) -> bool:
        return self.oid in KNOWN


EXTENSION = asn1.sequence(
    asn1.required("extnID", asn1.OBJECT_IDENTIFIER),
    asn1.default("critical", asn1.BOOLEAN, False),
    asn1.required("extnValue", asn1.OCTET_STRING),
    name="Extension",
)


def parse_extension(t: tuple[Any, ...]) -> Extension:
    oid, critical, value = t
    known = KNOWN.get(oid)
    parsed = None
    if known is not None:
        try:
            parsed = known[1].parse(value)
        except asn1.ParseError as e:
            raise ValueError(f"bad {known[0]}: {e}") from None
    return Extension(oid, critical, value, parsed)


EXTENSIONS = asn1.sequence_of(EXTENSION.map(parse_extension, lambda e: (e.oid, e.critical, e.value)),
                              min_size=1, name="Extensions")
