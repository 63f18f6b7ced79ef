"""Writes of the moderation app; other apps call moderation through here.

Every state change goes through one function (`<entity>_<action>`,
keyword-only). Every automated decision and every moderator action leaves an
`AuditEvent`. Actions reach the apps that own the content only through
`moderation.signals.content_actioned`, sent on commit.

- `checks`: `check_prompt`, `check_frames`, `prompt_scores`, `message_scores`, `text_embedder`,
  `sample_frames`, `content_rating`, `classifiers_ready` (classifier plumbing).
- `cases`: the case constants (`REPORT_REASONS`, `CASE_CATEGORIES`, `TRUST_CAP`),
  `priority_of`, `case_transition`, `case_assign`, `case_open_by_moderator`,
  `case_open_automated` (automated matchers such as provenance's hash banks), and
  `case_move`, the one way a case changes state (`moderation.states.CASE_MACHINE`).
- `reports`: `report_create`, `reporter_trust`.
- `actions`: `case_act`, `subject_act` (content and account actions),
  `subject_act_automated` (an automated matcher's content action).
- `strikes`: `strike_appeal`, `strike_appeal_decide`.
- `policies`: `policy_publish`.
- `registries`: `registry_changed` (the registries' cache version, bumped on commit),
  `registry_set_active` (the admin's on/off actions).
- `rescans`: `rescan_run_batch`.
- `audit`: `audit_staff_action` (staff actions of the owning apps' admin).
- `appeals`: `prompt_appeal_open`, `prompt_appeal_decide`, `prompt_appeal_decide_for_case`
  (appeals of prompt blocks; an overturn records a `PromptAllowance`).

Who may act (`moderator_categories`, `may_act`) is a read: `moderation.selectors`.
"""

from moderation.services.actions import (
    ACCOUNT_ACTION_KINDS,
    ACTION_KINDS,
    CONTENT_ACTION_KINDS,
    case_act,
    subject_act,
    subject_act_automated,
)
from moderation.services.appeals import (
    prompt_appeal_decide,
    prompt_appeal_decide_for_case,
    prompt_appeal_open,
)
from moderation.services.audit import audit_staff_action
from moderation.services.cases import (
    CASE_CATEGORIES,
    CATEGORY_SEVERITY,
    FAST_TRACK_REASONS,
    LIKENESS,
    REPORT_REASONS,
    TRUST_CAP,
    case_assign,
    case_move,
    case_open_automated,
    case_open_by_moderator,
    case_transition,
    priority_of,
)
from moderation.services.checks import (
    check_frames,
    check_prompt,
    classifiers_ready,
    content_rating,
    message_scores,
    prompt_scores,
    sample_frames,
    score_prompts,
    text_embedder,
)
from moderation.services.policies import policy_publish
from moderation.services.registries import registry_changed, registry_set_active
from moderation.services.reports import report_create, reporter_trust
from moderation.services.rescans import rescan_run_batch
from moderation.services.strikes import strike_appeal, strike_appeal_decide

__all__ = [
    "ACCOUNT_ACTION_KINDS",
    "ACTION_KINDS",
    "CASE_CATEGORIES",
    "CATEGORY_SEVERITY",
    "CONTENT_ACTION_KINDS",
    "FAST_TRACK_REASONS",
    "LIKENESS",
    "REPORT_REASONS",
    "TRUST_CAP",
    "audit_staff_action",
    "case_act",
    "case_assign",
    "case_move",
    "case_open_automated",
    "case_open_by_moderator",
    "case_transition",
    "check_frames",
    "check_prompt",
    "classifiers_ready",
    "content_rating",
    "message_scores",
    "policy_publish",
    "priority_of",
    "prompt_appeal_decide",
    "prompt_appeal_decide_for_case",
    "prompt_appeal_open",
    "prompt_scores",
    "registry_changed",
    "registry_set_active",
    "report_create",
    "reporter_trust",
    "rescan_run_batch",
    "sample_frames",
    "score_prompts",
    "strike_appeal",
    "strike_appeal_decide",
    "subject_act",
    "subject_act_automated",
    "text_embedder",
]
