"""What a piece of the console imports: code run in a fresh interpreter at the project's root,
and which of the modules named it left imported (those a first frame or a light command must
not wait for)."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_after(code: str, modules: Iterable[str],
                   env: Mapping[str, str] | None = None) -> list[str]:
    """The ``modules`` imported once ``code`` has run (in a new interpreter, which must exit
    cleanly), sorted; ``env``: the interpreter's environment (this one's by default)."""
    names = tuple(modules)
    probe = (f"{code}\nimport sys as _sys\n"
             f"print(sorted(m for m in {names!r} if m in _sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=120, cwd=ROOT, env=None if env is None else dict(env))
    assert out.returncode == 0, out.stderr
    found = ast.literal_eval(out.stdout.strip().splitlines()[-1])
    assert isinstance(found, list)
    return found
