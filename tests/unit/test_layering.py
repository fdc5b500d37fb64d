"""The dependency direction: core <- store <- ui <- cli. Checked on the source, by import."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "peertui"
# The one library core may use: msgspec's Structs are its records (no I/O, no UI).
CORE_LIBRARIES = {"msgspec"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_of(layer: str) -> list[Path]:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no modules in peertui/{layer}"
    return files


@pytest.mark.parametrize("path", modules_of("core"), ids=lambda p: p.name)
def test_core_is_pure(path: Path) -> None:
    for name in imported_modules(path):
        top = name.split(".")[0]
        if top == "peertui":
            assert name.startswith("peertui.core"), f"{path.name} imports {name}"
        else:
            assert top in sys.stdlib_module_names or top in CORE_LIBRARIES, (
                f"{path.name} imports {name}"
            )


@pytest.mark.parametrize("path", modules_of("store"), ids=lambda p: p.name)
def test_store_knows_nothing_of_the_ui(path: Path) -> None:
    for name in imported_modules(path):
        assert not name.startswith(("textual", "rich", "peertui.ui", "peertui.cli")), (
            f"{path.name} imports {name}"
        )


@pytest.mark.parametrize("path", modules_of("ui"), ids=lambda p: p.name)
def test_ui_does_not_import_the_cli(path: Path) -> None:
    for name in imported_modules(path):
        assert not name.startswith("peertui.cli"), f"{path.name} imports {name}"


def test_the_checker_sees_imports() -> None:
    # Guards the guard: a module that imports textual is reported.
    source = PACKAGE / "ui" / "app.py"
    assert "textual.app" in imported_modules(source)
