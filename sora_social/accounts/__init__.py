"""Accounts: members, sign-in and sessions, invites and the invite tree, the waitlist, follows,
blocks, parental links, and the moderators' account actions.

Module map (other apps use only `selectors`, `services`, `signals`, `viewer`):

- `models/`: users, invites, graph (follows, blocks), parental links, audit (`AccountAction`).
- `selectors/`: reads, by subdomain: `members`, `graph`, `teens`, `tree`, `risk`.
- `services/`: writes, by subdomain: `profile`, `invites`, `signup`, `invite_attempts`,
  `waitlist`, `tree`, `moderation`, `deletion`, `graph`, `parental`, `sessions`.
- `viewer`: `Viewer` (who is asking: teen status, parental caps, blocks), built once
  per request by `viewer_of`; `member_of` types the signed-in member of a request.
- `presenters`: every dict the app sends (API bodies).
- `api/`: `urls`, `views/` by area (sessions, onboarding, me, invites, graph,
  parental), `serializers` (sign-in input, schema components).
- `admin/`: the moderators' admin (`actions`, `members`, `invites`, `records`);
  `admin_login`: the throttled admin sign-in form.
- `authentication`: the bearer JWT authentication; `tokens`: refresh-token families.
- `signals`: `user_blocked`, `account_suspended`, `account_deleted`.
- `tasks`: the daily teen age-out and the refresh-token flush.
- `usernames`: normalisation and the confusable skeleton; `seeding`: demo members.
- `web`: the invite page `/i/<code>` (HTML signup and waitlist forms over the same services).
"""
