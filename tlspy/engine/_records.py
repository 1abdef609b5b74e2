"""Writing records from a State: handshake flights, CCS, alerts, data."""

from __future__ import annotations

from tlspy.core.enums import ContentType
from tlspy.core.record import fragment_records
from tlspy.engine.state import State

CCS_RECORD = b"\x14\x03\x03\x00\x01\x01"


def seal(st: State, content_type: int, data: bytes | bytearray | memoryview) -> tuple[State, bytes]:
    """``data`` as records of ``content_type`` under the current write keys
    (plaintext records if none are installed yet; one empty record for empty
    data).  With nocrypto keys this is one C call per record into one
    buffer; other AEADs and TLS 1.2 go record by record in Python."""
    w = st.write
    seq = st.write_seq
    fast = w.fast  # set only with keys installed
    if fast is not None:
        n = len(data)
        step = st.send_limit
        if n <= step:  # one record (the usual data write): the simpler call
            return st.sent(seq + 1), fast.seal(seq, content_type, data)
        return st.sent(seq + -(-n // step)), fast.seal_records(
            seq, content_type, data, step)
    if w.protection is None:
        return st, fragment_records(content_type, 0x0303, bytes(data))
    step = st.send_limit
    data = bytes(data)
    records = []
    chunks = [data[i : i + step] for i in range(0, len(data), step)] or [b""]
    for chunk in chunks:
        records.append(w.protection.encrypt(seq, content_type, chunk))
        seq += 1
    return st.evolve(write_seq=seq), b"".join(records)


def seal_handshake(st: State, messages: bytes) -> tuple[State, bytes]:
    return seal(st, ContentType.HANDSHAKE, messages)
