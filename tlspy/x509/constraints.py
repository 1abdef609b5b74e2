"""Name constraints (RFC 5280 4.2.1.10 and 6.1.3 (b)-(c)), with the defensive
wildcard rule of x509-limbo's CVE-2025-61727 cases: a wildcard dNSName must fit
entirely inside a permitted subtree and may not overlap an excluded one."""

from __future__ import annotations

from collections.abc import Sequence

from tlspy.x509 import oids
from tlspy.x509.extensions import GeneralName, GeneralSubtree, NameConstraints
from tlspy.x509.hostname import is_valid_dns_name
from tlspy.x509.name import Name

# Types whose matching we implement; any other type under a constraint of the
# same type fails closed.
_SUPPORTED = frozenset(("dns", "ip", "email", "uri", "dirname"))


class ConstraintError(ValueError):
    """A constraint is malformed (e.g. a wildcard dNSName or a bad IP mask)."""


def check_well_formed(nc: NameConstraints) -> None:
    for subtree in (nc.permitted or ()) + (nc.excluded or ()):
        base = subtree.base
        if base.kind == "dns":
            v = base.value
            if v and not is_valid_dns_name(v):
                raise ConstraintError(f"bad dNSName constraint {v!r}")
        elif base.kind == "ip":
            v = base.value
            if len(v) not in (8, 32):
                raise ConstraintError("iPAddress constraint must be address + mask (8 or 32 bytes)")
            mask = int.from_bytes(v[len(v) // 2:], "big")
            bits = len(v) * 4
            inv = ~mask & ((1 << bits) - 1)
            if inv & (inv + 1):
                raise ConstraintError("iPAddress constraint mask is not a prefix")
        elif base.kind == "email" and not _valid_email_constraint(base.value):
            raise ConstraintError(f"bad rfc822Name constraint {base.value!r}")


def _valid_email_constraint(v: str) -> bool:
    if v.count("@") > 1:
        return False
    if "@" in v:
        local, host = v.split("@")
        return bool(local) and is_valid_dns_name(host)
    host = v[1:] if v.startswith(".") else v
    return is_valid_dns_name(host)


def _dns_within(name: str, base: str) -> bool:
    name, base = name.lower(), base.lower()
    if not base:
        return True
    return name == base or name.endswith("." + base)


def _dns_permitted(name: str, base: str) -> bool:
    # "*.rest" is permitted only if every expansion "x.rest" is
    return _dns_within(name[2:] if name.startswith("*.") else name, base)


def _dns_excluded(name: str, base: str) -> bool:
    if name.startswith("*."):
        rest = name[2:]
        # the wildcard may expand into the excluded subtree
        return _dns_within(rest, base) or _dns_within(base, rest)
    return _dns_within(name, base)


def _ip_within(addr: bytes, base: bytes) -> bool:
    n = len(base) // 2
    if len(addr) != n:
        return False
    a = int.from_bytes(addr, "big")
    net = int.from_bytes(base[:n], "big")
    mask = int.from_bytes(base[n:], "big")
    return (a & mask) == (net & mask)


def _split_email(v: str) -> tuple[str, str] | None:
    if v.count("@") != 1:
        return None
    local, host = v.split("@")
    if not local or not is_valid_dns_name(host):
        return None
    return local, host.lower()


def _email_within(addr: str, base: str) -> bool:
    parts = _split_email(addr)
    if parts is None:
        return False
    local, host = parts
    if "@" in base:
        blocal, bhost = base.split("@")
        return local == blocal and host == bhost.lower()
    if base.startswith("."):
        return host.endswith(base.lower())
    return host == base.lower()


def _uri_host(uri: str) -> str | None:
    scheme, sep, rest = uri.partition("://")
    if not sep or not scheme:
        return None
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    if host.startswith("["):
        return None
    host = host.split(":", 1)[0]
    return host.lower() if is_valid_dns_name(host) else None


def _uri_within(uri: str, base: str) -> bool:
    host = _uri_host(uri)
    if host is None:
        return False
    if base.startswith("."):
        return host.endswith(base.lower())
    return host == base.lower()


def _within(name: GeneralName, base: GeneralName, *, excluded: bool) -> bool:
    k = name.kind
    if k == "dns":
        return (_dns_excluded if excluded else _dns_permitted)(name.value, base.value)
    if k == "ip":
        return _ip_within(name.value, base.value)
    if k == "email":
        return _email_within(name.value, base.value)
    if k == "uri":
        return _uri_within(name.value, base.value)
    if k == "dirname":
        n: Name = name.value
        return n.is_within(base.value)
    # Unsupported type: fail closed either way.
    return excluded


def names_of(subject: Name, san: Sequence[GeneralName] | None) -> list[GeneralName]:
    """The names a constraint applies to: SAN entries, a non-empty subject DN and
    any emailAddress attributes in it."""
    out = list(san or ())
    if subject.rdns:
        out.append(GeneralName("dirname", subject))
    for a in subject.attributes(oids.EMAIL_ADDRESS):
        if a.value is not None:
            out.append(GeneralName("email", a.value))
    return out


def check(nc: NameConstraints, names: Sequence[GeneralName]) -> str | None:
    """None if every name satisfies nc, else a message naming the offender."""
    permitted: dict[str, list[GeneralSubtree]] = {}
    for s in nc.permitted or ():
        permitted.setdefault(s.base.kind, []).append(s)
    for name in names:
        if name.kind == "dns" and not is_valid_dns_name(name.value, wildcard=True):
            return f"malformed dNSName {name.value!r} under name constraints"
        if name.kind == "email" and _split_email(name.value) is None:
            return f"malformed rfc822Name {name.value!r} under name constraints"
        if name.kind == "ip" and len(name.value) not in (4, 16):
            return "malformed iPAddress under name constraints"
        for s in nc.excluded or ():
            if s.base.kind == name.kind and _within(name, s.base, excluded=True):
                return f"{name} is in an excluded subtree"
        subs = permitted.get(name.kind)
        if subs is not None and not any(_within(name, s.base, excluded=False) for s in subs):
            return f"{name} is outside the permitted subtrees"
        if name.kind not in _SUPPORTED and subs is not None:
            return f"cannot evaluate {name.kind} name constraints"
    return None
