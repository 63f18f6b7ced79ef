"""Reads of the cameos app; other apps read cameos through here (never through its models).

Import them from this package (`from cameos.selectors import may_cast`); the modules:

- `consent`: `may_cast`, `usable_cameo_ids`, `cameos_usable_by`, `cameo_visible_to`,
  `accesses_of`, `requests_for_owner` (the audience rule as one indexed query);
- `cameos`: `cameos_owned_by`, `cameo_owned`, `cameo_reference_image`,
  `cameos_stuck_processing`, `cameo_recording` (provenance hashing), and the cross-app reads `verified_cameo_ids`,
  `cameo_owners`, `sql_tables`;
- `appearances`: `appearances_of`, `cameos_in_object`, `objects_with_likeness`;
- `owner_rules`: `cameo_rules`, `cast_rules`, `use_approvals_for`, `use_approvals_for_owner`;
- `notifications`: `notifications_for`.
"""

from cameos.selectors.appearances import appearances_of, cameos_in_object, objects_with_likeness
from cameos.selectors.cameos import (
    cameo_owned,
    cameo_owners,
    cameo_recording,
    cameo_reference_image,
    cameos_owned_by,
    cameos_stuck_processing,
    sql_tables,
    verified_cameo_ids,
)
from cameos.selectors.consent import (
    accesses_of,
    cameo_visible_to,
    cameos_usable_by,
    may_cast,
    requests_for_owner,
    usable_cameo_ids,
)
from cameos.selectors.notifications import notifications_for
from cameos.selectors.owner_rules import cameo_rules, cast_rules, use_approvals_for, use_approvals_for_owner

__all__ = [
    "accesses_of",
    "appearances_of",
    "cameo_owned",
    "cameo_owners",
    "cameo_recording",
    "cameo_reference_image",
    "cameo_rules",
    "cameo_visible_to",
    "cameos_in_object",
    "cameos_owned_by",
    "cameos_stuck_processing",
    "cameos_usable_by",
    "cast_rules",
    "may_cast",
    "notifications_for",
    "objects_with_likeness",
    "requests_for_owner",
    "sql_tables",
    "usable_cameo_ids",
    "use_approvals_for",
    "use_approvals_for_owner",
    "verified_cameo_ids",
]
