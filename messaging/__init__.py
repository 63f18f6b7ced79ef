"""Messaging: direct messages between members, 1:1 and small groups, with requests.

May import: accounts, moderation, cameos, generation, feed (messaging is the rightmost app).

Module map:

- `models/`: `Thread` (1:1 with a canonical pair key, or a group), `ThreadMember` (state,
  mute, stored unread count, read position), `Message` (text and/or a shared post);
- `states`: `THREAD_MACHINE` (active → ended), `MEMBER_MACHINE` (requested → active,
  declined, left), `MessageState`, `ThreadKind`;
- `services/`: every write (threads and requests, messages, retention, the content and
  contact checks, rate limits);
- `selectors/`: reads only (my row in a thread, inbox and requests, message pages, the
  context around a reported message);
- `presenters`: API bodies and WebSocket events;
- `api/`: views and URLs; `receivers`: blocks, account deletion, moderation actions;
  `subjects`: messages as moderation subjects; `seeding`: demo threads; `admin`.

An endpoint's behaviour: `api/views.py` → the selector or service it names.
"""
