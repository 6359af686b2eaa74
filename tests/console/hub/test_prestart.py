"""The hub's process started ahead: what the console imports for it before its first frame."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from console.hub import params, scales


def test_the_scales_are_the_hub_parameters_own() -> None:
    assert params.SCALES is scales.SCALES


def test_checking_a_sim_url_imports_no_hub_parameter() -> None:
    """console.hub.params (frozen dataclasses, every figure of the simulated hub) is the hub
    process's to import: prestart reads the scale presets alone."""
    code = (
        "import sys\n"
        "from console.hub.prestart import parse_sim_url\n"
        "assert parse_sim_url('sim://hall?seed=3') == ('hall', 3)\n"
        "print(sorted(m for m in ('console.hub.params', 'console.hub.topology',\n"
        "    'console.hub.sim') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=Path(__file__).resolve().parents[3])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
