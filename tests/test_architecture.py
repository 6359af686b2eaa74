"""Import contract: the core (console/) never imports Qt, pyqtgraph or widgets/; nothing in
console/ or widgets/ but the simulated source imports the simulator (console/hub)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_console_core_is_qt_free() -> None:
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "console").rglob("*.py")
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'widgets', 'shiboken6')]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the simulator (console/hub) sits beside the core, not under it ---------------------------

HUB = "console.hub"
HUB_ALLOWED = {Path("console/hub"), Path("console/sources/sim.py")}
"""What may import the simulator: the simulator itself and the built-in simulated source."""


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imported(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module an ``import`` or ``from ... import`` anywhere in ``tree`` names (function-
    local imports too), relative imports resolved against ``module``; ``from a import b`` names
    both ``a`` and ``a.b`` (``b`` may be a submodule). Also ``importlib.import_module`` and
    ``__import__`` calls with a literal name."""
    found: list[tuple[int, str]] = []
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{a.name}") for a in node.names if a.name != "*"]
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__"))
            )
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def _hub_imports(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """The lines of ``source`` that import console.hub (or a module of it), one name each."""
    first: dict[int, str] = {}
    for line, name in _imported(ast.parse(source), module, is_package):
        if name == HUB or name.startswith(HUB + "."):
            first.setdefault(line, name)
    return sorted(first.items())


def test_hub_import_check_catches_every_form() -> None:
    """The check below sees each way a module can reach console.hub."""
    cases = {
        "import console.hub.sim\n": 1,
        "import console.hub as h\n": 1,
        "from console.hub.openapi import POWER_FIELDS\n": 1,
        "from console.hub import params\n": 1,
        "from console import hub\n": 1,
        "from .hub.params import SCALES\n": 1,
        "def f():\n    from console.hub.params import SCALES\n    return SCALES\n": 1,
        "class C:\n    def m(self):\n        import console.hub.server\n": 1,
        "import importlib\nimportlib.import_module('console.hub.sim')\n": 1,
        "from console.contract import POWER_FIELDS\nimport console.hubbub\n": 0,
        "from console import contract, model\n": 0,
        "from .sources import sim\n": 0,
    }
    for source, expected in cases.items():
        assert len(_hub_imports(source, "console.decode")) == expected, source
    assert _hub_imports("from ..hub import sim\n", "console.sources.slurm")
    assert not _hub_imports("from . import sim\n", "console.sources.slurm")
    assert _hub_imports("from .hub import sim\n", "console", is_package=True)


def test_core_and_widgets_never_import_the_simulator() -> None:
    """console/ (outside console/hub and the simulated source) and widgets/ take the hub API
    contract from console.contract, never from the simulator."""
    files = sorted([*(ROOT / "console").rglob("*.py"), *(ROOT / "widgets").rglob("*.py")])
    assert len(files) > 20
    bad = []
    for path in files:
        rel = path.relative_to(ROOT)
        if any(rel == a or a in rel.parents for a in HUB_ALLOWED):
            continue
        source = path.read_text(encoding="utf-8")
        for line, name in _hub_imports(source, _module_name(path), path.name == "__init__.py"):
            bad.append(f"{rel}:{line}: {name}")
    assert not bad, "imports the simulator (take the contract from console.contract):\n" + "\n".join(bad)


def test_contract_imports_nothing_of_the_core_or_the_simulator() -> None:
    """console/contract.py stands under both sides: it imports only the standard library."""
    path = ROOT / "console" / "contract.py"
    names = {name for _, name in _imported(ast.parse(path.read_text(encoding="utf-8")), "console.contract", False)}
    ours = {n for n in names if n.split(".")[0] in ("console", "widgets", "main", "bench", "tests")}
    assert not ours, sorted(ours)
    third_party = {n.split(".")[0] for n in names} - set(sys.stdlib_module_names) - {"__future__"}
    assert not third_party, sorted(third_party)


# --- no import cycles among the core's modules ---------------------------------------------------

def _import_graph(root: str = "console") -> dict[str, set[str]]:
    """Module -> the modules of ``root`` it imports: every ``import`` anywhere in it (function-
    local and TYPE_CHECKING imports too, since each ties the two modules' designs), with
    ``from a import b`` naming the module ``a.b`` where there is one, else ``a``."""
    paths = {_module_name(p): p for p in sorted((ROOT / root).rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        names = _imported(ast.parse(path.read_text(encoding="utf-8")), module,
                          path.name == "__init__.py")
        by_line: dict[int, set[str]] = {}
        for line, name in names:
            by_line.setdefault(line, set()).add(name)
        targets = set()
        for group in by_line.values():
            for name in group:
                subs = [n for n in group if n.startswith(name + ".")]
                if subs and all(n in paths for n in subs):
                    continue  # ``from a import b, c`` of submodules names the modules, not ``a``
                while name and name not in paths:
                    name = name.rpartition(".")[0]
                if name and name != module:
                    targets.add(name)
        graph[module] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph``: each strongly connected component of more than one
    module (Tarjan's algorithm, iterative), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def test_cycle_check_finds_cycles() -> None:
    """The check below sees a two-module and a three-module cycle, and nothing in a chain."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    graph = {"console.x": {"console.y"}, "console.y": {"console.x"}}
    assert _cycles(graph) == [["console.x", "console.y"]]
    # The handover's old cycle: handover imported handover_kpis, which imported handover's
    # ShiftWindow under TYPE_CHECKING.
    old = {"console.handover": {"console.handover_kpis"},
           "console.handover_kpis": {"console.handover"}}
    assert _cycles(old) == [["console.handover", "console.handover_kpis"]]


def test_no_import_cycles_in_the_core() -> None:
    """console/ imports in one direction: no module of it (the handover, the cache, the
    simulated hub included) sits in an import cycle."""
    graph = _import_graph()
    assert "console.handover.kpis" in graph and "console.cache.store" in graph
    assert not _cycles(graph), _cycles(graph)
