"""DER combinators (ITU-T X.680 for the notation, X.690 section 10-11 for DER).

One grammar value both parses (strict DER) and serializes.  Grammars are
small immutable node objects; tests walk them to derive value generators.

Every grammar reads and writes one complete TLV.  Grammars with a single
fixed tag (``Tagged`` subclasses) additionally expose their content codec,
which is what IMPLICIT tagging re-uses under another tag.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")
U = TypeVar("U")

UNIVERSAL = 0
APPLICATION = 1
CONTEXT = 2
PRIVATE = 3

MAX_DEPTH = 48  # nesting bound: deeper input is refused, never a RecursionError
_MAX_LEN_BYTES = 4  # lengths up to 4 GiB; anything longer is not a real input


class ParseError(ValueError):
    """Input is not strict DER for the grammar.

    ``offset`` is the byte offset in the outermost input, ``path`` the
    grammar path (outermost first) down to the failing element.
    """

    def __init__(self, message: str, offset: int, path: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.path: list[str] = list(path)

    def __str__(self) -> str:
        where = "/".join(self.path) or "<top>"
        return f"{self.message} at offset {self.offset} ({where})"


def _in(err: ParseError, name: str) -> ParseError:
    err.path.insert(0, name)
    return err


def tag_key(cls: int, constructed: bool, number: int) -> int:
    """A tag as one int: number, class and the constructed bit."""
    return (number << 3) | (cls << 1) | int(constructed)


def _tag_str(key: int) -> str:
    cls = ("UNIVERSAL", "APPLICATION", "CONTEXT", "PRIVATE")[(key >> 1) & 3]
    return f"[{cls} {key >> 3}{' constructed' if key & 1 else ''}]"


# --------------------------------------------------------------------------
# TLV layer


# first header byte -> tag key, or -1 for the high-tag-number form
_KEY_OF_BYTE = tuple(
    -1 if b & 0x1F == 0x1F else ((b & 0x1F) << 3) | ((b >> 6) << 1) | ((b >> 5) & 1)
    for b in range(256)
)


def read_header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """Parse one DER header at pos: (tag key, content start, content end)."""
    if pos + 1 < end:
        key = _KEY_OF_BYTE[data[pos]]
        n = data[pos + 1]
        if key >= 0 and n < 0x80:  # the common case: low tag, short length
            if pos + 2 + n > end:
                raise ParseError("element runs past its container", pos)
            return key, pos + 2, pos + 2 + n
    return _read_header_slow(data, pos, end)


def _read_header_slow(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    if pos >= end:
        raise ParseError("expected an element, found end of input", pos)
    start = pos
    b = data[pos]
    pos += 1
    cls = b >> 6
    constructed = bool(b & 0x20)
    number = b & 0x1F
    if number == 0x1F:
        number = 0
        first = True
        while True:
            if pos >= end:
                raise ParseError("truncated tag", start)
            c = data[pos]
            pos += 1
            if first and c == 0x80:
                raise ParseError("non-minimal high tag number", start)
            first = False
            number = (number << 7) | (c & 0x7F)
            if number > 0xFFFFFF:
                raise ParseError("tag number too large", start)
            if not c & 0x80:
                break
        if number < 0x1F:
            raise ParseError("low tag number in high-tag form", start)
    if pos >= end:
        raise ParseError("truncated length", start)
    n = data[pos]
    pos += 1
    if n & 0x80:
        count = n & 0x7F
        if count == 0:
            raise ParseError("indefinite length", start)
        if count > _MAX_LEN_BYTES:
            raise ParseError("length too long", start)
        if pos + count > end:
            raise ParseError("truncated length", start)
        n = int.from_bytes(data[pos:pos + count], "big")
        if data[pos] == 0 or n < 0x80:
            raise ParseError("non-minimal length", start)
        pos += count
    if pos + n > end:
        raise ParseError("element runs past its container", start)
    return tag_key(cls, constructed, number), pos, pos + n


def encode_header(key: int, length: int) -> bytes:
    number = key >> 3
    first = ((key >> 1) & 3) << 6 | (0x20 if key & 1 else 0)
    if number < 0x1F:
        out = bytearray((first | number,))
    else:
        out = bytearray((first | 0x1F,))
        digits = []
        while True:
            digits.append(number & 0x7F)
            number >>= 7
            if not number:
                break
        for i, d in enumerate(reversed(digits)):
            out.append(d | (0x80 if i < len(digits) - 1 else 0))
    if length < 0x80:
        out.append(length)
    else:
        lb = length.to_bytes((length.bit_length() + 7) // 8, "big")
        out.append(0x80 | len(lb))
        out += lb
    return bytes(out)


def _check_tlvs(data: bytes, pos: int, end: int, depth: int) -> None:
    """Check that data[pos:end] is a run of well-formed DER TLVs (structure only)."""
    while pos < end:
        key, cs, ce = read_header(data, pos, end)
        if key & 1:
            if depth >= MAX_DEPTH:
                raise ParseError("nesting too deep", pos)
            _check_tlvs(data, cs, ce, depth + 1)
        pos = ce


# --------------------------------------------------------------------------
# Grammar base


class Grammar(Generic[T]):
    """A value that parses strict DER into T and serializes T back."""

    __slots__ = ()

    def tags(self) -> frozenset[int] | None:
        """Tags this grammar can start with; None means any tag (ANY)."""
        raise NotImplementedError

    def _dec(self, data: bytes, pos: int, end: int, depth: int) -> tuple[T, int]:
        raise NotImplementedError

    def _enc(self, value: T) -> bytes:
        raise NotImplementedError

    # public codec -----------------------------------------------------
    def parse(self, data: bytes) -> T:
        """Parse exactly one element spanning all of data."""
        data = bytes(data)
        value, pos = self._dec(data, 0, len(data), 0)
        if pos != len(data):
            raise ParseError("trailing data after the element", pos)
        return value

    def serialize(self, value: T) -> bytes:
        return self._enc(value)

    def map(self, decode: Callable[[T], U], encode: Callable[[U], T],
            name: str | None = None) -> Grammar[U]:
        """Same wire form, converted value.  decode may raise ValueError."""
        return Map(self, decode, encode, name)


def decode(grammar: Grammar[T], data: bytes) -> T:
    return grammar.parse(data)


def encode(grammar: Grammar[T], value: T) -> bytes:
    return grammar.serialize(value)


class Tagged(Grammar[T]):
    """A grammar with exactly one tag; its content codec can be re-tagged."""

    __slots__ = ("key", "label")

    def __init__(self, key: int, label: str) -> None:
        self.key = key
        self.label = label

    def tags(self) -> frozenset[int] | None:
        return frozenset((self.key,))

    def _content(self, data: bytes, start: int, end: int, depth: int) -> T:
        raise NotImplementedError

    def _enc_content(self, value: T) -> bytes:
        raise NotImplementedError

    def _dec(self, data: bytes, pos: int, end: int, depth: int) -> tuple[T, int]:
        if pos + 1 < end and data[pos + 1] < 0x80 and _KEY_OF_BYTE[data[pos]] == self.key:
            cs = pos + 2
            ce = cs + data[pos + 1]
            if ce > end:
                raise ParseError("element runs past its container", pos)
            if self.key & 1 and depth >= MAX_DEPTH:
                raise ParseError("nesting too deep", pos)
            return self._content(data, cs, ce, depth + 1), ce
        key, cs, ce = read_header(data, pos, end)
        if key != self.key:
            raise ParseError(f"expected {self.label} {_tag_str(self.key)}, found {_tag_str(key)}", pos)
        if key & 1 and depth >= MAX_DEPTH:
            raise ParseError("nesting too deep", pos)
        return self._content(data, cs, ce, depth + 1), ce

    def _enc(self, value: T) -> bytes:
        content = self._enc_content(value)
        return encode_header(self.key, len(content)) + content


# --------------------------------------------------------------------------
# Primitives


class Prim(Tagged[T]):
    """A primitive universal type given by content decode/encode functions."""

    __slots__ = ("_d", "_e", "kind")

    def __init__(self, number: int, label: str, kind: str,
                 dec: Callable[[bytes], T], enc: Callable[[T], bytes]) -> None:
        super().__init__(tag_key(UNIVERSAL, False, number), label)
        self._d = dec
        self._e = enc
        self.kind = kind

    def _content(self, data: bytes, start: int, end: int, depth: int) -> T:
        try:
            return self._d(data[start:end])
        except ParseError as e:
            e.offset += start
            raise
        except (ValueError, UnicodeError) as e:
            raise ParseError(f"bad {self.label}: {e}", start) from None

    def _enc_content(self, value: T) -> bytes:
        return self._e(value)


def _dec_bool(c: bytes) -> bool:
    if c == b"\xff":
        return True
    if c == b"\x00":
        return False
    raise ValueError("BOOLEAN must be one byte 0x00 or 0xFF")


def _enc_bool(v: bool) -> bytes:
    return b"\xff" if v else b"\x00"


def _dec_int(c: bytes) -> int:
    if not c:
        raise ValueError("empty INTEGER")
    if len(c) > 1 and ((c[0] == 0 and c[1] < 0x80) or (c[0] == 0xFF and c[1] >= 0x80)):
        raise ValueError("non-minimal INTEGER")
    return int.from_bytes(c, "big", signed=True)


def _enc_int(v: int) -> bytes:
    # Minimal two's complement: a negative v needs the bits of ~v plus a
    # sign bit (-128 is one byte, 80, not ff80).
    return v.to_bytes((v if v >= 0 else ~v).bit_length() // 8 + 1, "big", signed=True)


@dataclass(frozen=True, slots=True)
class BitString:
    """A BIT STRING: data bytes, the last of which has ``unused`` padding bits."""

    data: bytes
    unused: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.unused <= 7 or (self.unused and not self.data):
            raise ValueError("bad BIT STRING padding count")
        if self.unused and self.data[-1] & ((1 << self.unused) - 1):
            raise ValueError("BIT STRING padding bits must be zero")

    def bits(self) -> int:
        return len(self.data) * 8 - self.unused

    def bit(self, i: int) -> bool:
        """Bit i, numbered from the first (most significant) bit of the string."""
        if i >= self.bits():
            return False
        return bool(self.data[i >> 3] & (0x80 >> (i & 7)))

    @classmethod
    def from_flags(cls, flags: Iterable[int]) -> BitString:
        """A named-bit list: bits set at the given positions, trailing zeros dropped."""
        fs = set(flags)
        if not fs:
            return cls(b"", 0)
        n = max(fs) + 1
        buf = bytearray((n + 7) // 8)
        for i in fs:
            buf[i >> 3] |= 0x80 >> (i & 7)
        return cls(bytes(buf), len(buf) * 8 - n)


def _dec_bits(c: bytes) -> BitString:
    if not c:
        raise ValueError("empty BIT STRING")
    return BitString(c[1:], c[0])


def _enc_bits(v: BitString) -> bytes:
    return bytes((v.unused,)) + v.data


def _dec_null(c: bytes) -> None:
    if c:
        raise ValueError("NULL with content")


_OID_CACHE: dict[bytes, str] = {}


def _dec_oid(c: bytes) -> str:
    hit = _OID_CACHE.get(c)
    if hit is not None:
        return hit
    oid = _dec_oid_uncached(c)
    if len(_OID_CACHE) < 4096:
        _OID_CACHE[c] = oid
    return oid


def _dec_oid_uncached(c: bytes) -> str:
    if not c:
        raise ValueError("empty OBJECT IDENTIFIER")
    if c[-1] & 0x80:
        raise ValueError("truncated OBJECT IDENTIFIER")
    arcs: list[int] = []
    n = 0
    fresh = True
    for b in c:
        if fresh and b == 0x80:
            raise ValueError("non-minimal OBJECT IDENTIFIER arc")
        n = (n << 7) | (b & 0x7F)
        fresh = not b & 0x80
        if fresh:
            arcs.append(n)
            n = 0
        elif n.bit_length() > 128:
            raise ValueError("OBJECT IDENTIFIER arc too large")
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(map(str, head + arcs[1:]))


def _enc_oid(v: str) -> bytes:
    try:
        arcs = [int(a) for a in v.split(".")]
    except ValueError:
        raise ValueError(f"not a dotted OID: {v!r}") from None
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= 40) or min(arcs) < 0:
        raise ValueError(f"not a valid OID: {v!r}")
    out = bytearray()
    for a in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


_PRINTABLE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?")
_NUMERIC = frozenset(b"0123456789 ")


def _charset(name: str, allowed: Callable[[int], bool]) -> tuple[Callable[[bytes], str], Callable[[str], bytes]]:
    def dec(c: bytes) -> str:
        for b in c:
            if not allowed(b):
                raise ValueError(f"byte 0x{b:02x} not allowed in {name}")
        return c.decode("latin-1")

    def enc(v: str) -> bytes:
        c = v.encode("latin-1")
        for b in c:
            if not allowed(b):
                raise ValueError(f"character {chr(b)!r} not allowed in {name}")
        return c

    return dec, enc


def _dec_bmp(c: bytes) -> str:
    if len(c) % 2:
        raise ValueError("odd-length BMPString")
    s = c.decode("utf-16-be")
    if any(0xD800 <= ord(ch) <= 0xDFFF or ord(ch) > 0xFFFF for ch in s):
        raise ValueError("BMPString outside the BMP")
    return s


def _enc_bmp(v: str) -> bytes:
    if any(0xD800 <= ord(ch) <= 0xDFFF or ord(ch) > 0xFFFF for ch in v):
        raise ValueError("BMPString outside the BMP")
    return v.encode("utf-16-be")


def _dec_univ(c: bytes) -> str:
    if len(c) % 4:
        raise ValueError("UniversalString length not a multiple of 4")
    return c.decode("utf-32-be")


def _dec_utf8(c: bytes) -> str:
    return c.decode("utf-8")


def _enc_utf8(v: str) -> bytes:
    return v.encode("utf-8")


def _digits(c: bytes, what: str) -> None:
    for b in c:
        if not 0x30 <= b <= 0x39:
            raise ValueError(f"{what}: non-digit")


def _dec_utctime(c: bytes) -> _dt.datetime:
    if len(c) != 13 or c[12:] != b"Z":
        raise ValueError("UTCTime must be YYMMDDHHMMSSZ")
    _digits(c[:12], "UTCTime")
    yy = int(c[0:2])
    year = 1900 + yy if yy >= 50 else 2000 + yy
    return _dt.datetime(year, int(c[2:4]), int(c[4:6]), int(c[6:8]), int(c[8:10]),
                        int(c[10:12]), tzinfo=_dt.timezone.utc)


def _utc(v: _dt.datetime) -> _dt.datetime:
    if v.tzinfo is None:
        raise ValueError("time values must be timezone-aware")
    return v.astimezone(_dt.timezone.utc)


def _enc_utctime(v: _dt.datetime) -> bytes:
    v = _utc(v)
    if not 1950 <= v.year <= 2049 or v.microsecond:
        raise ValueError("UTCTime covers whole seconds in 1950..2049")
    return v.strftime("%y%m%d%H%M%SZ").encode()


def _dec_gentime(c: bytes) -> _dt.datetime:
    if len(c) < 15 or c[-1:] != b"Z":
        raise ValueError("GeneralizedTime must be YYYYMMDDHHMMSS[.f]Z")
    _digits(c[:14], "GeneralizedTime")
    micro = 0
    if len(c) > 15:
        frac = c[14:-1]
        if frac[:1] != b"." or len(frac) < 2 or len(frac) > 7 or frac[-1:] == b"0":
            raise ValueError("bad GeneralizedTime fraction")
        _digits(frac[1:], "GeneralizedTime")
        micro = int(frac[1:].ljust(6, b"0"))
    return _dt.datetime(int(c[0:4]), int(c[4:6]), int(c[6:8]), int(c[8:10]), int(c[10:12]),
                        int(c[12:14]), micro, tzinfo=_dt.timezone.utc)


def _enc_gentime(v: _dt.datetime) -> bytes:
    v = _utc(v)
    s = f"{v.year:04d}{v.month:02d}{v.day:02d}{v.hour:02d}{v.minute:02d}{v.second:02d}"
    if v.microsecond:
        s += "." + f"{v.microsecond:06d}".rstrip("0")
    return (s + "Z").encode()


def _ident(c: bytes) -> bytes:
    return c


BOOLEAN: Prim[bool] = Prim(1, "BOOLEAN", "bool", _dec_bool, _enc_bool)
INTEGER: Prim[int] = Prim(2, "INTEGER", "int", _dec_int, _enc_int)
BIT_STRING: Prim[BitString] = Prim(3, "BIT STRING", "bits", _dec_bits, _enc_bits)
OCTET_STRING: Prim[bytes] = Prim(4, "OCTET STRING", "bytes", _ident, bytes)
NULL: Prim[None] = Prim(5, "NULL", "null", _dec_null, lambda _v: b"")
OBJECT_IDENTIFIER: Prim[str] = Prim(6, "OBJECT IDENTIFIER", "oid", _dec_oid, _enc_oid)
ENUMERATED: Prim[int] = Prim(10, "ENUMERATED", "int", _dec_int, _enc_int)
UTF8String: Prim[str] = Prim(12, "UTF8String", "utf8", _dec_utf8, _enc_utf8)
NumericString: Prim[str] = Prim(18, "NumericString", "numeric",
                                *_charset("NumericString", _NUMERIC.__contains__))
PrintableString: Prim[str] = Prim(19, "PrintableString", "printable",
                                  *_charset("PrintableString", _PRINTABLE.__contains__))
TeletexString: Prim[str] = Prim(20, "TeletexString", "latin1",
                                *_charset("TeletexString", lambda b: True))
IA5String: Prim[str] = Prim(22, "IA5String", "ia5", *_charset("IA5String", lambda b: b < 0x80))
UTCTime: Prim[_dt.datetime] = Prim(23, "UTCTime", "utctime", _dec_utctime, _enc_utctime)
GeneralizedTime: Prim[_dt.datetime] = Prim(24, "GeneralizedTime", "gentime",
                                           _dec_gentime, _enc_gentime)
VisibleString: Prim[str] = Prim(26, "VisibleString", "visible",
                                *_charset("VisibleString", lambda b: 0x20 <= b < 0x7F))
UniversalString: Prim[str] = Prim(28, "UniversalString", "ucs4", _dec_univ,
                                  lambda v: v.encode("utf-32-be"))
BMPString: Prim[str] = Prim(30, "BMPString", "bmp", _dec_bmp, _enc_bmp)


# --------------------------------------------------------------------------
# Tagging


class Explicit(Tagged[T]):
    """[cls n] EXPLICIT inner: a constructed wrapper holding one inner TLV."""

    __slots__ = ("inner",)

    def __init__(self, number: int, inner: Grammar[T], cls: int = CONTEXT) -> None:
        super().__init__(tag_key(cls, True, number), f"[{number}] EXPLICIT")
        self.inner = inner

    def _content(self, data: bytes, start: int, end: int, depth: int) -> T:
        value, pos = self.inner._dec(data, start, end, depth)
        if pos != end:
            raise ParseError("trailing data inside explicit tag", pos)
        return value

    def _enc_content(self, value: T) -> bytes:
        return self.inner._enc(value)


class Implicit(Tagged[T]):
    """[cls n] IMPLICIT inner: inner's content under another tag."""

    __slots__ = ("_cls", "_inner", "_num")

    def __init__(self, number: int, inner: Grammar[T], cls: int = CONTEXT) -> None:
        super().__init__(-1, f"[{number}] IMPLICIT")
        self._inner = inner
        self._num = number
        self._cls = cls

    @property
    def inner(self) -> Tagged[T]:
        g: Grammar[T] = self._inner
        while isinstance(g, Fix):
            g = g.resolve()
        if not isinstance(g, Tagged):
            raise TypeError("IMPLICIT needs a grammar with one tag (use EXPLICIT for CHOICE/ANY)")
        return g

    def _key(self) -> int:
        if self.key < 0:
            self.key = tag_key(self._cls, bool(self.inner.key & 1), self._num)
        return self.key

    def tags(self) -> frozenset[int] | None:
        return frozenset((self._key(),))

    def _dec(self, data: bytes, pos: int, end: int, depth: int) -> tuple[T, int]:
        self._key()
        return super()._dec(data, pos, end, depth)

    def _enc(self, value: T) -> bytes:
        self._key()
        return super()._enc(value)

    def _content(self, data: bytes, start: int, end: int, depth: int) -> T:
        return self.inner._content(data, start, end, depth)

    def _enc_content(self, value: T) -> bytes:
        return self.inner._enc_content(value)


