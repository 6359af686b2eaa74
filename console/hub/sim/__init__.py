"""The simulated Tétouan hub: ``SimulatedHub`` (hub.py) and the parts it is built from.

The modules are layered, each importing only modules of the layers below it: ``hub``;
``faults``; ``metrics``, ``views``, ``jobs``, ``power``, ``events``; ``gpu``, ``alloc``,
``jobgen``, ``weather``; ``tenants`` (a contract in pyproject.toml's [tool.importlinter]).
"""

from console.hub.sim.hub import SCALES, SimulatedHub

__all__ = ["SCALES", "SimulatedHub"]
