"""The layering of triage/: arrows point down, no module imports one that imports it back, and
the parts of the console that are pure layout start without Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "triage"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_imports(path: Path) -> set[str]:
    """The triage modules `path` imports when it runs (imports under `if TYPE_CHECKING:` name
    types only and are left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("triage"))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    mod = ".".join(base + ([child.module] if child.module else []))
                else:
                    mod = child.module or ""
                if mod.startswith("triage"):
                    found.add(mod)
                    for a in child.names:  # `from . import x` names a module
                        found.add(f"{mod}.{a.name}")
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in ROOT.rglob("*.py")}
    return {
        m: {i for i in _runtime_imports(p) if i in modules and i != m} for m, p in modules.items()
    }


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycles.append(stack[stack.index(n) :] + [n])
            elif n not in state:
                walk(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            walk(m)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


# (module prefix, what it may not import)
RULES = [
    ("triage.cable", ("triage.store", "triage.tui", "triage.cli", "triage.config")),
    ("triage.store", ("triage.tui", "triage.cli")),
    ("triage.tui.widgets", ("triage.tui.screens", "triage.tui.app")),
    ("triage.tui.screens", ("triage.tui.app",)),
    ("triage.tui.text", ("triage.tui.screens", "triage.tui.widgets", "triage.tui.app")),
    ("triage.tui.messages", ("triage.tui.screens", "triage.tui.widgets", "triage.tui.app")),
]


@pytest.mark.parametrize(("prefix", "forbidden"), RULES)
def test_arrows_point_down(prefix: str, forbidden: tuple[str, ...]) -> None:
    graph = _graph()
    wrong = [
        f"{m} imports {i}"
        for m, imports in graph.items()
        if m == prefix or m.startswith(prefix + ".")
        for i in imports
        if any(i == f or i.startswith(f + ".") for f in forbidden)
    ]
    assert not wrong, wrong


def test_the_console_has_one_module_per_screen_and_widget() -> None:
    tui = ROOT / "tui"
    for name in ("list", "cable", "dialogs", "workflow"):
        assert (tui / "screens" / f"{name}.py").is_file()
    for name in ("cable_list", "bars"):
        assert (tui / "widgets" / f"{name}.py").is_file()
    app = ast.parse((tui / "app.py").read_text(encoding="utf-8"))
    classes = [n.name for n in app.body if isinstance(n, ast.ClassDef)]
    assert classes == ["TriageApp"]


@pytest.mark.parametrize(
    "modules",
    [
        "triage.cable, triage.cable.parse",
        # the data layer and the command line (parse, ingest, export... start without the UI)
        "triage.store, triage.store.ingest, triage.store.views, triage.store.workflow, "
        "triage.store.export, triage.store.watch, triage.visible, triage.cli",
        # the console's text layout is tested without an app
        "triage.tui.text, triage.tui.safe, triage.tui.system, triage.tui.navigator, "
        "triage.tui.clipboard, triage.store.presence",
    ],
)
def test_layers_below_the_widgets_do_not_import_textual(modules: str) -> None:
    code = f"import sys, {modules}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