def explicit(number: int, inner: Grammar[T], cls: int = CONTEXT) -> Explicit[T]:
    return Explicit(number, inner, cls)


def implicit(number: int, inner: Grammar[T], cls: int = CONTEXT) -> Implicit[T]:
    return Implicit(number, inner, cls)


# --------------------------------------------------------------------------
# Structure


class Map(Grammar[U], Generic[T, U]):
    __slots__ = ("f", "g", "inner", "name")

    def __init__(self, inner: Grammar[T], f: Callable[[T], U], g: Callable[[U], T],
                 name: str | None) -> None:
        self.inner = inner
        self.f = f
        self.g = g
        self.name = name

    def tags(self) -> frozenset[int] | None:
        return self.inner.tags()

    def _dec(self, data: bytes, pos: int, end: int, depth: int) -> tuple[U, int]:
        try:
            v, npos = self.inner._dec(data, pos, end, depth)
        except ParseError as e:
            raise _in(e, self.name) if self.name else e from None
        try:
            return self.f(v), npos
        except ParseError:
            raise
        except ValueError as e:
            err = ParseError(str(e), pos)
            raise (_in(err, self.name) if self.name else err) from None

    def _enc(self, value: U) -> bytes:
        return self.inner._enc(self.g(value))


class Fix(Grammar[T]):
    """A recursive grammar: ``fix(lambda self: choice(..., self, ...))``."""

    __slots__ = ("_fn", "_g")

    def __init__(self, fn: Callable[[Grammar[T]], Grammar[T]]) -> None:
        self._fn = fn
        self._g: Grammar[T] | None = None

    def resolve(self) -> Grammar[T]:
        if self._g is None:
            self._g = self._fn(self)
        return self._g

    def tags(self) -> frozenset[int] | None:
        return self.resolve().tags()

    def _dec(self, data: bytes, pos: int, end: int, depth: int) -> tuple[T, int]:
        if depth >= MAX_DEPTH:
            raise ParseError("nesting too deep", pos)
        return self.resolve()._dec(data, pos, end, depth + 1)

    def _enc(self, value: T) -> bytes:
        return self.resolve()._enc(value)


