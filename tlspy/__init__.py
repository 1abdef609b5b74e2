"""tlspy: a clean-slate TLS stack for Python.

The TLS engine and the ssl-compatible shell are still being built; see
README.md for what works today.
"""

__version__ = "0.1.0"
