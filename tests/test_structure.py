"""The house's rules, read from the code's own imports: one-way imports, no import loop, no frames outside the
engine and the connectors, and a command line whose group alone knows every command."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("receivables", "connectors", "excel", "jobs", "cli")
COMMANDS = {"aging", "customers", "demo", "dso", "forecast", "init", "jobs", "notes", "plan", "privacy", "pull",
            "remind", "refresh", "secret", "workbook", "worklist"}


def _modules() -> dict[str, Path]:
    out = {}
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, *, top_level_only: bool) -> set[str]:
    """Modules ``name`` imports (absolute names), at module level only or anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            found.add(prefix)
            found.update(f"{prefix}.{a.name}" for a in node.names)
    return found


def _graph(top_level_only: bool) -> dict[str, set[str]]:
    modules = _modules()
    return {m: {i for i in _imports(m, p, top_level_only=top_level_only) if i in modules and i != m}
            for m, p in modules.items()}


def test_no_import_loop_among_the_product_modules():
    graph = _graph(top_level_only=True)
    state: dict[str, int] = {}
    loops = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                loops.append(stack[stack.index(n):] + [n] if n in stack else [m, n])
            elif n not in state:
                visit(n, stack + [n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    # a package importing its own submodules (``from . import x`` in __init__) is not a loop
    loops = [loop for loop in loops if not all(x.startswith(loop[0] + ".") or x == loop[0] for x in loop)]
    assert loops == []


def test_imports_go_one_way():
    graph = _graph(top_level_only=False)
    allowed = {"receivables": {"receivables"}, "connectors": {"connectors", "receivables"},
               "excel": {"excel", "receivables", "jobs"}, "jobs": {"jobs", "excel", "connectors", "receivables"},
               "cli": set(PRODUCT)}
    wrong = sorted((m, i) for m, deps in graph.items() for i in deps
                   if i.split(".")[0] not in allowed[m.split(".")[0]])
    assert wrong == []
    # only the buttons (a front) may call into jobs from excel/
    assert sorted(m for m, deps in graph.items() if m.startswith("excel") and any(
        d.startswith("jobs") for d in deps)) == ["excel.buttons"]
    assert not any(d.startswith("cli") for m, deps in graph.items() if not m.startswith("cli") for d in deps)


def test_frames_stay_in_the_engine_and_the_connectors():
    modules = _modules()
    offenders = sorted(m for m, p in modules.items() if m.split(".")[0] in ("jobs", "excel", "cli")
                       and {i.split(".")[0] for i in _imports(m, p, top_level_only=False)} & {"pandas", "numpy"})
    assert offenders == []
    engine_insides = {"receivables.frames", "receivables.asof", "receivables.aging", "receivables.dso",
                      "receivables.behaviour", "receivables.forecast"}
    graph = _graph(top_level_only=False)
    reaching_in = sorted((m, d) for m, deps in graph.items() if m.split(".")[0] in ("excel", "cli")
                         for d in deps if any(d == e or d.startswith(e + ".") for e in engine_insides))
    assert reaching_in == []


def test_the_command_line_group_alone_lists_every_command():
    code = "from cli import cli; print(' '.join(sorted(cli.commands)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert set(out.stdout.split()) == COMMANDS
