"""The typed environment loader, and the README's table of variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from sora_social.settings import env


def test_every_variable_is_in_the_readme():
    """Each variable the settings read appears in the README's table (regenerate with env_table)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [name for name in env.REGISTRY if f"`{name}`" not in readme]
    assert not missing, f"README lacks {missing}; paste `manage.py env_table` into it"


def test_typed_parsing(monkeypatch):
    """Booleans, ints and lists parse; a bad value is a clear error naming the variable."""
    monkeypatch.setenv("T_BOOL", "yes")
    monkeypatch.setenv("T_INT", "42")
    monkeypatch.setenv("T_LIST", "a, b,,c")
    assert env.env_bool("T_BOOL", False, "doc") is True
    assert env.env_int("T_INT", 1, "doc") == 42
    assert env.env_list("T_LIST", [], "doc") == ["a", "b", "c"]
    monkeypatch.setenv("T_BAD", "maybe")
    with pytest.raises(env.EnvError, match="T_BAD"):
        env.env_bool("T_BAD", False, "doc")
    monkeypatch.setenv("T_BADINT", "4x")
    with pytest.raises(env.EnvError, match="T_BADINT"):
        env.env_int("T_BADINT", 1, "doc")
    for name in ("T_BOOL", "T_INT", "T_LIST", "T_BAD", "T_BADINT"):
        env.REGISTRY.pop(name, None)


def test_database_url_parsing():
    """DATABASE_URL forms, including a Unix socket directory, map onto Django's settings."""
    from sora_social.embedded_db import parse_database_url

    entry = parse_database_url("postgres://u:p%40ss@db.example:6543/sora?sslmode=require")
    assert (entry["USER"], entry["PASSWORD"], entry["HOST"], entry["PORT"], entry["NAME"]) == (
        "u",
        "p@ss",
        "db.example",
        "6543",
        "sora",
    )
    assert entry["OPTIONS"] == {"sslmode": "require"}
    socket = parse_database_url("postgresql://postgres:@/postgres?host=/tmp/pg")
    assert socket["HOST"] == "/tmp/pg"
    with pytest.raises(ValueError, match="postgres"):
        parse_database_url("mysql://x@y/z")


def test_env_table_prints_the_readme_table(capsys):
    """`manage.py env_table` prints one row per variable, and each row stands in the README as printed."""
    from django.core.management import call_command

    call_command("env_table")
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| `")]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert len(rows) == len(env.REGISTRY)
    assert [row for row in rows if row not in readme] == []
