"""cffi builder for ``nocrypto._native`` (API mode, out of line).

Every ``nocrypto/csrc/*.c`` is compiled into the one extension module, so a
new primitive is a new pair of files and nothing else changes here.

Each header that Python should see declares that API between a line
``/* cffi:begin */`` and a line ``/* cffi:end */``.  The text in between goes
to ``ffi.cdef`` unchanged, so it must be C that cffi can parse: fixed-width
integer types, literal array sizes, no macros.  Context structs may be given
in full there; cffi then checks their layout against the compiler's.

Run directly (``python nocrypto/_build.py``) to build in place; setup.py
names ``ffibuilder`` for wheel builds.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from cffi import FFI

ROOT = Path(__file__).resolve().parent.parent
CSRC = Path("nocrypto") / "csrc"
_SECTION = re.compile(r"/\* cffi:begin \*/\n(.*?)/\* cffi:end \*/", re.S)

# -Werror keeps our C honest; the few flags after it quiet warnings that
# only cffi's generated glue raises.
CFLAGS = [
    "-std=c99",
    "-O2",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wno-unused-parameter",
    "-fno-strict-aliasing",
]


def _headers() -> list[Path]:
    """The API headers: those with a cffi block.  Internal headers stay
    private to the C files that include them."""
    return [h for h in sorted((ROOT / CSRC).glob("*.h")) if _SECTION.search(h.read_text())]


def _sources(base: Path) -> list[str]:
    return [str(base / CSRC / p.name) for p in sorted((ROOT / CSRC).glob("*.c"))]


def cdef_text() -> str:
    parts = []
    for header in _headers():
        for block in _SECTION.findall(header.read_text()):
            parts.append(f"/* {header.name} */\n{block}")
    return "\n".join(parts)


def make_builder(base: Path) -> FFI:
    """A builder whose source paths are relative to base (wheel builds need
    them relative to the project; cffi's own compile runs elsewhere)."""
    builder = FFI()
    builder.cdef(cdef_text())
    includes = "\n".join(f'#include "{h.name}"' for h in _headers())
    builder.set_source(
        "nocrypto._native",
        includes,
        sources=_sources(base),
        include_dirs=[str(ROOT / CSRC)],
        extra_compile_args=CFLAGS,
    )
    return builder


os.chdir(ROOT)
ffibuilder = make_builder(Path("."))


def build_in_place() -> None:
    """Compile into build/ and copy the module next to this file."""
    out = make_builder(ROOT).compile(tmpdir=str(ROOT / "build" / "cffi"), verbose=False)
    target = ROOT / "nocrypto" / Path(out).name
    shutil.copy2(out, target)
    print(f"built {target.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    build_in_place()
