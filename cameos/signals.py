"""Domain signals of the cameos app: how a cameo decision reaches generation and feed.

Cameos sits below generation and feed, so it cannot call them; it records the
fact and sends one of these signals *inside the same transaction*, so a
receiver's writes commit or roll back with the decision. Receivers are
connected in the higher app's `AppConfig.ready()` and must be set-based (one
statement per signal, whatever the number of ids) and idempotent.

`cameo_access_revoked(sender, cameo_id, user_id)`
    The owner removed `user_id`'s access to `cameo_id` (revocation, a block,
    or an audience narrowed past them is reported per explicit revocation).
    Generation: cancel that user's queued and running jobs that cast the cameo
    (they end `cancelled` and keep no output). Feed: that user's unpublished
    drafts carrying the cameo can no longer be published; publish must also
    call `cameos.selectors.may_cast` at publish time.

`appearance_removed(sender, cameo_id, kind, object_ids)`
    The owner removed videos carrying their likeness (`kind` is "generation"
    or "post", `object_ids` a list of ints). Remove those videos for everyone,
    including the creator's drafts, together with every remix descendant that
    carries the same likeness; report the descendants back through
    `cameos.services.appearances_remove_objects` so the owner's list agrees.

`cameo_deleted(sender, cameo_id)`
    Sent before the cameo row and its face data are erased (after
    `appearance_removed` for all its appearances). Generation cancels every
    job casting the cameo, whoever submitted it.

`cameo_use_decided(sender, cameo_id, kind, object_id, approved)`
    The owner of a cameo whose rules ask to approve every use decided on one
    (`kind` "generation", `object_id` the job). Generation: a denial ends the
    job `blocked` (`cameo_rule_violation`); an approval lets it go on to the GPU
    once every such owner of its cast approved.
"""

from django.dispatch import Signal

cameo_access_revoked = Signal()
appearance_removed = Signal()
cameo_deleted = Signal()
cameo_use_decided = Signal()
