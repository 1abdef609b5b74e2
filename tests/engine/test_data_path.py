"""The application-data path: states stay values (an old state still
works after it has been used), sequence numbers advance by the records
sealed or opened, and however the wire bytes are cut the receiver ends in
the same place with the same data."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.engine.helpers import Pair, configs, handshake
from tlspy import engine
from tlspy.core.enums import CipherSuite, ContentType
from tlspy.engine import State

SUITES = (CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256)
_PAIRS: dict[tuple[CipherSuite, str], Pair] = {}


def _pair(suite: CipherSuite, version: str = "1.3") -> Pair:
    key = (suite, version)
    if key not in _PAIRS:
        if version == "1.3":
            ccfg, scfg = configs("p256", client={"cipher_suites": (suite,)})
        else:
            s12 = (CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,)
            ccfg, scfg = configs("p256", client={"versions": (0x0303,), "cipher_suites": s12},
                                 server={"versions": (0x0303,), "cipher_suites": s12})
        _PAIRS[key] = handshake(ccfg, scfg)
    return _PAIRS[key]


def _records(wire: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(wire):
        n = int.from_bytes(wire[pos + 3 : pos + 5], "big")
        out.append(wire[pos : pos + 5 + n])
        pos += 5 + n
    return out


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_old_state_stays_valid_after_send(suite: CipherSuite) -> None:
    p = _pair(suite)
    c0 = p.client
    seq0 = c0.write_seq
    c1, out1 = engine.send_application_data(c0, b"first")
    assert c0.write_seq == seq0 and c1.write_seq == seq0 + 1
    # the same call on the same old state gives the same bytes again
    c1b, out1b = engine.send_application_data(c0, b"first")
    assert out1b == out1 and c1b == c1
    c2, out2 = engine.send_application_data(c1, b"second")
    assert c2.write_seq == seq0 + 2
    # the old server state reads both, in order; the old one again gives the same
    s0 = p.server
    r = engine.handle_tls(s0, out1 + out2)
    assert r.data == b"firstsecond" and r.state.read_seq == s0.read_seq + 2
    assert s0.read_seq == r.state.read_seq - 2
    assert engine.handle_tls(s0, out1 + out2) == r
    # a record replayed against the advanced state does not authenticate
    bad = engine.handle_tls(r.state, out1)
    assert bad.state.failed and bad.data == b""
    # nor does the next record fed to the state that has not seen the first
    assert engine.handle_tls(s0, out2).state.failed


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_sequence_numbers_count_records(suite: CipherSuite) -> None:
    p = _pair(suite)
    limit = p.client.send_limit
    payload = bytes(range(256)) * (3 * limit // 256 + 1)  # four records, the last short
    c, out = engine.send_application_data(p.client, payload)
    assert len(_records(out)) == 4 and c.write_seq == p.client.write_seq + 4
    r = engine.handle_tls(p.server, out)
    assert r.data == payload and r.state.read_seq == p.server.read_seq + 4
    # a record of exactly the limit is one record
    c, out = engine.send_application_data(p.client, payload[:limit])
    assert len(_records(out)) == 1 and c.write_seq == p.client.write_seq + 1
    # memoryview and bytearray payloads seal the same bytes
    assert engine.send_application_data(p.client, memoryview(payload))[1] == \
        engine.send_application_data(p.client, bytearray(payload))[1]


def test_evolve_copies_every_field() -> None:
    st_ = _pair(SUITES[0]).client
    new = st_.evolve(write_seq=7, read_seq=5, pending=b"x")
    for f in dataclasses.fields(State):
        if f.name not in ("write_seq", "read_seq", "pending"):
            assert getattr(new, f.name) is getattr(st_, f.name), f.name
    assert (new.write_seq, new.read_seq, new.pending) == (7, 5, b"x")
    assert new == dataclasses.replace(st_, write_seq=7, read_seq=5, pending=b"x")
    assert st_.evolve() == st_ and st_.evolve() is not st_
    # the data path's two shorthands
    assert st_.sent(9) == st_.evolve(write_seq=9) and type(st_.sent(9)) is State
    assert new.opened(11) == new.evolve(read_seq=11, pending=b"")
    assert type(new.opened(11)) is State and new.pending == b"x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        new.write_seq = 1  # type: ignore[misc]


def test_replace_is_dataclasses_replace() -> None:
    """State.replace (the handshake's copy with changes) gives what
    dataclasses.replace gives, for every field, and leaves the old state
    as it was."""
    c = _pair(SUITES[0]).client
    before = tuple(c)
    for i, f in enumerate(dataclasses.fields(State)):
        value = object()
        moved = c.replace(**{f.name: value})
        assert moved == dataclasses.replace(c, **{f.name: value})
        assert getattr(moved, f.name) is value
        assert [x for j, x in enumerate(moved) if j != i] == [x for j, x in enumerate(c) if j != i]
    assert tuple(c) == before and type(c.replace()) is State and c.replace() == c
    with pytest.raises(TypeError, match="no field 'nope'"):
        c.replace(nope=1)


def test_state_is_a_dataclass_value_stored_as_a_tuple() -> None:
    """State keeps the dataclass interface (fields, replace, frozen, eq,
    hash, repr) whatever its storage; a copy is an equal value."""
    import copy

    c = _pair(SUITES[0]).client
    names = [f.name for f in dataclasses.fields(State)]
    assert {"config", "is_client", "hs", "read", "write", "read_seq", "write_seq", "pending",
            "hsbuf", "read_closed", "write_closed", "send_limit", "recv_limit"} <= set(names)
    moved = dataclasses.replace(c, write_seq=c.write_seq + 9, read_closed=True)
    assert (moved.write_seq, moved.read_closed) == (c.write_seq + 9, True)
    for name in names:
        if name not in ("write_seq", "read_closed"):
            assert getattr(moved, name) is getattr(c, name), name
    assert moved != c and dataclasses.replace(c) == c and hash(dataclasses.replace(c)) == hash(c)
    assert copy.copy(c) == c and copy.copy(c).hs is c.hs
    assert repr(c).startswith("State(config=")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.hs = None  # type: ignore[misc]
    # keyword construction as the dataclass had it, defaults included
    fresh = State(c.config, True, c.hs, bytes(32))
    assert (fresh.read_seq, fresh.write_seq, fresh.pending, fresh.hsbuf.empty) == (0, 0, b"", True)
    assert fresh.read.protection is None and not fresh.write_closed
    assert copy.copy(fresh.evolve(read_seq=3)).read_seq == 3


def test_result_is_a_named_tuple() -> None:
    p = _pair(SUITES[1])
    _, out = engine.send_application_data(p.client, b"named")
    r = engine.handle_tls(p.server, out)
    state, wire, data, events = r
    assert (state, wire, data, events) == (r.state, r.out, r.data, r.events)
    assert data == b"named" and wire == b"" and events == () and state.read_seq == 1
    assert r == engine.Result(r.state, b"", b"named", ())


@given(data=st.data())
def test_every_intermediate_state_replays_the_same(data: st.DataObject) -> None:
    """Data records cut anywhere (partial records kept in the state): each
    intermediate state fed the same bytes again gives an equal Result."""
    p = _pair(data.draw(st.sampled_from(SUITES)))
    c, wire = engine.send_application_data(p.client, data.draw(st.binary(max_size=40000)))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=5)))
    s = p.server
    got = b""
    for a, b in zip([0, *cuts], [*cuts, len(wire)], strict=True):
        r = engine.handle_tls(s, wire[a:b])
        assert engine.handle_tls(s, wire[a:b]) == r and not r.state.failed
        s = r.state
        got += r.data
    assert s.pending == b"" and s.read_seq == c.write_seq
    assert got == engine.handle_tls(p.server, wire).data


@given(data=st.data())
def test_any_cut_of_application_data_gives_the_same_result(data: st.DataObject) -> None:
    suite = data.draw(st.sampled_from(SUITES))
    version = data.draw(st.sampled_from(("1.3", "1.2")))
    p = _pair(suite, version)
    c = p.client
    wire = b""
    sent = b""
    for _ in range(data.draw(st.integers(1, 4))):
        if version == "1.3" and data.draw(st.booleans()):
            c, out = engine.send_key_update(c, request_peer=False)
            wire += out
        msg = data.draw(st.binary(max_size=600))
        if msg:
            c, out = engine.send_application_data(c, msg)
            wire += out
            sent += msg
    if data.draw(st.booleans()):
        c, out = engine.send_close_notify(c)
        wire += out
    whole = engine.handle_tls(p.server, wire)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=6)))
    s = p.server
    got = b""
    events: list[object] = []
    for a, b in zip([0, *cuts], [*cuts, len(wire)], strict=True):
        r = engine.handle_tls(s, wire[a:b])
        assert not r.state.failed
        s = r.state
        got += r.data
        events.extend(r.events)
    assert got == sent == whole.data
    assert tuple(events) == whole.events
    # the same place (after a KeyUpdate the protection objects are new in
    # each run, equal keys but distinct objects: compare the secret)
    w = whole.state
    assert (s.read_seq, s.pending, s.read.secret, s.read_closed, s.hs, s.hsbuf.empty) == (
        w.read_seq, w.pending, w.read.secret, w.read_closed, w.hs, w.hsbuf.empty)
    assert s.read_seq == c.write_seq and s.read.secret == c.write.secret


def test_a_non_data_record_after_data_goes_the_general_way() -> None:
    p = _pair(SUITES[0])
    c, d1 = engine.send_application_data(p.client, b"abc")
    c, ku = engine.send_key_update(c, request_peer=False)
    c, d2 = engine.send_application_data(c, b"def")
    r = engine.handle_tls(p.server, d1 + ku + d2)
    assert r.data == b"abcdef" and not r.state.failed
    assert r.state.read_seq == 1  # new keys after the KeyUpdate, one record since
    assert any(isinstance(e, engine.KeyUpdated) for e in r.events)
    alert = engine.send_close_notify(p.client)[1]
    assert alert[0] == ContentType.APPLICATION_DATA  # the outer type hides the alert
    assert engine.handle_tls(p.server, alert).state.read_closed


def test_data_records_before_another_record_are_opened_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Data records followed by something else in one read (the last read
    of a stream ends with close_notify): the data path opens the data
    records and the general path goes on after them, never opening them
    again."""
    from nocrypto.tls_aead import TLS13AEAD

    p = _pair(SUITES[0])
    c, data = engine.send_application_data(p.client, bytes(40000))  # three records
    c, alert = engine.send_close_notify(c)
    opened: list[int] = []
    real = TLS13AEAD.open_application_data

    def counting(self: TLS13AEAD, seq: int, buf: bytes, limit: int) -> tuple[int, int, bytes]:
        r = real(self, seq, buf, limit)
        opened.append(r[0])
        return r

    monkeypatch.setattr(TLS13AEAD, "open_application_data", counting)
    r = engine.handle_tls(p.server, data + alert)
    assert r.data == bytes(40000) and r.state.read_closed and not r.state.failed
    assert sum(opened) == 3, opened
