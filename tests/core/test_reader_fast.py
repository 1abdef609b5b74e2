"""The reader's one-test paths for the usual server_name, key_share and
pre_shared_key of a ClientHello agree with its cursor: whatever bytes it
accepts are exactly the writer's encoding of what it read (a strict reader
has one encoding per value), and near misses of the usual form are still
refused as the cursor refuses them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tlspy.core.errors import TLSDecodeError
from tlspy.core.messages import ExtensionContext
from tlspy.core.reader import parse_extension
from tlspy.core.writer import assemble_extension

CH = ExtensionContext.CLIENT_HELLO
USUAL = {
    0: bytes.fromhex("000e00000b7365727665722e74657374"),
    51: bytes.fromhex("0024001d0020") + bytes(range(32)),
    41: bytes.fromhex("000b000561626364650000002a") + bytes.fromhex("0021") + b"\x20" + bytes(32),
}


@st.composite
def near_misses(draw: st.DrawFn) -> tuple[int, bytes]:
    ext_type = draw(st.sampled_from(sorted(USUAL)))
    data = bytearray(USUAL[ext_type])
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.integers(0, 2))
        i = draw(st.integers(0, len(data) - 1))
        if op == 0:
            data[i] = draw(st.integers(0, 255))
        elif op == 1:
            del data[i]
        else:
            data.insert(i, draw(st.integers(0, 255)))
    return ext_type, bytes(data)


@given(near_misses())
def test_accepted_bytes_are_the_canonical_encoding(case: tuple[int, bytes]) -> None:
    ext_type, data = case
    try:
        ext = parse_extension(ext_type, data, CH)
    except TLSDecodeError:
        return
    assert assemble_extension(ext)[4:] == data


def test_usual_forms_read() -> None:
    for ext_type, data in USUAL.items():
        assert assemble_extension(parse_extension(ext_type, data, CH))[4:] == data