def fix(fn: Callable[[Grammar[T]], Grammar[T]]) -> Fix[T]:
    return Fix(fn)


class AnyTLV(Grammar[bytes]):
    """ANY: one well-formed DER element of any tag, kept as its exact bytes."""

    __slots__ = ()

    def tags(self) -> frozenset[int] | None:
        return None

    def _dec(self, data: bytes, pos: int, end: int, depth: int) -> tuple[bytes, int]:
        key, cs, ce = read_header(data, pos, end)
        if key & 1:
            if depth >= MAX_DEPTH:
                raise ParseError("nesting too deep", pos)
            _check_tlvs(data, cs, ce, depth + 1)
        return data[pos:ce], ce

    def _enc(self, value: bytes) -> bytes:
        key, _cs, ce = read_header(value, 0, len(value))
        if ce != len(value):
            raise ValueError("ANY value must be exactly one element")
        if key & 1:
            _check_tlvs(value, _cs, ce, 0)
        return bytes(value)


ANY = AnyTLV()


@dataclass(frozen=True, slots=True)
class Raw(Generic[T]):
    """A parsed value together with the exact DER it was parsed from."""

    value: T
    der: bytes | None = field(default=None, compare=False)


class Capture(Grammar[Raw[T]]):
    """Keeps the exact bytes of the element (e.g. a signed tbsCertificate)."""

    __slots__ = ("inner",)

    def __init__(self, inner: Grammar[T]) -> None:
        self.inner = inner

    def tags(self) -> frozenset[int] | None:
        return self.inner.tags()

    def _dec(self, data: bytes, pos: int, end: int, depth: int) -> tuple[Raw[T], int]:
        v, npos = self.inner._dec(data, pos, end, depth)
        return Raw(v, data[pos:npos]), npos

    def _enc(self, value: Raw[T]) -> bytes:
        return value.der if value.der is not None else self.inner._enc(value.value)


