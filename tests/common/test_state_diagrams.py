"""Each app's doc carries its state machine's diagram, generated from the one declaration."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils.module_loading import import_string

from sora_social.common.states import Machine, diagram_blocks

ROOT = Path(__file__).resolve().parents[2]
# Every stateful row of the product moves through one of these.
EXPECTED = {
    "generation.states.JOB_MACHINE": "GENERATION.md",
    "feed.states.POST_MACHINE": "FEED.md",
    "cameos.states.CAMEO_MACHINE": "CAMEOS.md",
    "moderation.states.CASE_MACHINE": "MODERATION.md",
    "messaging.states.THREAD_MACHINE": "MESSAGING.md",
    "messaging.states.MEMBER_MACHINE": "MESSAGING.md",
}


def _blocks() -> dict[str, tuple[str, str]]:
    found = {}
    for doc in sorted((ROOT / "docs").glob("*.md")):
        for path, body in diagram_blocks(doc.read_text()):
            found[path] = (doc.name, body)
    return found


def test_every_machine_has_its_diagram_in_its_apps_doc():
    """Jobs, posts, cameos and moderation cases each have a declared machine and a diagram in their doc."""
    found = _blocks()
    for path, doc in EXPECTED.items():
        assert isinstance(import_string(path), Machine), path
        assert path in found, f"{doc} has no diagram of {path}"
        assert found[path][0] == doc


@pytest.mark.parametrize("path", sorted(set(EXPECTED) | set(_blocks())))
def test_each_diagram_matches_its_declaration(path):
    """The diagram in the doc is exactly what the declaration draws (regenerate with state_diagrams --write)."""
    assert _blocks()[path][1] == import_string(path).mermaid()


def test_the_command_refuses_a_stale_diagram(tmp_path, settings):
    """`manage.py state_diagrams` fails on a doc whose diagram lost a move, and --write mends it."""
    (tmp_path / "docs").mkdir()
    path = "generation.states.JOB_MACHINE"
    fresh = import_string(path).mermaid()
    stale = "\n".join(line for line in fresh.splitlines() if "rendering --> checking_output" not in line)
    assert stale != fresh
    doc = tmp_path / "docs" / "X.md"
    doc.write_text(f"# X\n\n<!-- machine: {path} -->\n```mermaid\n{stale}\n```\n<!-- /machine -->\n")
    settings.BASE_DIR = tmp_path
    with pytest.raises(CommandError, match=r"stale diagrams in X\.md"):
        call_command("state_diagrams")
    call_command("state_diagrams", "--write")
    assert diagram_blocks(doc.read_text()) == [(path, fresh)]
