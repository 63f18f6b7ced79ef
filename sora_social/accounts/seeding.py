"""Demo members: a staff moderator, three named members and N generated ones, forming
one invite tree with codes.

The tree is a 4-ary heap in name order: alice is the root (she joined with a
staff code), member k's inviter is member (k-1)//4, so every member has at
most INVITES_PER_USER invitees, each invitee redeemed one of their inviter's
codes, and 10,000 members reach depth 7. Everything is written with bulk
inserts and a few set-based UPDATEs; running it again adds only what is missing.
Profiles: every demo member gets a bio, the named ones an avatar and each other as follows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from sora_social.accounts.models import InviteCode, User
from sora_social.accounts.models.users import child_path, root_path
from sora_social.accounts.services.graph import follow_create
from sora_social.accounts.services.invites import new_code
from sora_social.accounts.services.profile import user_update_profile
from sora_social.accounts.services.tree import invite_counters_rebuild
from sora_social.common.ids import new_ids

DEMO_PASSWORD = "sora-demo-pass"  # noqa: S105 - public demo credentials
ADMIN_PASSWORD = "sora-admin-pass"  # noqa: S105 - public demo credentials
NAMED = [("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol")]
BATCH = 2000
DEMO_BIRTHDATE = dt.date(1992, 6, 1)


DEMO_BIOS = [
    "Making tiny films about big feelings.",
    "Remixing anything with a cat in it.",
    "Stop-motion nerd. Always casting my dog.",
    "Travel clips from places I have not been (yet).",
    "Space, synths and slow pans.",
    "Cooking videos where nothing goes to plan.",
]
_AVATAR_COLOURS = [(236, 94, 94), (74, 144, 226), (126, 200, 120)]


def _avatar_png(k: int) -> bytes:
    """A plain demo avatar: a disc on a contrasting square."""
    image = Image.new("RGB", (256, 256), (245, 240, 230))
    ImageDraw.Draw(image).ellipse((32, 32, 224, 224), fill=_AVATAR_COLOURS[k % len(_AVATAR_COLOURS)])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _display(name: str) -> str:
    named = dict(NAMED)
    return named.get(name) or f"Member {name[6:].lstrip('0')}"


class UsersSeeder:
    name = "users"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--users", type=int, default=100, help="Generated members (besides the named ones)."
        )

    def run(self, options: dict[str, Any], progress: Any) -> list[str]:
        total = max(0, int(options["users"]))
        self._ensure_admin()
        names = [n for n, _ in NAMED] + [f"member{i:06d}" for i in range(1, total + 1)]
        bar = progress(total=len(names), desc="members", unit="user")
        self._members(names, bar)
        self._codes(names)
        invite_counters_rebuild()
        self._profiles()
        bar.close()
        return [
            f"  moderator: admin / {ADMIN_PASSWORD}  (Django admin)",
            *[f"  member:    {username} / {DEMO_PASSWORD}" for username, _ in NAMED],
            *self._invite_link(),
        ]

    def _invite_link(self) -> list[str]:
        """An unused code's invite page, to try the web signup (`/i/<code>`)."""
        code = (
            InviteCode.objects.filter(state=InviteCode.State.AVAILABLE, owner__isnull=False)
            .order_by("id")
            .first()
        )
        return [f"  invite:    /i/{code.display}  (web signup page)"] if code else []

    def _ensure_admin(self) -> None:
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser(
                "admin", "admin@demo.sora.local", ADMIN_PASSWORD, display_name="Admin"
            )

    def _profiles(self) -> None:
        """Bios for every demo member without one (one UPDATE), an avatar for each named member,
        and the named members following each other (through the services: counters move)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_user SET bio = (%s::text[])[1 + abs(hashint8(id)) %% %s]"
                " WHERE bio = '' AND email LIKE '%%@demo.sora.local' AND username <> 'admin'",
                [DEMO_BIOS, len(DEMO_BIOS)],
            )
        named = {u.username: u for u in User.objects.filter(username__in=[n for n, _ in NAMED])}
        for k, (name, _) in enumerate(NAMED):
            user = named.get(name)
            if user is None:
                continue
            if not user.avatar:
                user_update_profile(user=user, avatar=ContentFile(_avatar_png(k), name="avatar.png"))
            for other, target in named.items():
                if other != name:
                    follow_create(actor=user, target=target)

    def _members(self, names: list[str], bar: Any) -> None:
        existing = {
            row[0]: row[1:]
            for row in User.objects.filter(username__in=names).values_list("username", "id", "invite_path")
        }
        # One hash for every generated member: hashing is the slow part, and
        # these accounts are demo data sharing one password.
        hashed = make_password(DEMO_PASSWORD)
        ids: list[int] = []
        paths: list[str] = []
        fresh = new_ids(len(names))
        rows: list[User] = []
        repaired: list[User] = []
        children: dict[int, int] = {}
        for k, name in enumerate(names):
            pk, path = existing.get(name, (fresh[k], None))
            parent = (k - 1) // 4 if k else None
            if parent is None:
                computed = root_path(pk) if path is None else path
            else:
                children[parent] = children.get(parent, 0) + 1
                computed = child_path(paths[parent], (k - 1) % 4 + 1)
            ids.append(pk)
            paths.append(computed)
            fields = {
                "inviter_id": ids[parent] if parent is not None else None,
                "invite_root_id": ids[0] if k else None,
                "invite_depth": computed.count(".") - 1,
                "invite_path": computed,
            }
            if name not in existing:
                rows.append(
                    User(
                        id=pk,
                        username=name,
                        email=f"{name}@demo.sora.local",
                        display_name=_display(name),
                        password=hashed,
                        birthdate=DEMO_BIRTHDATE,
                        region="US",
                        **fields,
                    )
                )
            elif path != computed:
                # Accounts from an older seed, outside the tree: place them in it.
                repaired.append(User(id=pk, birthdate=DEMO_BIRTHDATE, region="US", **fields))
            else:
                bar.update(1)
        self._write(rows, repaired, bar)
        self._set_children_seq({ids[p]: n for p, n in children.items()})

    def _write(self, rows: list[User], repaired: list[User], bar: Any) -> None:
        """Insert the new members in batches; move the repaired ones into the tree."""
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            with transaction.atomic():
                User.objects.bulk_create(chunk, ignore_conflicts=True)
            bar.update(len(chunk))
        if repaired:
            User.objects.bulk_update(
                repaired,
                ["inviter_id", "invite_root_id", "invite_depth", "invite_path", "birthdate", "region"],
                batch_size=BATCH,
            )
            bar.update(len(repaired))

    def _set_children_seq(self, children: dict[int, int]) -> None:
        """The ordinal handed to each parent's latest invitee (never lowered): parent id → ordinal."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_user p SET invite_children_seq = GREATEST(p.invite_children_seq, v.n) "
                "FROM unnest(%s::bigint[], %s::int[]) AS v(id, n) WHERE p.id = v.id",
                [list(children), list(children.values())],
            )

    def _codes(self, names: list[str]) -> None:
        """Each member holds INVITES_PER_USER codes; code j of a member is redeemed by their j-th invitee."""
        per_user = settings.INVITES_PER_USER
        members = dict(User.objects.filter(username__in=names).values_list("username", "id"))
        ids = [members[n] for n in names]
        have: dict[int, list[tuple[int, str, int | None]]] = {}
        for owner, pk, state, redeemer in (
            InviteCode.objects.filter(owner_id__in=ids)
            .order_by("owner_id", "id")
            .values_list("owner_id", "id", "state", "redeemed_by_id")
        ):
            have.setdefault(owner, []).append((pk, state, redeemer))
        new_rows = []
        for owner in ids:
            missing = per_user - len(have.get(owner, []))
            fresh = new_ids(max(0, missing))
            for pk in fresh:
                new_rows.append(InviteCode(id=pk, code=new_code(), owner_id=owner))
                have.setdefault(owner, []).append((pk, InviteCode.State.AVAILABLE, None))
        for start in range(0, len(new_rows), BATCH * 2):
            InviteCode.objects.bulk_create(new_rows[start : start + BATCH * 2], ignore_conflicts=True)
        # Redemptions: child k of parent p redeemed p's ((k-1) % 4)-th code.
        code_ids: list[int] = []
        redeemers: list[int] = []
        for k in range(1, len(ids)):
            slot = (k - 1) % 4
            codes = have.get(ids[(k - 1) // 4], [])
            if slot < len(codes) and codes[slot][2] is None:
                code_ids.append(codes[slot][0])
                redeemers.append(ids[k])
        if code_ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE accounts_invitecode c SET state = 'redeemed', redeemed_by_id = v.u, redeemed_at = %s "
                    "FROM unnest(%s::bigint[], %s::bigint[]) AS v(c, u) "
                    "WHERE c.id = v.c AND c.redeemed_by_id IS NULL "
                    "AND NOT EXISTS (SELECT 1 FROM accounts_invitecode o WHERE o.redeemed_by_id = v.u)",
                    [timezone.now(), code_ids, redeemers],
                )
