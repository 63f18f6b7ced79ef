"""Hash-bank matches as moderation subjects: the case a match opens shows the match itself
(bank, signal, distance, the matched entry and the item), and links to the item."""

from __future__ import annotations

from typing import ClassVar

from moderation.registry import NoRelatives, RowSubject, SubjectView
from provenance.models import BankMatch
from sora_social.accounts.models import User

_ITEM_ADMIN = {
    "output": "/admin/generation/generationjob/{}/change/",
    "upload": "/admin/generation/imageupload/{}/change/",
    "enrolment": "/admin/cameos/cameo/{}/change/",
}


class MatchSubjects(RowSubject, NoRelatives):
    model: ClassVar[type[BankMatch]] = BankMatch
    owner_field: ClassVar[str] = "owner_id"

    def visible_to(self, object_id: int, user: User) -> bool:
        return False  # members never report a match; only the bank opens its case

    def reach(self, object_id: int) -> int:
        return 0

    def render(self, object_id: int) -> SubjectView:
        match = BankMatch.objects.select_related("bank", "entry").get(pk=object_id)
        entry = match.entry
        return SubjectView(
            title=f"Hash-bank match: {match.kind} {match.object_id} in bank “{match.bank.name}”",
            owner_id=match.owner_id,
            text=(
                f"{match.signal_type} distance {match.distance} (bank threshold {match.bank.threshold}); "
                f"action {match.action}. Matched entry #{entry.pk if entry else '-'}"
                f"{': ' + entry.note if entry and entry.note else ''} ({entry.source if entry else 'deleted'})."
            ),
            admin_url=_ITEM_ADMIN[match.kind].format(match.object_id),
            extra={
                "bank": match.bank.name,
                "signal": match.signal_type,
                "distance": match.distance,
                "entry_value": entry.value[:120] if entry else None,
                "item": f"{match.kind}:{match.object_id}",
            },
        )
