"""Members: one by id (the API's 404 and the per-request load), mentions, table names."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, cast

from django.db import connection
from django.db.models import Q

from sora_social.accounts.models import Block, Follow, User
from sora_social.common.db import prepared_cursor
from sora_social.common.errors import NotFound, ValidationFailed
from sora_social.common.ids import parse_id


def user_get(*, user_id: object) -> User:
    """An active member by id; unknown, malformed and inactive ids are all 404."""
    pk = parse_id(user_id)
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    if user is None:
        raise NotFound("No such user.")
    return user


def user_get_by_username(*, username: str) -> User:
    """An active member by username (case-insensitive, as usernames are unique); else 404."""
    user = User.objects.filter(username__iexact=username[:150], is_active=True).first() if username else None
    if user is None:
        raise NotFound("No such user.")
    return user


def user_load(*, user_id: int) -> User | None:
    """The member with this id, by one prepared statement: what every authenticated request loads.

    Same instance as `User.objects.get(pk=...)` (a test compares them field by
    field) without compiling the query on each request.
    """
    sql, fields, converters = _user_load_statement()
    with prepared_cursor() as cur:
        cur.execute(sql, [user_id])
        row = cur.fetchone()
    if row is None:
        return None
    if converters:
        row = list(row)
        for i, col, convs in converters:
            for conv in convs:
                row[i] = conv(row[i], col, connection)
    return User.from_db("default", [f.attname for f in fields], row)


@functools.cache
def _user_load_statement() -> tuple[str, list[Any], list[tuple[int, Any, list[Any]]]]:
    fields = list(User._meta.concrete_fields)
    # A concrete field always has a column; the stubs allow None for the others.
    columns = ", ".join(connection.ops.quote_name(cast(str, f.column)) for f in fields)
    sql = f"SELECT {columns} FROM {connection.ops.quote_name(User._meta.db_table)} WHERE id = %s"  # noqa: S608
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(User._meta.db_table)
        convs = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if convs:
            converters.append((i, col, convs))
    return sql, fields, converters


def active_user_ids(*, user_ids: Iterable[int]) -> set[int]:
    """Of `user_ids`, the members whose accounts are active (one query)."""
    return set(User.objects.filter(pk__in=list(user_ids), is_active=True).values_list("id", flat=True))


def active_member_ids() -> list[int]:
    """Every active member's id, in id order (demo seeding spreads posts over them)."""
    return list(User.objects.filter(is_active=True).order_by("id").values_list("id", flat=True))


def sql_tables() -> dict[str, str]:
    """Table names of members, follows and blocks, for another app's hand-written SQL."""
    return {"user": User._meta.db_table, "follow": Follow._meta.db_table, "block": Block._meta.db_table}


# `@username` in captions and comments: Django's username characters, not preceded by a word
# character (so e-mail addresses are not mentions).
MENTION_RE = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")
MAX_MENTIONS = 20


def mentioned_users(*, text: str) -> dict[int, str]:
    """Active members mentioned as `@username` in `text` (case-insensitive): id → username. One query."""
    names = {m.lower() for m in MENTION_RE.findall(text or "")}
    if not names:
        return {}
    if len(names) > MAX_MENTIONS:
        raise ValidationFailed(f"At most {MAX_MENTIONS} mentions.", code="too_many_mentions")
    match = Q()
    for name in names:
        match |= Q(username__iexact=name)
    return dict(User.objects.filter(match, is_active=True).values_list("pk", "username"))
