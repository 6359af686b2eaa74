"""The simulated Tétouan hub: ``SimulatedHub`` (hub.py) and the parts it is built from.

The modules are layered, each importing only those below it: ``hub`` over ``metrics``,
``faults`` and ``views``; ``faults`` over ``jobs``; ``jobs`` over ``jobgen`` and ``alloc``;
``jobgen`` over ``tenants``; ``power`` over ``weather``; ``views`` and ``faults`` over ``gpu``;
and ``events`` on its own. tests/test_import_contracts.py checks it.
"""

from console.hub.sim.hub import SCALES, SimulatedHub

__all__ = ["SCALES", "SimulatedHub"]
