"""What a message must pass before it is stored: content rules, the text checks, rate limits.

Links and images are refused outright for now (the cheapest way to keep spam,
phishing and unsolicited images out of private conversations until there is
review tooling for them). Text goes through moderation's prompt classifiers
(`moderation.services.message_scores`: the blocklist and the per-language
lexicons; the prompt heads, trained on generation prompts, misfire on chat)
and is refused at the active policy's block threshold, the teen table for teens. Nothing about a message is stored by
moderation unless it is reported: DMs are private.

Rate limits are counted from the database (the truth, and the same under any
number of web workers), with the sender's row locked by the caller:
messages a minute per sender, new people a day a sender may start
conversations with, and messages a sender may send into a thread while a
recipient has not yet accepted it (a request is a knock, not a stream).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from messaging.models import Message, ThreadMember
from moderation.classifiers import BLOCK
from moderation.policies import active_policy, decide
from moderation.services import message_scores
from sora_social.common.errors import RateLimited, ValidationFailed

MAX_TEXT = 2000

# Scheme links, www. hosts, bare domains with a common TLD, and data/blob URIs.
_LINK = re.compile(
    r"(?i)(\b[a-z][a-z0-9+.-]*://\S|\bwww\.\S|\b(?:data|blob):\S"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|ly|gg|me|app|link|xyz|info|ru|tk|to|tv|be|us|uk)\b)"
)


def text_clean(text: str | None) -> str:
    """The message text, trimmed; 400 when too long or carrying a link."""
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"Messages are at most {MAX_TEXT} characters.", code="message_too_long")
    if _LINK.search(text):
        raise ValidationFailed(
            "Links are not allowed in direct messages; share a post instead.",
            code="links_not_allowed",
            details={"text": ["Links are not allowed in direct messages."]},
        )
    return text


def text_check(*, text: str, teen: bool) -> None:
    """400 `message_not_allowed` when the text checks would block it (teens at the teen thresholds)."""
    if not text:
        return
    policy = active_policy()
    decision, flagged, _ = decide(
        scores=message_scores(text=text),
        matches=[],
        teen=teen,
        thresholds=policy.thresholds,
        teen_thresholds=policy.teen_thresholds,
    )
    if decision == BLOCK:
        raise ValidationFailed(
            "This message breaks the community guidelines and was not sent.",
            code="message_not_allowed",
            details={"categories": flagged},
        )


def send_rate_check(*, sender_id: int) -> None:
    """429 once the sender has sent MESSAGING_SEND_PER_MINUTE messages in the last minute."""
    limit = settings.MESSAGING_SEND_PER_MINUTE
    since = timezone.now() - timedelta(minutes=1)
    recent = Message.objects.filter(sender_id=sender_id, created_at__gte=since)
    if recent.count() >= limit:
        raise RateLimited(
            "You are sending messages too fast; wait a moment.",
            code="messages_rate_limited",
            retry_after=60,
            details={"limit": limit},
        )


def new_recipients_check(*, sender_id: int, adding: int) -> None:
    """429 when starting conversations with `adding` more people would pass the daily limit."""
    limit = settings.MESSAGING_NEW_RECIPIENTS_PER_DAY
    since = timezone.now() - timedelta(days=1)
    started = (
        ThreadMember.objects.filter(thread__created_by_id=sender_id, created_at__gte=since)
        .exclude(user_id=sender_id)
        .values("user_id")
        .distinct()
        .count()
    )
    if started + adding > limit:
        raise RateLimited(
            "You have started conversations with too many new people today.",
            code="new_recipients_rate_limited",
            retry_after=3600,
            details={"limit": limit},
        )


def request_messages_check(*, thread_id: int, sender_id: int, requested: int) -> None:
    """429 once the sender has sent MESSAGING_REQUEST_MESSAGES_MAX messages into a thread that
    `requested` (> 0) recipients have not accepted yet."""
    limit = settings.MESSAGING_REQUEST_MESSAGES_MAX
    if not requested:
        return
    if Message.objects.filter(thread_id=thread_id, sender_id=sender_id).count() >= limit:
        raise RateLimited(
            "Wait for a reply: your request has not been accepted yet.",
            code="request_messages_limited",
            retry_after=3600,
            details={"limit": limit},
        )