def raw(inner: Grammar[T]) -> Capture[T]:
    return Capture(inner)


# -- SEQUENCE ---------------------------------------------------------------

_ABSENT: Any = object()


@dataclass(frozen=True)
class Field:
    """One SEQUENCE component.  Build with required/optional/default/defined_by."""

    name: str
    grammar: Grammar[Any] | None
    kind: str  # "required" | "optional" | "default"
    default: Any = None
    ref: str | None = None  # defined_by: the earlier field the grammar depends on
    table: dict[Any, Grammar[Any]] | None = None


def required(name: str, g: Grammar[Any]) -> Field:
    return Field(name, g, "required")


def optional(name: str, g: Grammar[Any]) -> Field:
    return Field(name, g, "optional")


def default(name: str, g: Grammar[Any], value: Any) -> Field:
    """A DEFAULT component: parsed absent -> value; the default is never encoded."""
    return Field(name, g, "default", default=value)


def defined_by(name: str, ref: str, table: dict[Any, Grammar[Any]],
               fallback: Grammar[Any] | None = ANY, *, is_optional: bool = True) -> Field:
    """ANY DEFINED BY ref: the grammar is table[value of ref] (else fallback).

    A fallback of None refuses keys outside the table.  The field is OPTIONAL
    unless is_optional=False; it must be the last component.
    """
    return Field(name, None, "optional" if is_optional else "required", ref=ref,
                 table=dict(table), default=fallback)


