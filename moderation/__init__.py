"""Moderation: classifiers, policies, blocklists, rights-holder registry, reports, cases, actions, strikes, appeals.

May import: accounts. Acts on higher apps only through documented domain signals.

Module map:

- `models/`: cases, reports, actions, strikes, moderator groups, audit (`cases`);
  policies, stored verdicts, blocklist terms, rescan jobs (`policy`); the
  rights-holder registry (`rights`); the public-figures registry (`figures`); prompt
  appeals, allowances and decisions (`appeals`).
- `states`: `CASE_MACHINE`, the case state machine (moves go through `transition()`).
- `services/`: writes, one module per subdomain: `checks` (classifier checks),
  `cases` (the case and its moves), `reports`, `actions` (`case_act`,
  `subject_act`), `strikes` (appeals), `policies`, `registries` (cache version, on/off),
  `rescans`, `audit`, `appeals` (appeals of prompt blocks).
- `selectors/`: reads: `permissions` (moderator groups), `cases` (queue,
  dashboard), `subjects`, `strikes`, `rescans`, `registries` (the name
  matcher's rows of both registries, cached per process), `appeals` (`prompt_allowed`).
- `presenters`: API bodies, the warn/strike and appeal-decided WebSocket events, the appeal export row.
- `api/`: `POST /api/v1/reports`, `GET /api/v1/me/strikes`, `POST /api/v1/strikes/{id}/appeal`.
- `tasks`: `moderation.rescan_batch`, `moderation.rescan_reconcile` (beat).
- `registry`: subject kinds and their adapters; `signals`: `content_actioned`;
  `receivers`: registry rows saved or deleted bump the registries' cache version.
- `classifiers/`: rule and model classifiers and their loader (`llm`: the optional guard LLM;
  `voice`: voice-imitation requests); `policies`: thresholds and `decide`;
  `categories`: the category codes.
- `admin/`: the moderator queue, case review, dashboard (`cases`), policies (`policies`),
  the public-figures and rights-holder registries (`registries`),
  reports, audit and appeals (`records`);
  `health`: classifier readiness; `seeding`: demo data.
"""
