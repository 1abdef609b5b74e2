"""parse_chain: each distinct certificate is parsed once and shared (it is
an immutable value); a bad one is refused with bad_certificate every time."""

from __future__ import annotations

import pytest

from tests.engine.certs import pki
from tlspy.core.enums import AlertDescription
from tlspy.core.errors import TLSError
from tlspy.engine.handshake_common import parse_chain


def test_the_same_der_gives_the_same_certificate() -> None:
    p = pki("p256")
    ders = [c.to_der() for c in p.key.chain]
    first = parse_chain(ders)
    again = parse_chain([bytearray(d) for d in ders])  # any bytes-like input
    assert [c.to_der() for c in first] == ders
    assert all(a is b for a, b in zip(first, again, strict=True))


@pytest.mark.parametrize("cut", [0, 1, 10, -1])
def test_a_bad_certificate_is_refused_each_time(cut: int) -> None:
    der = pki("p256").key.chain[0].to_der()
    bad = der[:cut] if cut else b"\x30\x00"
    for _ in range(2):
        with pytest.raises(TLSError) as e:
            parse_chain([bad])
        assert e.value.alert == AlertDescription.BAD_CERTIFICATE
