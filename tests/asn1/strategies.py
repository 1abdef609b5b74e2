"""Hypothesis strategies derived from a grammar value (like ocaml-asn1's `random`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from tlspy import asn1
from tlspy.asn1 import _core

_PRINTABLE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?"
_UTC = dt.timezone.utc


def _oids() -> st.SearchStrategy[str]:
    head = st.one_of(
        st.tuples(st.sampled_from([0, 1]), st.integers(0, 39)),
        st.tuples(st.just(2), st.integers(0, 2**20)),
    )
    tail = st.lists(st.integers(0, 2**70), max_size=6)
    return st.builds(lambda h, t: ".".join(map(str, [*h, *t])), head, tail)


def _bits() -> st.SearchStrategy[asn1.BitString]:
    def mk(data: bytes, unused: int) -> asn1.BitString:
        if not data:
            return asn1.BitString(b"", 0)
        return asn1.BitString(data[:-1] + bytes((data[-1] & (0xFF << unused) & 0xFF,)), unused)

    return st.builds(mk, st.binary(max_size=16), st.integers(0, 7))


def _times(lo: int, hi: int, micro: bool) -> st.SearchStrategy[dt.datetime]:
    return st.datetimes(
        min_value=dt.datetime(lo, 1, 1), max_value=dt.datetime(hi, 12, 31, 23, 59, 59),
        timezones=st.just(_UTC),
    ).map(lambda d: d if micro else d.replace(microsecond=0))


_PRIM: dict[str, st.SearchStrategy[Any]] = {
    "bool": st.booleans(),
    "int": st.integers(-(2**200), 2**200),
    "bits": _bits(),
    "bytes": st.binary(max_size=40),
    "null": st.none(),
    "oid": _oids(),
    "utf8": st.text(max_size=20),
    "numeric": st.text("0123456789 ", max_size=20),
    "printable": st.text(_PRINTABLE, max_size=20),
    "latin1": st.text(st.characters(max_codepoint=255), max_size=20),
    "ia5": st.text(st.characters(max_codepoint=127), max_size=20),
    "visible": st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20),
    "ucs4": st.text(max_size=20),
    "bmp": st.text(st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",)), max_size=20),
    "utctime": _times(1950, 2049, False),
    "gentime": _times(1, 9999, True),
}

_ANY_SAMPLES = [asn1.INTEGER, asn1.OCTET_STRING, asn1.OBJECT_IDENTIFIER, asn1.BOOLEAN,
                asn1.sequence_of(asn1.INTEGER)]


_FIXED: dict[int, st.SearchStrategy[Any]] = {}
_BODY: dict[int, st.SearchStrategy[Any]] = {}


def for_grammar(g: asn1.Grammar[Any]) -> st.SearchStrategy[Any]:
    """Values of g that g serializes (and so must parse back to themselves)."""
    if isinstance(g, _core.Prim):
        return _PRIM[g.kind]
    if isinstance(g, _core.Explicit):
        return for_grammar(g.inner)
    if isinstance(g, _core.Implicit):
        return for_grammar(g._inner)
    if isinstance(g, _core.Fix):
        if id(g) not in _FIXED:
            _FIXED[id(g)] = st.deferred(lambda: _BODY[id(g)])
            _BODY[id(g)] = for_grammar(g.resolve())
        return _FIXED[id(g)]
    if isinstance(g, _core.Map):
        return for_grammar(g.inner).map(g.f)
    if isinstance(g, _core.Capture):
        return for_grammar(g.inner).map(asn1.Raw)
    if isinstance(g, _core.AnyTLV):
        return st.one_of([for_grammar(s).map(s.serialize) for s in _ANY_SAMPLES])
    if isinstance(g, _core.Choice):
        return st.one_of([for_grammar(a).map(lambda v, n=n: (n, v)) for n, a in g.alts])
    if isinstance(g, _core.SeqOf):
        return st.lists(for_grammar(g.inner), min_size=g.min,
                        max_size=g.max if g.max is not None else 4).map(
            lambda xs: tuple(sorted(xs, key=g.inner.serialize)) if g.is_set else tuple(xs))
    if isinstance(g, _core.Sequence_):
        return _sequence(g)
    raise TypeError(f"no strategy for {g!r}")


def _sequence(g: _core.Sequence_) -> st.SearchStrategy[tuple[Any, ...]]:
    @st.composite
    def build(draw: st.DrawFn) -> tuple[Any, ...]:
        vals: list[Any] = []
        for i, f in enumerate(g.fields):
            sub = g._grammar(i, vals)
            if sub is None:
                vals.append(None)
                continue
            s = for_grammar(sub)
            if f.kind == "optional":
                s = st.none() | s
            elif f.kind == "default":
                s = st.just(f.default) | s
            vals.append(draw(s))
        return tuple(vals)

    return build()