class Sequence_(Tagged[tuple[Any, ...]]):
    """SEQUENCE { fields }: the value is a tuple, None for an absent OPTIONAL."""

    __slots__ = ("_plan_cache", "_refs", "fields", "name")

    def __init__(self, fields: Sequence[Field], name: str = "SEQUENCE") -> None:
        super().__init__(tag_key(UNIVERSAL, True, 16), name)
        self._plan_cache: list[tuple[Field, Grammar[Any] | None, int, frozenset[int] | None]] | None = None
        self.fields = tuple(fields)
        self.name = name
        names = [f.name for f in self.fields]
        self._refs: list[int] = []
        for i, f in enumerate(self.fields):
            if f.ref is not None:
                if f.ref not in names[:i]:
                    raise ValueError(f"defined_by({f.name}) refers to unknown field {f.ref}")
                if i != len(self.fields) - 1:
                    raise ValueError("defined_by field must be the last component")
                self._refs.append(names.index(f.ref))
            else:
                self._refs.append(-1)

    def _grammar(self, i: int, values: list[Any]) -> Grammar[Any] | None:
        f = self.fields[i]
        if f.grammar is not None:
            return f.grammar
        assert f.table is not None
        g = f.table.get(values[self._refs[i]])
        return g if g is not None else cast("Grammar[Any] | None", f.default)

    def _plan(self) -> list[tuple[Field, Grammar[Any] | None, int, frozenset[int] | None]]:
        """Per field: (field, static grammar, kind code, tags); computed on first use
        (tags of recursive grammars are only known once the whole graph exists)."""
        plan = self._plan_cache
        if plan is None:
            plan = []
            for f in self.fields:
                g = f.grammar
                code = {"required": 0, "optional": 1, "default": 2}[f.kind]
                plan.append((f, g, code, g.tags() if g is not None else None))
            self._plan_cache = plan
        return plan

    def _content(self, data: bytes, start: int, end: int, depth: int) -> tuple[Any, ...]:
        pos = start
        values: list[Any] = []
        for i, (f, g, code, tags) in enumerate(self._plan()):
            if g is None:
                g = self._grammar(i, values)
                tags = g.tags() if g is not None else None
            present = False
            if pos < end and g is not None:
                if tags is None or code == 0:
                    present = True
                else:
                    key = _KEY_OF_BYTE[data[pos]]
                    if key < 0:
                        key = read_header(data, pos, end)[0]
                    present = key in tags
            if not present:
                if code == 0:
                    if g is None:
                        raise ParseError(f"unsupported {f.name} for this {self.fields[self._refs[i]].name}",
                                         pos, [self.name, f.name])
                    raise ParseError(f"missing required {f.name}", pos, [self.name])
                if g is None and f.ref is not None and pos < end:
                    raise ParseError(f"unsupported {f.name}", pos, [self.name, f.name])
                values.append(f.default if code == 2 else None)
                continue
            assert g is not None
            try:
                v, npos = g._dec(data, pos, end, depth)
            except ParseError as e:
                raise _in(_in(e, f.name), self.name) from None
            if code == 2 and v == f.default:
                raise ParseError(f"DEFAULT value of {f.name} encoded", pos, [self.name, f.name])
            values.append(v)
            pos = npos
        if pos != end:
            raise ParseError("unexpected extra element", pos, [self.name])
        return tuple(values)

    def _enc_content(self, value: tuple[Any, ...]) -> bytes:
        if len(value) != len(self.fields):
            raise ValueError(f"{self.name} needs {len(self.fields)} values, got {len(value)}")
        out = []
        vals = list(value)
        for i, f in enumerate(self.fields):
            v = value[i]
            if v is None and f.kind == "optional":
                continue
            if f.kind == "default" and v == f.default:
                continue
            g = self._grammar(i, vals)
            if g is None:
                raise ValueError(f"no grammar for {f.name}")
            out.append(g._enc(v))
        return b"".join(out)


