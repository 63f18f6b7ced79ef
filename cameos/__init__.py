"""Cameos: the likeness registry (cameos and protected public figures), face models, consent, appearances.

May import: accounts, moderation. Where things live:

- `models/`: `Cameo` (`cameo`), consent rows (`consent`), `Appearance`, notifications,
  the biometric access audit, and the embedding registry tables (`registry`);
- `states`: the state machines (`CAMEO_MACHINE`, `REQUEST_MACHINE`, `USE_APPROVAL_MACHINE`)
  and their enums;
- `services/`: every write (`enrolment`, `verification`, `consent`, `deletion`, `appearances`,
  `detection`, `public_figures`, `owner_rules`, `approvals`, `notifications`, `audit`);
- `selectors/`: every read (`consent`, `cameos`, `appearances`, `owner_rules`, `notifications`);
- `presenters`: the API bodies and WebSocket events, as dicts;
- `api/`: `urls`, `views` (parse, call, present), `serializers` (schema components);
- `enrolment` (the recording's probe, decode and judge), `faces/` (face backends),
  `registry` (nearest-neighbour search), `likeness` (frames → matches), `rules` (owner-rule checks,
  pure), `rules_eval` (the free-text threshold's evaluation);
- `signals` (sent), `receivers` (accounts' signals), `subjects` (cameos as moderation subjects),
  `tasks` (Celery: verification and its reconciler), `admin`, `seeding` (demo cameos).
"""
