"""How the code is laid out. Helpers shared by several test modules live in
tests/support/ (fixtures in conftest.py), so no test module reaches into
another's privates and a test module can be moved or deleted on its own; a
template block of several lines says which block it ends (Django's style); and
every Django app is in the import layers, its views guarded (pyproject.toml)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

TESTS = Path(__file__).resolve().parent
TEMPLATES = TESTS.parent / "habeas"
PYPROJECT = TESTS.parent / "pyproject.toml"


def _imported_modules(path: Path, root: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved as if `root` were
    the tests package."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            package = ".".join(["tests", *path.parent.relative_to(root).parts])
            base = f"{package}.{node.module or ''}" if node.level else node.module or ""
            names.add(base.rstrip("."))
            names.update(f"{base.rstrip('.')}.{alias.name}" for alias in node.names)
    return names


def _test_module_imports(root: Path) -> list[str]:
    """ "<file> imports <test module>" for each test module a file under `root` imports."""
    found = set()
    for path in root.rglob("*.py"):
        for name in _imported_modules(path, root):
            parts = name.split(".")
            for i, part in enumerate(parts[1:], start=2):
                if parts[0] == "tests" and part.startswith("test_"):
                    found.add(f"{path.relative_to(root)} imports {'.'.join(parts[:i])}")
                    break
    return sorted(found)


def test_no_module_of_the_tests_imports_a_test_module():
    assert _test_module_imports(TESTS) == []


def test_the_check_sees_absolute_and_relative_imports_of_a_test_module(tmp_path):
    (tmp_path / "test_a.py").write_text("from tests.test_b import helper\n")
    (tmp_path / "test_c.py").write_text("from .test_b import helper\n")
    (tmp_path / "test_d.py").write_text("import tests.test_b\n")
    (tmp_path / "test_e.py").write_text("from tests.support.evidence import add\n")

    found = _test_module_imports(tmp_path)

    assert len(found) == 3
    assert not any(line.startswith("test_e.py") for line in found)


_BLOCK_TAG = re.compile(r"{%-?\s*(?:block\s+(\w+)|endblock(?:\s+(\w+))?)\s*-?%}")


def _unnamed_endblocks(text: str) -> list[str]:
    """The blocks of several lines that end with a bare {% endblock %}."""
    found, open_blocks = [], []
    for tag in _BLOCK_TAG.finditer(text):
        if tag.group(1):
            open_blocks.append((tag.group(1), tag.end()))
            continue
        name, start = open_blocks.pop()
        if tag.group(2) is None and "\n" in text[start : tag.start()]:
            found.append(name)
    return found


def test_a_block_of_several_lines_names_the_block_it_ends():
    unnamed = {
        str(path.relative_to(TEMPLATES)): names
        for path in sorted(TEMPLATES.rglob("templates/**/*.html"))
        if (names := _unnamed_endblocks(path.read_text()))
    }
    assert unnamed == {}


def test_the_template_check_sees_a_bare_endblock_after_several_lines():
    text = "{% block title %}T{% endblock %}\n{% block content %}\n<p>\n{% endblock %}"
    assert _unnamed_endblocks(text) == ["content"]


def _named_by(expression: str, module: str) -> bool:
    """Whether an import-linter module expression ("habeas.*.views") names `module`."""
    pattern = re.escape(expression).replace(r"\*\*", "[^.]+(?:\\.[^.]+)*").replace(r"\*", "[^.]+")
    return re.fullmatch(pattern, module) is not None


def _unguarded_apps(package: Path, config: dict) -> list[str]:
    """Each Django app of `package` (a directory with an apps.py) the layers contract
    leaves out, and each app's views no protected contract keeps from other apps:
    a new app would otherwise import anything and be imported by anything."""
    contracts = config["contracts"]
    layered = {
        module.strip()
        for contract in contracts
        if contract["type"] == "layers"
        for layer in contract["layers"]
        for module in re.split(r"[|:]", layer)
    }
    protected = [
        expression
        for contract in contracts
        if contract["type"] == "protected"
        for expression in contract["protected_modules"]
    ]
    found = []
    for apps in sorted(package.glob("*/apps.py")):
        app = f"{package.name}.{apps.parent.name}"
        if app not in layered:
            found.append(f"{app} is in no layer")
        has_views = (apps.parent / "views.py").exists() or (apps.parent / "views").is_dir()
        views = f"{app}.views"
        if has_views and not any(_named_by(expression, views) for expression in protected):
            found.append(f"{views} is protected by no contract")
    return found


def test_every_app_is_in_the_layers_and_its_views_are_protected():
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    assert _unguarded_apps(TEMPLATES, config) == []


def test_the_layout_check_sees_an_app_left_out(tmp_path):
    package = tmp_path / "habeas"
    for app in ("cases", "lab", "ops"):
        (package / app).mkdir(parents=True)
        (package / app / "apps.py").write_text("")
        (package / app / "views.py").write_text("")
    (package / "lib").mkdir()
    config = {
        "contracts": [
            {"type": "layers", "layers": ["habeas.ops | habeas.demo", "habeas.cases"]},
            {"type": "protected", "protected_modules": ["habeas.cases.views"]},
            {"type": "protected", "protected_modules": ["habeas.ops.views"]},
        ]
    }

    assert _unguarded_apps(package, config) == [
        "habeas.lab is in no layer",
        "habeas.lab.views is protected by no contract",
    ]
    config["contracts"].append({"type": "protected", "protected_modules": ["habeas.*.views"]})
    assert _unguarded_apps(package, config) == ["habeas.lab is in no layer"]