def sequence(*fields: Field, name: str = "SEQUENCE") -> Sequence_:
    _check_distinct(fields)
    return Sequence_(fields, name)


def _check_distinct(fields: Sequence[Field]) -> None:
    """Consecutive optional components must have distinct tags (X.680 24.5)."""
    run: set[int] = set()
    for f in fields:
        tags = f.grammar.tags() if f.grammar is not None and not isinstance(f.grammar, Fix) else None
        if tags is None:
            run = set()
            continue
        if run & tags:
            raise ValueError(f"ambiguous component {f.name}: its tag repeats an optional before it")
        run = (run | tags) if f.kind != "required" else set()


class SeqOf(Tagged[tuple[T, ...]]):
    """SEQUENCE OF / SET OF; SET OF checks (and writes) DER order."""

    __slots__ = ("inner", "is_set", "max", "min")

    def __init__(self, inner: Grammar[T], is_set: bool, min_size: int, max_size: int | None,
                 name: str) -> None:
        super().__init__(tag_key(UNIVERSAL, True, 17 if is_set else 16), name)
        self.inner = inner
        self.is_set = is_set
        self.min = min_size
        self.max = max_size

    def _content(self, data: bytes, start: int, end: int, depth: int) -> tuple[T, ...]:
        pos = start
        out: list[T] = []
        prev = b""
        while pos < end:
            try:
                v, npos = self.inner._dec(data, pos, end, depth)
            except ParseError as e:
                raise _in(e, f"{self.label}[{len(out)}]") from None
            if self.is_set:
                cur = data[pos:npos]
                if out and _der_order(cur) < _der_order(prev):
                    raise ParseError("SET OF elements not in DER order", pos, [self.label])
                prev = cur
            out.append(v)
            pos = npos
        if len(out) < self.min or (self.max is not None and len(out) > self.max):
            raise ParseError(f"{self.label} has {len(out)} elements", start, [self.label])
        return tuple(out)

    def _enc_content(self, value: tuple[T, ...]) -> bytes:
        parts = [self.inner._enc(v) for v in value]
        if self.is_set:
            parts.sort(key=_der_order)
        return b"".join(parts)


