"""The shape of the house: every app laid out the same way, talking through services and selectors.

These are the rules of docs/ARCHITECTURE.md ("The shape of an app") held
against the code by reading it (ast), without importing it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each app's package directory and its import name.
APPS = {
    "sora_social/notifications": "sora_social.notifications",
    "sora_social/accounts": "sora_social.accounts",
    "moderation": "moderation",
    "cameos": "cameos",
    "generation": "generation",
    "provenance": "provenance",
    "feed": "feed",
    "messaging": "messaging",
}
CODE = ("sora_social", "moderation", "cameos", "generation", "provenance", "feed", "messaging")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# Modules longer than the limit, each with its reason.
LONG_MODULES = {
    "sora_social/settings/base.py": "the settings: one flat, ordered list that env_table prints whole",
}
# Names of ORM writes; a selector that calls one is not a selector.
WRITES = {
    "save",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "delete",
    "select_for_update",
    "enqueue_on_commit",
    "send_user_event_on_commit",
}


# Not product code: migrations, and the stdlib scripts that build the
# evaluation set and the registries from their hand-written sources (run by
# hand; tests/moderation/test_eval_data.py holds their output to them).
NOT_PRODUCT = {"migrations", "__pycache__", "eval", "data"}


def _modules(*roots: str) -> list[Path]:
    return sorted(
        path
        for root in roots
        for path in (ROOT / root).rglob("*.py")
        if not NOT_PRODUCT & set(path.relative_to(ROOT).parts)
    )


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("app", sorted(APPS))
def test_every_app_has_the_same_shape(app):
    """services/ and selectors/ are packages that say what they hold; output is shaped in presenters."""
    base = ROOT / app
    for package in ("services", "selectors"):
        init = base / package / "__init__.py"
        assert init.is_file(), f"{app}/{package} is not a package"
        tree = _parse(init)
        assert ast.get_docstring(tree), f"{app}/{package}/__init__.py has no docstring saying what is where"
        assert not (base / f"{package}.py").exists(), f"{app}/{package}.py shadows the package"
    assert (base / "presenters.py").is_file(), f"{app} has no presenters module"
    assert ast.get_docstring(_parse(base / "__init__.py")), f"{app}/__init__.py has no module map"


def test_no_module_is_a_god_file():
    """No module over ~400 lines without a written reason."""
    long = {
        _rel(path): len(path.read_text().splitlines())
        for path in _modules(*CODE)
        if len(path.read_text().splitlines()) > MAX_MODULE_LINES
    }
    assert set(long) <= set(LONG_MODULES), {k: v for k, v in long.items() if k not in LONG_MODULES}


def _reason_given(path: Path, node: ast.AST) -> bool:
    """A long function says why in a `# long: <reason>` comment on or just above its def line."""
    lines = path.read_text().splitlines()
    first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
    window = lines[max(0, first - 3) : node.lineno + 1]
    return any("# long:" in line for line in window)


def test_no_function_runs_long_without_a_reason():
    """No function over ~60 lines unless it says why."""
    long = []
    for path in _modules(*CODE):
        for node in ast.walk(_parse(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = node.end_lineno - node.lineno + 1
                if size > MAX_FUNCTION_LINES and not _reason_given(path, node):
                    long.append(f"{_rel(path)}:{node.lineno} {node.name} ({size} lines)")
    assert not long, "\n".join(long)


def test_selectors_only_read():
    """Selectors never write a row, lock one, or enqueue work: that is what services are for."""
    found = []
    for app in APPS:
        for path in _modules(f"{app}/selectors"):
            for node in ast.walk(_parse(path)):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "attr", getattr(node.func, "id", None))
                    if name in WRITES:
                        found.append(f"{_rel(path)}:{node.lineno} calls {name}")
    assert not found, "\n".join(found)


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The module's imports, less those under `if TYPE_CHECKING:` (names for annotations only)."""
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If)
        and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in typing_only
    ]


def test_apps_reach_each_other_only_through_services_and_selectors():
    """No app imports another app's models at run time (the auth model `User` aside)."""
    found = []
    for app, name in APPS.items():
        others = {other for other in APPS.values() if other != name}
        for path in _modules(app):
            for node in _runtime_imports(_parse(path)):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    module = node.module
                    names = {alias.name for alias in node.names}
                elif isinstance(node, ast.Import):
                    module, names = None, set()
                    for alias in node.names:
                        if any(alias.name.startswith(f"{o}.models") for o in others):
                            found.append(f"{_rel(path)}:{node.lineno} imports {alias.name}")
                    continue
                else:
                    continue
                owner = next(
                    (o for o in others if module == f"{o}.models" or module.startswith(f"{o}.models.")), None
                )
                if owner is None:
                    continue
                if owner == "sora_social.accounts" and names <= {"User"}:
                    continue
                found.append(f"{_rel(path)}:{node.lineno} imports {sorted(names)} from {module}")
    assert not found, "\n".join(found)
