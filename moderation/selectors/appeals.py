"""Reads of prompt appeals: whether a member may run a prompt an overturned appeal allowed, and the queue."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from django.db.models import QuerySet

from moderation.models import PromptAllowance, PromptAppeal, PromptAppealDecision

_SPACE = re.compile(r"\s+")


def prompt_key(text: str) -> str:
    """The form an allowance is kept under: NFKC, case-folded, whitespace collapsed, trimmed.

    Deliberately narrow: only a prompt that reads the same to a person matches
    ("A cat " and "a  cat"), never a prompt with other words.
    """
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def prompt_hash(text: str) -> str:
    """sha256 (hex) of the prompt's `prompt_key`: what `PromptAllowance` stores."""
    return hashlib.sha256(prompt_key(text).encode("utf-8")).hexdigest()


def prompt_allowed(user_id: int | None, text: str) -> bool:
    """True when a moderator overturned a block of this very prompt for this very member."""
    if not user_id or not text.strip():
        return False
    return PromptAllowance.objects.filter(user_id=user_id, prompt_hash=prompt_hash(text)).exists()


def prompt_appeal_for_case(*, case_id: int) -> PromptAppeal | None:
    """The prompt appeal a case was opened for (the pending one first), or None."""
    appeals = PromptAppeal.objects.filter(case_id=case_id).order_by("-id")
    return appeals.filter(state=PromptAppeal.State.PENDING).first() or appeals.first()


def prompt_appeal_for_subject(*, kind: str, object_id: int) -> PromptAppeal | None:
    """The appeal of a blocked subject (there is at most one), or None."""
    return PromptAppeal.objects.filter(subject_kind=kind, subject_id=object_id).first()


def appeal_decisions() -> QuerySet[PromptAppealDecision]:
    """Every decided appeal, oldest first, with its moderator (for the training-data export)."""
    return PromptAppealDecision.objects.select_related("moderator").order_by("id")