def _der_order(b: bytes) -> bytes:
    # X.690 11.6 compares zero-padded octet strings.  Two distinct complete
    # TLVs are never prefixes of each other (the header fixes the length), so
    # plain bytes order gives the same result.
    return b


def sequence_of(inner: Grammar[T], min_size: int = 0, max_size: int | None = None,
                name: str = "SEQUENCE OF") -> SeqOf[T]:
    return SeqOf(inner, False, min_size, max_size, name)


def set_of(inner: Grammar[T], min_size: int = 0, max_size: int | None = None,
           name: str = "SET OF") -> SeqOf[T]:
    return SeqOf(inner, True, min_size, max_size, name)


class Choice(Grammar[tuple[str, Any]]):
    """CHOICE: the value is (alternative name, value)."""

    __slots__ = ("_by_name", "_by_tag", "alts", "name")

    def __init__(self, alts: Sequence[tuple[str, Grammar[Any]]], name: str) -> None:
        self.alts = tuple(alts)
        self.name = name
        self._by_name = dict(self.alts)
        self._by_tag: dict[int, tuple[str, Grammar[Any]]] | None = None

    def _table(self) -> dict[int, tuple[str, Grammar[Any]]]:
        if self._by_tag is None:
            table: dict[int, tuple[str, Grammar[Any]]] = {}
            for n, g in self.alts:
                tags = g.tags()
                if tags is None:
                    raise ValueError("ANY cannot be a CHOICE alternative")
                for t in tags:
                    if t in table:
                        raise ValueError(f"CHOICE alternatives {table[t][0]} and {n} share a tag")
                    table[t] = (n, g)
            self._by_tag = table
        return self._by_tag

    def tags(self) -> frozenset[int] | None:
        return frozenset(self._table())

    def _dec(self, data: bytes, pos: int, end: int, depth: int) -> tuple[tuple[str, Any], int]:
        key, _, _ = read_header(data, pos, end)
        alt = self._table().get(key)
        if alt is None:
            raise ParseError(f"no {self.name} alternative has tag {_tag_str(key)}", pos, [self.name])
        try:
            v, npos = alt[1]._dec(data, pos, end, depth)
        except ParseError as e:
            raise _in(_in(e, alt[0]), self.name) from None
        return (alt[0], v), npos

    def _enc(self, value: tuple[str, Any]) -> bytes:
        name, v = value
        return self._by_name[name]._enc(v)


