"""tlspy.core: the TLS wire vocabulary (enums, message values), the reader
and writer between bytes and values, record protection and key schedules.

Pure: nothing here does I/O, reads a clock or draws randomness.
"""
