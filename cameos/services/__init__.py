"""Writes of the cameos app: one function per state change (`<entity>_<action>`, keyword-only).

Import them from this package (`from cameos.services import cameo_grant`); the modules:

- `enrolment`: `cameo_transition` (every cameo move, `cameos.states.CAMEO_MACHINE`),
  `cameo_create`, `cameo_attach_recording`;
- `verification`: the worker's `cameo_process_recording`, attempt counting,
  `cameos_reconcile_processing`, `cameo_mark_failed`;
- `consent`: `cameo_update` (audience, rules), requests, grants, revocations,
  `cameo_access_end_for_block`;
- `deletion`: `cameo_delete`, `cameos_delete_for_account`;
- `appearances`: `appearance_record`, `appearance_remove`, `appearances_remove_objects`;
- `detection`: `detect_likeness`, `face_detect`, `output_faces_erase`;
- `public_figures`: `public_figure_add`, `public_figure_delete`;
- `owner_rules`: `cast_rules_check`, `approval_missing`, `rule_attempts_record`;
- `approvals`: `use_approvals_request`, `use_approval_decide`;
- `decisions`: `owner_decide` (internal), the owner's decision shared by requests and approvals;
- `notifications`: `notify_owner` (internal), `notifications_mark_read`;
- `audit`: `biometric_access_record`.

The contract other apps call:

- `detect_likeness(frames=..., subject=None)` → `LikenessReport` (generation's output check);
- `face_detect(image=...)` → faces (generation refuses photos of real people);
- `appearance_record(cameo_id=..., kind=..., object_id=..., source=..., score=None, creator_id=None)`;
- `appearances_remove_objects(cameo_id=..., kind=..., object_ids=...)` (feed reports remixes it removed).

Decisions that higher apps must act on are sent as the signals in
`cameos.signals`, inside the deciding transaction.
"""

from cameos.services.appearances import appearance_record, appearance_remove, appearances_remove_objects
from cameos.services.approvals import use_approval_decide, use_approvals_request
from cameos.services.audit import biometric_access_record
from cameos.services.consent import (
    cameo_access_end_for_block,
    cameo_grant,
    cameo_request_create,
    cameo_request_decide,
    cameo_revoke,
    cameo_update,
)
from cameos.services.deletion import cameo_delete, cameos_delete_for_account
from cameos.services.detection import detect_likeness, face_detect, output_faces_erase
from cameos.services.enrolment import cameo_attach_recording, cameo_create, cameo_transition
from cameos.services.notifications import notifications_mark_read
from cameos.services.owner_rules import approval_missing, cast_rules_check, rule_attempts_record
from cameos.services.public_figures import public_figure_add, public_figure_delete
from cameos.services.verification import (
    cameo_mark_failed,
    cameo_process_recording,
    cameo_verify_attempt_start,
    cameos_reconcile_processing,
)

__all__ = [
    "appearance_record",
    "appearance_remove",
    "appearances_remove_objects",
    "approval_missing",
    "biometric_access_record",
    "cameo_access_end_for_block",
    "cameo_attach_recording",
    "cameo_create",
    "cameo_delete",
    "cameo_grant",
    "cameo_mark_failed",
    "cameo_process_recording",
    "cameo_request_create",
    "cameo_request_decide",
    "cameo_revoke",
    "cameo_transition",
    "cameo_update",
    "cameo_verify_attempt_start",
    "cameos_delete_for_account",
    "cameos_reconcile_processing",
    "cast_rules_check",
    "detect_likeness",
    "face_detect",
    "notifications_mark_read",
    "output_faces_erase",
    "public_figure_add",
    "public_figure_delete",
    "rule_attempts_record",
    "use_approval_decide",
    "use_approvals_request",
]
