"""The one state-machine engine: declared machines, one guarded transition, set-based moves.

Every stateful row in the product (generation jobs, posts, cameos, moderation
cases) moves only through a `Machine` declared once, next to its states::

    JOB = Machine(
        name="generation.job",
        states=JobState,
        initial=JobState.QUEUED,
        moves={JobState.QUEUED: {JobState.CHECKING_PROMPT, ...}, ...},
    )

The declaration is validated when it is built, so at import: every state is
named in `moves`, every target is a state, every state is reachable from an
initial state, and terminal states (no move out) are exactly those declared
`terminal` when that is given.

`transition()` takes the row lock, checks the move, writes it with an
optimistic state guard (`UPDATE … WHERE pk = %s AND state = <source>`) and
sends `state_changed` on commit. `bulk_transition()` moves a set of rows in one
UPDATE whose `WHERE state IN (…)` comes from the same declaration. An illegal
move raises `IllegalTransition`, which the API answers with 409.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.module_loading import import_string

from sora_social.common.errors import Conflict

M = TypeVar("M", bound=models.Model)

# Sent on commit after every move, single or set-based: sender is the model
# class; kwargs `machine` (the Machine), `pks` (list of moved primary keys),
# `source` (the state moved from, or None for a set-based move from several),
# `target`.
state_changed = Signal()


# Every declared machine by name, filled as declarations are imported.
MACHINES: dict[str, Machine] = {}


class IllegalTransition(Conflict):
    """A move the machine does not declare; the API answers 409 `illegal_transition`."""

    code = "illegal_transition"
    default_message = "This cannot be done in the object's current state."


class StaleTransition(IllegalTransition):
    """The row is no longer in the state the caller worked from (it lost a race)."""

    code = "stale_transition"
    default_message = "The object changed meanwhile; reload it and try again."


class MachineDeclarationError(Exception):
    """A machine declaration that cannot be right; raised at import."""


@dataclass(frozen=True)
class Machine:
    """A declared state machine: its states, legal moves and terminal states."""

    name: str
    states: type[models.TextChoices]
    initial: str | Iterable[str]
    moves: Mapping[str, Iterable[str]]
    terminal: Iterable[str] | None = None
    column: str = "state"
    changed_at: str | None = "state_changed_at"
    # Filled in by __post_init__ from the declaration.
    table: Mapping[str, frozenset[str]] = field(init=False)
    initials: frozenset[str] = field(init=False)
    finals: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        known = [str(value) for value in self.states.values]
        initials = frozenset({str(self.initial)} if isinstance(self.initial, str) else map(str, self.initial))
        table = {str(source): frozenset(map(str, targets)) for source, targets in self.moves.items()}
        problems: list[str] = []
        missing = sorted(set(known) - set(table))
        if missing:
            problems.append(f"states without a moves entry: {missing}")
        unknown = sorted((set(table) | initials | {t for ts in table.values() for t in ts}) - set(known))
        if unknown:
            problems.append(f"unknown states: {unknown}")
        finals = frozenset(state for state, targets in table.items() if not targets)
        if self.terminal is not None and frozenset(map(str, self.terminal)) != finals:
            problems.append(
                f"declared terminal {sorted(map(str, self.terminal))} but states without moves are {sorted(finals)}"
            )
        reached = set(initials)
        frontier = list(initials)
        while frontier:
            for target in table.get(frontier.pop(), ()):
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
        unreachable = sorted(set(known) - reached)
        if unreachable:
            problems.append(f"unreachable states: {unreachable}")
        if problems:
            raise MachineDeclarationError(f"machine {self.name}: " + "; ".join(problems))
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "initials", initials)
        object.__setattr__(self, "finals", finals)
        MACHINES[self.name] = self

    # --- reading the declaration ---------------------------------------------

    def can_move(self, source: str, target: str) -> bool:
        return str(target) in self.table.get(str(source), frozenset())

    def targets_of(self, source: str) -> frozenset[str]:
        return self.table.get(str(source), frozenset())

    def sources_of(self, target: str) -> frozenset[str]:
        """The states from which a move to `target` is legal (the WHERE of a set-based move)."""
        return frozenset(source for source, targets in self.table.items() if str(target) in targets)

    def is_terminal(self, state: str) -> bool:
        return str(state) in self.finals

    def check(self, source: str, target: str, *, subject: str = "") -> None:
        if not self.can_move(source, target):
            raise IllegalTransition(
                f"{subject or self.name} cannot go from {source} to {target}.",
                details={"machine": self.name, "from": str(source), "to": str(target)},
            )

    def mermaid(self) -> str:
        """The machine as a Mermaid state diagram (docs carry it; a test keeps them equal)."""
        lines = ["stateDiagram-v2"]
        lines += [f"    [*] --> {state}" for state in sorted(self.initials)]
        for source in [str(v) for v in self.states.values]:
            lines += [f"    {source} --> {target}" for target in sorted(self.table[source])]
        lines += [f"    {state} --> [*]" for state in sorted(self.finals)]
        return "\n".join(lines)


def _send_on_commit(
    machine: Machine, model: type[models.Model], pks: list[Any], source: str | None, target: str
) -> None:
    if not pks:
        return
    transaction.on_commit(
        lambda: state_changed.send(sender=model, machine=machine, pks=pks, source=source, target=target)
    )


def transition(
    machine: Machine,
    queryset: QuerySet[M],
    *,
    pk: Any,
    to: str,
    expect: Iterable[str] | None = None,
    check: Callable[[M], None] | None = None,
    fields: Mapping[str, Any] | Callable[[M, str], Mapping[str, Any]] | None = None,
    subject: str = "",
) -> M:
    """Move one row to `to`: row lock, declared-move check, guarded write, signal on commit.

    `expect`: the states the caller worked from; a row in another state raises
    `StaleTransition` (the caller lost a race). `check(row)` may refuse with an
    error of its own after the lock. `fields` (a mapping, or a function of the
    locked row and the source state) are written in the same UPDATE.
    Returns the row with the new values set.
    """
    with transaction.atomic():
        row = queryset.select_for_update().get(pk=pk)
        source = str(getattr(row, machine.column))
        if expect is not None and source not in {str(s) for s in expect}:
            raise StaleTransition(
                f"{subject or machine.name} {pk} is {source}.",
                details={"machine": machine.name, "from": source, "to": str(to)},
            )
        machine.check(source, to, subject=subject)
        if check is not None:
            check(row)
        values: dict[str, Any] = {machine.column: str(to)}
        if machine.changed_at:
            values[machine.changed_at] = timezone.now()
        if fields is not None:
            values.update(fields(row, source) if callable(fields) else fields)
        model = type(row)
        written = model._default_manager.filter(pk=row.pk, **{machine.column: source}).update(**values)
        if written != 1:  # pragma: no cover - the row lock makes this a second line of defence
            raise StaleTransition(f"{subject or machine.name} {pk} changed meanwhile.")
        for name, value in values.items():
            setattr(row, name, value)
        _send_on_commit(machine, model, [row.pk], source, str(to))
        return row


def bulk_transition(
    machine: Machine, queryset: QuerySet[M], *, to: str, fields: Mapping[str, Any] | None = None
) -> list[Any]:
    """Move every row of `queryset` that may legally go to `to`, in one UPDATE; returns their pks.

    The `WHERE state IN (…)` is the declaration's sources of `to`; rows in any
    other state are left as they are.
    """
    values: dict[str, Any] = {machine.column: str(to), **(fields or {})}
    if machine.changed_at:
        values.setdefault(machine.changed_at, timezone.now())
    sources = sorted(machine.sources_of(to))
    model = queryset.model
    with transaction.atomic():
        pks = list(
            queryset.filter(**{f"{machine.column}__in": sources})
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if pks:
            model._default_manager.filter(pk__in=pks, **{f"{machine.column}__in": sources}).update(**values)
        _send_on_commit(machine, model, pks, None, str(to))
    return pks


# --- diagrams in the docs ------------------------------------------------------

# Where each machine's diagram lives: `<!-- machine: <dotted path> -->`, a
# mermaid fence, then `<!-- /machine -->`. `manage.py state_diagrams --write`
# rewrites the blocks; a test fails when one differs from its declaration.
DIAGRAM_BLOCK = re.compile(
    r"(<!-- machine: (?P<path>[\w.]+) -->\n```mermaid\n)(?P<body>.*?)(\n```\n<!-- /machine -->)", re.S
)


def diagram_blocks(text: str) -> list[tuple[str, str]]:
    """The (machine path, diagram) pairs written in a document."""
    return [(m["path"], m["body"]) for m in DIAGRAM_BLOCK.finditer(text)]


def diagrams_rewritten(text: str) -> str:
    """The document with every machine block replaced by its declaration's diagram."""
    return DIAGRAM_BLOCK.sub(lambda m: m.group(1) + import_string(m["path"]).mermaid() + m.group(4), text)
