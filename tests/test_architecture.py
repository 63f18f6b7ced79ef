"""The import direction of the apps holds: accounts → moderation → cameos → generation → feed → messaging."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["sora_social", "moderation", "cameos", "generation", "provenance", "feed", "messaging"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_apps_import_only_to_their_left():
    """No app imports an app to its right in the dependency order (signals go the other way)."""
    violations = []
    for rank, app in enumerate(ORDER):
        forbidden = set(ORDER[rank + 1 :])
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            bad = _imports(path) & forbidden
            if bad:
                violations.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not violations, "\n".join(violations)


def test_web_tier_imports_without_torch():
    """The ASGI app and URLconf load with torch made unimportable: ML stays in workers."""
    code = (
        "import sys; sys.modules['torch'] = None; sys.modules['open_clip'] = None; "
        "sys.modules['onnxruntime'] = None; sys.modules['dlib'] = None; "
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='sora_social.settings.test'; "
        "import sora_social.asgi; from django.urls import resolve; resolve('/api/v1/me'); print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")


def _enqueued_names() -> dict[str, str]:
    """Every literal task name passed to `enqueue_on_commit(...)` in the apps, with where it is."""
    found: dict[str, str] = {}
    for app in ORDER:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) == "enqueue_on_commit"
                ):
                    first = node.args[0] if node.args else None
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    assert isinstance(first, ast.Constant), f"{where} enqueues by something other than a name"
                    assert isinstance(first.value, str), f"{where} enqueues by something other than a name"
                    found[first.value] = where
    return found


def test_every_enqueued_name_is_a_registered_task():
    """Services enqueue tasks by name; each name must be a task the workers register."""
    from sora_social.celery import app

    app.loader.import_default_modules()
    names = _enqueued_names()
    assert len(names) >= 8
    missing = {name: where for name, where in names.items() if name not in app.tasks}
    assert not missing, missing
