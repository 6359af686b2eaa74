"""The hub's process started ahead: what the console imports for it before its first frame."""

from __future__ import annotations

from console.hub import params, scales
from tests.fresh_imports import imported_after


def test_the_scales_are_the_hub_parameters_own() -> None:
    assert params.SCALES is scales.SCALES


def test_checking_a_sim_url_imports_no_hub_parameter() -> None:
    """console.hub.params (frozen dataclasses, every figure of the simulated hub) is the hub
    process's to import: prestart reads the scale presets alone."""
    code = ("from console.hub.prestart import parse_sim_url\n"
            "assert parse_sim_url('sim://hall?seed=3') == ('hall', 3)\n")
    assert imported_after(code, ("console.hub.params", "console.hub.topology",
                                 "console.hub.sim")) == []
