"""tlspy.asn1: round trips from grammar-derived values, DER strictness, mutations,
differential checks against asn1crypto (test oracle), and fuzzing."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import asn1crypto.core as ac
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.asn1.strategies import for_grammar
from tlspy import asn1
from tlspy.asn1 import (
    ANY,
    BIT_STRING,
    BOOLEAN,
    INTEGER,
    NULL,
    OBJECT_IDENTIFIER,
    OCTET_STRING,
    ParseError,
    choice,
    default,
    defined_by,
    explicit,
    implicit,
    optional,
    required,
    sequence,
    sequence_of,
    set_of,
)

UTC = dt.timezone.utc

ALG = sequence(
    required("algorithm", OBJECT_IDENTIFIER),
    defined_by("parameters", "algorithm", {"1.2.3": NULL, "1.2.4": INTEGER}),
    name="AlgorithmIdentifier",
)

TREE: asn1.Grammar[Any] = asn1.fix(lambda self: choice(
    ("leaf", INTEGER),
    ("node", sequence_of(self, max_size=3)),
    name="Tree",
))

# A grammar touching every combinator and primitive.
KITCHEN = sequence(
    required("version", explicit(0, INTEGER)),
    default("flag", BOOLEAN, False),
    optional("imp", implicit(1, OCTET_STRING)),
    optional("impseq", implicit(2, sequence(required("a", INTEGER)))),
    required("alg", ALG),
    required("names", set_of(choice(
        ("utf8", asn1.UTF8String), ("printable", asn1.PrintableString),
        ("ia5", asn1.IA5String), ("teletex", asn1.TeletexString), ("bmp", asn1.BMPString),
        ("universal", asn1.UniversalString), ("numeric", asn1.NumericString),
        ("visible", asn1.VisibleString),
    ))),
    required("times", sequence(required("u", asn1.UTCTime), required("g", asn1.GeneralizedTime))),
    required("bits", BIT_STRING),
    required("enum", asn1.ENUMERATED),
    required("null", NULL),
    required("tree", TREE),
    required("raw", asn1.raw(sequence_of(INTEGER))),
    required("any", ANY),
    optional("hi", explicit(1000, INTEGER, cls=asn1.APPLICATION)),
    name="Kitchen",
)


@given(for_grammar(KITCHEN))
def test_round_trip_from_grammar(value: tuple[Any, ...]) -> None:
    der = KITCHEN.serialize(value)
    back = KITCHEN.parse(der)
    assert back == value
    assert KITCHEN.serialize(back) == der


@given(for_grammar(KITCHEN), st.data())
def test_accepted_mutations_are_canonical(value: tuple[Any, ...], data: st.DataObject) -> None:
    """A single-byte change either is rejected or yields other, canonical DER."""
    der = bytearray(KITCHEN.serialize(value))
    i = data.draw(st.integers(0, len(der) - 1))
    der[i] = data.draw(st.integers(0, 255).filter(lambda b: b != der[i]))
    try:
        v = KITCHEN.parse(bytes(der))
    except ParseError:
        return
    assert KITCHEN.serialize(v) == bytes(der)


@given(st.binary(max_size=200))
def test_fuzz_only_parse_error(blob: bytes) -> None:
    for g in (KITCHEN, TREE, ANY, ALG):
        try:
            v = g.parse(blob)
        except ParseError:
            continue
        assert g.serialize(v) == blob


@given(st.lists(st.sampled_from([b"\x30", b"\x31", b"\xa0", b"\x02\x01\x00", b"\x05\x00"]),
                max_size=60).map(b"".join))
def test_fuzz_structured(blob: bytes) -> None:
    for g in (KITCHEN, TREE, ANY):
        with contextlib.suppress(ParseError):
            g.parse(blob)


def _nest(depth: int) -> bytes:
    out = b"\x02\x01\x07"
    for _ in range(depth):
        out = asn1.encode_header(asn1.tag_key(0, True, 16), len(out)) + out
    return out


@pytest.mark.parametrize("g", [TREE, ANY])
def test_deep_nesting_is_bounded(g: asn1.Grammar[Any]) -> None:
    assert g.parse(_nest(10))
    with pytest.raises(ParseError, match="too deep"):
        g.parse(_nest(5000))


@pytest.mark.parametrize(("grammar", "hexder", "why"), [
    (INTEGER, "020100" + "00", "trailing"),
    (INTEGER, "02020001", "non-minimal INTEGER"),
    (INTEGER, "0202ff80", "non-minimal INTEGER"),
    (INTEGER, "0200", "empty INTEGER"),
    (INTEGER, "028101" + "01", "non-minimal length"),
    (INTEGER, "02820001" + "01", "non-minimal length"),
    (INTEGER, "0280" + "0100" + "0000", "indefinite"),
    (INTEGER, "0202" + "01", "past its container"),
    (BOOLEAN, "010101", "BOOLEAN must be"),
    (BOOLEAN, "01020000", "BOOLEAN must be"),
    (NULL, "050100", "NULL with content"),
    (BIT_STRING, "030208ff", "padding count"),
    (BIT_STRING, "030201ff", "padding bits must be zero"),
    (BIT_STRING, "0300", "empty BIT STRING"),
    (BIT_STRING, "030101", "padding count"),
    (OBJECT_IDENTIFIER, "06032a8001", "non-minimal OBJECT IDENTIFIER"),
    (OBJECT_IDENTIFIER, "06022a86", "truncated"),
    (asn1.UTCTime, "170d3230303130313030303030302b", "UTCTime must be"),
    (asn1.UTCTime, "170b323030313031303030305a", "UTCTime must be"),
    (asn1.GeneralizedTime, "1811" + "32303230303130313030303030302e305a", "fraction"),
    (asn1.GeneralizedTime, "180f32303230313330313030303030305a", "month"),
    (asn1.PrintableString, "130140", "not allowed"),
    (asn1.IA5String, "160180", "not allowed"),
    (asn1.UTF8String, "0c01ff", "UTF8String"),
    (asn1.BMPString, "1e0100", "odd-length"),
    (set_of(INTEGER), "3106020102020101", "DER order"),
    (sequence(default("d", BOOLEAN, False)), "3003010100", "DEFAULT value"),
    (sequence(required("a", INTEGER)), "3000", "missing required"),
    (sequence(required("a", INTEGER)), "3006020101020102", "extra element"),
    (explicit(0, INTEGER), "a0050201010500", "trailing data inside"),
    (implicit(0, INTEGER), "8001", "past"),
    (explicit(5, INTEGER), "bf0503020101", "low tag number in high-tag form"),
    (explicit(200, INTEGER), "bf80814803020101", "non-minimal high tag"),
    (ALG, "300706022a03020100", "extra element"),
    (ANY, "3003020200", "past its container"),
])
def test_rejects_non_der(grammar: asn1.Grammar[Any], hexder: str, why: str) -> None:
    with pytest.raises(ParseError, match=why):
        grammar.parse(bytes.fromhex(hexder))


def test_error_names_offset_and_path() -> None:
    g = sequence(required("a", INTEGER), required("inner", sequence(required("b", BOOLEAN),
                                                                    name="Inner")), name="Outer")
    with pytest.raises(ParseError) as info:
        g.parse(bytes.fromhex("3008020101300301010a"))
    assert info.value.offset == 9
    assert info.value.path == ["Outer", "inner", "Inner", "b"]
    assert "offset 9" in str(info.value) and "Outer/inner/Inner/b" in str(info.value)


def test_high_tag_and_implicit_constructed() -> None:
    g = explicit(1000, INTEGER, cls=asn1.APPLICATION)
    der = g.serialize(5)
    assert der.hex() == "7f876803020105"
    assert g.parse(der) == 5
    h = implicit(3, sequence(required("x", INTEGER)))
    assert h.serialize((1,)).hex() == "a303020101"


def test_defined_by() -> None:
    assert ALG.parse(bytes.fromhex("300606022a030500")) == ("1.2.3", None)
    assert ALG.parse(bytes.fromhex("300406022a03")) == ("1.2.3", None)
    assert ALG.parse(bytes.fromhex("300706022a04020107")) == ("1.2.4", 7)
    with pytest.raises(ParseError):
        ALG.parse(bytes.fromhex("300706022a03020107"))
    # Unknown keys fall back to ANY and keep the bytes.
    assert ALG.parse(bytes.fromhex("300706022a05020107")) == ("1.2.5", bytes.fromhex("020107"))


def test_raw_keeps_exact_bytes() -> None:
    g = asn1.raw(sequence_of(INTEGER))
    der = bytes.fromhex("3006020101020102")
    r = g.parse(der)
    assert r.der == der and r.value == (1, 2)
    assert g.serialize(r) == der


def test_grammar_construction_checks() -> None:
    with pytest.raises(ValueError, match="share a tag"):
        choice(("a", INTEGER), ("b", INTEGER))
    with pytest.raises(ValueError, match="ambiguous"):
        sequence(optional("a", INTEGER), required("b", INTEGER))


# -- differential against asn1crypto -----------------------------------------

@given(st.integers(-(2**300), 2**300))
def test_integer_vs_asn1crypto(n: int) -> None:
    der = INTEGER.serialize(n)
    assert der == ac.Integer(n).dump()
    assert ac.Integer.load(der).native == n


@given(for_grammar(OBJECT_IDENTIFIER))
def test_oid_vs_asn1crypto(oid: str) -> None:
    der = OBJECT_IDENTIFIER.serialize(oid)
    assert der == ac.ObjectIdentifier(oid).dump()


@given(for_grammar(BIT_STRING))
def test_bitstring_vs_asn1crypto(bits: asn1.BitString) -> None:
    der = BIT_STRING.serialize(bits)
    parsed = ac.OctetBitString.load(der) if bits.unused == 0 else ac.BitString.load(der)
    assert parsed.dump(force=True) == der


@given(for_grammar(asn1.UTCTime), for_grammar(asn1.GeneralizedTime))
def test_times_vs_asn1crypto(u: dt.datetime, g: dt.datetime) -> None:
    assert ac.UTCTime.load(asn1.UTCTime.serialize(u)).native == u
    gd = asn1.GeneralizedTime.serialize(g)
    assert ac.GeneralizedTime.load(gd).native == g


@given(st.binary(min_size=2, max_size=12))
def test_random_primitives_agree_with_asn1crypto(blob: bytes) -> None:
    """Whatever we accept as INTEGER / OID / BOOLEAN, asn1crypto reads the same."""
    for ours, theirs in ((INTEGER, ac.Integer), (OBJECT_IDENTIFIER, ac.ObjectIdentifier),
                         (BOOLEAN, ac.Boolean)):
        der = bytes((ours.key >> 3, len(blob) - 2)) + blob[2:]
        try:
            v = ours.parse(der)
        except ParseError:
            continue
        assert theirs.load(der, strict=True).native == v