def choice(*alts: tuple[str, Grammar[Any]], name: str = "CHOICE") -> Choice:
    c = Choice(alts, name)
    if not any(isinstance(g, Fix) for _, g in alts):
        c._table()
    return c


__all__ = [
    "ANY",
    "APPLICATION",
    "BIT_STRING",
    "BOOLEAN",
    "CONTEXT",
    "ENUMERATED",
    "INTEGER",
    "MAX_DEPTH",
    "NULL",
    "OBJECT_IDENTIFIER",
    "OCTET_STRING",
    "PRIVATE",
    "UNIVERSAL",
    "AnyTLV",
    "BMPString",
    "BitString",
    "Capture",
    "Choice",
    "Explicit",
    "Field",
    "Fix",
    "GeneralizedTime",
    "Grammar",
    "IA5String",
    "Implicit",
    "Map",
    "NumericString",
    "ParseError",
    "Prim",
    "PrintableString",
    "Raw",
    "SeqOf",
    "Sequence_",
    "Tagged",
    "TeletexString",
    "UTCTime",
    "UTF8String",
    "UniversalString",
    "VisibleString",
    "choice",
    "decode",
    "default",
    "defined_by",
    "encode",
    "encode_header",
    "explicit",
    "fix",
    "implicit",
    "optional",
    "raw",
    "read_header",
    "required",
    "sequence",
    "sequence_of",
    "set_of",
    "tag_key",
]
