"""The moderators' admin, one module per area (Django loads this package as `moderation.admin`).

- `cases`: the review queue, the case page, bulk actions, the dashboard.
- `charts`: the dashboard's SVG bar charts.
- `policies`: policies, blocklist terms, moderator groups, rescans, verdicts.
- `registries`: the public-figures and rights-holder registries (aliases one per line).
- `records`: reports, the audit log, strikes and appeal decisions, prompt appeals (overturn, uphold).
- `base`: the staff member of a request, the reason field, read-only lists.
"""

from moderation.admin import cases, policies, records, registries

__all__ = ["cases", "policies", "records", "registries"]
