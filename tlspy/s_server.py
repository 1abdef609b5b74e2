"""`tlspy s_server` (see tlspy.cli_tls)."""

from tlspy.cli_tls import main_server as main

__all__ = ["main"]
