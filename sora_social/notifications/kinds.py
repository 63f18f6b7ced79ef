"""The kinds of notification: which group, which members may mute, and the sentence each one reads as.

A kind is a plain string (`like`, `cameo.cast`, …) so callers in every app
name it without importing an enum; `KINDS` is the list members see in their
preferences. Kinds that group share one row per (kind, target) while it is
unread: "12 people liked your post". The others stand alone.
"""

from __future__ import annotations

from typing import Final

LIKE: Final = "like"
COMMENT: Final = "comment"
REMIX: Final = "remix"
FOLLOW: Final = "follow"
CAMEO_CAST: Final = "cameo.cast"
CAMEO_REQUESTED: Final = "cameo.requested"
CAMEO_DETECTED: Final = "cameo.detected"
CAMEO_VERIFIED: Final = "cameo.verified"
CAMEO_REJECTED: Final = "cameo.rejected"
CAMEO_RULE_BLOCKED: Final = "cameo.rule_blocked"
CAMEO_APPROVAL: Final = "cameo.approval"
DM_REQUEST: Final = "dm_request"
MODERATION_OUTCOME: Final = "moderation.outcome"
MODERATION_WARN: Final = "moderation.warn"
MODERATION_STRIKE: Final = "moderation.strike"
STRIKE_DECIDED: Final = "moderation.strike_decided"
APPEAL_DECIDED: Final = "moderation.appeal_decided"
REPORT_OUTCOME: Final = "moderation.report_outcome"
INVITEE_SUSPENDED: Final = "invitee.suspended"
INVITEES_SUSPENDED: Final = "invitees.suspended"

# What each kind says, with `{actors}` for the sample ("ana, ben and 10 others").
SENTENCES: Final[dict[str, str]] = {
    LIKE: "{actors} liked your post",
    COMMENT: "{actors} commented on your post",
    REMIX: "{actors} remixed your post",
    FOLLOW: "{actors} started following you",
    CAMEO_CAST: "{actors} cast your cameo",
    CAMEO_REQUESTED: "{actors} asked to use your cameo",
    CAMEO_DETECTED: "Your likeness was found in a video",
    CAMEO_VERIFIED: "Your cameo is verified",
    CAMEO_REJECTED: "Your cameo could not be verified",
    CAMEO_RULE_BLOCKED: "{actors} tried to use your cameo against your rules",
    CAMEO_APPROVAL: "{actors} wants to use your cameo: approve or decline",
    DM_REQUEST: "{actors} sent you a message request",
    MODERATION_OUTCOME: "A moderator acted on your content",
    MODERATION_WARN: "You received a warning",
    MODERATION_STRIKE: "You received a strike",
    STRIKE_DECIDED: "Your strike appeal was decided",
    APPEAL_DECIDED: "Your appeal was decided",
    REPORT_OUTCOME: "We reviewed your report",
    INVITEE_SUSPENDED: "Someone you invited was suspended",
    INVITEES_SUSPENDED: "Members you invited were suspended",
}

KINDS: Final[tuple[str, ...]] = tuple(SENTENCES)

# One row per (kind, target) while unread; the rest stand alone.
GROUPED: Final[frozenset[str]] = frozenset(
    {LIKE, COMMENT, REMIX, FOLLOW, CAMEO_CAST, CAMEO_REQUESTED, CAMEO_DETECTED, CAMEO_RULE_BLOCKED}
)

# Safety notices a member cannot turn off: they are how we tell them about
# decisions on their account (and the law in several regions asks for them).
UNMUTABLE: Final[frozenset[str]] = frozenset(
    {MODERATION_OUTCOME, MODERATION_WARN, MODERATION_STRIKE, STRIKE_DECIDED, APPEAL_DECIDED}
)
MUTABLE: Final[tuple[str, ...]] = tuple(k for k in KINDS if k not in UNMUTABLE)

# The kinds the deprecated `/me/cameo-notifications` list shows (prefix `cameo.`).
CAMEO_PREFIX: Final = "cameo."


def sentence(kind: str, actor_names: list[str], count: int) -> str:
    """The line a client shows: "ana and 11 others liked your post"."""
    template = SENTENCES.get(kind, "You have a new notification")
    if not actor_names:
        who = "Someone" if count <= 1 else f"{count} people"
    else:
        others = count - len(actor_names)
        if others <= 0:
            who = (
                actor_names[0]
                if len(actor_names) == 1
                else ", ".join(actor_names[:-1]) + f" and {actor_names[-1]}"
            )
        else:
            who = ", ".join(actor_names) + f" and {others} other{'s' if others > 1 else ''}"
    return template.format(actors=who)
