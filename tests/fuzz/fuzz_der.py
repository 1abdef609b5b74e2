"""Fuzz target: the DER parser (``tlspy.asn1``).  The first byte picks a
grammar: each primitive type, ANY, a composite sequence (optional, default,
explicit and implicit tags, SEQUENCE OF a CHOICE, SET OF) or a recursive
grammar (``fix``); the rest is the input.  Only ``tlspy.asn1.ParseError``
may escape, and DER being one encoding per value, whatever parses
serializes back to exactly the input."""

from __future__ import annotations

import sys
from typing import Any

import atheris

with atheris.instrument_imports(include=["tlspy"]):
    from tests.fuzz.common import MAX_INPUT
    from tlspy import asn1

COMPOSITE = asn1.sequence(
    asn1.required("version", asn1.explicit(0, asn1.INTEGER)),
    asn1.optional("flag", asn1.BOOLEAN),
    asn1.default("count", asn1.INTEGER, 0),
    asn1.required("items", asn1.sequence_of(asn1.choice(
        ("oid", asn1.OBJECT_IDENTIFIER), ("utf8", asn1.UTF8String),
        ("printable", asn1.PrintableString), ("time", asn1.UTCTime),
        ("gtime", asn1.GeneralizedTime), ("bits", asn1.BIT_STRING), ("null", asn1.NULL),
    ), max_size=64)),
    asn1.optional("raw", asn1.implicit(1, asn1.OCTET_STRING)),
    asn1.optional("set", asn1.explicit(2, asn1.set_of(asn1.INTEGER))),
    asn1.optional("any", asn1.ANY),
    name="Composite",
)


def _tree(g: asn1.Grammar[Any]) -> asn1.Grammar[Any]:
    return asn1.choice(("leaf", asn1.INTEGER), ("node", asn1.sequence_of(g)))


GRAMMARS: tuple[asn1.Grammar[Any], ...] = (
    asn1.ANY, asn1.INTEGER, asn1.BOOLEAN, asn1.NULL, asn1.OBJECT_IDENTIFIER,
    asn1.BIT_STRING, asn1.OCTET_STRING, asn1.UTF8String, asn1.PrintableString,
    asn1.IA5String, asn1.BMPString, asn1.UniversalString, asn1.TeletexString,
    asn1.NumericString, asn1.VisibleString, asn1.UTCTime, asn1.GeneralizedTime,
    asn1.ENUMERATED, asn1.raw(COMPOSITE), COMPOSITE, asn1.fix(_tree),
    asn1.sequence_of(asn1.ANY), asn1.set_of(asn1.OCTET_STRING),
)


def TestOneInput(data: bytes) -> None:
    if not data or len(data) > MAX_INPUT:
        return
    g = GRAMMARS[data[0] % len(GRAMMARS)]
    der = data[1:]
    try:
        value = g.parse(der)
    except asn1.ParseError:
        return
    assert g.serialize(value) == der, (g, value)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
