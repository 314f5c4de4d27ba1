"""The house rules, checked on the source: one direction of imports, no cycles, streamlit only in
``seqviz/ui/``, figure code without torch, and few modules left on the package's top level.

Imports are read with ``ast`` (lazy imports inside functions included: a cycle hidden in a function body is
still a cycle, it only fails later), not by importing, so the check costs nothing and sees every branch.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "seqviz"
TOP_LEVEL_LIMIT = 10  # modules directly under seqviz/, besides __init__.py and __main__.py


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` that can run: the body of ``if TYPE_CHECKING:`` is for type checkers only."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            for branch in node.orelse:
                yield branch
                yield from _runtime_nodes(branch)
            continue
        yield node
        yield from _runtime_nodes(node)


def imported_names(path: Path) -> list[str]:
    """Every module ``path`` imports where it can run: ``import a.b`` gives ``a.b``; ``from a import b``
    gives ``a.b`` where that is a module, else ``a``."""
    found = []
    for node in _runtime_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.append(submodule if submodule in MODULES else node.module)
    return found


def seqviz_graph() -> dict[str, set[str]]:
    return {
        name: {other for other in imported_names(path) if other in MODULES and other != name}
        for name, path in MODULES.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
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

    for node in graph:
        if node not in index:
            visit(node)
    return found


def is_package_init(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def test_the_cycle_finder_finds_a_cycle_through_a_lazy_import(tmp_path):
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    source = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from seqviz.models import trace\n"
        "def later():\n    from seqviz.explain.beam import beam_search\n"
    )
    tree_path = tmp_path / "lazy_import_probe.py"
    tree_path.write_text(source)
    assert imported_names(tree_path) == ["typing", "seqviz.explain.beam"]  # not the type-only import


def test_no_import_cycle_inside_seqviz():
    """A package's ``__init__`` re-exporting its modules is not a cycle that matters (the modules import
    siblings, not the package), so components made only through an ``__init__`` are reported apart."""
    graph = seqviz_graph()
    without_inits = {
        name: {other for other in targets if not is_package_init(other)}
        for name, targets in graph.items()
        if not is_package_init(name)
    }
    assert cycles(without_inits) == []


# The benchmark's light classroom client speaks Streamlit's wire protocol, whose message classes Streamlit
# ships (``streamlit.proto``: generated protobuf data classes, no Streamlit runtime). It may read those, and
# nothing else of Streamlit.
WIRE_FORMAT_READERS = ("seqviz.bench.light_client", "seqviz.bench.students")


def test_only_the_ui_imports_streamlit():
    offenders = [
        (name, other)
        for name, path in MODULES.items()
        if not name.startswith("seqviz.ui")
        for other in imported_names(path)
        if other.split(".")[0] == "streamlit"
        and not (name in WIRE_FORMAT_READERS and other.startswith("streamlit.proto"))
    ]
    assert offenders == []


def test_figure_code_never_imports_torch():
    """``seqviz.viz`` draws plain data: importing every one of its modules leaves torch unloaded (so a figure
    can be built in a process that never loaded a model), and none names torch, even lazily."""
    viz = [name for name in MODULES if name.startswith("seqviz.viz")]
    assert len(viz) > 5
    lazy = [
        name for name in viz if any(other.split(".")[0] == "torch" for other in imported_names(MODULES[name]))
    ]
    assert lazy == []
    code = f"import sys; import {', '.join(viz)}; assert 'torch' not in sys.modules, 'torch was loaded'"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_figure_code_imports_no_model_checkpoint_or_evaluator():
    allowed = ("seqviz.viz", "seqviz.errors", "seqviz.explain.results")  # results: plain data
    imports = {name: imported_names(MODULES[name]) for name in MODULES if name.startswith("seqviz.viz")}
    crossing = {
        name: sorted(
            {other for other in found if other.startswith("seqviz") and not other.startswith(allowed)}
        )
        for name, found in imports.items()
    }
    assert {name: found for name, found in crossing.items() if found} == {}


def test_at_most_ten_modules_on_the_top_level():
    top = sorted(
        path.name for path in PACKAGE.glob("*.py") if path.name not in ("__init__.py", "__main__.py")
    )
    assert len(top) <= TOP_LEVEL_LIMIT, top


@pytest.mark.parametrize(
    "room", ["training", "checkpoints", "explain", "export", "models", "data", "viz", "ui", "bench"]
)
def test_every_room_is_a_package_with_a_docstring(room):
    init = PACKAGE / room / "__init__.py"
    assert ast.get_docstring(ast.parse(init.read_text())), (
        f"seqviz/{room}/__init__.py says what the room holds"
    )


def test_the_readme_table_names_files_that_exist_and_every_room():
    """The README's "What is inside" table: each file it names is where it says (relative to its row's room,
    or a full ``seqviz/...`` path), and every room of the package has a row."""
    readme = (ROOT / "README.md").read_text()
    table = [line for line in readme.split("## What is inside", 1)[1].splitlines() if line.startswith("| ")][
        2:
    ]
    room = None
    named = 0
    for line in table:
        room_cell, files_cell = (cell.strip() for cell in line.strip("|").split(" | ")[:2])
        folder = re.search(r"`(seqviz/[\w/]*)`", room_cell)
        if folder:
            room = ROOT / folder.group(1)
        assert room is not None and room.is_dir(), line
        for name in re.findall(r"`([\w/*]+\.py)`", files_cell):
            base = ROOT if name.startswith("seqviz/") else room
            assert list(base.glob(name)), (
                f"the README names {name} in {room.relative_to(ROOT)}, which lacks it"
            )
            named += 1
    assert named > 40
    rooms = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    described = {folder for folder in rooms if f"`seqviz/{folder}/`" in readme}
    assert described == rooms


# Reading data back out of an English sentence: it breaks when the sentence is reworded or translated.
MESSAGE_PARSING = re.compile(
    r"""["']tab["'] in |\.split\(["']: ["'], 1\)|in \w+\.summary\b|\.message\.startswith|in \w+\.message\b"""
)


def test_no_code_reads_data_back_out_of_a_message():
    sources = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *MODULES.values()]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if MESSAGE_PARSING.search(line)
    ]
    assert found == []
    assert MESSAGE_PARSING.search('if view.stop_reason == "stopped" and "tab" in view.message:')
    assert MESSAGE_PARSING.search('note.split(": ", 1)[-1]') and MESSAGE_PARSING.search('"x" in info.summary')
