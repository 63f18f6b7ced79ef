"""Who may message whom: the teen and block rules (rule 5) applied to a sender and recipients.

The rule itself lives in `sora_social.accounts.selectors.uncontactable_ids`
(blocks; adults reach a teen only when the teen follows them; a parent's
"off" and "mutuals only"); this module adds the sender's own side (a teen
whose parent turned DMs off cannot send either, and one limited to mutuals
may only message mutuals) and turns a refusal into the API's answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from sora_social.accounts.models import User
from sora_social.accounts.selectors import mutual_ids, uncontactable_ids
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import Forbidden, NotFound


def sender_refused(*, viewer: Viewer, recipient_ids: Iterable[int]) -> set[int]:
    """Of `recipient_ids`, those this sender's own teen controls keep them from messaging."""
    ids = set(recipient_ids)
    controls = viewer.controls
    if controls is None or not ids:
        return set()
    if not controls.dms_enabled:
        raise Forbidden("Direct messages are turned off for this account.", code="dms_off")
    if controls.dms_audience == "mutuals":
        return ids - mutual_ids(user_id=viewer.id)
    return set()


def contact_check(*, viewer: Viewer, sender: User, recipient_ids: Iterable[int]) -> None:
    """404 for anyone blocked either way (ids do not leak), 403 `contact_not_allowed` for the rest
    of the refused (the teen rules); nothing when every recipient may be messaged."""
    ids = set(recipient_ids) - {viewer.id}
    if not ids:
        return
    if ids & viewer.blocked_ids:
        raise NotFound("No such user.", code="user_not_found")
    refused = uncontactable_ids(sender=sender, recipient_ids=ids, direct_message=True)
    refused |= sender_refused(viewer=viewer, recipient_ids=ids)
    if refused:
        raise Forbidden(
            "You cannot send direct messages to this member.",
            code="contact_not_allowed",
            details={"user_ids": sorted(str(i) for i in refused)},
        )
