"""The one domain signal through which moderation makes higher apps act.

`content_actioned(sender, kind, object_id, action, case_id, reason)` is sent on
commit of a moderation action on a subject. `kind` is the subject kind
registered in `moderation.registry` ("post", "comment", "cameo", "user", ...),
`action` one of `CONTENT_ACTIONS`. The owning app connects a receiver in its
`AppConfig.ready()` and does its part (hide the post everywhere, restore it,
age-restrict it, show the label). Receivers must be idempotent: a rescan or a
retried action may send the same (kind, object_id, action) twice.
"""

from __future__ import annotations

from django.dispatch import Signal

REMOVE = "remove"
RESTORE = "restore"
AGE_RESTRICT = "age_restrict"
LABEL = "label"
HIDE = "hide"  # hidden pending review (policy rescans, fast-tracked likeness reports)

CONTENT_ACTIONS = (REMOVE, RESTORE, AGE_RESTRICT, LABEL, HIDE)

content_actioned = Signal()
