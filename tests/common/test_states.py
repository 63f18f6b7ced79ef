"""The state-machine engine validates declarations at import and names one error for illegal moves."""

from __future__ import annotations

import pytest
from django.db import models

from sora_social.common.errors import Conflict
from sora_social.common.states import IllegalTransition, Machine, MachineDeclarationError, StaleTransition


class Light(models.TextChoices):
    RED = "red"
    GREEN = "green"
    AMBER = "amber"
    OFF = "off"


MOVES = {
    Light.RED: {Light.GREEN, Light.OFF},
    Light.GREEN: {Light.AMBER, Light.OFF},
    Light.AMBER: {Light.RED, Light.OFF},
    Light.OFF: set(),
}


def test_a_sound_declaration_answers_moves_sources_and_terminals():
    """Moves, the sources of a target (a set-based WHERE) and the terminal states come from one table."""
    light = Machine(name="light", states=Light, initial=Light.RED, moves=MOVES, terminal={Light.OFF})
    assert light.can_move("red", "green")
    assert not light.can_move("green", "red")
    assert light.sources_of(Light.OFF) == {"red", "green", "amber"}
    assert light.is_terminal("off")
    assert not light.is_terminal("amber")


def test_an_unreachable_state_is_refused_at_declaration():
    """A state no move leads to cannot be declared."""
    moves = {Light.RED: {Light.OFF}, Light.GREEN: {Light.OFF}, Light.AMBER: {Light.OFF}, Light.OFF: set()}
    with pytest.raises(MachineDeclarationError, match="unreachable states: \\['amber', 'green'\\]"):
        Machine(name="light", states=Light, initial=Light.RED, moves=moves)


def test_a_terminal_state_with_a_way_out_is_refused():
    """A state declared terminal must have no move out."""
    with pytest.raises(MachineDeclarationError, match="declared terminal"):
        Machine(name="light", states=Light, initial=Light.RED, moves=MOVES, terminal={Light.OFF, Light.AMBER})


def test_a_state_missing_from_the_table_and_an_unknown_target_are_refused():
    """Every state has a row, and every target is a state."""
    with pytest.raises(MachineDeclarationError, match="without a moves entry"):
        Machine(
            name="light", states=Light, initial=Light.RED, moves={Light.RED: {Light.OFF}, Light.OFF: set()}
        )
    with pytest.raises(MachineDeclarationError, match="unknown states: \\['blue'\\]"):
        Machine(name="light", states=Light, initial=Light.RED, moves={**MOVES, Light.OFF: {"blue"}})


def test_an_illegal_move_raises_the_one_409_error():
    """`check` raises IllegalTransition, a Conflict the API answers with 409 `illegal_transition`."""
    light = Machine(name="light", states=Light, initial=Light.RED, moves=MOVES)
    light.check("red", "green")
    with pytest.raises(IllegalTransition) as caught:
        light.check("off", "red", subject="the light")
    assert isinstance(caught.value, Conflict)
    assert caught.value.status == 409
    assert caught.value.code == "illegal_transition"
    assert caught.value.details == {"machine": "light", "from": "off", "to": "red"}
    assert issubclass(StaleTransition, IllegalTransition)


def test_the_mermaid_diagram_lists_every_move():
    """The generated diagram has the initial arrow, every declared move and every terminal arrow."""
    light = Machine(name="light", states=Light, initial=Light.RED, moves=MOVES)
    diagram = light.mermaid().splitlines()
    assert diagram[0] == "stateDiagram-v2"
    assert "    [*] --> red" in diagram
    assert "    amber --> red" in diagram
    assert "    off --> [*]" in diagram
    assert len(diagram) == 1 + 1 + 6 + 1
