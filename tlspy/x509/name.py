"""Distinguished names (RFC 5280 4.1.2.4) and their RFC 4514 string form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import tlspy.asn1 as asn1
from tlspy.x509 import oids

# First byte (universal primitive tag) of the string types an attribute value may carry.
_STRINGS: dict[int, asn1.Prim[str]] = {
    g.key >> 3: g for g in (asn1.UTF8String, asn1.PrintableString, asn1.TeletexString,
                       asn1.BMPString, asn1.UniversalString, asn1.IA5String,
                       asn1.NumericString, asn1.VisibleString)
}


@dataclass(frozen=True, slots=True)
class Attribute:
    """One AttributeTypeAndValue.  ``value`` is the decoded string, or None when
    the value is not a string type; ``der`` is the value's exact encoding."""

    oid: str
    value: str | None
    der: bytes

    @property
    def tag(self) -> int:
        return self.der[0]

    def rfc4514(self) -> str:
        key = oids.ATTRIBUTE_NAMES.get(self.oid, self.oid)
        if self.value is None:
            return f"{key}=#{self.der.hex()}"
        return f"{key}={_escape(self.value)}"

    def matching_key(self) -> tuple[str, Any]:
        """A key under which RFC 5280 7.1 (simplified RFC 4518) treats values equal:
        string values case-folded with internal white space collapsed."""
        if self.value is None:
            return (self.oid, self.der)
        return (self.oid, " ".join(self.value.casefold().split()))


def _escape(s: str) -> str:
    out = re.sub(r'([,+"\\<>;=])', r"\\\1", s)
    if out.startswith((" ", "#")):
        out = "\\" + out
    if out.endswith(" ") and len(out) > 1:
        out = out[:-1] + "\\ "
    return out.replace("\x00", "\\00")


_OID_BY_NAME = {v: k for k, v in oids.ATTRIBUTE_NAMES.items()} | {
    "EMAILADDRESS": oids.EMAIL_ADDRESS, "SERIALNUMBER": "2.5.4.5"}


def _split(text: str, sep: str) -> list[str]:
    """Split on sep not preceded by an escaping backslash."""
    parts, cur, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            cur.append(text[i:i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


def _unescape(v: str) -> str:
    out = bytearray()
    i = 0
    while i < len(v):
        ch = v[i]
        if ch == "\\":
            if i + 1 >= len(v):
                raise ValueError("dangling backslash in RFC 4514 value")
            nxt = v[i + 1:i + 3]
            if len(nxt) == 2 and all(c in "0123456789abcdefABCDEF" for c in nxt):
                out.append(int(nxt, 16))
                i += 3
                continue
            out += v[i + 1].encode()
            i += 2
            continue
        out += ch.encode()
        i += 1
    return out.decode("utf-8")


def _attr_from(v: tuple[Any, ...]) -> Attribute:
    oid, der = v
    prim = _STRINGS.get(der[0])
    return Attribute(oid, prim.parse(der) if prim is not None else None, der)


def _attr_to(a: Attribute) -> tuple[Any, ...]:
    return (a.oid, a.der)


ATTRIBUTE = asn1.sequence(
    asn1.required("type", asn1.OBJECT_IDENTIFIER),
    asn1.required("value", asn1.ANY),
    name="AttributeTypeAndValue",
).map(_attr_from, _attr_to)

RDN = asn1.set_of(ATTRIBUTE, min_size=1, name="RelativeDistinguishedName")


@dataclass(frozen=True, slots=True)
class Name:
    """An X.501 Name: a sequence of RDNs, each a set of attributes."""

    rdns: tuple[tuple[Attribute, ...], ...]
    der: bytes | None = field(default=None, compare=False, repr=False)  # as parsed
    _key: tuple[Any, ...] = field(default=(), compare=False, repr=False, init=False)

    def __post_init__(self) -> None:
        key = tuple(frozenset(a.matching_key() for a in rdn) for rdn in self.rdns)
        object.__setattr__(self, "_key", key)

    @classmethod
    def build(cls, pairs: list[tuple[str, str]]) -> Name:
        """A name of single-attribute RDNs from (oid, value) pairs, as UTF8String
        (PrintableString for countryName, as RFC 5280 requires)."""
        rdns = []
        for oid, value in pairs:
            g = asn1.PrintableString if oid == "2.5.4.6" else asn1.UTF8String
            rdns.append((Attribute(oid, value, g.serialize(value)),))
        return cls(tuple(rdns))

    @classmethod
    def from_rfc4514(cls, text: str) -> Name:
        """Parse an RFC 4514 string ("CN=host,O=Org,C=US"; most significant RDN
        last).  Values become UTF8String (PrintableString for C); "#hex" values
        are taken as DER.  ValueError on malformed input."""
        if not text:
            return cls(())
        rdns = []
        for rdn_text in _split(text, ","):
            attrs = []
            for atv in _split(rdn_text, "+"):
                key, sep, raw_value = atv.partition("=")
                key = key.strip()
                if not sep or not key:
                    raise ValueError(f"bad attribute {atv!r} in RFC 4514 name")
                oid = _OID_BY_NAME.get(key.upper(), key)
                if not re.fullmatch(r"[0-2](\.[0-9]+)+", oid):
                    raise ValueError(f"unknown attribute type {key!r}")
                if raw_value.startswith("#"):
                    der = bytes.fromhex(raw_value[1:])
                    attrs.append(_attr_from((oid, asn1.ANY.parse(der))))
                    continue
                value = _unescape(raw_value)
                g = asn1.PrintableString if oid == "2.5.4.6" else asn1.UTF8String
                attrs.append(Attribute(oid, value, g.serialize(value)))
            rdns.append(tuple(sorted(attrs, key=lambda a: ATTRIBUTE.serialize(a))))
        return cls(tuple(reversed(rdns)))

    def attributes(self, oid: str | None = None) -> list[Attribute]:
        return [a for rdn in self.rdns for a in rdn if oid is None or a.oid == oid]

    def rfc4514(self) -> str:
        return ",".join("+".join(a.rfc4514() for a in rdn) for rdn in reversed(self.rdns))

    def __str__(self) -> str:
        return self.rfc4514()

    def matching_key(self) -> tuple[Any, ...]:
        return self._key

    def matches(self, other: Name) -> bool:
        """Name equality for chaining (RFC 5280 7.1, simplified RFC 4518 matching)."""
        if self.der is not None and self.der == other.der:
            return True
        return self._key == other._key

    def is_within(self, base: Name) -> bool:
        """True if base's RDNs are a prefix of this name's (directoryName subtree)."""
        if len(base.rdns) > len(self.rdns):
            return False
        return Name(self.rdns[:len(base.rdns)]).matches(base)

    def to_der(self) -> bytes:
        return self.der if self.der is not None else NAME.serialize(self)


NAME = asn1.raw(asn1.sequence_of(RDN, name="Name")).map(
    lambda r: Name(r.value, r.der), lambda n: asn1.Raw(n.rdns, n.der))
