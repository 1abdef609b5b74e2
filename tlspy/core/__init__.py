"""tlspy.core: the TLS wire vocabulary and the pieces the engine is built from.

Pure: nothing here does I/O, reads a clock or draws randomness.

- ``enums``: IntEnums for versions, content types, alerts, handshake types,
  cipher suites, groups, signature schemes, extensions ...; ``to_enum`` keeps
  unknown codepoints as plain ints.
- ``messages``: frozen, slotted values for every handshake message and
  extension (``find_extension`` picks one from a block).
- ``reader``: ``parse_handshake(data, version=..., kex=...)`` and friends,
  strict; every failure is a ``TLSDecodeError`` carrying the alert to send.
  ``check_tls13_extensions`` enforces RFC 8446 4.2's placement table.
- ``writer``: ``assemble_handshake(msg)`` and friends; also the signed
  contents of CertificateVerify (1.3) and ServerKeyExchange params (1.2).
- ``record``: ``parse_records`` (incremental), ``HandshakeBuffer``
  (reassembly), ``fragment_records``, RFC 8449 limits, and the immutable
  ``RecordProtection13`` / ``RecordProtection12`` (AEAD) objects;
  ``record_cbc.RecordProtection12CBC`` for the CBC suites (MtE and EtM).
- ``protect``: protection objects from a suite and a secret / key block.
- ``keyschedule``: TLS 1.3 (HKDF-Expand-Label, Derive-Secret, every secret,
  traffic keys, Finished, KeyUpdate, exporters, resumption PSK) and TLS 1.2
  (PRF, master secret, EMS, key block, Finished, RFC 5705 exporter), and the
  immutable ``Transcript``.
- ``suites``: what each cipher suite means (``SUITES``, ``suite_info``).
- ``errors``: ``TLSError`` (``.alert``) > ``TLSDecodeError`` (``.field``),
  ``TLSRecordError``.
"""
