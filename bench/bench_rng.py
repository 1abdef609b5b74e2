"""nocrypto.rng.random_bytes (Fortuna over AES-256-CTR) beside os.urandom
(the kernel's getrandom) measured in the same run."""

from __future__ import annotations

import os
from functools import partial

from bench.common import Table, alternate, mbps, ratio
from nocrypto.rng import random_bytes

SIZES = (16384, 1024, 32)


def run() -> None:
    table = Table("random bytes (MB/s)", ["request", "nocrypto", "os.urandom", "ratio"])
    random_bytes(1)  # seed the default instance outside the timing
    for size in SIZES:
        rates = alternate({"ours": partial(random_bytes, size),
                           "kernel": partial(os.urandom, size)})
        ours, kernel = mbps(rates["ours"], size), mbps(rates["kernel"], size)
        table.row(f"{size} B", ours, kernel, ratio(ours, kernel))
