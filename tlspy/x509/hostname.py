"""Service identity checks (RFC 9525, which obsoletes RFC 6125): a DNS name or
an IP address against a certificate's subjectAltName.  The subject CN is never
consulted."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from tlspy.x509.extensions import GeneralName

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")

# Multi-label public suffixes a wildcard may not sit directly above.  This is
# a small, well-known subset of the Public Suffix List, not the list itself;
# pass a full set as ``public_suffixes`` for complete coverage.  Single-label
# suffixes (TLDs) are always refused.
PUBLIC_SUFFIXES = frozenset(["co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "me.uk", "net.uk", "sch.uk", "nhs.uk", "com.au", "net.au", "org.au", "edu.au", "gov.au", "co.nz", "org.nz", "net.nz", "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "co.kr", "or.kr", "com.br", "net.br", "org.br", "gov.br", "com.cn", "net.cn", "org.cn", "gov.cn", "com.tw", "org.tw", "co.in", "net.in", "org.in", "gov.in", "co.za", "org.za", "gov.za", "com.mx", "org.mx", "gob.mx", "com.ar", "com.tr", "com.sg", "edu.sg", "com.hk", "com.my", "co.id", "co.il", "co.th", "com.ua", "com.pl", "com.ru", "s3.amazonaws.com", "compute.amazonaws.com", "elasticbeanstalk.com", "cloudfront.net", "appspot.com", "blogspot.com", "github.io", "gitlab.io", "herokuapp.com", "azurewebsites.net", "cloudapp.net", "firebaseapp.com", "netlify.app", "vercel.app", "pages.dev", "workers.dev"])


def is_valid_dns_name(name: str, *, wildcard: bool = False) -> bool:
    """LDH syntax (RFC 1034 3.5 / RFC 5890 A-labels), lower or upper case; with
    wildcard=True the leftmost label may be exactly "*"."""
    if not name or len(name) > 253 or not name.isascii():
        return False
    labels = name.lower().split(".")
    if wildcard and labels[0] == "*":
        labels = labels[1:]
        if not labels:
            return False
    return all(_LABEL.match(label) for label in labels)


def normalize_reference(name: str) -> str:
    """The reference identifier as compared: ASCII lower case, no trailing dot.
    ValueError if it is not a syntactically valid DNS name."""
    n = name[:-1] if name.endswith(".") else name
    if not is_valid_dns_name(n):
        raise ValueError(f"not a valid DNS name: {name!r}")
    return n.lower()


def wildcard_allowed(pattern: str, public_suffixes: frozenset[str] = PUBLIC_SUFFIXES) -> bool:
    """A presented wildcard "*.rest" is honoured only when rest has at least two
    labels and is not a known public suffix."""
    rest = pattern[2:]
    return rest.count(".") >= 1 and rest not in public_suffixes


def dns_matches(presented: str, reference: str,
                public_suffixes: frozenset[str] = PUBLIC_SUFFIXES) -> bool:
    """RFC 9525 6.3: exact (case-insensitive) or a leftmost "*" label matching one label.
    ``reference`` is as :func:`normalize_reference` returns it."""
    p = presented.lower()
    if p.endswith("."):
        p = p[:-1]
    if not p.startswith("*."):
        # Equal to the (validated) reference is valid; unequal fails anyway.
        return p == reference
    if not is_valid_dns_name(p, wildcard=True) or not wildcard_allowed(p, public_suffixes):
        return False
    head, _, rest = reference.partition(".")
    return bool(head) and rest == p[2:]


def matches_name(san: Iterable[GeneralName], name: str | IPAddress,
                 public_suffixes: frozenset[str] = PUBLIC_SUFFIXES) -> bool:
    """True if a SAN entry identifies name (a DNS name or an ipaddress object)."""
    if isinstance(name, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        packed = name.packed
        return any(g.kind == "ip" and g.value == packed for g in san)
    ref = normalize_reference(name)
    return any(g.kind == "dns" and dns_matches(g.value, ref, public_suffixes) for g in san)
