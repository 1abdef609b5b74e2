"""`tlspy s_client` (see tlspy.cli_tls)."""

from tlspy.cli_tls import main_client as main

__all__ = ["main"]
