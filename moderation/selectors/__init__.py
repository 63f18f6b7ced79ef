"""Reads of the moderation app; other apps read moderation through here.

- `permissions`: `moderator_categories`, `may_act` (moderator groups).
- `cases`: `case_category`, `case_queue`, `cases_per_day` and `open_case_counts` (the admin dashboard).
- `subjects`: `subject_is_removed`, `verdicts_for_subject`.
- `strikes`: `strikes_for_user`.
- `rescans`: `unfinished_rescan_ids` (the reconciler).
- `registries`: `public_figure_rows`, `rights_holder_rows` (the name matcher's rows, cached per
  process, reloaded when a row changes).
- `appeals`: `prompt_allowed` (the prompt check's allowances), `prompt_hash`, `prompt_key`,
  `prompt_appeal_for_case`, `prompt_appeal_for_subject`, `appeal_decisions`.
"""

from moderation.selectors.appeals import (
    appeal_decisions,
    prompt_allowed,
    prompt_appeal_for_case,
    prompt_appeal_for_subject,
    prompt_hash,
    prompt_key,
)
from moderation.selectors.cases import case_category, case_queue, cases_per_day, open_case_counts
from moderation.selectors.permissions import may_act, moderator_categories
from moderation.selectors.registries import public_figure_rows, rights_holder_rows
from moderation.selectors.rescans import unfinished_rescan_ids
from moderation.selectors.strikes import strikes_for_user
from moderation.selectors.subjects import subject_is_removed, verdicts_for_subject

__all__ = [
    "appeal_decisions",
    "case_category",
    "case_queue",
    "cases_per_day",
    "may_act",
    "moderator_categories",
    "open_case_counts",
    "prompt_allowed",
    "prompt_appeal_for_case",
    "prompt_appeal_for_subject",
    "prompt_hash",
    "prompt_key",
    "public_figure_rows",
    "rights_holder_rows",
    "strikes_for_user",
    "subject_is_removed",
    "unfinished_rescan_ids",
    "verdicts_for_subject",
]
